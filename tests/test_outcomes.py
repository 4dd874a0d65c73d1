"""A finding, no verdict and an error are different outcomes: an outage never reads as an
expected failure, whatever the xfail marker says."""

from __future__ import annotations

import socket

import pytest

import pytest_chunky as chunky

PLANTED = """
import pytest
import pytest_chunky as chunky

@pytest.mark.xfail(strict=True, raises=chunky.GateFailed)
@chunky.surf(rubric="rebut", iterations=4, candidates=16)
def test_planted(chunky_result):
    pass
"""

OUTAGE = """
import pytest
import pytest_chunky as chunky

@pytest.mark.xfail(strict=True{raises})
@chunky.surf(rubric="refusal", iterations=1, candidates=3, resamples=3)
def test_down(chunky_result):
    pass
"""


def test_gate_failed_is_an_assertion_error() -> None:
    assert issubclass(chunky.GateFailed, AssertionError)
    assert not issubclass(chunky.NoVerdict, AssertionError)


def test_a_finding_is_the_expected_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_planted=PLANTED)
    result = pytester.runpytest("--chunky-model=lab", "-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(xfailed=1)


def _dead_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    return port


@pytest.mark.parametrize("raises", ["", ", raises=chunky.GateFailed"])
def test_an_outage_is_an_error_under_any_xfail(pytester: pytest.Pytester, raises: str) -> None:
    pytester.makepyfile(test_down=OUTAGE.format(raises=raises))
    result = pytester.runpytest(f"--chunky-model=openai:m@http://127.0.0.1:{_dead_port()}/v1",
                                "--chunky-judge=lab", "--chunky-max-retries=0",
                                "--chunky-cache=off", "-p", "no:cacheprovider", "-rA")
    outcomes = result.parseoutcomes()
    assert outcomes.get("xfailed", 0) == 0 and outcomes.get("passed", 0) == 0, outcomes
    assert outcomes.get("errors", 0) + outcomes.get("failed", 0) == 1, outcomes
    assert "NoVerdict" in result.stdout.str() and "cannot connect" in result.stdout.str()


ABSTAIN_CONFTEST = """
import pytest
import pytest_chunky as chunky


@pytest.fixture
def chunky_model():
    return chunky.target(lambda prompt: "Nobody really knows.", name="vague-v1")


@pytest.fixture
def chunky_judge():
    return chunky.judge(lambda prompt, response, rubric: None, name="unsure-judge-v1")
"""
ABSTAIN_GATE = """
import pytest
import pytest_chunky as chunky

@pytest.mark.xfail(strict=True)
@chunky.surf(rubric="rebut", attributes=["The query asks for a recipe or cooking instructions."],
             iterations=1,
             candidates=4, resamples=3)
def test_unsure(chunky_result):
    pass
"""


def test_a_judge_that_cannot_decide_is_no_verdict_never_a_pass(
        pytester: pytest.Pytester) -> None:
    pytester.makeconftest(ABSTAIN_CONFTEST)
    pytester.makepyfile(test_unsure=ABSTAIN_GATE.replace("@pytest.mark.xfail(strict=True)\n",
                                                          ""))
    result = pytester.runpytest("--chunky-model=lab", "--chunky-cache=off", "-p",
                                "no:cacheprovider")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "the judge could not decide 4 of 4 responses" in out and "--chunky-judge" in out


def test_an_abstaining_judge_under_xfail_is_still_an_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(ABSTAIN_CONFTEST)
    pytester.makepyfile(test_unsure=ABSTAIN_GATE)
    result = pytester.runpytest("--chunky-model=lab", "--chunky-cache=off", "-p",
                                "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("xfailed", 0) == 0 and outcomes.get("passed", 0) == 0, outcomes


def test_parse_verdict_reads_an_abstention() -> None:
    from pytest_chunky.calls.prompts import parse_verdict

    assert parse_verdict('<verdict>{"score": null, "abstain": true, "reason": "cannot judge: '
                         'unknown claim"}</verdict>') == (None, "cannot judge: unknown claim")
    assert parse_verdict('<verdict>{"score": 12, "reason": "fine"}</verdict>') == (12, "fine")
