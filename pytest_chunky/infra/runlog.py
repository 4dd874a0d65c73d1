"""The JSONL stream of a search's candidates (`.chunky/runs/`), written as they arrive.

The log is a record, not the verdict: a cache directory restored read-only in CI, or a disk
that fills up mid-run, costs the log (with one warning naming the file and the cause), never
the gate.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from types import TracebackType
from typing import IO

from pytest_chunky.infra.errors import ChunkyWarning

__all__ = ["RunLog"]


class RunLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: IO[str] | None = None
        self.failed: str | None = None

    def __enter__(self) -> RunLog:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.open("w", encoding="utf-8")
        except OSError as exc:
            self._fail(exc)
        return self

    def _fail(self, exc: OSError) -> None:
        self.failed = exc.strerror or str(exc)
        warnings.warn(ChunkyWarning(
            f"{self.path}: cannot write the run log ({self.failed}); the search goes on "
            "without it (a read-only or full --chunky-cache-dir?)"), stacklevel=3)
        if self._out is not None:
            with contextlib.suppress(OSError):
                self._out.close()
            self._out = None

    def write(self, line: str) -> None:
        if self._out is None:
            return
        try:
            self._out.write(line)
            self._out.flush()
        except OSError as exc:
            self._fail(exc)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._out is not None:
            try:
                self._out.close()
            except OSError as error:
                self._fail(error)
