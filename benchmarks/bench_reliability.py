"""Benchmark reliability: faults, kills, bad input, secrets and broken judges, measured for real.

Runs lab SURF searches over HTTP with ~20% injected faults against clean runs of the same seed,
kills searches and a TURF index build with SIGKILL and reruns them, lets N processes write one
cache at once, fuzzes the four loaders with Hypothesis (>= 1,000 inputs each), runs a plugin
session with dummy API keys and scans every artefact, and runs failing gates under broken
judges. Uses the harness in tests/reliability_harness.py, test_fuzz.py and test_secrets.py.
Progress goes to stderr; the last stdout line is one JSON object.

    python benchmarks/bench_reliability.py [--quick]

Credentials written into model strings (URL userinfo, `?api-key=`/`&sig=` parameters) and a
server that answers 401 echoing the Authorization header and URL are scanned for too
(`url_secrets_leaked`, also counted in `secrets_leaked`); the response cache is damaged six
ways and each rerun must repair it with a warning (readwrite) or name the file and the fix
(replay), with the same verdict and no traceback (`corrupt_cache_clear_errors`, a fraction);
a long search over HTTP is interrupted with SIGINT (`sigint_stop_seconds`) and rerun
(`sigint_rerun_repeated_calls`); two concurrent sessions share one cache directory
(`shared_sessions_lost`). Harnesses: tests/credential_harness.py, corruption_harness.py,
sigint_harness.py, shared_cache_harness.py.

Hostile servers, tampered files and poisoned text (`benchmarks/hostile_cases.py`, one figure
per row of that audit): settings_repr_leaks 0, native_crashes 0 (and tampered_index_unclear
empty), negative_budget_bypass 0, yaml_bomb_seconds < 1, trickle_stop_seconds about the 2 s
deadline, breaker_seconds (a default gate against a dead endpoint, pytest start-up included)
<= 20 with breaker_opened true, raw_escapes 0, unmasked_params [], runlog_collisions 0,
readonly_replay_ok true, max_artifact_mb_10mb_reply < 2, memory_import_tracebacks 0,
callable_judge_out_of_range_scored 0, model_string_leaks 0.

Targets: verdict_equal true, clear_errors 1.0, entries_lost 0,
paid_calls_repeated_after_kill 0, secrets_leaked 0, silent_passes 0, url_secrets_leaked 0,
corrupt_cache_clear_errors 1.0, sigint_stop_seconds <= 5.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import corruption_harness as corrupt  # noqa: E402
import credential_harness as cred  # noqa: E402
import reliability_harness as rel  # noqa: E402
import shared_cache_harness as shared_cache  # noqa: E402
import sigint_harness as sigint  # noqa: E402
import test_fuzz as fuzz  # noqa: E402
import test_secrets as sec  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import hostile_cases  # noqa: E402

from pytest_chunky.fakeapi.server import FaultConfig, serve  # noqa: E402
from pytest_chunky.lab.role_model import LabRoleModel  # noqa: E402

T = TypeVar("T")
ALL_RUBRICS = ("code", "tool_hallucination", "rebut", "refusal", "identity", "phrase", "short")


def log(msg: str) -> None:
    print(f"[bench_reliability] {msg}", file=sys.stderr, flush=True)


def timed(label: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    out = fn()
    log(f"{label}: {time.perf_counter() - start:.1f}s")
    return out


def faults(tmp: Path, quick: bool) -> dict[str, Any]:
    """Clean vs ~20%-faulty runs of the same seeded searches. Profile `all` has every fault
    kind (the headline numbers); `recoverable` leaves out truncated bodies."""
    search = rel.FAULT_SEARCH if quick else rel.SEARCH
    if quick:
        gates = rel.pick_gates(tmp / "faults", search=search)
        clean = {run.result.rubric: run for run in gates.values()}
    else:
        clean_runs = rel.fault_matrix(tmp / "faults", [(r, "clean", FaultConfig())
                                                      for r in ALL_RUBRICS], timeout=0.5)
        clean = {rubric: run for (rubric, _), run in clean_runs.items()}
    profiles = {"recoverable-seed1": rel.RECOVERABLE_20, "all-seed1": rel.ALL_20}
    if not quick:
        profiles["all-seed2"] = rel.ALL_20.model_copy(update={"seed": 2})
    jobs = [(r, name, config) for r in clean for name, config in profiles.items()]
    faulty = rel.fault_matrix(tmp / "faults", jobs, search=search, timeout=0.5)

    def equal(prefix: str) -> bool:
        return all(clean[r].result.verdict == run.result.verdict
                   for (r, name), run in faulty.items() if name.startswith(prefix))

    every = {k: v for k, v in faulty.items() if k[1].startswith("all")}
    injected = sum(run.faults_injected for run in every.values())
    requests = sum(run.stats.get("requests", 0) for run in every.values())
    kinds = {kind: sum(run.stats.get(kind, 0) for run in every.values())
             for kind in rel.FAULT_KINDS}
    errors: dict[str, int] = {}
    for run in every.values():
        for line in run.lines:
            if line["status"] == "error":
                text = str(line.get("error") or "")
                kind = ("malformed body" if "malformed" in text else
                        "judge unparseable" if "attempts" in text else text[:60])
                errors[kind] = errors.get(kind, 0) + 1
    return {
        "search": search,
        "faults_injected": injected,
        "faults_survived": injected - sum(run.faults_not_survived for run in every.values()),
        "verdict_equal": equal("all"),
        "verdict_equal_recoverable": equal("recoverable"),
        "fault_fraction": round(injected / max(1, requests), 3),
        "faults_by_kind": kinds,
        "verdicts": {f"{r}/{name}": f"{clean[r].result.verdict}->{run.result.verdict}"
                     for (r, name), run in faulty.items()},
        "silent_passes_under_faults": sum(
            clean[r].result.verdict == "fail" and run.result.verdict == "pass"
            for (r, _), run in faulty.items()),
        "candidate_attempt_errors_under_faults": errors,
        "recoverable_runs_identical": all(
            [(x["query"], x["score"]) for x in run.lines] ==
            [(x["query"], x["score"]) for x in clean[r].lines]
            for (r, name), run in faulty.items() if name.startswith("recoverable")),
        "accounting_problems": sum(len(rel.accounting_problems(run))
                                   for run in [*clean.values(), *faulty.values()]),
        "retry_bound_violations": sum(len(rel.retry_problems(run))
                                      for run in [*clean.values(), *faulty.values()]),
        "max_requests_per_logical_call": max(
            (n / max(1, sum(c.key == k for c in run.calls))
             for run in faulty.values() for k, n in run.served.items()), default=0),
        "max_retries": rel.MAX_RETRIES,
    }


def kills(tmp: Path, quick: bool) -> dict[str, Any]:
    search = rel.kill_search(tmp / "search")
    turf = rel.kill_turf_build(tmp / "turf", records=24 if quick else 40, reference=not quick)
    status, rows = rel.kill_during_writes(tmp / "writes")
    reports = {"search": search, "turf_build": turf}
    return {
        "paid_calls_repeated_after_kill": search.repeated + turf.repeated,
        "kill": {name: {"completed_before_kill": r.completed_before_kill,
                        "reference_requests": r.reference_requests,
                        "second_run_requests": r.second_run_requests,
                        "repeated": r.repeated, "missing": r.missing,
                        "same_outcome": r.same_outcome, "killed_mid_run": r.killed_mid_run,
                        "integrity": r.integrity} for name, r in reports.items()},
        "integrity_after_kill_during_writes": status, "rows_after_kill_during_writes": rows,
    }


def writers(tmp: Path, quick: bool) -> dict[str, Any]:
    n, m = (4, 200) if quick else (8, 500)
    return {"entries_lost": rel.concurrent_writers(tmp / "writers", n, m),
            "writers": {"processes": n, "entries_each": m}}


def fuzzing(tmp: Path) -> dict[str, Any]:
    fuzz.STATS.clear()
    fuzz.fuzz_rubrics(tmp / "rubrics", strict=False, examples=1000)
    fuzz.fuzz_pools(tmp / "pools", strict=False, examples=1000)
    fuzz.fuzz_datasets(tmp / "datasets", strict=False, examples=1000)
    fuzz.fuzz_markers(strict=False, examples=1000)
    errors = sum(t.errors for t in fuzz.STATS.values())
    clear = sum(t.clear for t in fuzz.STATS.values())
    return {
        "inputs_fuzzed": sum(t.inputs for t in fuzz.STATS.values()),
        "clear_errors": round(clear / errors, 4) if errors else 1.0,
        "fuzz": {name: {"inputs": t.inputs, "accepted": t.accepted, "errors": t.errors,
                        "clear": t.clear, "unclear_samples": t.unclear}
                 for name, t in fuzz.STATS.items()},
    }


def _pytest(cwd: Path, args: list[str], env: dict[str, str]) -> tuple[str, str, dict[str, int]]:
    proc = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    outcome: dict[str, int] = {}
    for line in reversed(proc.stdout.splitlines()):
        if " in " in line and ("passed" in line or "failed" in line or "error" in line):
            for part in line.strip("= ").split(" in ")[0].split(", "):
                count, _, name = part.strip().partition(" ")
                if count.isdigit():
                    outcome[name.rstrip("s") if name != "passed" else name] = int(count)
            break
    return proc.stdout, proc.stderr, outcome


def secrets(tmp: Path) -> dict[str, Any]:
    """A real plugin session in a subprocess with dummy keys; every artefact scanned."""
    keys = sec.new_secrets()
    out = tmp / "secrets"
    out.mkdir(parents=True)
    (out / "test_gate.py").write_text(sec.GATE, encoding="utf-8")
    env = {**os.environ, **keys, "PYTHONPATH": str(ROOT)}
    with serve(LabRoleModel("lab")) as srv:
        stdout, stderr, outcome = _pytest(out, sec.session_args(out, srv), env)
        result = sec.collect(out, srv, keys, stdout, stderr, outcome)
    return {"secrets_leaked": len(result.leaks), "secret_leaks": result.leaks,
            "secret_scan": {"files": len(result.files), "bytes": sum(result.files.values()),
                            "server_requests": result.requests, "outcome": outcome}}


def broken_judges(tmp: Path) -> dict[str, Any]:
    """Failing gates under judges that break always, on violations, or while confirming; and
    a plugin session whose judge never parses."""
    verdicts = rel.silent_passes(tmp / "judges")
    plugin = tmp / "plugin"
    plugin.mkdir(parents=True)
    (plugin / "test_gate.py").write_text(rel.GATE, encoding="utf-8")
    (plugin / "conftest.py").write_text(rel.CONFTEST_BROKEN_JUDGE, encoding="utf-8")
    _, _, outcome = _pytest(plugin, ["--chunky-model=lab", "--chunky-cache=off", "-p",
                                     "no:cacheprovider"], {**os.environ,
                                                           "PYTHONPATH": str(ROOT)})
    verdicts["plugin_never_parses"] = "pass" if outcome.get("passed") else (
        "error" if outcome.get("error") else json.dumps(outcome))
    return {"broken_judge_verdicts": verdicts,
            "silent_passes_broken_judge": sum(v == "pass" for v in verdicts.values())}


def url_secrets(tmp: Path) -> dict[str, Any]:
    """The issue's sessions: credentials in URLs, and a 401 that echoes them back."""
    leaks: list[str] = []
    outcomes = {}
    for name in ("urls", "echo401"):
        keys = cred.url_secrets()
        out = tmp / f"secrets-{name}"
        out.mkdir(parents=True)
        (out / "test_gate.py").write_text(sec.GATE, encoding="utf-8")
        env = {**os.environ, "OPENAI_API_KEY": keys["env_key"],
               "ANTHROPIC_API_KEY": keys["env_key"], "PYTHONPATH": str(ROOT)}
        if name == "urls":
            with serve(LabRoleModel("lab")) as srv:
                stdout, stderr, outcome = _pytest(out, cred.credential_args(out, srv, keys), env)
        else:
            with cred.echo_401_server() as base:
                stdout, stderr, outcome = _pytest(out, cred.echo_401_args(out, base, keys), env)
        files = sorted(p for p in out.rglob("*") if p.is_file() and p.suffix != ".py")
        leaks += [f"{name}: {leak}" for leak in sec.scan(
            files, {"stdout": stdout, "stderr": stderr}, cred.needles(keys))]
        outcomes[name] = outcome
    return {"url_secrets_leaked": len(leaks), "url_secret_leaks": leaks,
            "url_secret_outcomes": outcomes}


def corrupt_caches(tmp: Path, quick: bool) -> dict[str, Any]:
    kinds = ["garbage", "truncated_half", "zeroed_middle"] if quick else sorted(
        corrupt.CORRUPTIONS)
    cases = [corrupt.corrupt_case(tmp / "corrupt", kind) for kind in kinds]
    for case in cases:
        if not case["clear"]:
            log(f"unclear corruption case: {case}")
    return {"corrupt_cache_clear_errors": round(sum(bool(c["clear"]) for c in cases)
                                                / len(cases), 3),
            "corrupt_cache_cases": {c["kind"]: c["clear"] for c in cases}}


def interrupts(tmp: Path) -> dict[str, Any]:
    case = sigint.sigint_case(tmp)
    shared = shared_cache.shared_cache_case(tmp)
    return {"sigint_stop_seconds": case["sigint_stop_seconds"],
            "sigint_partial_reported": case["partial_reported"],
            "sigint_rerun_repeated_calls": case["rerun_repeated_completed"],
            "sigint_clean_exit": case["returncode"] == 2 and case["no_traceback"],
            "shared_sessions_lost": shared["lost"],
            "shared_sessions_cache_rows": shared["cache_rows"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (under 60 s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out: dict[str, Any] = {"quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="chunky-bench-rel-") as name:
        tmp = Path(name)
        out.update(timed("faults", lambda: faults(tmp, args.quick)))
        out.update(timed("kills", lambda: kills(tmp / "kill", args.quick)))
        out.update(timed("writers", lambda: writers(tmp, args.quick)))
        out.update(timed("fuzz", lambda: fuzzing(tmp / "fuzz")))
        out.update(timed("secrets", lambda: secrets(tmp)))
        out.update(timed("url secrets", lambda: url_secrets(tmp)))
        out.update(timed("corrupt caches", lambda: corrupt_caches(tmp, args.quick)))
        out.update(timed("interrupts", lambda: interrupts(tmp)))
        out.update(timed("judges", lambda: broken_judges(tmp)))
        out.update(timed("hostile", lambda: hostile_cases.hostile(tmp)))
    out["silent_passes"] = out["silent_passes_broken_judge"] + out["silent_passes_under_faults"]
    out["secrets_leaked"] += out["url_secrets_leaked"]
    out["seconds"] = round(time.perf_counter() - started, 1)
    headline = ("faults_injected", "faults_survived", "verdict_equal", "inputs_fuzzed",
                "clear_errors", "entries_lost", "paid_calls_repeated_after_kill",
                "secrets_leaked", "silent_passes", "url_secrets_leaked",
                "corrupt_cache_clear_errors", "sigint_stop_seconds")
    ordered = {k: out[k] for k in headline} | {k: v for k, v in out.items() if k not in headline}
    print(json.dumps(ordered, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
