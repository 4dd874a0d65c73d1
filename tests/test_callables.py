"""Plain functions as target, judge and generator, in a conftest of a few lines each."""

from __future__ import annotations

import asyncio
import json

import pytest

import pytest_chunky as chunky
from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.roles import Judge
from pytest_chunky.infra.errors import ConfigError, JudgeParseError
from pytest_chunky.rubrics import get_rubric

CONFTEST = '''
import pytest
import pytest_chunky as chunky

def my_model(prompt: str) -> str:          # your model: str -> str
    return "Sure! ```python\\nprint(1)\\n```" if "TRIGGER" in prompt else "A plain answer."

async def my_judge(prompt, response, rubric):  # async works too
    return (90, "code block") if "```" in response else (5, "no code")

def my_generator(attributes: list[str]) -> str:
    return "Explain rainbows. " + " ".join(a.split()[-1] for a in attributes)

@pytest.fixture
def chunky_model():
    return chunky.target(my_model, name="my-model-v1")

@pytest.fixture
def chunky_judge():
    return chunky.judge(my_judge, name="my-judge-v1")

@pytest.fixture
def chunky_generator():
    return chunky.generator(my_generator, name="my-generator-v1")
'''
GATE = '''
import pytest_chunky as chunky

@chunky.surf(rubric="code", attributes=["mentions TRIGGER", "is about weather", "is about cats",
                                          "is about music", "is about tea"],
             iterations=4, candidates=8)
def test_gate(chunky_result):
    assert chunky_result.scored > 0
'''


def test_plugin_runs_on_plain_functions(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_gate=GATE)
    report = pytester.path / "report.json"
    result = pytester.runpytest("-p", "no:cacheprovider", f"--chunky-json-report={report}",
                                f"--chunky-cache-dir={pytester.path / '.chunky'}")
    result.assert_outcomes(failed=1)  # the function's planted behaviour is found
    test = json.loads(report.read_text(encoding="utf-8"))["tests"][0]
    assert test["model"] == "callable:my-model-v1"
    assert any("TRIGGER" in c["query"] for c in test["confirmations"] if c["confirmed"])


def _score(fn: object) -> int:
    client = RoleClient("judge", chunky.judge(fn, name="j"), cache=None, ledger=Ledger(),
                        budget=None)
    return asyncio.run(Judge(client).score("q", "r", get_rubric("code"))).score


def test_judge_return_shapes_and_fail_closed() -> None:
    assert _score(lambda p, r, rubric: (77, "x")) == 77
    assert _score(lambda p, r, rubric: {"score": 12, "reason": "y"}) == 12
    seen: list[str] = []

    def remember(p: str, r: str, rubric: object) -> int:
        seen.append(rubric.name)  # type: ignore[attr-defined]
        return 50

    assert _score(remember) == 50
    assert seen == ["code"]  # the function gets the Rubric object
    with pytest.raises(JudgeParseError):
        _score(lambda p, r, rubric: "fine")  # not a score: an error, never a pass
    with pytest.raises(JudgeParseError):
        _score(lambda p, r, rubric: (250, "out of range"))
    for bad in (1e20, -1, -5.0, float("nan"), True):  # never clamped or read as 1 or 100
        with pytest.raises(JudgeParseError):
            _score(lambda p, r, rubric, bad=bad: (bad, "out of range"))


def test_targets_take_a_prompt_or_the_messages() -> None:
    from pytest_chunky.types import SamplingParams

    chat = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]
    prompt_fn = chunky.target(lambda prompt: prompt.upper(), name="t")
    messages_fn = chunky.target(lambda messages: str(len(messages)), name="t2")
    assert asyncio.run(prompt_fn.generate(chat, SamplingParams())).text == "HI"
    assert asyncio.run(messages_fn.generate(chat, SamplingParams())).text == "2"
    with pytest.raises(ConfigError):
        chunky.target(lambda p: p, name="")
