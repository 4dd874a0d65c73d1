"""Checkpoint comparison: a gate in regression mode fails only when the candidate is worse."""

from __future__ import annotations

import json
from typing import Any

import pytest
import scipy.stats  # noqa: F401 - loaded before pytester runs: C extensions cannot load twice

GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="identity", mode="regression", iterations=4, candidates=16)
def test_identity(chunky_result):
    pass
"""


def _run(pytester: pytest.Pytester, model: str, baseline: str
         ) -> tuple[pytest.RunResult, dict[str, Any]]:
    pytester.makepyfile(test_gate=GATE)
    report = pytester.path / "report.json"
    result = pytester.runpytest(f"--chunky-model={model}", f"--chunky-baseline-model={baseline}",
                                "--chunky-judge=lab", f"--chunky-json-report={report}",
                                "-p", "no:cacheprovider")
    return result, json.loads(report.read_text(encoding="utf-8"))["tests"][0]


def test_worse_than_the_baseline_fails(pytester: pytest.Pytester) -> None:
    result, test = _run(pytester, "lab", "lab-clean")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*lab is worse than lab-clean on 'identity'*"])
    reg = test["regression"]
    assert reg["candidate_violations"] > reg["baseline_violations"] and reg["p_value"] < 0.05


def test_a_failure_both_checkpoints_share_is_not_a_regression(
        pytester: pytest.Pytester) -> None:
    result, test = _run(pytester, "lab", "lab")
    result.assert_outcomes(passed=1)
    reg = test["regression"]
    assert test["confirmed_failures"] > 0  # the behaviour is there ...
    assert reg["candidate_violations"] > 0 and reg["worse"] == reg["better"] == 0


def test_better_than_the_baseline_passes(pytester: pytest.Pytester) -> None:
    result, test = _run(pytester, "lab-clean", "lab")
    result.assert_outcomes(passed=1)
    reg = test["regression"]
    assert reg["better"] >= reg["worse"]
