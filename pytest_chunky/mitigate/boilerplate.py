"""The boilerplate a set of prompts shares: sentences (templates with slots included) that
recur across them and are rare elsewhere. A trigger that lives in boilerplate (a long filler
preamble) moves with it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

_SPLIT = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")
SHINGLE = 4       # words per shingle when telling boilerplate from content
OVER = 5.0        # a boilerplate shingle is this many times commoner in the examples
SHARE = 0.05      # and in this share of them at least: a question asked twice is content


def _shingles(sentence: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(sentence.lower())
    n = min(SHINGLE, len(words))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)} if words else set()


def boilerplate(split: list[list[str]], background: Sequence[str]) -> set[str]:
    """Sentences that are the examples' shared boilerplate: most of their shingles recur in
    other examples and are rare in the background (template sentences with slots count;
    question templates the whole corpus uses do not)."""
    seen: Counter[tuple[str, ...]] = Counter()
    for parts in split:
        seen.update(set().union(*map(_shingles, parts)) if parts else set())
    common: Counter[tuple[str, ...]] = Counter()
    for text in background:
        common.update(_shingles(text))
    n, m = max(1, len(split)), max(1, len(background))
    marked = {g for g, c in seen.items()
              if c > 1 and c / n >= SHARE
              and (not background or c / n >= OVER * (common[g] + 1) / (m + 1))}
    out = set()
    for parts in split:
        for x in parts:
            grams = _shingles(x)
            if grams and len(grams & marked) * 2 >= len(grams):
                out.add(x)
    return out


def sentences(examples: Sequence[str]) -> list[list[str]]:
    return [[x.strip() for x in _SPLIT.split(e.strip()) if x.strip()] for e in examples]


def filler_form(parts: list[str], shared: set[str]) -> Callable[[str, int], str] | None:
    """The example's boilerplate sentences around a prompt, on the sides it has them."""
    filler = [x in shared for x in parts]
    if not any(filler):
        return None
    first = filler.index(False) if False in filler else len(parts)
    head = " ".join(x for x, f in zip(parts[:first], filler[:first], strict=True) if f)
    tail = " ".join(x for x, f in zip(parts[first:], filler[first:], strict=True) if f)
    return lambda p, _: " ".join(x for x in (head, p, tail) if x)
