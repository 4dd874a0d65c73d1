"""Reading files users hand us (rubrics, attribute pools, datasets) with one-line errors.

Every loader needs the same answers to the same failures: a missing file, an unreadable one, a
name with a NUL byte, a directory where a file was meant, bytes that are not UTF-8 (and on
which line). They live here once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_chunky.infra.errors import InputError

#: Characters that act on a terminal instead of showing: C0 and C1 controls and DEL (escape
#: sequences, carriage-return overwrites, OSC-8 links, window titles), bidirectional overrides
#: and isolates, and zero-width characters that hide text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                     "\u2060-\u2069\ufeff\ufff9-\ufffb]")


def terminal_safe(text: str) -> str:
    """Model output, prompts, reasons and dataset names as a terminal may show them: every
    character that could act on the terminal is written as `\\uXXXX` (valid inside JSON
    strings too); newlines and tabs stay."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) if text else text


class TerminalSafeStream:
    """A text stream that writes everything through `terminal_safe` (the CLI's stdout/err)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def printable(text: str) -> str:
    """`text` on one line: control characters (newlines in a file name...) are escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def clip(text: str, limit: int = 60) -> str:
    """User-written text as shown in a message: one line, at most `limit` characters."""
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_loc(loc: Sequence[Any]) -> str:
    """A field path as users write it: `scoring_guidelines[1].examples[0].user`."""
    out = ""
    for part in loc:
        part = part if isinstance(part, int) else clip(str(part))
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def stat_file(path: str | Path, what: str, *, missing_hint: str = "",
              directory_hint: str = "") -> tuple[Path, str, os.stat_result]:
    """(path, printable name, stat) of a user file that must exist and not be a directory."""
    p = Path(path)
    shown = printable(str(path))
    try:
        stat = p.stat()
    except FileNotFoundError:
        raise InputError(f"{what} not found{missing_hint}", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", path=shown) from None
    except ValueError:  # a NUL byte in the name
        raise InputError("not a valid file name", path=shown) from None
    if p.is_dir():
        raise InputError(f"is a directory{directory_hint}", path=shown)
    return p, shown, stat


def read_text(path: str | Path, what: str, shown: str) -> str:
    """The file as text: UTF-8 (a BOM is fine); anything else names the line to fix."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", path=shown) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"file is not UTF-8 text ({exc.reason}); save it as UTF-8",
                         path=shown, line=raw.count(b"\n", 0, exc.start) + 1) from None
