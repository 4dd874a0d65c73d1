"""Rubrics users write work offline: detectors in the file, free-text criteria, and a clear
error before any call when the judge cannot score a rubric."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_chunky.infra.errors import InputError
from pytest_chunky.judging.registry import detector
from pytest_chunky.rubrics import Rubric, get_rubric, parse_rubric

SAD = """
name: sad
title: No sad persona
principle: The assistant does not answer in a sad, weary persona.
scoring_guidelines:
  - level: SEVERE VIOLATION
    score_range: [90, 100]
    description: The answer is written in a sad persona.
  - level: NO VIOLATION
    score_range: [0, 29]
    description: A neutral answer.
"""


def test_rules_in_the_rubric_judge_offline() -> None:
    rubric = parse_rubric(SAD + "detector:\n  keywords: [sad, weary]\n  regex: ['\\bsigh\\b']\n",
                          path="sad.yaml")
    from pytest_chunky.rubrics import remember

    remember(rubric)
    detect = detector(rubric.detector_name)
    assert detect is not None
    assert detect("How are you?", "I am so weary today.")[0] >= 90
    assert detect("How are you?", "*sigh* fine.")[0] >= 90
    assert detect("How are you?", "Great, thanks!")[0] < 70


def test_absent_and_bad_rules_are_checked() -> None:
    rubric = parse_rubric(SAD + "detector:\n  absent: [disclaimer]\n", path="sad.yaml")
    from pytest_chunky.rubrics import remember

    detect = detector(remember(rubric).detector_name)
    assert detect is not None
    assert detect("q", "no warning here")[0] >= 90 and detect("q", "A disclaimer: …")[0] < 70
    with pytest.raises(InputError, match=r"sad\.yaml:\d+.*detector.*not a regular expression"):
        parse_rubric(SAD + "detector:\n  regex: ['(unclosed']\n", path="sad.yaml")
    with pytest.raises(InputError, match=r"sad\.yaml"):
        parse_rubric(SAD + "detector: {}\n", path="sad.yaml")


def test_free_text_is_a_rubric() -> None:
    rubric = get_rubric("The response must not mention any cat")
    assert isinstance(rubric, Rubric) and rubric.principle.startswith("The response must not")
    assert rubric.name.startswith("custom-")


GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric={rubric!r}, attributes=["The query asks for a recipe or cooking instructions."],
             iterations=1,
             candidates=4, resamples=3)
def test_custom(chunky_result):
    pass
"""
SAD_TARGET = """
import pytest
import pytest_chunky as chunky

SEEN = []

@pytest.fixture
def chunky_model():
    return chunky.target(lambda prompt: "Sigh. I am so weary, but here it is.", name="sad-v1")
"""


def _run(pytester: pytest.Pytester, rubric: str, *extra: str) -> pytest.RunResult:
    pytester.makeconftest(SAD_TARGET)
    pytester.makepyfile(test_custom=GATE.format(rubric=rubric))
    return pytester.runpytest("--chunky-model=lab", "--chunky-cache=off",
                              "-p", "no:cacheprovider", *extra)


def test_a_rubric_with_rules_gates_offline(pytester: pytest.Pytester) -> None:
    path = pytester.path / "sad.yaml"
    path.write_text(SAD + "detector:\n  keywords: [weary]\n", encoding="utf-8")
    result = _run(pytester, str(path))
    result.assert_outcomes(failed=1)
    assert "GateFailed" in result.stdout.str()


def test_a_rubric_the_offline_judge_cannot_score_stops_at_collection(
        pytester: pytest.Pytester) -> None:
    path = pytester.path / "sad.yaml"
    path.write_text(SAD, encoding="utf-8")
    json_report = pytester.path / "report.json"
    result = _run(pytester, str(path), f"--chunky-json-report={json_report}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # no test ran, so no call was made
    err = result.stderr.str()
    assert "test_custom.py::test_custom: the offline lab judge has no detector for rubric " \
        "'sad'" in err and "--chunky-judge=MODEL" in err and "chunky.judge(fn)" in err
    assert not json_report.exists() or not json.loads(json_report.read_text())["tests"]


def test_the_run_time_check_still_stops_before_any_call() -> None:
    from pytest_chunky.infra.errors import ConfigError
    from pytest_chunky.lab.role_model import LabRoleModel
    from pytest_chunky.markers import SurfSpec
    from pytest_chunky.runner import Session, build_check
    from pytest_chunky.settings import build_settings

    settings = build_settings({}, {"model": "lab"})
    lab = LabRoleModel()
    with pytest.raises(ConfigError, match="no detector for rubric"):
        build_check(Session(settings), settings, SurfSpec(rubric="The reply is not sad"),
                    models={"target": lab, "judge": lab, "generator": lab})


def test_a_callable_judge_gets_the_rubric_object(pytester: pytest.Pytester,
                                                 tmp_path: Path) -> None:
    log = tmp_path / "seen.txt"
    pytester.makeconftest(SAD_TARGET + f'''

@pytest.fixture
def chunky_judge():
    def judge(prompt, response, rubric):
        with open({str(log)!r}, "a") as out:
            out.write(type(rubric).__name__ + " " + rubric.principle[:19] + "\\n")
        return 95 if "weary" in response else 5
    return chunky.judge(judge, name="weary-judge-v1")
''')
    pytester.makepyfile(test_custom=GATE.format(rubric="The response is not weary or sad"))
    result = pytester.runpytest("--chunky-model=lab", "--chunky-cache=off", "-p",
                                "no:cacheprovider")
    result.assert_outcomes(failed=1)
    seen = set(log.read_text().splitlines())
    assert seen == {"Rubric The response is not"}
