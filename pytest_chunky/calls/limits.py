"""Per-provider concurrency caps and request-per-minute limits.

Concurrency is per process: one semaphore per provider key, shared by every pipeline running on
the same event loop (a semaphore is bound to its loop, so separate `asyncio.run` calls get
separate ones). Requests per minute are shared across processes (xdist workers) through a small
SQLite table: a sliding window of request timestamps, checked and appended in one short
write transaction, so simple and correct across workers.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

from pytest_chunky.calls.cache import SQLiteConnections, retry_busy
from pytest_chunky.infra.errors import ConfigError, ProviderError

T = TypeVar("T")

_SEMAPHORES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]]
_SEMAPHORES = weakref.WeakKeyDictionary()
_SEM_LOCK = threading.Lock()


def get_semaphore(key: str, limit: int) -> asyncio.Semaphore:
    """The semaphore for `key` on the running loop; the first caller's `limit` wins.

    Must be called from a coroutine. Keying by loop keeps semaphores from leaking between
    separate `asyncio.run` calls (each test may run its own loop).
    """
    if limit < 1:
        raise ConfigError(f"concurrency limit for {key!r} must be >= 1, got {limit}")
    loop = asyncio.get_running_loop()
    with _SEM_LOCK:
        per_loop = _SEMAPHORES.get(loop)
        if per_loop is None:
            per_loop = _SEMAPHORES[loop] = {}
        sem = per_loop.get(key)
        if sem is None:
            sem = per_loop[key] = asyncio.Semaphore(limit)
        return sem


def provider_key(provider: str, base_url: str | None) -> str:
    """What a concurrency or rate limit is shared by: one provider endpoint."""
    return f"{provider}|{(base_url or '').rstrip('/')}"


_RATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_events (key TEXT NOT NULL, t REAL NOT NULL);
CREATE INDEX IF NOT EXISTS rate_events_key_t ON rate_events(key, t);
"""


def _init_rate_table(conn: sqlite3.Connection) -> None:
    for stmt in _RATE_SCHEMA.split(";"):
        if stmt.strip():
            conn.execute(stmt)


class RateLimiter:
    """At most `rpm` requests per `window_s` seconds for one `key`, across processes.

    With `db_path` the window lives in an SQLite table every process shares (put it in the
    cache directory); without it the window is per process. `rpm=None` makes `acquire` a no-op.
    """

    def __init__(self, rpm: int | None, db_path: Path | str | None = None, *,
                 key: str = "default", window_s: float = 60.0) -> None:
        if rpm is not None and rpm < 1:
            raise ConfigError(f"rate limit for {key!r} must be >= 1 request per minute, "
                              f"got {rpm}")
        if window_s <= 0:
            raise ConfigError(f"rate-limit window must be > 0 seconds, got {window_s}")
        self.rpm = rpm
        self.key = key
        self.window_s = window_s
        self.db_path = None if db_path is None else Path(db_path)
        self._conns = (None if self.db_path is None or rpm is None
                       else SQLiteConnections(self.db_path, _init_rate_table,
                                              what="rate-limit window"))
        self._local: deque[float] = deque()
        self._local_lock = threading.Lock()

    def _try_local(self, now: float) -> float:
        assert self.rpm is not None
        with self._local_lock:
            while self._local and self._local[0] <= now - self.window_s:
                self._local.popleft()
            if len(self._local) < self.rpm:
                self._local.append(now)
                return 0.0
            return self._local[0] + self.window_s - now

    def _try_shared(self) -> float:
        assert self.rpm is not None and self._conns is not None
        conn = self._conns.get()

        def attempt() -> float:
            conn.execute("BEGIN IMMEDIATE")
            try:
                now = time.time()
                conn.execute("DELETE FROM rate_events WHERE key=? AND t<=?",
                             (self.key, now - self.window_s))
                count, oldest = conn.execute(
                    "SELECT count(*), min(t) FROM rate_events WHERE key=?",
                    (self.key,)).fetchone()
                wait = 0.0
                if count < self.rpm:
                    conn.execute("INSERT INTO rate_events(key, t) VALUES (?, ?)",
                                 (self.key, now))
                else:
                    wait = float(oldest) + self.window_s - now
                conn.execute("COMMIT")
                return wait
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        return retry_busy(attempt)

    async def acquire(self) -> None:
        """Wait until one more request fits in the window, then claim it."""
        if self.rpm is None:
            return
        while True:
            if self._conns is None:
                wait = self._try_local(time.time())
            else:
                wait = await asyncio.to_thread(self._try_shared)
            if wait <= 0:
                return
            await asyncio.sleep(max(wait, 0.001))

    def close(self) -> None:
        if self._conns is not None:
            self._conns.close()

    def __repr__(self) -> str:
        where = self.db_path or "process"
        return f"<RateLimiter {self.key} rpm={self.rpm} window={self.window_s}s {where}>"


class Breaker:
    """Consecutive failed calls to one provider; at `threshold` every further call fails at
    once, so a dead provider stops a gate in seconds instead of after hundreds of calls.

    One per provider endpoint in a session (the runner's `Session.client` shares it between a
    gate's roles and its tests); one success closes it again.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.failures = 0
        self.last_error = ""

    @property
    def open(self) -> bool:
        return self.threshold > 0 and self.failures >= self.threshold

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        self.last_error = str(error)

    def succeeded(self) -> None:
        self.failures = 0

    def refusal(self, spec: str) -> BreakerOpen:
        return BreakerOpen(f"{spec}: {self.failures} calls in a row failed, so no more are made "
                           f"(--chunky-breaker); the last: {self.last_error}")

    async def guard(self, call: Awaitable[T], spec: str, poll: float = 0.2) -> T:
        """Await `call`, cancelling it when the breaker opens meanwhile: calls already in
        flight (and in their SDK's retry backoff) stop with the others, not seconds later."""
        task = asyncio.ensure_future(call)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=poll)
                if done:
                    return task.result()
                if self.open:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
                    raise self.refusal(spec)
        except asyncio.CancelledError:
            task.cancel()
            raise


class BreakerOpen(ProviderError):
    """A call not made (or abandoned) because its provider's breaker is open."""
