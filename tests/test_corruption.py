"""A damaged cache is repaired with a warning or named in one line; never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from corruption_harness import CORRUPTIONS, corrupt_case

from pytest_chunky.calls.cache import ResponseCache, corruption
from pytest_chunky.infra.errors import ChunkyWarning, ConfigError
from pytest_chunky.search.memory import FailureMemory, StoredFailure
from pytest_chunky.types import Completion, Usage


def _filled(path: Path, n: int = 400) -> None:
    with ResponseCache(path) as cache:
        for i in range(n):
            cache.put(f"k{i}", Completion(text="x" * 200, usage=Usage()), role="target",
                      provider="p", model="m")


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_every_kind_of_damage_is_detected_and_repaired(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "responses.sqlite"
    _filled(db)
    assert corruption(db) is None
    CORRUPTIONS[kind](db)
    assert corruption(db) is not None
    with pytest.raises(ConfigError) as err:
        ResponseCache(db, mode="replay").get("k1")
    assert "responses.sqlite" in str(err.value) and "--chunky-cache=readwrite" in str(err.value)
    with pytest.warns(ChunkyWarning, match="moved it aside"):
        cache = ResponseCache(db)
        assert cache.get("k1") is None  # a fresh cache: nothing is read from corrupt rows
    cache.put("new", Completion(text="y", usage=Usage()), role="target", provider="p",
              model="m")
    assert cache.get("new") is not None and len(cache) == 1
    cache.close()
    aside = [p for p in tmp_path.glob("responses.sqlite.corrupt-*")
             if not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1


def test_failure_memory_is_repaired_too(tmp_path: Path) -> None:
    FailureMemory(tmp_path).put("t", "code", "m", [StoredFailure("q", ["a"], 90)])
    (tmp_path / "failures.sqlite").write_bytes(b"garbage" * 100)
    with pytest.warns(ChunkyWarning, match="failure memory"):
        assert FailureMemory(tmp_path).get("t", "code", "m") == []


def test_damage_found_mid_run_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "responses.sqlite"
    _filled(db)
    cache = ResponseCache(db)
    assert cache.get("k1") is not None
    conn = cache._conn()
    assert conn is not None
    conn.execute("DROP TABLE responses")  # what a bad disk might as well do
    conn.execute("CREATE TABLE responses (key TEXT PRIMARY KEY)")
    with pytest.raises(ConfigError) as err:
        cache.put("z", Completion(text="y", usage=Usage()), role="r", provider="p", model="m")
    assert "responses.sqlite" in str(err.value) and "\n" not in str(err.value)
    assert isinstance(err.value.__cause__, sqlite3.DatabaseError) is False  # raised from None


@pytest.mark.parametrize("kind", ["garbage", "truncated_half"])
def test_sessions_on_a_damaged_cache(tmp_path: Path, kind: str) -> None:
    case = corrupt_case(tmp_path, kind)
    assert case["clear"], case
