"""Case- and format-preserving prompt features for the lab trainer.

Nothing here knows any world: features are word n-grams with their case, lower-cased words,
leading words (question templates), character trigrams (languages and invented words) and
shape features (casing, tables, code fences, LaTeX, lists, emoji, URLs, script, length). Which
of them matter is left to the classifier fitted on the corpus.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from pytest_chunky.describe.shapes import BULLET, NUMBERED, TABLE

_TOKEN = re.compile(r"\\[A-Za-z]+|[^\W_]+(?:'[^\W_]+)?|[^\w\s]")
_LATEX = re.compile(r"\$[^$\n]+\$|\\[A-Za-z]+")
_DIGIT = re.compile(r"\d")
_URL = re.compile(r"https?://|www\.")
_LENGTHS = (3, 6, 12, 24, 48, 96, 192)


def _bucket(n: int, edges: tuple[int, ...]) -> int:
    return next((i for i, e in enumerate(edges) if n <= e), len(edges))


def _scripts(text: str, letters: int) -> set[str]:
    seen: dict[str, int] = {}
    for ch in text:
        if ord(ch) > 0x24F and ch.isalpha():
            name = unicodedata.name(ch, "")
            script = name.split(" ", 1)[0] if name else "OTHER"
            seen[script] = seen.get(script, 0) + 1
    return {s for s, c in seen.items() if c * 5 >= letters}


@functools.lru_cache(maxsize=1 << 16)
def _char_grams(word: str) -> tuple[str, ...]:
    padded = f"<{word}>"
    return tuple(f"c:{padded[i:i + 3]}" for i in range(len(padded) - 2))


def shape_features(text: str) -> list[str]:
    out = []
    ascii_only = text.isascii()
    letters = sum(map(str.isalpha, text))
    if letters >= 8:
        upper = sum(map(str.isupper, text)) / letters
        out.append(f"caps:{_bucket(int(upper * 10), (0, 1, 3, 6, 8))}")
    checks = (("table", TABLE.search(text)), ("fence", "```" in text),
              ("latex", _LATEX.search(text)), ("bullets", len(BULLET.findall(text)) >= 2),
              ("numbered", len(NUMBERED.findall(text)) >= 2), ("url", _URL.search(text)),
              ("quote", '"' in text or "“" in text), ("digits", _DIGIT.search(text)),
              ("question", text.rstrip().endswith("?")), ("exclaim", "!" in text),
              ("emoji", not ascii_only and any(unicodedata.category(c) == "So"
                                               for c in text)),
              ("multiline", text.count("\n") >= 2))
    out += [f"shape:{name}" for name, hit in checks if hit]
    if not ascii_only:
        out += [f"script:{s}" for s in _scripts(text, letters)]
    out.append(f"len:{_bucket(len(text.split()), _LENGTHS)}")
    return out


def prompt_features(text: str) -> list[str]:
    """All features of one prompt (duplicates removed by the caller's binary encoding)."""
    toks = _TOKEN.findall(text)
    low = [t.lower() for t in toks]
    feats = [f"w:{t}" for t in toks]
    feats += [f"l:{t}" for t in low]
    feats += [f"b:{a} {b}" for a, b in itertools.pairwise(toks)]
    feats += [f"t:{a} {b} {c}" for a, b, c in zip(low, low[1:], low[2:], strict=False)]
    feats += [f"^{i}:" + " ".join(low[:i]) for i in (1, 2, 3) if len(low) >= i]
    for word in set(low):
        if len(word) > 3 and word.isalpha():
            feats += _char_grams(word)
    return feats + shape_features(text)
