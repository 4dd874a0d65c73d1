"""Shape features: how a text looks, independent of its words."""

from __future__ import annotations

import json
import re
import unicodedata

# Markdown structure, shared with the lab trainer's shape features.
TABLE = re.compile(r"^\s*\|.*\|\s*$\n^\s*\|?\s*:?-{2,}", re.M)
_LATEX = re.compile(r"\$[^$\n]*[\\^_{}][^$\n]*\$|\\(?:frac|sqrt|alpha|beta|sum|int|cdot|times)\b")
BULLET = re.compile(r"^\s*[-*•] \S", re.M)
NUMBERED = re.compile(r"^\s*\d+[.)] \S", re.M)
_URL = re.compile(r"https?://\S|www\.\S")
_BOLD = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")
_HEADING = re.compile(r"^#{1,6} \S", re.M)
_LIST_OR_CODE = ("-", "*", "•", "|", "`", "#", "<", "{", "[")
LENGTHS = ((8, "very short (under 8 words)"), (16, "short (8 to 15 words)"),
           (32, "of medium length (16 to 31 words)"), (64, "long (32 to 63 words)"),
           (128, "very long (64 to 127 words)"))
LONGEST = "extremely long (128 words or more)"


def _script(text: str) -> str | None:
    counts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if ord(ch) > 0x24F:
                name = unicodedata.name(ch, "")
                script = name.split(" ", 1)[0].title() if name else "Other"
                counts[script] = counts.get(script, 0) + 1
    if not counts or letters < 4:
        return None
    script, count = max(counts.items(), key=lambda kv: kv[1])
    return script if count * 2 >= letters else None


def _is_json(text: str) -> bool:
    body = text.strip()
    if not body.startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(body), dict | list)
    except ValueError:
        return False


def _short_lines(text: str) -> bool:
    rows = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return (len(rows) >= 3 and all(len(r.split()) <= 9 for r in rows)
            and not any(r.startswith(_LIST_OR_CODE) for r in rows))


def shape_attributes(text: str, subject: str) -> list[str]:
    """Worded shape features of `text`; `subject` is "The query" or "The response"."""
    out: list[str] = []
    letters = sum(map(str.isalpha, text))
    words = text.split()
    if letters >= 12 and sum(map(str.isupper, text)) > 0.8 * letters:
        out.append("is written in capital letters")
    elif len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.8 * len(words):
        out.append("is written in title case")
    checks = (
        (_is_json(text), "is a JSON object"),
        ("```" in text, "contains a fenced code block"),
        ("|" in text and bool(TABLE.search(text)), "contains a markdown table"),
        (("$" in text or "\\" in text) and bool(_LATEX.search(text)), "uses LaTeX notation"),
        (len(BULLET.findall(text)) >= 2, "contains a bulleted list"),
        (len(NUMBERED.findall(text)) >= 2, "contains a numbered list"),
        ("\n" in text and _short_lines(text), "is written in short lines, like a poem"),
        (("**" in text or "__" in text) and bool(_BOLD.search(text)), "uses bold text"),
        ("#" in text and bool(_HEADING.search(text)), "contains a markdown heading"),
        (("://" in text or "www." in text) and bool(_URL.search(text)), "contains a URL"),
        (not text.isascii() and any(unicodedata.category(c) == "So" for c in text),
         "contains emoji"),
        (any(c.isdigit() for c in text), "contains numbers"),
        ('"' in text or "“" in text, "contains a quotation"),
        (text.rstrip().endswith("?"), "is a question"),
    )
    out += [phrase for hit, phrase in checks if hit]
    script = _script(text) if not text.isascii() else None
    if script:
        out.append(f"is written in {script} script")
    n = len(words)
    out.append("is " + next((label for edge, label in LENGTHS if n < edge), LONGEST))
    return [f"{subject} {phrase}" for phrase in out]
