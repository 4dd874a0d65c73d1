"""Case-preserving tokens and the phrase grams of a text."""

from __future__ import annotations

import re
import unicodedata

# Tags (<tool_call>), words with inner apostrophes, then any other single non-space character.
_TOKEN = re.compile(r"</?[A-Za-z_][\w-]*>|[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")
MAX_N = 4


def _keep(token: str) -> bool:
    """Words, tags and symbols (emoji) make phrases; punctuation only separates them."""
    ch = token[0]
    return ch.isalnum() or ch == "<" or (len(token) == 1 and unicodedata.category(ch) == "So")


def lines(text: str) -> list[list[str]]:
    """Phrase tokens per line: a phrase never spans a line break."""
    out = []
    for line in text.splitlines():
        toks = [t for t in _TOKEN.findall(line) if _keep(t)]
        if toks:
            out.append(toks)
    return out


def grams(toks_by_line: list[list[str]], n_max: int = MAX_N) -> set[tuple[str, ...]]:
    """Every n-gram (1..n_max) of the phrase tokens of `lines(text)`."""
    found: set[tuple[str, ...]] = set()
    for toks in toks_by_line:
        for n in range(1, n_max + 1):
            for i in range(len(toks) - n + 1):
                found.add(tuple(toks[i:i + n]))
    return found


def leading(text: str, limit: int = 8) -> list[str]:
    """The first sentence's tokens (up to `limit`), keeping a closing '?' as a token."""
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0]
    toks = [t for t in _TOKEN.findall(first) if _keep(t) or t == "?"]
    return toks[:limit]
