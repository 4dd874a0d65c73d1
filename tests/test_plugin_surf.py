"""`@chunky.surf` end to end through pytest (pytester) on the offline lab."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

SMALL = ["-p", "no:cacheprovider", "--chunky-iterations=4", "--chunky-candidates=16"]

GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="rebut")
def test_rebut(chunky_result):
    assert chunky_result.rubric == "rebut"
"""


def test_lab_fails_with_evidence_and_clean_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(GATE)
    xml = pytester.path / "junit.xml"
    result = pytester.runpytest("--chunky-model=lab", f"--junitxml={xml}", *SMALL)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*chunky: rubric 'rebut' violated by lab: * confirmed violation(s) at threshold 70*",
        "*?1? score *, rate */* = *(95% CI *",
        "*prompt:*invent*", "*response:*did not invent*", "*judge:*", "*attributes:*"])
    out = result.stdout.str()
    assert "Captured chunky call" in out and "verdict=fail" in out
    result.stdout.fnmatch_lines(["*= chunky =*", "*test_rebut*rebut*lab*fail*"])
    props = {p.get("name"): p.get("value") for p in ET.parse(xml).iter("property")}
    assert props["chunky_verdict"] == "fail"
    record = json.loads(props["chunky_result"])
    assert record["rubric"] == "rebut" and record["confirmations"]

    clean = pytester.runpytest("--chunky-model=lab-clean", *SMALL)
    clean.assert_outcomes(passed=1)
    clean.stdout.fnmatch_lines(["*test_rebut*rebut*lab-clean*pass*"])


def test_chunky_result_fixture_and_user_assertions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest_chunky as chunky

        @chunky.surf(rubric="identity", threshold=70)
        def test_identity(chunky_result, chunky_settings):
            assert chunky_settings.threshold == 70
            assert chunky_result.rubric == "identity"
            assert chunky_result.buffer, "the buffer is never empty after a search"
            assert False, "user assertion runs after the search"
    """)
    result = pytester.runpytest("--chunky-model=lab-clean", *SMALL)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*user assertion runs after the search*"])


def test_pipelines_expand_into_items_with_own_seeds(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest_chunky as chunky

        @chunky.surf(rubric="code", pipelines=3, seed=10)
        def test_code(chunky_result, chunky_pipeline):
            print("PIPE", chunky_pipeline, chunky_result.seed)
    """)
    result = pytester.runpytest("--chunky-model=lab-clean", "-s", "-v", *SMALL)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*test_code?pipeline0?*", "*PIPE 0 10*", "*PIPE 1 11*",
                                 "*PIPE 2 12*"])


def test_failure_memory_replays_first_and_replay_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(GATE)
    first = pytester.runpytest("--chunky-model=lab", *SMALL)
    first.assert_outcomes(failed=1)
    again = pytester.runpytest("--chunky-model=lab", "--chunky-cache=off", *SMALL)
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["*found by replaying the failure memory*"])
    only = pytester.runpytest("--chunky-model=lab", "--chunky-replay-only", *SMALL)
    only.assert_outcomes(failed=1)
    pytester.makepyfile(test_other=GATE.replace("test_rebut", "test_new"))
    fresh = pytester.runpytest("test_other.py", "--chunky-model=lab", "--chunky-replay-only",
                               *SMALL)
    fresh.assert_outcomes(passed=1)  # nothing stored for this test: replay-only searches nothing


def test_cache_replay_mode_runs_offline_after_recording(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(GATE)
    pytester.runpytest("--chunky-model=lab-clean", *SMALL).assert_outcomes(passed=1)
    replay = pytester.runpytest("--chunky-model=lab-clean", "--chunky-cache=replay", *SMALL)
    replay.assert_outcomes(passed=1)
    other_seed = pytester.runpytest("--chunky-model=lab-clean", "--chunky-cache=replay",
                                    "--chunky-seed=99", *SMALL)
    other_seed.assert_outcomes(errors=1)
    other_seed.stdout.fnmatch_lines(["*replay: no cached response*--chunky-cache=readwrite*"])


def test_user_model_fixture_override(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("""
        import pytest
        from pytest_chunky.models.scripted import ScriptedModel

        @pytest.fixture
        def chunky_model():
            return ScriptedModel(default="I'm sorry, but I can't help with that request.",
                                 name="my-refuser")
    """)
    pytester.makepyfile("""
        import pytest_chunky as chunky

        @chunky.surf(rubric="refusal", attributes="lab")
        def test_refusal(chunky_result):
            pass
    """)
    result = pytester.runpytest("--chunky-judge=lab", *SMALL)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*rubric 'refusal' violated by scripted:my-refuser*"])
    no_judge = pytester.runpytest(*SMALL)
    no_judge.assert_outcomes(errors=1)
    no_judge.stdout.fnmatch_lines(["*no judge model configured: pass --chunky-judge=MODEL*"])


def test_budget_before_any_verdict_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(GATE)
    result = pytester.runpytest("--chunky-model=lab", "--chunky-cache=off",
                                "--chunky-budget-calls=5", *SMALL)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*could not reach a verdict (budget)*--chunky-budget-calls*"])


def test_reports_written(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(GATE)
    result = pytester.runpytest("--chunky-model=lab", "--chunky-report=out/r.html",
                                "--chunky-json-report=out/r.json", *SMALL)
    result.assert_outcomes(failed=1)
    html = (pytester.path / "out" / "r.html").read_text()
    assert "test_rebut" in html and "<svg" in html
    data = json.loads((pytester.path / "out" / "r.json").read_text())
    assert data["tests"][0]["verdict"] == "fail"


def test_xdist_workers_send_results_and_pipelines_merge(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest_chunky as chunky

        @chunky.surf(rubric="rebut", pipelines=2)
        def test_rebut(chunky_result):
            pass
    """)
    result = pytester.runpytest_subprocess("--chunky-model=lab", "-n", "2",
                                           "--chunky-json-report=r.json", *SMALL)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*= chunky =*", "*test_rebut?pipeline0?*fail*",
                                 "*test_rebut (merged)*fail*"])
    data = json.loads((pytester.path / "r.json").read_text())
    (merged,) = data["tests"]
    assert merged["id"].endswith("test_rebut") and "merged 2 pipelines" in merged["stop_message"]
