"""The one reader of JSONL files users exchange: records by line, errors that name the line.

Lines are split on "\n" only (with an optional "\r"): JSON text may hold U+2028 or other
characters that `str.splitlines` would also break on. Numbers too long to convert and nesting
too deep are errors of that line, never tracebacks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.userfiles import read_text, stat_file

__all__ = ["MAX_LINE_CHARS", "decode_line", "read_jsonl"]

#: One record's budget: a dataset may be large, but no single line of it needs 50 MB.
MAX_LINE_CHARS = 50_000_000


def decode_line(line: str, *, path: str, lineno: int, hint: str = "") -> dict[str, Any]:
    """One line as a JSON object (`hint` is added to the error for a line that is not JSON)."""
    if len(line) > MAX_LINE_CHARS:
        raise InputError(f"line is {len(line):,} characters, over the {MAX_LINE_CHARS:,} one "
                         "record may have", path=path, line=lineno)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno}){hint}",
                         path=path, line=lineno) from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, or nesting too deep
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"not valid JSON ({' '.join(problem.split())[:120]})",
                         path=path, line=lineno) from None
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}", path=path,
                         line=lineno)
    return obj


def read_jsonl(path: str | Path, what: str, *, hint: str = "",
               missing_hint: str = "; pass an existing JSONL file"
               ) -> Iterator[tuple[int, dict[str, Any], str]]:
    """(line number, object, the path as shown) of every non-blank line of a JSONL file."""
    p, shown, _ = stat_file(path, what, missing_hint=missing_hint,
                            directory_hint="; pass a JSONL file")
    text = read_text(p, f"the {what}", shown)
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield lineno, decode_line(line.removesuffix("\r"), path=shown, lineno=lineno,
                                      hint=hint), shown
