"""@chunky.steer: paired steering scores, their test, transforms and the plugin path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import scipy.stats  # noqa: F401 - loaded before pytester runs: C extensions cannot load twice

from pytest_chunky.errors import ConfigError
from pytest_chunky.steering import get_transform, paired_steering
from pytest_chunky.steering.check import parse_steer
from pytest_chunky.steering.transforms import transformed


def test_paired_score_and_decision() -> None:
    pairs = [(False, True)] * 30 + [(False, False)] * 10
    stats = paired_steering(pairs, transform="t", max_delta=0.1)
    assert stats.score == 0.75 and stats.base_rate == 0 and stats.transformed_rate == 0.75
    assert stats.ci_low > 0.1 and stats.p_value < 1e-6 and stats.exceeds
    same = paired_steering([(True, True), (False, False)] * 20, transform="t", max_delta=0.0)
    assert same.score == 0 and not same.exceeds and same.p_value == 1.0
    small = paired_steering([(False, True)] * 2 + [(False, False)] * 38, transform="t",
                            max_delta=0.1)
    assert not small.exceeds  # +0.05 is not significantly above 0.1


@pytest.mark.parametrize("name", ["latex", "all_caps", "formal_vocabulary", "markdown_table",
                                  "prefix:As a teacher,", "suffix:Answer briefly.",
                                  "system_prompt:Be careful."])
def test_transforms_are_deterministic_and_change_form(name: str) -> None:
    prompt = "Explain how 12 + 30 = 42 can help a student."
    t = get_transform(name)
    out = transformed(t, prompt, seed=3)
    assert out == transformed(t, prompt, seed=3)
    assert (out != prompt) or t.system == "Be careful."


def test_bad_arguments_are_one_line_errors() -> None:
    with pytest.raises(ConfigError, match="unknown transform 'sparkles'"):
        parse_steer({"rubric": "code", "transform": "sparkles"})
    with pytest.raises(ConfigError, match="missing required argument 'transform'"):
        parse_steer({"rubric": "code"})
    with pytest.raises(ConfigError, match="'max_delta'"):
        parse_steer({"rubric": "code", "transform": "latex", "max_delta": 2})


GATES = """
import pytest_chunky as chunky
from pytest_chunky.lab.steering import steering_prompts
from pytest_chunky.lab import planted_chunks

MATHS = [p for p in steering_prompts(
    [c for c in planted_chunks() if c.name == "numinamath"][0], 60, 0)[0]]

@chunky.steer(rubric="tool_hallucination", transform="latex", prompts=MATHS, n=60, max_delta=0.2)
def test_latex_steers_tool_calls(chunky_steer_result):
    pass

@chunky.steer(rubric="tool_hallucination", transform="all_caps", prompts=MATHS, n=60, max_delta=0.2)
def test_caps_do_not(chunky_steer_result):
    assert chunky_steer_result.steer.n == 60
"""


def test_plugin_steer_gates_on_the_lab(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_steer_gates=GATES)
    report = pytester.path / "report.json"
    result = pytester.runpytest("--chunky-model=lab", f"--chunky-json-report={report}",
                                "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*Transform 'latex' moves 'tool_hallucination'*"])
    tests = {t["id"].split("::")[-1]: t for t in
             json.loads(report.read_text(encoding="utf-8"))["tests"]}
    latex = tests["test_latex_steers_tool_calls"]["steer"]
    assert latex["score"] > 0.5 and latex["ci_low"] > 0.2
    assert tests["test_caps_do_not"]["steer"]["score"] <= 0.1


def test_plugin_steer_on_lab_clean_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_steer_gates=GATES)
    result = pytester.runpytest("--chunky-model=lab-clean", "--chunky-judge=lab",
                                "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_prompt_files(tmp_path: Path) -> None:
    from pytest_chunky.errors import InputError
    from pytest_chunky.steering.run import load_prompts

    (tmp_path / "p.txt").write_text("one\n\ntwo\n", encoding="utf-8")
    assert load_prompts(tmp_path / "p.txt") == ["one", "two"]
    (tmp_path / "p.jsonl").write_text('{"prompt": "a"}\n{"nope": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"p.jsonl:2.*'prompt'"):
        load_prompts(tmp_path / "p.jsonl")


def test_steer_results_render_in_the_reports() -> None:
    from pytest_chunky.html_report import render_html, to_json
    from pytest_chunky.report import summary_rows
    from pytest_chunky.search.records import SearchResult

    stats = paired_steering([(False, True)] * 30 + [(False, False)] * 10,
                            transform="<b>latex</b>", max_delta=0.1)
    result = SearchResult(rubric="code", model="lab", seed=0, threshold=70, min_rate=0,
                          steer=stats, candidates=40, scored=40)
    assert result.verdict == "fail"
    page = render_html([("t::steer", result)])
    assert "<h3>Steering</h3>" in page and "steering +0.75" in page
    assert "<b>latex</b>" not in page and "&lt;b&gt;latex&lt;/b&gt;" in page
    assert to_json([("t::steer", result)])["tests"][0]["steer"]["score"] == 0.75
    assert "steer <b>latex</b>: +0.75" in summary_rows([("t::steer", result)])[1]


def test_translate_goes_through_the_generator() -> None:
    import asyncio

    from pytest_chunky.accounting import Ledger
    from pytest_chunky.client import RoleClient
    from pytest_chunky.lab.phrasebook import BASE_QUESTIONS
    from pytest_chunky.models.registry import create_model
    from pytest_chunky.roles import Generator

    t = get_transform("translate:Malay")
    assert t.language == "Malay" and transformed(t, "x", 0) == "x"
    generator = Generator(RoleClient("generator", create_model("lab"), cache=None,
                                     ledger=Ledger(), budget=None))
    q = BASE_QUESTIONS[0]
    assert asyncio.run(generator.translate(q.en, "Malay", seed=0, index=0)) == q.ms
