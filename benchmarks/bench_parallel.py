"""Parallel pipelines: xdist verdicts, concurrent cache writes, speed-up, HTML rendering.

Usage: python benchmarks/bench_parallel.py [--quick]   (prints one JSON object as its last line)

* verdicts_equal: `pytest examples/` serially and with `-n 2` (fresh cache dirs, same seeds):
  the per-test verdicts from `--chunky-json-report` must be identical.
* lost_entries: N processes write M entries each, at once, into one response cache and one
  failure memory; entries missing afterwards (0 expected), plus SQLite's integrity check.
* speedup_n2: wall time of a gate suite run serially divided by the same suite under `-n 2`,
  with every role served by the lab server (subprocess) with a fixed injected latency (4 gates
  at 0.2 s with --quick, 8 gates at 0.4 s otherwise). Each gate is a chain of dependent calls,
  so the speed-up comes from running gates side by side; worker start-up (~3 s) is included.
* report_renders: headless Chromium opens the HTML report, its charts render and a script
  injected into a model response does not run (null when Chromium is not installed).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from labserver import lab_server

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _verdicts(report: Path) -> dict[str, str]:
    data = json.loads(report.read_text())
    return {t["id"]: t["verdict"] for t in data["tests"]}


def verdicts_equal(tmp: Path) -> tuple[bool, dict[str, object]]:
    runs = {}
    for name, extra in (("serial", []), ("n2", ["-n", "2"])):
        report = tmp / f"{name}.json"
        start = time.perf_counter()
        subprocess.run([*PYTEST, "examples/", f"--chunky-cache-dir={tmp / name}",
                        f"--chunky-json-report={report}", *extra], cwd=ROOT,
                       capture_output=True, text=True, check=False)
        runs[name] = (_verdicts(report), time.perf_counter() - start)
        log(f"examples {name}: {len(runs[name][0])} tests in {runs[name][1]:.1f}s")
    equal = runs["serial"][0] == runs["n2"][0] and bool(runs["serial"][0])
    return equal, {"examples_tests": len(runs["serial"][0]),
                   "examples_serial_s": round(runs["serial"][1], 1),
                   "examples_n2_s": round(runs["n2"][1], 1)}


def _writer(args: tuple[str, int, int]) -> None:
    from pytest_chunky.calls.cache import ResponseCache
    from pytest_chunky.search.memory import FailureMemory, StoredFailure
    from pytest_chunky.types import Completion

    directory, worker, count = args
    cache = ResponseCache(Path(directory) / "responses.sqlite")
    memory = FailureMemory(directory)
    for i in range(count):
        cache.put(f"w{worker}-{i}", Completion(text=f"reply {worker} {i}"), role="target",
                  provider="lab", model="lab")
        memory.put(f"test{worker}", "rebut", "lab",
                   [StoredFailure(f"query {worker} {i}", ["a"], 90)])
    cache.close()
    memory.close()


def lost_entries(tmp: Path, processes: int, per_process: int) -> dict[str, object]:
    from pytest_chunky.calls.cache import ResponseCache
    from pytest_chunky.search.memory import FailureMemory

    directory = tmp / "concurrent"
    with mp.get_context("spawn").Pool(processes) as pool:
        pool.map(_writer, [(str(directory), w, per_process) for w in range(processes)])
    cache = ResponseCache(directory / "responses.sqlite")
    memory = FailureMemory(directory)
    missing = sum(cache.get(f"w{w}-{i}") is None
                  for w in range(processes) for i in range(per_process))
    missing += sum(per_process - len(memory.get(f"test{w}", "rebut", "lab"))
                   for w in range(processes))
    return {"lost_entries": missing, "written_entries": 2 * processes * per_process,
            "integrity": cache.integrity_check()}


GATES = """
import pytest_chunky as chunky

@chunky.surf(rubric="{rubric}", attributes="lab")
def test_{rubric}(chunky_result):
    pass
"""


def speedup(tmp: Path, latency: float, rubrics: tuple[str, ...]) -> dict[str, object]:
    project = tmp / "gates"
    project.mkdir()
    for rubric in rubrics:
        (project / f"test_{rubric}.py").write_text(GATES.format(rubric=rubric))
    walls = {}
    with lab_server(latency) as url:
        common = [f"--chunky-model=openai:lab@{url}", f"--chunky-judge=openai:lab@{url}",
                  "--chunky-iterations=3", "--chunky-candidates=16", "--chunky-cache=off",
                  "--chunky-resamples=4"]
        for name, extra in (("serial", []), ("n2", ["-n", "2"])):
            start = time.perf_counter()
            done = subprocess.run([*PYTEST, str(project), *common,
                                   f"--chunky-cache-dir={tmp / ('c' + name)}", *extra],
                                  cwd=project, capture_output=True, text=True, check=False,
                                  env={**os.environ, "OPENAI_API_KEY": "unused-local"})
            walls[name] = time.perf_counter() - start
            log(f"gates {name}: {walls[name]:.1f}s ({done.stdout.strip().splitlines()[-1]})")
    return {"speedup_n2": round(walls["serial"] / walls["n2"], 2),
            "speedup_serial_s": round(walls["serial"], 1), "speedup_n2_s": round(walls["n2"], 1),
            "speedup_latency_s": latency, "speedup_gates": len(rubrics)}


def report_renders(tmp: Path) -> dict[str, object]:
    if not Path("/usr/bin/chromium").exists():
        return {"report_renders": None, "report_note": "chromium not installed"}
    from pytest_chunky.reports.html import SCRIPT_MARKER, browser_check, write_html
    from pytest_chunky.results import (
        Candidate,
        Confirmation,
        IterationStats,
        SearchResult,
    )

    payload = ("<script>document.body.insertAdjacentHTML('beforeend',"
               f"'<b id={SCRIPT_MARKER}></b>')</script>")
    result = SearchResult(rubric="rebut", model="lab", seed=0, threshold=70, min_rate=0.3,
                          scored=10, violating=3)
    result.iterations = [IterationStats(iteration=i, best_score=50 + 10 * i,
                                        mean_buffer_score=30.0 + 10 * i, scored=8,
                                        top_weights={"The query asks when": 0.3})
                         for i in range(4)]
    result.buffer = [Candidate(index=0, iteration=0, seed=0, attributes=["a"], query="q",
                               response=payload, score=90)]
    result.confirmations = [Confirmation(query="q", attributes=["a"], score=90,
                                         response=payload, reason=payload, samples=8,
                                         violations=7, rate=0.875, ci_low=0.5, ci_high=0.98,
                                         confirmed=True)]
    path = write_html(tmp / "report.html", [("examples::test_rebut", result)])
    check = browser_check(path)
    return {"report_renders": bool(check["renders"] and not check["script_ran"]),
            "report_script_ran": check["script_ran"]}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    out: dict[str, object] = {"quick": quick}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        equal, info = verdicts_equal(tmp)
        out["verdicts_equal"] = equal
        out.update(info)
        out.update(lost_entries(tmp, 4, 100 if quick else 500))
        gates = ("rebut", "refusal", "identity", "phrase")
        out.update(speedup(tmp, 0.2, gates) if quick else
                   speedup(tmp, 0.4, (*gates, "code", "tool_hallucination", "short", "fiction")))
        out.update(report_renders(tmp))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
