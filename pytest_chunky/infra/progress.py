"""Progress of long work on stderr: at most one line every few seconds, with rate and ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]

class Progress:
    """One stderr line at most every `every` seconds: done/total, rate and ETA."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None,
                 every: float = 2.0, enabled: bool = True, prefix: str = "turf") -> None:
        self.label = label
        self.prefix = prefix
        self.total = total
        self.stream = stream or sys.stderr
        self.every = every
        self.enabled = enabled
        self.start = time.perf_counter()
        self.last = 0.0
        self.done = 0
        self.shown = -1

    def update(self, done: int, *, force: bool = False) -> None:
        self.done = done
        now = time.perf_counter()
        if not self.enabled or self.shown == done or (not force and now - self.last < self.every):
            return
        self.last, self.shown = now, done
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        eta_text = f"{eta:.0f}s" if eta != float("inf") else "?"
        print(f"{self.prefix}: {self.label} {done}/{self.total} ({rate:.0f}/s, ETA {eta_text})",
              file=self.stream, flush=True)

    def finish(self) -> None:
        self.update(self.total, force=True)
