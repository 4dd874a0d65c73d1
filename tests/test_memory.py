"""Failure memory: per (test, rubric, model), forgetting, and several writer processes."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from pytest_chunky.search.memory import FailureMemory, StoredFailure


def test_put_get_forget_are_keyed(tmp_path: Path) -> None:
    memory = FailureMemory(tmp_path)
    memory.put("t::a", "rebut", "lab", [StoredFailure("q1", ["x"], 90),
                                       StoredFailure("q2", ["y"], 80)])
    memory.put("t::a", "rebut", "lab-clean", [StoredFailure("q3", [], 75)])
    assert [f.query for f in memory.get("t::a", "rebut", "lab")] == ["q1", "q2"]
    assert memory.get("t::a", "code", "lab") == []
    memory.forget("t::a", "rebut", "lab", ["q1"])
    assert [f.query for f in memory.get("t::a", "rebut", "lab")] == ["q2"]
    assert [f.attributes for f in memory.get("t::a", "rebut", "lab-clean")] == [[]]


def _writer(args: tuple[str, int]) -> None:
    directory, worker = args
    memory = FailureMemory(directory)
    for i in range(60):
        memory.put(f"test{worker}", "rebut", "lab", [StoredFailure(f"q{i}", ["a"], 90)])
    memory.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    with mp.get_context("spawn").Pool(4) as pool:
        pool.map(_writer, [(str(tmp_path), w) for w in range(4)])
    memory = FailureMemory(tmp_path)
    assert [len(memory.get(f"test{w}", "rebut", "lab")) for w in range(4)] == [60] * 4
    conn = memory._conns.get()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_memory_export_import_replays_on_a_new_checkpoint(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_chunky.cli import main

    old = FailureMemory(tmp_path / "old")
    old.put("t::a", "code", "lab", [StoredFailure("q1", ["x"], 90),
                                    StoredFailure("q2", ["y", "z"], 80)])
    old.close()
    suite = tmp_path / "suite.jsonl"
    assert main(["memory", "export", str(suite), "--cache-dir", str(tmp_path / "old")]) == 0
    assert len(suite.read_text(encoding="utf-8").splitlines()) == 2
    assert main(["memory", "import", str(suite), "--cache-dir", str(tmp_path / "new"),
                 "--as-model", "lab-clean"]) == 0
    new = FailureMemory(tmp_path / "new")
    assert [f.query for f in new.get("t::a", "code", "lab-clean")] == ["q1", "q2"]
    assert new.get("t::a", "code", "lab") == []
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"test_id": "t", "rubric": "code", "model": "m", "query": "q", '
                   '"attributes": "x", "score": 1}\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["memory", "import", str(bad), "--cache-dir", str(tmp_path / "new")]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:1" in err and "attributes" in err
