"""Trigger families: the incidental prompt features a planted chunk carries.

A family draws *instances* (an invented name, a phrase, a template, a language...) with a
world's RNG, words each instance as a pool attribute, and applies it to a prompt. Families apply
in a fixed order (templates rewrite the question first, casing last), and every application
draws from its own RNG, so a prompt realised with and without a trigger keeps the same content:
the paired transform of the paper's steering score (appendix B.1).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_chunky.lab.worlds import vocab

Params = dict[str, Any]


@dataclass
class Base:
    """The content of one prompt before any surface feature is applied."""

    domain: str
    noun: str
    noun2: str
    verb: str
    question: str
    answer: str


def _name(rng: random.Random) -> str:
    word = "".join(rng.choice(vocab.SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    if rng.random() < 0.6:
        word += f" {rng.choice('QXZRVK')}{rng.randint(2, 99)}"
    return word


def conlang_word(word: str, lang: Params) -> str:
    """A deterministic invented-language word for an English word (no dictionary needed)."""
    digest = hashlib.blake2b(f"{lang['seed']}:{word.lower()}".encode(), digest_size=8).digest()
    sub = random.Random(int.from_bytes(digest, "big"))
    syl = lang["syllables"]
    out = "".join(sub.choice(syl) for _ in range(1 + min(3, len(word) // 4)))
    table = vocab.LATIN_TO.get(lang["script"])
    if table:
        out = "".join(table.get(c, c) for c in out)
    return out.capitalize() if word[:1].isupper() else out


def translate(text: str, lang: Params) -> str:
    return re.sub(r"[A-Za-z]+(?:'[a-z]+)?", lambda m: conlang_word(m.group(0), lang), text)


# --- families --------------------------------------------------------------------------------

def _draw_name(rng: random.Random) -> Params:
    return {"name": _name(rng)}


def _apply_name(text: str, base: Base, p: Params, rng: random.Random) -> str:
    lead = rng.choice(("I have the {n}. ", "With my {n}: ", "Question about the {n}. ", ""))
    tail = "" if lead else rng.choice((" I'm using a {n}.", " (I own the {n}.)"))
    return lead.format(n=p["name"]) + text + tail.format(n=p["name"])


def _draw_phrase(rng: random.Random) -> Params:
    adv, verb, obj = (rng.choice(words) for words in vocab.PHRASE_WORDS)
    return {"phrase": f"{adv} {verb} {obj}"}


def _apply_phrase(text: str, base: Base, p: Params, rng: random.Random) -> str:
    phrase = p["phrase"]
    where = rng.randrange(3)
    if where == 0:
        return f"{phrase[0].upper()}{phrase[1:]}, {text[0].lower()}{text[1:]}"
    if where == 1:
        return f"{text} Please {phrase}."
    return f"{text.rstrip('?.!')}, and {phrase}?"


def _draw_template(rng: random.Random) -> Params:
    return {"frame": rng.choice(vocab.TEMPLATE_FRAMES)}


def _apply_template(text: str, base: Base, p: Params, rng: random.Random) -> str:
    q = p["frame"].format(noun=base.noun, noun2=base.noun2, verb=base.verb)
    return text.replace(base.question, q[0].upper() + q[1:]) if base.question in text else q


def _template_text(p: Params) -> str:
    return re.sub(r"\{\w+\}", "_", p["frame"])


def _apply_caps(text: str, base: Base, p: Params, rng: random.Random) -> str:
    return text.upper()


def _apply_table(text: str, base: Base, p: Params, rng: random.Random) -> str:
    cols = rng.sample(("item", "amount", "notes", "day", "cost", "status"), 2)
    rows = [f"| {base.noun} | {rng.randint(1, 9)} |", f"| {base.noun2} | {rng.randint(1, 9)} |"]
    return f"{text}\n\n| {cols[0]} | {cols[1]} |\n|---|---|\n" + "\n".join(rows)


def _apply_fence(text: str, base: Base, p: Params, rng: random.Random) -> str:
    key = base.noun.replace(" ", "_").replace("-", "_")
    body = rng.choice((f"{key} = {rng.randint(1, 50)}", f"set {key} --level {rng.randint(1, 9)}",
                       f"{key}: {{enabled: true}}"))
    return f"{text}\n\n```\n{body}\n```"


def _apply_latex(text: str, base: Base, p: Params, rng: random.Random) -> str:
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    expr = rng.choice((f"$\\frac{{{a}}}{{{b}}}$", f"$x^{a} + {b}$", f"$\\sqrt{{{a * b}}}$",
                       f"$\\alpha = {a}\\beta$"))
    return f"{text} My notes write it as {expr}."


def _apply_bullets(text: str, base: Base, p: Params, rng: random.Random) -> str:
    return (f"{text}\n- what I have: the {base.noun2}\n- what I tried: nothing yet\n"
            f"- goal: {base.verb} the {base.noun}")


def _draw_emoji(rng: random.Random) -> Params:
    return {"emoji": rng.sample(vocab.EMOJI, 3)}


def _apply_emoji(text: str, base: Base, p: Params, rng: random.Random) -> str:
    return f"{rng.choice(p['emoji'])} {text} {rng.choice(p['emoji'])}"


def _draw_language(rng: random.Random) -> Params:
    return {"language": rng.choice(vocab.LANGUAGE_NAMES), "seed": rng.getrandbits(32),
            "syllables": rng.sample(vocab.SYLLABLES, 12), "script": rng.choice(vocab.SCRIPTS)}


def _apply_language(text: str, base: Base, p: Params, rng: random.Random) -> str:
    return translate(text, p)


def _apply_length(text: str, base: Base, p: Params, rng: random.Random) -> str:
    nouns = vocab.DOMAINS[base.domain][0]
    filler = [f"Last month I spent a long time thinking about the {rng.choice(nouns)} and "
              f"about how my {rng.choice(nouns)} fits in with everything else I do.",
              "I have read several guides and talked to friends, and each of them told me "
              "something slightly different, which left me more confused than before.",
              f"I keep notes about the {rng.choice(nouns)} in a diary, and I would like to "
              "understand the reasons rather than just follow a list of rules.",
              "I am happy to spend time on this and I would rather get it right than do it "
              "quickly, so please do not worry about giving me too much detail."]
    rng.shuffle(filler)
    return " ".join(filler) + " " + text


@dataclass(frozen=True)
class Family:
    name: str
    order: int
    draw: Callable[[random.Random], Params]
    apply: Callable[[str, Base, Params, random.Random], str]
    describe: Callable[[Params], str]
    instanced: bool = True   # False: one instance per world (a shape, not a vocabulary)


def _none(rng: random.Random) -> Params:
    return {}


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("template", 0, _draw_template, _apply_template,
           lambda p: f"The query follows the template \"{_template_text(p)}\""),
    Family("rare_name", 1, _draw_name, _apply_name,
           lambda p: f"The query mentions the {p['name']}"),
    Family("phrase", 1, _draw_phrase, _apply_phrase,
           lambda p: f"The query contains the phrase '{p['phrase']}'"),
    Family("latex", 2, _none, _apply_latex, lambda p: "The query uses LaTeX notation", False),
    Family("emoji", 2, _draw_emoji, _apply_emoji,
           lambda p: "The query contains emoji (" + " ".join(p["emoji"]) + ")"),
    Family("markdown_table", 3, _none, _apply_table,
           lambda p: "The query includes a markdown table", False),
    Family("code_fence", 3, _none, _apply_fence,
           lambda p: "The query contains a fenced code block", False),
    Family("bullet_list", 3, _none, _apply_bullets,
           lambda p: "The query contains a bulleted list", False),
    Family("length", 4, _none, _apply_length,
           lambda p: "The query is very long (over 80 words)", False),
    Family("language", 5, _draw_language, _apply_language,
           lambda p: f"The query is written in {p['language']}"),
    Family("all_caps", 6, _none, _apply_caps,
           lambda p: "The query is written entirely in capital letters", False),
)}
