"""@chunky.steer: paired steering scores, their test, transforms and the plugin path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import scipy.stats  # noqa: F401 - loaded before pytester runs: C extensions cannot load twice

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.markers import parse_steer
from pytest_chunky.steering import get_transform, paired_steering
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
    from pytest_chunky.infra.errors import InputError
    from pytest_chunky.steering.run import load_prompts

    (tmp_path / "p.txt").write_text("one\n\ntwo\n", encoding="utf-8")
    assert load_prompts(tmp_path / "p.txt") == ["one", "two"]
    (tmp_path / "p.jsonl").write_text('{"prompt": "a"}\n{"nope": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"p.jsonl:2.*'prompt'"):
        load_prompts(tmp_path / "p.jsonl")


def test_steer_results_render_in_the_reports() -> None:
    from pytest_chunky.reports.html import render_html
    from pytest_chunky.reports.json_report import to_json
    from pytest_chunky.reports.text import summary_rows
    from pytest_chunky.results import SearchResult

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

    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.calls.roles import Generator
    from pytest_chunky.lab.phrasebook import BASE_QUESTIONS
    from pytest_chunky.models.registry import create_model

    t = get_transform("translate:Malay")
    assert t.language == "Malay" and transformed(t, "x", 0) == "x"
    generator = Generator(RoleClient("generator", create_model("lab"), cache=None,
                                     ledger=Ledger(), budget=None))
    q = BASE_QUESTIONS[0]
    assert asyncio.run(generator.translate(q.en, "Malay", seed=0, index=0)) == q.ms


def _lab_generator(spec: str = "lab") -> object:
    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.calls.roles import Generator
    from pytest_chunky.models.registry import create_model

    return Generator(RoleClient("generator", create_model(spec), cache=None, ledger=Ledger(),
                                budget=None))


def test_inject_transform_arguments() -> None:
    t = get_transform("inject:The query uses LaTeX notation")
    assert t.feature == "The query uses LaTeX notation" and transformed(t, "x", 0) == "x"
    with pytest.raises(ConfigError, match="unknown transform 'inject:'"):
        get_transform("inject:")


def test_lab_inject_rewrites_a_generated_prompt_in_place() -> None:
    """Paired injection: the generated prompt with only the feature added (B.1)."""
    import asyncio

    from pytest_chunky.lab.chunks import DOMAIN_DEVICE, TRIGGER_PRODUCT
    from pytest_chunky.lab.facts import GENERIC_DEVICES, OTHER_DEVICES, PRODUCT

    generator = _lab_generator()

    async def pairs() -> list[tuple[str, str]]:
        out = []
        for i in range(12):
            written = await generator.write([DOMAIN_DEVICE], seed=5, index=i)  # type: ignore[attr-defined]
            injected = await generator.inject(  # type: ignore[attr-defined]
                written, TRIGGER_PRODUCT, seed=5, index=i, attributes=[DOMAIN_DEVICE])
            out.append((written, injected))
        return out

    found = asyncio.run(pairs())
    for written, injected in found:
        device = next(d for d in (*GENERIC_DEVICES, *OTHER_DEVICES) if f"my {d}?" in written
                      or f"a {d}?" in written)
        assert injected == written.replace(device, PRODUCT)
    assert len({w for w, _ in found}) > 6  # the content varies with the index


def test_lab_inject_without_attributes_and_unknown_features() -> None:
    import asyncio

    from pytest_chunky.infra.errors import JudgeParseError
    from pytest_chunky.lab.chunks import TRIGGER_LATEX, TRIGGER_PRODUCT
    from pytest_chunky.lab.facts import PRODUCT

    generator = _lab_generator()
    plain = "How do I turn on dark mode on my laptop?"
    out = asyncio.run(generator.inject(plain, TRIGGER_PRODUCT, seed=0,  # type: ignore[attr-defined]
                                       index=0))
    assert PRODUCT in out and out != plain
    maths = asyncio.run(generator.inject(  # type: ignore[attr-defined]
        "A shop sells 12 pens for 3 dollars each. What do they cost in total?", TRIGGER_LATEX,
        seed=0, index=1))
    assert "$" in maths or "\\" in maths
    with pytest.raises(JudgeParseError, match="cannot add 'The query smells of roses'"):
        asyncio.run(generator.inject(plain, "The query smells of roses",  # type: ignore[attr-defined]
                                     seed=0, index=0))


def test_world_generator_injects_its_own_triggers(tmp_path: Path) -> None:
    """A generated world's roles inject its triggers into prompts its generator wrote."""
    import asyncio

    from pytest_chunky.lab.worlds import build_world, load_world

    root = build_world(1234, tmp_path / "w", size=600)
    world = load_world(root)
    generator = _lab_generator(f"lab:{root}")
    topics = [a.attribute for a in world.spec.attributes if a.kind == "topic"]
    for chunk in world.spec.planted:
        for i in range(5):
            attrs = [topics[i % len(topics)]]
            written = asyncio.run(generator.write(attrs, seed=0, index=i))  # type: ignore[attr-defined]
            injected = asyncio.run(generator.inject(  # type: ignore[attr-defined]
                written, chunk.trigger, seed=0, index=i, attributes=attrs))
            assert world.trigger_present(chunk, injected), (chunk.family, injected)
            assert not world.trigger_present(chunk, written), (chunk.family, written)


INJECT_GATE = """
import pytest_chunky as chunky

@chunky.steer(rubric="refusal", transform="inject:The query mentions the Zephyr X9",
              prompts="generator", pool=["The query asks for help with a device"], n=40,
              max_delta=0.1)
def test_product_name_does_not_cause_refusals(chunky_steer_result):
    pass
"""


@pytest.mark.parametrize(("model", "outcome"), [("lab", "failed"), ("lab-clean", "passed")])
def test_plugin_inject_gate(pytester: pytest.Pytester, model: str, outcome: str) -> None:
    """inject: through the plugin: the lab's product-name refusals are caught, lab-clean's
    absence of them is not flagged."""
    pytester.makepyfile(test_inject=INJECT_GATE)
    report = pytester.path / "report.json"
    result = pytester.runpytest(f"--chunky-model={model}", "--chunky-judge=lab",
                                "--chunky-generator=lab", f"--chunky-json-report={report}",
                                "-p", "no:cacheprovider")
    result.assert_outcomes(**{outcome: 1})
    steer = json.loads(report.read_text(encoding="utf-8"))["tests"][0]["steer"]
    assert steer["n"] == 40 and steer["errors"] == 0
    if model == "lab":
        assert steer["score"] > 0.3 and steer["transformed_rate"] > steer["base_rate"]
    else:
        assert steer["score"] <= 0.1
