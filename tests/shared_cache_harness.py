"""Two pytest sessions (not xdist workers) writing one cache directory at the same time.

Shared by tests/test_shared_cache.py and benchmarks/bench_reliability.py. Each session runs
failing lab gates of its own; afterwards every response either session paid for must be in the
shared cache (a replay of both sessions misses nothing) and every confirmed failure must be
in the shared failure memory.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATES = {
    "a": ("tool_hallucination", "rebut", "identity"),
    "b": ("phrase", "short", "refusal"),
}


def _gates(rubrics: tuple[str, ...]) -> str:
    body = "import pytest_chunky as chunky\n"
    for rubric in rubrics:
        body += (f"\n\n@chunky.surf(rubric={rubric!r}, iterations=4, candidates=12)\n"
                 f"def test_{rubric}(chunky_result):\n    pass\n")
    return body


def _cmd(where: Path, name: str, cache: Path, mode: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-p",
            "no:xdist",
            "--chunky-model=lab", f"--chunky-cache-dir={cache}", f"--chunky-cache={mode}",
            str(where / f"test_{name}.py")]


def shared_cache_case(tmp: Path) -> dict[str, object]:
    where = tmp / "shared"
    where.mkdir(parents=True)
    cache = where / ".chunky"
    for name, rubrics in GATES.items():
        (where / f"test_{name}.py").write_text(_gates(rubrics), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = {name: subprocess.Popen(_cmd(where, name, cache, "readwrite"), cwd=where, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for name in GATES}
    outs = {name: p.communicate(timeout=300)[0] for name, p in procs.items()}
    with sqlite3.connect(cache / "responses.sqlite") as conn:
        rows = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    with sqlite3.connect(cache / "failures.sqlite") as conn:
        remembered = {r[0].rsplit("::", 1)[-1] for r in conn.execute(
            "SELECT DISTINCT test_id FROM failures")}
    replays = {name: subprocess.run(_cmd(where, name, cache, "replay"), cwd=where, env=env,
                                    capture_output=True, text=True, timeout=300).stdout
               for name in GATES}
    expected = {line.split("::", 1)[1].split()[0] for out in outs.values()
                for line in out.splitlines() if line.startswith("FAILED ")}
    misses = sum(out.count("no cached response") for out in replays.values())
    return {"cache_rows": rows, "failed_tests": sorted(expected),
            "memory_tests": sorted(remembered), "memory_lost": sorted(expected - remembered),
            "replay_misses": misses,
            "replay_same": all(_tail(replays[n]) == _tail(outs[n]) for n in GATES),
            "lost": len(expected - remembered) + misses}


def _tail(out: str) -> str:
    """The outcome counts of a session's last line, without its timing."""
    return out.strip().splitlines()[-1].split(" in ")[0] if out.strip() else ""
