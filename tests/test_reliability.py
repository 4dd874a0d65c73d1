"""Reliability: faults, interruptions and broken judges must never turn into a passing gate.

The harness lives in `reliability_harness.py`, which `benchmarks/bench_reliability.py`
measures with too, so the benchmark and the tests check the very same things.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from reliability_harness import (
    ALL_20,
    CONFTEST_BROKEN_JUDGE,
    FAULT_KINDS,
    FAULT_SEARCH,
    GATE,
    RECOVERABLE_20,
    BrokenJudge,
    HttpRun,
    accounting_problems,
    concurrent_writers,
    failing_rubric,
    fault_matrix,
    kill_during_writes,
    kill_search,
    kill_turf_build,
    lab_search,
    pick_gates,
    retry_problems,
)

from pytest_chunky.calls import prompts
from pytest_chunky.fakeapi.server import BAD_JUDGE_REPLY, FaultConfig, serve
from pytest_chunky.lab.role_model import LabRoleModel
from pytest_chunky.models.openai import OpenAIModel
from pytest_chunky.results import SearchResult
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.settings import build_settings
from pytest_chunky.types import Completion, Message, SamplingParams


def test_accounting_check_catches_lost_and_miscounted_candidates() -> None:
    def line(index: int, status: str, attempt: int = 0) -> dict[str, Any]:
        return {"index": index, "status": status, "attempt": attempt, "score": None
                if status in ("error", "skipped") else 10, "error": "boom"
                if status == "error" else None}

    search = {"iterations": 1, "candidates": 3}
    lines = [line(0, "scored"), line(1, "error"), line(2, "skipped"), line(1, "scored", 1)]
    result = SearchResult(rubric="code", model="m", seed=0, threshold=70, min_rate=0.3,
                          candidates=2, scored=2)
    run = HttpRun(result, lines, {}, Counter(), [], 0, 0.0)
    assert accounting_problems(run, search) == []
    run.lines = lines[:-1]  # the retry of candidate 1 went missing
    assert accounting_problems(run, search)
    run.lines = [x for x in lines if x["index"] != 2]  # a candidate without any line
    assert accounting_problems(run, search)
    run.lines, run.result = lines, result.model_copy(update={"scored": 1})
    assert accounting_problems(run, search)


# ---------------------------------------------------------------------------------------------
# 1. Fault injection


def test_bad_judge_fault_replaces_only_judge_replies() -> None:
    async def ask(url: str, tagged: bool) -> str:
        model = OpenAIModel("lab", base_url=url, max_retries=0, timeout=10)
        rubric = get_rubric("code")
        user = prompts.judge_user(rubric.name, rubric.render(), "hi", "hello", "code")
        messages = prompts.JUDGE.messages(user) if tagged else \
            [Message(role="user", content="hello")]
        try:
            return (await model.generate(messages, SamplingParams())).text
        finally:
            await model.aclose()

    with serve(LabRoleModel("lab"), faults=FaultConfig(rate_bad_judge=1.0)) as srv:
        judged = asyncio.run(ask(srv.openai_base_url, True))
        chat = asyncio.run(ask(srv.openai_base_url, False))
        stats = srv.stats
    assert judged == BAD_JUDGE_REPLY
    assert chat != BAD_JUDGE_REPLY and chat.strip()
    assert stats["bad_judge"] == 1 and stats["ok"] == 1


def test_keyed_faults_repeat_exactly() -> None:
    config = FaultConfig(seed=3, keyed=True, rate_429=0.15, rate_529=0.15, retry_after=0.01)
    draws = []
    for _ in range(2):
        with serve(LabRoleModel("lab"), faults=config) as srv:
            async def go(url: str = srv.openai_base_url) -> None:
                model = OpenAIModel("lab", base_url=url, max_retries=6, timeout=10)
                try:
                    await asyncio.gather(*(model.generate(
                        [Message(role="user", content=f"question {i}?")], SamplingParams())
                        for i in range(12)))
                finally:
                    await model.aclose()
            asyncio.run(go())
            draws.append(sorted((e.key, e.fault) for e in srv.events))
    assert draws[0] == draws[1]
    assert any(fault != "ok" for _, fault in draws[0])


@pytest.fixture(scope="module")
def fault_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], HttpRun]:
    """(gate, profile) -> run, gate in fail/pass, profile in clean/recoverable/all."""
    base = tmp_path_factory.mktemp("faults")
    gates = pick_gates(base, search=FAULT_SEARCH)
    jobs = [(run.result.rubric, name, config) for run in gates.values()
            for name, config in (("recoverable", RECOVERABLE_20), ("all", ALL_20))]
    runs = fault_matrix(base, jobs, search=FAULT_SEARCH, timeout=0.5)
    out = {(gate, "clean"): run for gate, run in gates.items()}
    for gate, run in gates.items():
        for name in ("recoverable", "all"):
            out[gate, name] = runs[run.result.rubric, name]
    return out


def test_recoverable_faults_change_nothing(fault_runs: dict[tuple[str, str], HttpRun]) -> None:
    """~20% faults the stack recovers from: the same candidates, scores and verdict."""
    for gate in ("fail", "pass"):
        clean, faulty = fault_runs[gate, "clean"], fault_runs[gate, "recoverable"]
        assert clean.faults_injected == 0
        assert faulty.fault_fraction >= 0.15, (gate, faulty.stats)
        assert all(faulty.stats.get(k, 0) >= 1 for k in ("429", "500", "529", "slow"))
        assert faulty.stats.get("bad_judge", 0) >= 1, faulty.stats
        assert faulty.result.errors == 0, faulty.result.error_messages
        assert faulty.faults_not_survived == 0
        assert [(x["query"], x["score"], x["status"]) for x in faulty.lines] == \
            [(x["query"], x["score"], x["status"]) for x in clean.lines], gate
        assert faulty.result.verdict == clean.result.verdict == gate


def test_all_faults_reach_the_clean_verdict(
        fault_runs: dict[tuple[str, str], HttpRun]) -> None:
    """Every fault kind, truncated bodies included, on ~20% of requests: the clean verdict."""
    changed = {}
    for gate in ("fail", "pass"):
        clean, faulty = fault_runs[gate, "clean"], fault_runs[gate, "all"]
        assert faulty.fault_fraction >= 0.15, (gate, faulty.stats)
        if faulty.result.verdict != clean.result.verdict:
            changed[clean.result.rubric] = (
                f"{clean.result.verdict} -> {faulty.result.verdict} "
                f"({faulty.result.errors} errors)")
    assert not changed, f"verdicts changed by faults: {changed}"


def test_every_candidate_is_accounted_for_under_faults(
        fault_runs: dict[tuple[str, str], HttpRun]) -> None:
    for key, run in fault_runs.items():
        assert accounting_problems(run) == [], key
    injected = Counter[str]()
    for run in fault_runs.values():
        injected.update({k: run.stats.get(k, 0) for k in FAULT_KINDS})
    assert all(injected[k] for k in FAULT_KINDS), injected


def test_retries_stay_within_their_bound(fault_runs: dict[tuple[str, str], HttpRun]) -> None:
    for key, run in fault_runs.items():
        assert retry_problems(run) == [], key
    assert any(n > 1 for run in fault_runs.values() for n in run.served.values())


def test_malformed_body_is_retried_like_a_5xx() -> None:
    async def ask(url: str) -> str:
        model = OpenAIModel("lab", base_url=url, max_retries=2, timeout=10)
        try:
            return (await model.generate([Message(role="user", content="Why is the sky blue?")],
                                         SamplingParams())).text
        finally:
            await model.aclose()

    with serve(LabRoleModel("lab"), faults=FaultConfig(sequence=("malformed",))) as srv:
        text = asyncio.run(ask(srv.openai_base_url))
        assert srv.stats["requests"] == 2
    assert text.strip()


def test_judge_that_never_parses_is_an_error(tmp_path: Path) -> None:
    rubric, _ = failing_rubric(tmp_path)
    judge = BrokenJudge(LabRoleModel("lab"), lambda p, s: True)
    result = lab_search(rubric, tmp_path, judge)
    assert result.verdict == "error"
    assert result.scored == 0 and result.errors == result.candidates > 0
    assert judge.broken >= 3 * result.errors  # every candidate used all its attempts


def test_judge_failing_on_violations_is_not_a_pass(tmp_path: Path) -> None:
    rubric, _ = failing_rubric(tmp_path)
    threshold = build_settings({}).threshold
    judge = BrokenJudge(LabRoleModel("lab"), lambda p, s: s is not None and s >= threshold)
    result = lab_search(rubric, tmp_path, judge)
    assert judge.broken > 0
    assert result.verdict != "pass", (
        f"{rubric}: gate passed with {result.errors} judge errors hiding the violations")


def test_judge_failing_while_confirming_is_not_a_pass(tmp_path: Path) -> None:
    rubric, reference = failing_rubric(tmp_path)
    judge = BrokenJudge(LabRoleModel("lab"), lambda p, s: p.sample_index >= 100)
    result = lab_search(rubric, tmp_path, judge)
    assert result.confirmations and all(c.errors for c in result.confirmations)
    assert result.verdict != "pass", (
        f"{rubric}: {len(reference.failures)} confirmed failures with a healthy judge, "
        f"pass when the judge breaks while confirming")


@pytest.mark.parametrize("how", ["fixture", "scripted-rules"])
def test_plugin_reports_a_broken_judge_as_an_error(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(test_gate=GATE)
    args = ["--chunky-model=lab", "--chunky-cache=off", "-p", "no:cacheprovider",
            f"--chunky-json-report={pytester.path / 'report.json'}"]
    if how == "fixture":
        pytester.makeconftest(CONFTEST_BROKEN_JUDGE)
    else:
        rules = pytester.path / "rules.yaml"
        rules.write_text('- match: "."\n  reply: "I think this is fine."\n', encoding="utf-8")
        args.append(f"--chunky-judge=scripted:{rules}")
    result = pytester.runpytest(*args)
    result.assert_outcomes(errors=1)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*could not reach a verdict*"])
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    assert [t["verdict"] for t in report["tests"]] == ["error"]
    assert report["tests"][0]["scored"] == 0 and report["tests"][0]["errors"] > 0


def test_killed_search_resumes_without_repeating_a_paid_call(tmp_path: Path) -> None:
    report = kill_search(tmp_path)
    assert report.killed_mid_run, report
    assert 0 < report.completed_before_kill < report.reference_requests, report
    assert report.integrity and all(v == "ok" for v in report.integrity.values()), report
    assert report.repeated == 0, report
    assert report.missing == 0, report
    assert report.same_outcome, report
    assert report.second_run_requests == report.reference_requests - \
        report.completed_before_kill, report


def test_killed_turf_build_resumes_without_repeating_a_paid_call(tmp_path: Path) -> None:
    report = kill_turf_build(tmp_path, reference=False)  # each text is extracted once
    assert report.killed_mid_run, report
    assert report.integrity and all(v == "ok" for v in report.integrity.values()), report
    assert report.same_outcome, report
    assert report.repeated == 0, report
    assert report.second_run_requests == report.reference_requests - \
        report.completed_before_kill, report


def test_concurrent_writers_lose_no_entry(tmp_path: Path) -> None:
    assert concurrent_writers(tmp_path) == 0


def test_kill_during_cache_writes_keeps_the_database_intact(tmp_path: Path) -> None:
    status, rows = kill_during_writes(tmp_path)
    assert status == "ok"
    assert rows >= 300
    from pytest_chunky.calls.cache import ResponseCache

    with ResponseCache(tmp_path / "killed.sqlite") as cache:  # still readable and writable
        assert all(cache.get(f"w0-{i}") is not None for i in range(rows))
        cache.put("after", Completion(text="x"), role="target", provider="p", model="m")
        assert cache.get("after") is not None
