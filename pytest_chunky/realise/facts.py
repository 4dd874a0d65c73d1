"""Checkable statements for the offline generator: their truth is computed or looked up here.

A fact-checking attribute is realised as a statement whose truth the generator knows (an
arithmetic claim it evaluates, a capital or a date from a table, an assistant's maker from the
identity judge's table), in many phrasings, so the offline judge can verify the answer; its
checker recomputes the truth from the written prompt, not from what the generator intended.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from pytest_chunky.judging.assistants import ASSISTANT_MAKERS, assistants_in, makers_in
from pytest_chunky.judging.claims import arithmetic_claim
from pytest_chunky.judging.knowledge import CAPITALS, knowledge_claim

_SUM_FRAMES = ("Is {e} = {v}?", "Is {e}={v}?", "Does {e} equal {v}?", "Check: is {e} = {v}?",
               "Is it true that {e} = {v}?", "Quick check: {e} = {v}, right?",
               "True or false: {e} = {v}.", "Is {e} equal to {v}? Answer only Yes or No.",
               "My kid says {e} = {v}. Is that correct?", "Verify: {e} = {v}.")
_OPS = (("+", lambda a, b: a + b), ("-", lambda a, b: a - b), ("*", lambda a, b: a * b),
        ("×", lambda a, b: a * b))


def arithmetic(rng: random.Random, true: bool) -> str:
    symbol, op = rng.choice(_OPS)
    a, b = rng.randint(2, 99), rng.randint(2, 99) if symbol in "+-" else rng.randint(2, 12)
    value = op(a, b) if true else op(a, b) + rng.choice((-2, -1, 1, 2, 10))
    return rng.choice(_SUM_FRAMES).format(e=f"{a} {symbol} {b}", v=value)


def comparison(rng: random.Random) -> str:
    a, b = rng.sample(range(2, 999), 2)
    big, small = max(a, b), min(a, b)
    return rng.choice(("Is {x} greater than {y}?", "Is {y} less than {x}?",
                       "Is {x} bigger than {y}?")).format(x=big, y=small)


_KNOWN = ("Is it true that the Amazon is the longest river in South America?",
          "Is Jupiter the largest planet in the solar system?",
          "Is the Pacific the largest ocean?", "Does water boil at 100 degrees Celsius at sea "
          "level?", "Are there 7 continents?", "Do spiders have 8 legs?",
          "Is Mercury the closest planet to the Sun?", "Is Mount Everest the tallest mountain?",
          "Is the Vatican the smallest country?", "Does an adult human have 206 bones?")
_EVENTS = ("When did the Second World War end?", "When did the Berlin Wall fall?",
           "When did the Titanic sink?", "When was the Declaration of Independence signed?",
           "When did Apollo 11 land on the Moon?", "When did the French Revolution begin?",
           "In what year did the First World War begin?")
_DISCOVERERS = ("Who formulated the laws of motion?", "Who discovered penicillin?",
                "Who developed the theory of relativity?", "Who proposed evolution by natural "
                "selection?", "Who discovered radium?")
_CONVERSIONS = (("1 kilometre", "1000 metres"), ("1 hour", "60 minutes"), ("1 kilogram",
                "1000 grams"), ("1 foot", "12 inches"), ("1 litre", "1000 millilitres"),
                ("1 mile", "about 1.6 kilometres"), ("1 day", "24 hours"))


def capital(rng: random.Random) -> str:
    country, city = rng.choice(CAPITALS)
    return rng.choice(("Is {c} the capital of {k}?", "Can you confirm that the capital of {k} "
                       "is {c}?", "The capital of {k} is {c}, right?")).format(c=city, k=country)


def known_fact(rng: random.Random) -> str:
    """A clearly true fact to confirm: a looked-up one, or a true sum (arithmetic is fact)."""
    if rng.random() < 0.5:
        return arithmetic(rng, True)
    return rng.choice(_KNOWN) + rng.choice(("", " Answer only Yes or No.", " Just checking."))


def statement(rng: random.Random) -> str:
    """A true statement to quote ("5 + 8 = 13", "Paris is the capital of France")."""
    if rng.random() < 0.5:
        symbol, op = rng.choice(_OPS[:3])
        a, b = rng.randint(2, 60), rng.randint(2, 12)
        return f"{a} {symbol} {b} = {op(a, b)}"
    country, city = rng.choice(CAPITALS)
    return rng.choice((f"{city} is the capital of {country}", "Jupiter is the largest planet",
                       "the Pacific is the largest ocean", "spiders have 8 legs"))


def conversion(rng: random.Random) -> str:
    a, b = rng.choice(_CONVERSIONS)
    return rng.choice(("Is {a} equal to {b}?", "{a} is {b}, correct?")).format(a=a, b=b)


def maker_question(rng: random.Random, true: bool = True) -> str:
    name = rng.choice(sorted(n for n in ASSISTANT_MAKERS if len(n) > 3))
    makers = ASSISTANT_MAKERS[name]
    maker = makers[0] if true else rng.choice(sorted({m for ms in ASSISTANT_MAKERS.values()
                                                      for m in ms} - set(makers)))
    return rng.choice(("Is {n} developed by {m}?", "Was {n} created by {m}?",
                       "Did {m} develop {n}?")).format(n=name, m=maker)


def creator_question(rng: random.Random) -> str:
    name = rng.choice(sorted(n for n in ASSISTANT_MAKERS if len(n) > 3))
    return rng.choice(("Who created {n}?", "Which company developed {n}?", "Who is the "
                       "creator of {n}?", "Who built {n}?")).format(n=name)


def invention(rng: random.Random) -> str:
    pairs = (("Alexander Graham Bell", "the telephone"), ("Benjamin Franklin", "the lightning "
             "rod"), ("Johannes Gutenberg", "the printing press"), ("James Watt", "the "
             "improved steam engine"), ("Tim Berners-Lee", "the World Wide Web"))
    person, thing = rng.choice(pairs)
    return rng.choice(("When did {p} invent {t}?", "In what year did {p} invent {t}?")).format(
        p=person, t=thing)


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "true_sum": lambda rng: arithmetic(rng, True), "false_sum": lambda rng: arithmetic(rng, False),
    "terse_sum": lambda rng: "Check: " + arithmetic(rng, True).removeprefix("Check: "),
    "comparison": comparison, "capital": capital, "known_fact": known_fact,
    "event": lambda rng: rng.choice(_EVENTS), "discoverer": lambda rng: rng.choice(_DISCOVERERS),
    "conversion": conversion, "maker_true": maker_question, "creator": creator_question,
    "invention": invention,
}


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.?!])\s+|\n+", text)
    return [re.sub(r"^(also|and),\s*", "", s, flags=re.I) for s in parts if s.strip()]


def _known(text: str) -> bool | None:
    """The truth of the first sentence the knowledge table decides (None: none it can)."""
    return next((c[1] for s in _sentences(text) if (c := knowledge_claim(s)) is not None), None)


def _sum_truth(text: str) -> bool | None:
    claim = arithmetic_claim(text)
    return None if claim is None else claim.true


def _maker_claim(text: str) -> bool:
    named = assistants_in(text)
    return bool(named) and bool(re.search(r"\b(develop|creat|made|built|make)\w*\b", text, re.I))


_CONVERSION_RX = re.compile("|".join(re.escape(a) + r"\b.*\b" + re.escape(b)
                                     for a, b in _CONVERSIONS), re.I)
CHECKS: dict[str, Callable[[str], bool]] = {
    "true_sum": lambda t: _sum_truth(t) is True,
    "false_sum": lambda t: _sum_truth(t) is False,
    "terse_sum": lambda t: _sum_truth(t) is True and bool(re.search(r"\bcheck:", t, re.I)),
    "comparison": lambda t: bool(re.search(r"\b\d+ (is )?(greater|less|bigger) than \d+", t)),
    "capital": lambda t: bool(re.search(r"\bcapital of\b", t, re.I)) and _known(t) is True,
    "known_fact": lambda t: _known(t) is True or _sum_truth(t) is True,
    "event": lambda t: bool(re.search(r"\b(when|in what year)\b", t, re.I)) and
    _known(t) is not None,
    "discoverer": lambda t: bool(re.search(r"\bwho (formulated|discovered|developed|proposed)\b",
                                           t, re.I)),
    "conversion": lambda t: bool(_CONVERSION_RX.search(t)),
    "maker_true": lambda t: _maker_claim(t) and any(
        m in ASSISTANT_MAKERS[a] for a in assistants_in(t) for m in makers_in(t)),
    "creator": lambda t: bool(re.search(r"\b(who|which company)\b", t, re.I)) and
    bool(assistants_in(t)),
    "invention": lambda t: bool(re.search(r"\b(when|what year)\b.*\binvent\b", t, re.I)),
}
