"""Failure memory: confirmed failing prompts per (test, rubric, model), replayed first.

Like Hypothesis' example database, a regression is caught in seconds by re-checking what
failed last time before any new search; prompts that stop failing are forgotten.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .cache import SQLiteConnections, retry_busy


@dataclass(frozen=True)
class StoredFailure:
    query: str
    attributes: list[str]
    score: int


def _init(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS failures (test_id TEXT, rubric TEXT, model TEXT, "
        "query TEXT, attributes TEXT, score INTEGER, created REAL, "
        "PRIMARY KEY (test_id, rubric, model, query))")


class FailureMemory:
    def __init__(self, directory: Path | str) -> None:
        self.path = Path(directory) / "failures.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conns = SQLiteConnections(self.path, _init, what="failure memory")

    def get(self, test_id: str, rubric: str, model: str) -> list[StoredFailure]:
        rows = retry_busy(lambda: self._conns.get().execute(
            "SELECT query, attributes, score FROM failures WHERE test_id=? AND rubric=? "
            "AND model=? ORDER BY score DESC, created", (test_id, rubric, model)).fetchall())
        return [StoredFailure(q, json.loads(a), int(s)) for q, a, s in rows]

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        def write() -> None:
            conn = self._conns.get()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(sql, rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        retry_busy(write)

    def put(self, test_id: str, rubric: str, model: str, failures: list[StoredFailure]) -> None:
        self._write("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(test_id, rubric, model, f.query, json.dumps(f.attributes), f.score,
                      time.time()) for f in failures])

    def forget(self, test_id: str, rubric: str, model: str, queries: list[str]) -> None:
        self._write("DELETE FROM failures WHERE test_id=? AND rubric=? AND model=? AND query=?",
                    [(test_id, rubric, model, q) for q in queries])

    def close(self) -> None:
        self._conns.close()
