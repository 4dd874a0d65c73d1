"""Content-addressed response cache shared by every role and every xdist worker.

The key is a digest of everything that can change a model's answer (role, provider, model,
base URL, the full messages, sampling parameters incl. sample index / template / schema, and
caller-supplied versions such as the rubric digest). Credentials are never an input, so they
can never leak into the key or the stored row. SQLite in WAL mode lets several processes read
and write the same file at once; each process and thread gets its own connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar, get_args

from pydantic import ValidationError

from pytest_chunky.infra.errors import CacheMissError, ChunkyWarning, ConfigError
from pytest_chunky.types import Completion, Message, SamplingParams

CacheMode = Literal["off", "read", "write", "readwrite", "replay"]
CACHE_MODES: tuple[str, ...] = get_args(CacheMode)
SCHEMA_VERSION = 1
KEY_VERSION = 1  # bump when the key layout changes, so old entries are simply never hit
BUSY_TIMEOUT_MS = 10_000

_READ_MODES = ("read", "readwrite", "replay")
_WRITE_MODES = ("write", "readwrite")
_T = TypeVar("_T")

# Connections inherited through fork() are parked here: using them in the child corrupts the
# parent's view, and closing them could release the parent's POSIX locks.
_INHERITED: list[sqlite3.Connection] = []


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def retry_busy(fn: Callable[[], _T], *, attempts: int = 40) -> _T:
    """Run `fn`, retrying with jittered backoff while SQLite reports the database locked.

    busy_timeout covers most contention, but some paths (journal-mode switch, lock upgrades)
    return SQLITE_BUSY at once; those are retried here.
    """
    delay = 0.005
    for attempt in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or attempt == attempts - 1:
                raise
            time.sleep(delay * (1.0 + random.random()))
            delay = min(delay * 2, 0.25)
    raise AssertionError("unreachable")  # pragma: no cover


_SQLITE_MAGIC = b"SQLite format 3\x00"


def corruption(path: Path) -> str | None:
    """Why the SQLite file at `path` is unusable, or None when it is sound (or absent)."""
    try:
        size = path.stat().st_size
        if size == 0:
            return None
        with path.open("rb") as fh:
            if fh.read(16) != _SQLITE_MAGIC:
                return "not an SQLite database"
        if size < 512:
            return f"truncated to {size} bytes"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = retry_busy(lambda: conn.execute("PRAGMA quick_check").fetchall())
        finally:
            conn.close()
    except FileNotFoundError:
        return None
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise
        return str(exc)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
    return "; ".join(problems)[:200] if problems else None


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock beside `path`, so one process at a time repairs it."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def check_or_repair(path: Path, *, what: str, repair: bool, fix: str) -> None:
    """Before first use: a corrupt file is moved aside (with a warning) or is a clear error.

    Never a traceback from deep inside SQLite, never an answer read from corrupt rows.
    """
    if not path.exists():
        return
    if not repair:  # only reading: no lock file (the directory may be read-only)
        problem = corruption(path)
        if problem is not None:
            raise ConfigError(f"{path}: the {what} is corrupt ({problem}); {fix}")
        return
    with _file_lock(path):
        problem = corruption(path)
        if problem is None:
            return
        if not repair:
            raise ConfigError(f"{path}: the {what} is corrupt ({problem}); {fix}")
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{path}{suffix}")
            if extra.exists():
                extra.rename(Path(f"{aside}{suffix}"))
    warnings.warn(ChunkyWarning(f"{path}: the {what} was corrupt ({problem}); moved it aside "
                                f"to {aside.name} and started a new one"), stacklevel=2)


class SQLiteConnections:
    """One connection per (process, thread), opened lazily; a forked child opens its own.

    The first open in a process checks the file: a corrupt one is moved aside and rebuilt
    (`repair`) or reported in one line that names the file and the fix.
    """

    def __init__(self, path: Path, init: Callable[[sqlite3.Connection], None],
                 *, readonly: bool = False, what: str = "database", repair: bool = True,
                 fix: str = "delete it or move it aside") -> None:
        self.path = path
        self._init = init
        self._readonly = readonly
        self._what, self._repair, self._fix = what, repair and not readonly, fix
        self._checked_pid: int | None = None
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._conns: dict[int, sqlite3.Connection] = {}

    def get(self) -> sqlite3.Connection:
        pid = os.getpid()
        if pid != self._pid:
            _INHERITED.extend(self._conns.values())
            self._conns = {}
            self._lock = threading.Lock()
            self._pid = pid
        tid = threading.get_ident()
        conn = self._conns.get(tid)
        if conn is None:
            conn = self._open()
            with self._lock:
                self._conns[tid] = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        if self._checked_pid != os.getpid():
            check_or_repair(self.path, what=self._what, repair=self._repair, fix=self._fix)
            self._checked_pid = os.getpid()
        if self._readonly:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            return conn
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            retry_busy(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone())
            conn.execute("PRAGMA synchronous=NORMAL")
            retry_busy(lambda: self._init(conn))
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        """Close this process's connections (the last one to close checkpoints the WAL)."""
        with self._lock:
            conns, self._conns = list(self._conns.values()), {}
        if os.getpid() != self._pid:
            _INHERITED.extend(conns)
            return
        for conn in conns:
            conn.close()


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cache_key(*, role: str, provider: str, model: str, base_url: str | None,
              messages: Sequence[Message], params: SamplingParams,
              extra: Mapping[str, str] | None = None) -> str:
    """sha256 of the canonical JSON of everything that determines a response.

    `extra` carries versions the messages alone do not show (rubric digest, prompt-template
    version). There is deliberately no credential argument.
    """
    payload = {
        "v": KEY_VERSION,
        "role": role,
        "provider": provider,
        "model": model,
        "base_url": base_url.rstrip("/") if base_url else None,
        "messages": [dict(m) for m in messages],
        "params": params.model_dump(mode="json"),
        "extra": {str(k): str(v) for k, v in (extra or {}).items()},
    }
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


@dataclass
class CacheStats:
    """Per-process counters; `writes` counts rows actually inserted."""

    hits: int = 0
    misses: int = 0
    writes: int = 0


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    created REAL NOT NULL,
    completion_json TEXT NOT NULL
);
"""


class ResponseCache:
    """The response cache. Modes:

    - off: never reads or writes (the file is not even opened);
    - read: reads, never writes; write: writes, never reads; readwrite: both;
    - replay: reads only, and a miss raises `CacheMissError` (offline CI).
    """

    def __init__(self, path: Path | str, mode: CacheMode = "readwrite") -> None:
        if mode not in CACHE_MODES:
            raise ConfigError(f"--chunky-cache: unknown mode {mode!r}; "
                              f"use one of {', '.join(CACHE_MODES)}")
        self.path = Path(path)
        self.mode: CacheMode = mode
        self._stats_lock = threading.Lock()
        self.stats = CacheStats()
        self._conns: SQLiteConnections | None = None
        if mode == "off":
            return
        if mode not in _WRITE_MODES and not self.path.exists():
            return  # read-only and no file yet: every lookup is a miss; create nothing
        readonly = mode not in _WRITE_MODES and not os.access(self.path, os.W_OK)
        self._conns = SQLiteConnections(
            self.path, self._init_schema, readonly=readonly, what="response cache",
            repair=mode in _WRITE_MODES,
            fix="rerun with --chunky-cache=readwrite to move it aside and rebuild it, or "
                "delete it")

    def _init_schema(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if row is None or row[0] != str(SCHEMA_VERSION):
            found = None if row is None else row[0]
            raise ConfigError(f"{self.path}: cache schema version {found}, this version of "
                              f"pytest-chunky needs {SCHEMA_VERSION}; delete the file or "
                              "point the cache at another directory")

    def _conn(self) -> sqlite3.Connection | None:
        return None if self._conns is None else self._conns.get()

    def _corrupt(self, exc: sqlite3.DatabaseError) -> ConfigError:
        """Damage found mid-run (busy errors were retried already): one line, not a trace."""
        return ConfigError(f"{self.path}: the response cache failed ({exc}); rerun with "
                           "--chunky-cache=readwrite to move a corrupt file aside and rebuild "
                           "it, or delete it")

    def _count(self, field: str) -> None:
        with self._stats_lock:
            setattr(self.stats, field, getattr(self.stats, field) + 1)

    def get(self, key: str, *, role: str | None = None,
            model: str | None = None) -> Completion | None:
        """The stored completion (with `cached=True`), or None on a miss.

        `role` and `model` only serve the replay-mode error message.
        """
        if self.mode not in _READ_MODES:
            return None
        row: tuple[str] | None = None
        conn = self._conn()
        if conn is not None:
            try:
                row = retry_busy(lambda: conn.execute(
                    "SELECT completion_json FROM responses WHERE key=?", (key,)).fetchone())
            except sqlite3.DatabaseError as exc:
                if "no such table" not in str(exc):
                    raise self._corrupt(exc) from None
        completion: Completion | None = None
        if row is not None:
            try:
                completion = Completion.model_validate_json(row[0])
            except ValidationError:
                completion = None  # an unreadable row is a miss, never a crash
        if completion is None:
            self._count("misses")
            if self.mode == "replay":
                what = " ".join(p for p in (f"role {role!r}" if role else "",
                                            f"model {model!r}" if model else "") if p)
                raise CacheMissError(
                    f"--chunky-cache=replay: no cached response for {what or 'request'} "
                    f"(key {key[:12]}) in {self.path}; rerun with --chunky-cache=readwrite "
                    "to record it")
            return None
        self._count("hits")
        return completion.model_copy(update={"cached": True})

    def put(self, key: str, completion: Completion, *, role: str, provider: str,
            model: str) -> None:
        """Store a completion; the first write of a key wins (content-addressed)."""
        if self.mode not in _WRITE_MODES:
            return
        conn = self._conn()
        if conn is None:
            return
        body = completion.model_copy(update={"cached": False}).model_dump_json()
        try:
            cur = retry_busy(lambda: conn.execute(
                "INSERT OR IGNORE INTO responses(key, role, provider, model, created, "
                "completion_json) VALUES (?, ?, ?, ?, ?, ?)",
                (key, role, provider, model, time.time(), body)))
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from None
        if cur.rowcount > 0:
            self._count("writes")

    def __len__(self) -> int:
        conn = self._conn()
        if conn is None:
            return 0
        try:
            row = retry_busy(lambda: conn.execute("SELECT count(*) FROM responses").fetchone())
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return 0
            raise
        return int(row[0])

    def integrity_check(self) -> str:
        """SQLite's own verdict: "ok", or the problems it found, one per line."""
        conn = self._conn()
        if conn is None:
            return "ok"
        rows = retry_busy(lambda: conn.execute("PRAGMA integrity_check").fetchall())
        return "\n".join(str(r[0]) for r in rows)

    def journal_mode(self) -> str:
        conn = self._conn()
        return "none" if conn is None else str(conn.execute("PRAGMA journal_mode").fetchone()[0])

    def close(self) -> None:
        if self._conns is not None:
            self._conns.close()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ResponseCache {self.path} mode={self.mode}>"
