"""Carry a trigger (a worded data feature) from the blamed examples into another prompt.

A phrase or word is inserted inside the short sentences the blamed prompts carry it in, at
their usual end (opening or closing);
a shape is copied from a blamed prompt (its table, fence, LaTeX span, list or emoji) or applied
(capital letters). A leading template cannot be transplanted without rewriting the prompt:
the caller is told so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Transplant = Callable[[str, int], str]
MAX_CARRIER = 12  # words: a longer sentence is content, not the trigger's setting

_BLOCKS = {
    "contains a markdown table": re.compile(r"(?:^\s*\|.*\|\s*$\n?){2,}", re.M),
    "contains a fenced code block": re.compile(r"```.*?```", re.S),
    "uses LaTeX notation": re.compile(r"\$[^$\n]+\$"),
    "contains a bulleted list": re.compile(r"(?:^\s*[-*•] .*$\n?){2,}", re.M),
}


def _quoted(attribute: str) -> str | None:
    match = re.search(r"'(.+)'\s*$", attribute.strip())
    return match.group(1) if match else None


def _sentence(example: str, text: str) -> str | None:
    """The short sentence (or clause) of `example` that holds `text`, as the data use it."""
    for part in re.split(r"(?<=[.!?:])\s+|\n+|\s+(?=\()", example):
        if text in part and len(part.split()) <= MAX_CARRIER:
            return part.strip()
    return None


def _phrase(text: str, examples: Sequence[str]) -> Transplant | None:
    """Insert the phrase inside the sentences the blamed prompts carry it in ("I'm using a
    Zorblax.", "(I own the Zorblax.)"), each where its example had it (opening or closing)."""
    places: set[tuple[str, bool]] = set()
    for example in examples:
        if text in example:
            carrier = _sentence(example, text) or text
            places.add((carrier, example.lstrip().startswith(carrier)))
    if not places:
        return None
    ordered = sorted(places)

    def move(prompt: str, i: int) -> str:
        carrier, opening = ordered[i % len(ordered)]
        return f"{carrier} {prompt}" if opening else f"{prompt} {carrier}"

    return move


def _copied(pattern: re.Pattern[str], examples: Sequence[str], joiner: str) -> Transplant | None:
    spans = [m.group(0).strip() for e in examples for m in [pattern.search(e)] if m]
    if not spans:
        return None
    return lambda p, i: f"{p}{joiner}{spans[i % len(spans)]}"


def _emoji(examples: Sequence[str]) -> Transplant | None:
    import unicodedata

    found = sorted({c for e in examples for c in e if unicodedata.category(c) == "So"})
    if not found:
        return None
    return lambda p, i: f"{found[i % len(found)]} {p}"


def transplant_for(trigger: str, examples: Sequence[str]) -> Transplant | None:
    """How to put `trigger` into a prompt, learned from `examples` that carry it; None when
    it cannot be done without rewriting the prompt (a leading template, a language)."""
    low = trigger.lower()
    if "starts with" in low:
        return None
    text = _quoted(trigger)
    if text is not None:
        return _phrase(text, examples)
    if low.endswith("is written in capital letters"):
        return lambda p, i: p.upper()
    if low.endswith("contains emoji"):
        return _emoji(examples)
    for shape, pattern in _BLOCKS.items():
        if low.endswith(shape):
            joiner = " " if shape == "uses LaTeX notation" else "\n\n"
            return _copied(pattern, examples, joiner)
    return None
