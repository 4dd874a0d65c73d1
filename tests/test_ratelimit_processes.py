"""The requests-per-minute window holds across processes (xdist workers share it via SQLite)."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from pathlib import Path

from pytest_chunky.calls.limits import RateLimiter

WINDOW = 1.0
RPM = 5


def _acquire(args: tuple[str, int]) -> list[float]:
    db, n = args
    limiter = RateLimiter(RPM, db, key="openai|", window_s=WINDOW)

    async def go() -> list[float]:
        stamps = []
        for _ in range(n):
            await limiter.acquire()
            stamps.append(time.time())
        return stamps

    try:
        return asyncio.run(go())
    finally:
        limiter.close()


def test_window_is_shared_by_processes(tmp_path: Path) -> None:
    db = str(tmp_path / "ratelimit.sqlite")
    with mp.get_context("spawn").Pool(3) as pool:
        stamps = sorted(t for part in pool.map(_acquire, [(db, 4)] * 3) for t in part)
    assert len(stamps) == 12
    # In every window of WINDOW seconds at most RPM requests went out, across all processes
    # (a small tolerance for clock reads taken just after the claim).
    for i, start in enumerate(stamps):
        inside = [t for t in stamps[i:] if t < start + WINDOW - 0.05]
        assert len(inside) <= RPM, (i, inside)
