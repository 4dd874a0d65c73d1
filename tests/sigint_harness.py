"""Ctrl-C in the middle of a long search, then a rerun: how fast it stops, what it reports,
and whether the rerun pays again for calls the first run completed.

Shared by tests/test_interrupt.py and benchmarks/bench_reliability.py. The lab is served over
HTTP with latency so the search is long; SIGINT goes to a real pytest process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pytest_chunky.fakeapi.server import FaultConfig, RunningServer, serve
from pytest_chunky.lab.role_model import LabRoleModel

ROOT = Path(__file__).resolve().parents[1]
LONG_GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="code", attributes="lab", iterations=40, candidates=8)
def test_long_gate(chunky_result):
    assert chunky_result.candidates > 0
"""


def _start(where: Path, srv: RunningServer) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENAI_API_KEY": "sk-local"}
    url = srv.openai_base_url
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         f"--chunky-model=openai:lab@{url}", f"--chunky-judge=openai:lab@{url}",
         f"--chunky-cache-dir={where / '.chunky'}", "--chunky-concurrency=4",
         f"--chunky-json-report={where / 'report.json'}", "test_long.py"],
        cwd=where, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _interrupt_after(proc: subprocess.Popen[str], srv: RunningServer, served: int,
                     limit_s: float = 60.0) -> tuple[float, str, int]:
    """SIGINT once the server has answered `served` more requests; (seconds to exit, output,
    requests the server received after the signal)."""
    start, base = time.monotonic(), len(srv.completed)
    while len(srv.completed) - base < served and time.monotonic() - start < limit_s:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    sent, received = time.monotonic(), len(srv.events)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    return time.monotonic() - sent, out, len(srv.events) - received


def sigint_case(tmp: Path, *, latency: float = 0.2) -> dict[str, object]:
    where = tmp / "sigint"
    where.mkdir(parents=True)
    (where / "test_long.py").write_text(LONG_GATE, encoding="utf-8")
    with serve(LabRoleModel("lab"), faults=FaultConfig(latency=latency)) as srv:
        first = _start(where, srv)
        stop_s, out, after_signal = _interrupt_after(first, srv, served=40)
        completed = set(srv.completed)
        n_events = len(srv.events)
        report = json.loads((where / "report.json").read_text(encoding="utf-8")) \
            if (where / "report.json").exists() else {"tests": []}
        second = _start(where, srv)
        _, out2, _ = _interrupt_after(second, srv, served=20)
        rerun_keys = [e.key for e in srv.events[n_events:]]
    repeated = sum(1 for k in rerun_keys if k in completed)
    tests = report.get("tests", [])
    partial = tests[0] if tests else {}
    return {
        "sigint_stop_seconds": round(stop_s, 3), "requests_after_sigint": after_signal,
        "returncode": first.returncode,
        "partial_reported": bool(partial) and partial.get("verdict") == "error"
        and int(partial.get("candidates", 0)) > 0 and "interrupted" in out,
        "partial_candidates": partial.get("candidates"), "completed_first": len(completed),
        "rerun_requests": len(rerun_keys), "rerun_repeated_completed": repeated,
        "no_traceback": all("Traceback" not in o and "INTERNALERROR" not in o
                            for o in (out, out2)),
        "summary_tail": [ln for ln in out.splitlines() if "chunky" in ln.lower()][-3:],
        "rerun_tail": out2.strip().splitlines()[-2:],
    }
