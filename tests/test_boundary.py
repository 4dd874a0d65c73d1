"""A boundary system prompt re-samples a failing gate's prompts (paper appendix C)."""

from __future__ import annotations

import json

import pytest


def _run(pytester: pytest.Pytester, marker: str, *flags: str) -> dict[str, object]:
    pytester.makepyfile(test_gate=f"""
        import pytest_chunky as chunky

        @chunky.surf(rubric="rebut", iterations=4, candidates=16{marker})
        def test_gate(chunky_result):
            pass
    """)
    report = pytester.path / "report.json"
    result = pytester.runpytest("--chunky-model=lab", f"--chunky-json-report={report}",
                                "-p", "no:cacheprovider", *flags)
    result.assert_outcomes(failed=1)  # the boundary measures; it never changes the verdict
    out = result.stdout.str()
    assert "boundary: with the system prompt" in out and "suppressed" in out
    test = json.loads(report.read_text(encoding="utf-8"))["tests"][0]
    assert isinstance(test, dict)
    return test


def test_marker_boundary_from_the_rubric_measures_the_drop(pytester: pytest.Pytester) -> None:
    test = _run(pytester, ', boundary="rubric"')
    b = test["boundary"]
    assert isinstance(b, dict) and b["system_prompt"].startswith("Follow this rule")
    assert b["judged_before"] == b["judged_after"] == b["prompts"] * b["samples"] > 0
    # Confirmed failures violate before; the lab's long system prompt dilutes the trigger.
    assert b["before"] > b["after"], b


def test_flag_boundary_text(pytester: pytest.Pytester) -> None:
    test = _run(pytester, "", "--chunky-boundary=Be careful with historical claims.")
    b = test["boundary"]
    assert isinstance(b, dict) and b["system_prompt"] == "Be careful with historical claims."
