"""Corrupt cache files, then rerun a session: a clear line or a repair, never a traceback.

Shared by tests/test_corruption.py and benchmarks/bench_reliability.py. Each case populates a
cache with a real lab session, damages `responses.sqlite` one way, and reruns the same session
(readwrite: the file must be moved aside with a warning and the verdict recomputed from fresh
calls; replay: a one-line error that names the file and the fix).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="code", attributes="lab", iterations=2, candidates=6)
def test_gate(chunky_result):
    assert chunky_result.candidates > 0
"""


def void(_: object) -> None:
    """Drop a return value (write_bytes returns a count)."""


def _truncate(fraction: float) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])
    return damage


def _zero_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid - 2048: mid + 2048] = bytes(min(4096, len(data)))[: len(data[mid - 2048: mid + 2048])]
    path.write_bytes(bytes(data))


def _scramble_tail(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 3, len(data), 7):
        data[i] = (data[i] * 31 + 17) % 256
    path.write_bytes(bytes(data))


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "garbage": lambda p: void(p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(16384)))),
    "text": lambda p: void(p.write_text("this is not a database\n", encoding="utf-8")),
    "header_only": _truncate(0.01),
    "truncated_half": _truncate(0.5),
    "zeroed_middle": _zero_middle,
    "scrambled_tail": _scramble_tail,
}


def _session(where: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--chunky-model=lab", f"--chunky-cache-dir={where / '.chunky'}", "-W",
         "always::pytest_chunky.infra.errors.ChunkyWarning", *extra],
        cwd=where, capture_output=True, text=True, env=env, timeout=300)


def _outcome(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    return next((w for w in ("failed", "passed", "error") if w in last), "none")


def corrupt_case(tmp: Path, kind: str) -> dict[str, object]:
    """Run, damage the cache one way, rerun in readwrite and in replay mode; judge the output."""
    where = tmp / kind
    where.mkdir(parents=True)
    (where / "test_gate.py").write_text(GATE, encoding="utf-8")
    first = _session(where)
    db = where / ".chunky" / "responses.sqlite"
    CORRUPTIONS[kind](db)
    replay = _session(where, "--chunky-cache=replay")
    CORRUPTIONS[kind](db)  # the replay run may not repair; damage again to be sure
    again = _session(where)
    out_again = again.stdout + again.stderr
    out_replay = replay.stdout + replay.stderr
    repaired = ("moved it aside" in out_again and "responses.sqlite" in out_again
                and any(p.name.startswith("responses.sqlite.corrupt-")
                        for p in db.parent.iterdir()))
    replay_clear = (replay.returncode != 0 and "responses.sqlite" in out_replay
                    and ("--chunky-cache=readwrite" in out_replay))
    no_trace = all("Traceback" not in o and "INTERNALERROR" not in o
                   for o in (out_again, out_replay))
    same_verdict = _outcome(again) == _outcome(first) and again.returncode == first.returncode
    return {"kind": kind, "repaired": repaired, "replay_clear": replay_clear,
            "no_traceback": no_trace, "same_verdict": same_verdict,
            "clear": repaired and replay_clear and no_trace and same_verdict,
            "first": _outcome(first), "again": _outcome(again),
            "replay_tail": out_replay.strip().splitlines()[-3:]}
