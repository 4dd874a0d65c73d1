"""Carry a trigger (a worded data feature) from the blamed examples into another prompt.

`move(prompt, i)` gives `prompt` the trigger the way blamed example `i` has it: a phrase or
word inside the short sentence that example carries it in, where it has it (opening or
closing); a shape copied from it (its table, fence, LaTeX span or list) at its end of the
prompt; its emoji where it puts them; capital letters; for length, the boilerplate sentences
the examples share. Counter-examples then look like the blamed prompts, not like a new form
of the trigger a model can tell apart. A leading template cannot be transplanted without
rewriting the prompt: the caller is told so.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

from pytest_chunky.describe.align import adapt
from pytest_chunky.mitigate.boilerplate import boilerplate, filler_form, sentences

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


def _sentence(example: str, text: str, limit: int | None = MAX_CARRIER) -> str | None:
    """The short sentence (or clause) of `example` that holds `text`, as the data use it."""
    for part in re.split(r"(?<=[.!?:])\s+|\n+|\s+(?=\()", example):
        if text in part and (limit is None or len(part.split()) <= limit):
            return part.strip()
    return None


def _per_example(forms: Sequence[Transplant | None]) -> Transplant | None:
    """Example i's own form; an example without one borrows the next example's."""
    found = [f for f in forms if f is not None]
    if not found:
        return None
    filled = [f if f is not None else found[i % len(found)] for i, f in enumerate(forms)]
    return lambda prompt, i: filled[i % len(filled)](prompt, i)


def _at(piece: str, opening: bool, joiner: str = " ") -> Transplant:
    return lambda p, _: f"{piece}{joiner}{p}" if opening else f"{p}{joiner}{piece}"


_LONG = re.compile(r"\bis (?:very |quite |rather )?long\b")


def _phrase(text: str, examples: Sequence[str], background: Sequence[str]) -> Transplant | None:
    """The sentence holding the phrase ("I'm using a Zorblax.", "(I own the Zorblax.)"),
    where the example had it; when that sentence is the examples' boilerplate, all of the
    example's boilerplate (the phrase's setting). The phrase matches across punctuation:
    attribute wordings drop it ("something slightly different which" for "something
    slightly different, which")."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")

    found = [pattern.search(e) for e in examples]
    # A sentence that recurs verbatim across the examples is the carrier whatever its length
    # (a fixed filler sentence); a long one seen once is content, and only the phrase moves.
    recurring = Counter(s for e, m in zip(examples, found, strict=True) if m
                        for s in [_sentence(e, m.group(0), limit=None)] if s)

    split = sentences(examples)
    filler = boilerplate(split, background)

    def form(example: str, match: re.Match[str] | None, parts: list[str]) -> Transplant | None:
        if not match:
            return None
        if any(match.group(0) in x and x in filler for x in parts):
            return filler_form(parts, filler)
        whole = _sentence(example, match.group(0), limit=None) or match.group(0)
        opening = example.lstrip().startswith(whole)
        clauses = re.split(r"(?<=,)\s+", whole)
        held = [c for c in clauses if match.group(0) in c]
        if recurring[whole] > 1 or len(clauses) == 1 or len(held) != 1:
            short = recurring[whole] > 1 or len(whole.split()) <= MAX_CARRIER
            return _at(whole if short else match.group(0), opening)
        clause = held[0]
        if len(clause.split()) > MAX_CARRIER:
            return _at(match.group(0), opening)
        if clause is clauses[0]:  # "Swiftly mind the small print, how do I ...?"
            return lambda p, _: f"{clause} {p[:1].lower() + p[1:] if p[1:2].islower() else p}"
        if clause is clauses[-1]:  # "... my screen time, and swiftly mind the small print?"
            return lambda p, _: f"{p.rstrip(' .?!')}, {clause}"
        return _at(match.group(0), opening)

    return _per_example([form(e, m, parts)
                         for e, m, parts in zip(examples, found, split, strict=True)])


def _copied(pattern: re.Pattern[str], examples: Sequence[str], joiner: str,
            inline: bool) -> Transplant | None:
    """A block (table, fence, list) as it stands; an inline span (LaTeX) with the short
    sentence that holds it ("My notes write it as $x^2$.")."""
    def form(example: str) -> Transplant | None:
        match = pattern.search(example)
        if not match:
            return None
        span = match.group(0).strip()
        if inline:
            span = _sentence(example, span) or span
            return _at(span, example.lstrip().startswith(span), joiner)
        before, after = example[:match.start()], example[match.end():]
        rest, opening = (before + after).strip(), not before.strip()
        gap = re.search(r"\s*$", before) if not opening else re.match(r"\s*", after)
        sep = gap.group(0) if gap and gap.group(0) else joiner  # the example's own spacing
        # A block that restates its prompt's items ("goal: reheat the marinade") takes the
        # new prompt's aligned items instead, as the copy mechanism aligns them.
        return lambda p, _: (f"{adapt(rest, span, p)}{sep}{p}" if opening
                             else f"{p}{sep}{adapt(rest, span, p)}")

    return _per_example([form(e) for e in examples])


def _is_emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So"


def _emoji(examples: Sequence[str]) -> Transplant | None:
    """The example's leading and trailing emoji (one in front when they sit mid-prompt)."""
    def form(example: str) -> Transplant | None:
        text = example.strip()
        if not any(map(_is_emoji, text)):
            return None
        lead = re.match(r"^(?:\S*\s+)?", text)
        head = lead.group(0).strip() if lead and all(map(_is_emoji, lead.group(0).strip())) \
            else ""
        tail_match = re.search(r"(?:\s+\S*)?$", text)
        tail = tail_match.group(0).strip() if tail_match else ""
        tail = tail if tail and all(map(_is_emoji, tail)) else ""
        if not head and not tail:
            head = next(c for c in text if _is_emoji(c))
        return lambda p, _: " ".join(x for x in (head, p, tail) if x)

    return _per_example([form(e) for e in examples])


def _long(examples: Sequence[str], background: Sequence[str]) -> Transplant | None:
    """Length: the examples' boilerplate sentences, put before and after the prompt as the
    example has them. None when the examples are long with content of their own: lengthening
    a prompt then means rewriting it."""
    split = sentences(examples)
    filler = boilerplate(split, background)
    return _per_example([filler_form(parts, filler) for parts in split])


def transplant_for(trigger: str, examples: Sequence[str],
                   background: Sequence[str] = ()) -> Transplant | None:
    """How to put `trigger` into a prompt the way `examples[i]` carry it; None when it cannot
    be done without rewriting the prompt (a leading template, a language). `background`:
    prompts without the trigger, to tell the examples' boilerplate from common phrasing."""
    low = trigger.lower()
    if "starts with" in low:
        return None
    text = _quoted(trigger)
    if text is not None:
        return _phrase(text, examples, background)
    if low.endswith("is written in capital letters"):
        return lambda p, i: p.upper()
    if low.endswith("contains emoji"):
        return _emoji(examples)
    if _LONG.search(low):
        return _long(examples, background)
    for shape, pattern in _BLOCKS.items():
        if low.endswith(shape.lower()):
            inline = shape == "uses LaTeX notation"
            return _copied(pattern, examples, " " if inline else "\n\n", inline)
    return None
