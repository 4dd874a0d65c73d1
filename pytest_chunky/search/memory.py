"""Failure memory: confirmed failing prompts per (test, rubric, model), replayed first.

Like Hypothesis' example database, a regression is caught in seconds by re-checking what
failed last time before any new search; prompts that stop failing are forgotten.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_chunky.calls.cache import SQLiteConnections, retry_busy
from pytest_chunky.infra.errors import ChunkyWarning, InputError
from pytest_chunky.infra.errors import shown as shown_value
from pytest_chunky.infra.jsonl import read_jsonl


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
        with contextlib.suppress(OSError):  # a read-only parent: the memory is read-only
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # A cache directory restored read-only in CI still replays its stored failures; what
        # a run would add is not stored (one warning says so).
        self.readonly = not os.access(self.path.parent, os.W_OK) or (
            self.path.exists() and not os.access(self.path, os.W_OK))
        self._warned = False
        self._conns = SQLiteConnections(self.path, _init, what="failure memory",
                                        readonly=self.readonly)

    def get(self, test_id: str, rubric: str, model: str) -> list[StoredFailure]:
        if self.readonly and not self.path.exists():
            return []
        rows = retry_busy(lambda: self._conns.get().execute(
            "SELECT query, attributes, score FROM failures WHERE test_id=? AND rubric=? "
            "AND model=? ORDER BY score DESC, created", (test_id, rubric, model)).fetchall())
        return [StoredFailure(q, json.loads(a), int(s)) for q, a, s in rows]

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        if self.readonly:
            if not self._warned:
                self._warned = True
                warnings.warn(ChunkyWarning(
                    f"{self.path}: the failure memory is read-only here; failures found in "
                    "this run are not stored"), stacklevel=3)
            return

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

    def export(self, path: Path | str) -> int:
        """Write every stored failure as JSONL (a portable regression suite); the row count."""
        rows = retry_busy(lambda: self._conns.get().execute(
            "SELECT test_id, rubric, model, query, attributes, score FROM failures "
            "ORDER BY test_id, rubric, model, score DESC").fetchall())
        with Path(path).open("w", encoding="utf-8") as out:
            for test_id, rubric, model, query, attributes, score in rows:
                out.write(json.dumps({"test_id": test_id, "rubric": rubric, "model": model,
                                      "query": query, "attributes": json.loads(attributes),
                                      "score": int(score)}, ensure_ascii=False) + "\n")
        return len(rows)

    def import_(self, path: Path | str, *, as_model: str | None = None) -> int:
        """Add failures from an exported JSONL file; `as_model` re-keys them to a new
        checkpoint so its next run replays them first. Returns the rows added."""
        rows = _exported_rows(path)  # every row checked before anything is written
        now = time.time()
        # One transaction: a file is imported whole or not at all.
        self._write("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(row["test_id"], row["rubric"], as_model or row["model"], row["query"],
                      json.dumps(row["attributes"]), row["score"], now) for _, row in rows])
        return len(rows)

    def close(self) -> None:
        self._conns.close()


_FIELDS: dict[str, type] = {"test_id": str, "rubric": str, "model": str, "query": str,
                            "attributes": list, "score": int}


def _exported_rows(path: Path | str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of an exported memory file; anything malformed names the file, line and field."""
    rows = []
    for lineno, row, shown in read_jsonl(path, "memory file"):
        for field, kind in _FIELDS.items():
            value = row.get(field)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise InputError(f"must be a {kind.__name__}", path=shown, line=lineno,
                                 field=field)
        if not all(isinstance(a, str) for a in row["attributes"]):
            raise InputError("must be a list of strings", path=shown, line=lineno,
                             field="attributes")
        if not 0 <= row["score"] <= 100:
            raise InputError(f"must be a judge score from 0 to 100, got "
                             f"{shown_value(row['score'])}", path=shown, line=lineno,
                             field="score")
        for field in ("test_id", "rubric", "model", "query", "attributes"):
            texts = row[field] if field == "attributes" else [row[field]]
            try:
                for text in texts:
                    text.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError("holds a lone surrogate (\\ud800-\\udfff); it is not text",
                                 path=shown, line=lineno, field=field) from None
        rows.append((lineno, row))
    return rows
