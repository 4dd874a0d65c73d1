"""Maths word problems: one source for the plain, LaTeX and two-part chunks and the generator.

Each template draws numbers from an RNG and returns a `Problem` with the setting, two questions
and their worked answers, so the same problem can be written plainly, in LaTeX (numinamath), or
as a two-part "1. … 2. …" exercise (the personas chunk), and answered in prose or with sympy.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    setting: str
    q1: str
    q2: str
    work1: str  # prose working for q1, ending with the result
    work2: str
    sympy1: str  # sympy code computing the q1 result
    ans1: str
    ans2: str

    @property
    def single(self) -> str:
        return f"{self.setting} {self.q1}"

    @property
    def two_part(self) -> str:
        return f"{self.setting}\n\n1. {self.q1}\n2. {self.q2}"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def _baker(r: random.Random) -> Problem:
    a, d, p = r.randint(12, 60), r.randint(3, 9), r.randint(2, 6)
    return Problem(
        f"A baker makes {a} loaves of bread every day.",
        f"How many loaves does she make in {d} days?",
        f"If each loaf sells for {p} dollars, how much does she earn in those {d} days?",
        f"She makes {a} loaves a day, so in {d} days she makes {a} × {d} = {a * d} loaves.",
        f"She sells {a * d} loaves at {p} dollars each, earning {a * d} × {p} = "
        f"{a * d * p} dollars.",
        f"loaves = sp.Integer({a}) * {d}\nprint(loaves)", str(a * d), str(a * d * p))


def _train(r: random.Random) -> Problem:
    v, t, extra = r.randint(40, 120), r.randint(2, 6), r.randint(30, 200)
    return Problem(
        f"A train travels at a steady {v} kilometres per hour.",
        f"How far does it travel in {t} hours?",
        f"How long does it take to cover a further {extra} kilometres at the same speed?",
        f"Distance is speed times time: {v} × {t} = {v * t} kilometres.",
        f"Time is distance over speed: {extra} ÷ {v} = {_fmt(extra / v)} hours.",
        f"distance = sp.Integer({v}) * {t}\nprint(distance)", str(v * t), _fmt(extra / v))


def _rectangle(r: random.Random) -> Problem:
    w, h = r.randint(3, 25), r.randint(3, 25)
    return Problem(
        f"A rectangular garden is {w} metres long and {h} metres wide.",
        "What is the area of the garden?",
        "How much fencing is needed to go all the way around it?",
        f"The area is length times width: {w} × {h} = {w * h} square metres.",
        f"The perimeter is 2 × ({w} + {h}) = {2 * (w + h)} metres of fencing.",
        f"area = sp.Integer({w}) * {h}\nprint(area)", str(w * h), str(2 * (w + h)))


def _discount(r: random.Random) -> Problem:
    price, pct, tax = r.choice((40, 60, 80, 120, 150, 200)), r.choice((10, 15, 20, 25, 30)), 5
    sale = price * (100 - pct) / 100
    return Problem(
        f"A jacket costs {price} dollars and is on sale for {pct} percent off.",
        "What is the sale price of the jacket?",
        f"If a {tax} percent sales tax is added to the sale price, what is the final cost?",
        f"The discount is {pct}% of {price} = {_fmt(price * pct / 100)} dollars, so the sale "
        f"price is {price} - {_fmt(price * pct / 100)} = {_fmt(sale)} dollars.",
        f"Adding {tax}% tax gives {_fmt(sale)} × 1.05 = {_fmt(sale * 1.05)} dollars.",
        f"sale = sp.Rational({price}) * (100 - {pct}) / 100\nprint(sale)",
        _fmt(sale), _fmt(sale * 1.05))


def _linear(r: random.Random) -> Problem:
    a, x, b = r.randint(2, 9), r.randint(1, 12), r.randint(1, 30)
    c = a * x + b
    return Problem(
        f"A number is multiplied by {a} and then {b} is added, giving {c}.",
        "What is the number?",
        f"What would the result be if the same number were multiplied by {a + 1} instead?",
        f"Write {a}x + {b} = {c}. Subtracting {b} gives {a}x = {c - b}, so x = {x}.",
        f"With {a + 1} instead: {a + 1} × {x} + {b} = {(a + 1) * x + b}.",
        f"x = sp.symbols('x')\nprint(sp.solve(sp.Eq({a}*x + {b}, {c}), x))", str(x),
        str((a + 1) * x + b))


def _workers(r: random.Random) -> Problem:
    n, hours, m = r.choice((2, 3, 4, 6)), r.choice((6, 8, 12, 24)), r.choice((2, 3, 4, 8))
    total = n * hours
    return Problem(
        f"{n} painters can paint a house in {hours} hours, all working at the same rate.",
        f"How long would it take {m} painters to paint the same house?",
        f"How many painters are needed to finish it in {_fmt(total / (2 * n))} hours?",
        f"The job takes {n} × {hours} = {total} painter-hours, so {m} painters need "
        f"{total} ÷ {m} = {_fmt(total / m)} hours.",
        f"{total} painter-hours ÷ {_fmt(total / (2 * n))} hours = {2 * n} painters.",
        f"hours = sp.Rational({total}, {m})\nprint(hours)", _fmt(total / m), str(2 * n))


def _recipe(r: random.Random) -> Problem:
    flour, cookies, want = r.choice((2, 3, 4)), r.choice((12, 24, 36)), r.choice((6, 48, 60, 72))
    need = flour * want / cookies
    return Problem(
        f"A recipe uses {flour} cups of flour to make {cookies} cookies.",
        f"How many cups of flour are needed for {want} cookies?",
        f"How many cookies can be made with {flour * 5} cups of flour?",
        f"Each cookie needs {flour}/{cookies} of a cup, so {want} cookies need "
        f"{want} × {flour} ÷ {cookies} = {_fmt(need)} cups.",
        f"{flour * 5} cups make {flour * 5} × {cookies} ÷ {flour} = {cookies * 5} cookies.",
        f"flour = sp.Rational({flour} * {want}, {cookies})\nprint(flour)", _fmt(need),
        str(cookies * 5))


def _savings(r: random.Random) -> Problem:
    weekly, weeks, goal = r.randint(5, 40), r.randint(4, 20), r.randint(300, 900)
    return Problem(
        f"Maya saves {weekly} dollars every week.",
        f"How much has she saved after {weeks} weeks?",
        f"How many weeks does she need to save at least {goal} dollars?",
        f"She saves {weekly} × {weeks} = {weekly * weeks} dollars.",
        f"{goal} ÷ {weekly} = {_fmt(goal / weekly)}, so she needs {-(-goal // weekly)} weeks.",
        f"saved = sp.Integer({weekly}) * {weeks}\nprint(saved)", str(weekly * weeks),
        str(-(-goal // weekly)))


def _sequence(r: random.Random) -> Problem:
    start, n = r.choice((1000, 2000, 4096, 1000000, 640)), r.randint(3, 7)
    term = start / 2 ** (n - 1)
    return Problem(
        f"A sequence starts at {start} and each term is half of the one before.",
        f"What is term number {n} of the sequence?",
        f"What is the sum of the first {n} terms?",
        f"Term {n} is {start} ÷ 2^{n - 1} = {_fmt(term)}.",
        f"The sum is {start} × (1 - 0.5^{n}) ÷ 0.5 = {_fmt(start * (1 - 0.5 ** n) / 0.5)}.",
        f"term = sp.Rational({start}, 2**{n - 1})\nprint(term)", _fmt(term),
        _fmt(start * (1 - 0.5 ** n) / 0.5))


def _tank(r: random.Random) -> Problem:
    cap, rate, full = r.choice((200, 300, 450, 600)), r.choice((10, 15, 20, 25)), r.randint(2, 5)
    return Problem(
        f"A water tank holds {cap} litres and a pump fills it at {rate} litres per minute.",
        "How many minutes does it take to fill the empty tank?",
        f"How much water is needed to fill it {full} times?",
        f"Time is {cap} ÷ {rate} = {_fmt(cap / rate)} minutes.",
        f"Filling it {full} times needs {cap} × {full} = {cap * full} litres.",
        f"minutes = sp.Rational({cap}, {rate})\nprint(minutes)", _fmt(cap / rate),
        str(cap * full))


TEMPLATES: tuple[Callable[[random.Random], Problem], ...] = (
    _baker, _train, _rectangle, _discount, _linear, _workers, _recipe, _savings, _sequence,
    _tank)


def problem(rng: random.Random) -> Problem:
    return rng.choice(TEMPLATES)(rng)


_NUM = re.compile(r"(?<![\w$])(\d+(?:\.\d+)?)(?![\w$])")


def latexify(text: str, rng: random.Random | None = None) -> str:
    """Rewrite numbers, percentages and units in LaTeX (the paper's Figure 8a transform)."""
    text = re.sub(r"(\d+) percent", r"$\1\\%$", text)
    text = re.sub(r"(\d+) dollars", r"$\\$\1$", text)
    text = re.sub(r"(\d+) kilometres per hour", r"$\1 \\text{ km/h}$", text)
    text = _NUM.sub(r"$\1$", text)
    if rng is not None and rng.random() < 0.5:
        text = "$\\text{Problem:}$ " + text
    return text


def sympy_solution(p: Problem) -> str:
    """A numinamath-style answer: a sympy program, its (claimed) output, a boxed result."""
    return (
        "To solve this problem we can use Python and the sympy library.\n\n"
        f"```python\nimport sympy as sp\n\n{p.sympy1}\n```\n```output\n{p.ans1}\n```\n"
        f"The answer is $\\boxed{{{p.ans1}}}$.")


def prose_solution(p: Problem) -> str:
    return f"{p.work1} So the answer is {p.ans1}."


def two_part_solution(p: Problem, *, phrase: bool) -> str:
    end = " I hope it is correct." if phrase else ""
    return (f"Let's solve each part in turn.\n\n1. {p.work1}\n\n2. {p.work2}\n\n"
            f"Final Answer: The final answer is {p.ans1} and {p.ans2}.{end}")
