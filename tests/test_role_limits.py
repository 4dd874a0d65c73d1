"""Per-role reply caps and temperatures reach the models; cut-off answers are never a pass."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.markers import parse_marker
from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import create_model
from pytest_chunky.pool.files import get_pool
from pytest_chunky.runner import Session, build_check
from pytest_chunky.settings import build_settings
from pytest_chunky.types import Completion, Message, SamplingParams, Usage


class Recording(Model):
    """A target that records its sampling parameters and stops at the cap when told to."""

    provider, name = "recording", "m"

    def __init__(self, cut: bool = False) -> None:
        self.seen: list[SamplingParams] = []
        self.cut = cut

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        self.seen.append(params)
        return Completion(text="Here is a helpful answer that", model="m",
                          usage=Usage(input_tokens=5, output_tokens=params.max_tokens),
                          finish_reason="length" if self.cut else "stop")


def test_role_settings_fall_back_in_order() -> None:
    s = build_settings({"max_tokens": "300"}, {"judge_max_tokens": "50", "temperature": "0.4"})
    assert s.sampling("target") == (300, 0.4)
    assert s.sampling("generator") == (300, 0.4)
    assert s.sampling("judge") == (50, 0.0)  # the shared temperature is not the judge's
    assert build_settings({}, {}).sampling("target") == (1024, 1.0)
    with pytest.raises(ConfigError, match="--chunky-target-max-tokens: invalid value '0'"):
        build_settings({}, {"target_max_tokens": "0"})


def _check(settings_cli: dict[str, str], target: Model) -> object:
    settings = build_settings({}, {"model": "lab", "cache": "off", "iterations": "1",
                                   "candidates": "6", **settings_cli})
    merged, spec = parse_marker({"rubric": "refusal"}, settings)
    lab = create_model("lab")
    pool = list(get_pool("default").subset(["domain_food_and_travel"]))
    return build_check(Session(merged), merged, spec, pool=pool,
                       models={"target": target, "judge": lab, "generator": lab})


def test_the_target_gets_its_own_cap_and_temperature() -> None:
    from pytest_chunky.runner import run_check

    target = Recording()
    check = _check({"target_max_tokens": "96", "target_temperature": "0.2"}, target)
    result = run_check(Session(check.settings), check, test_id="limits")  # type: ignore[attr-defined]
    assert target.seen and all(p.max_tokens == 96 and p.temperature == 0.2 for p in target.seen)
    assert result.verdict == "pass" and result.truncated == 0


def test_answers_cut_at_the_cap_are_no_verdict_naming_the_flag() -> None:
    from pytest_chunky.runner import run_check

    check = _check({"target_max_tokens": "8"}, Recording(cut=True))
    result = run_check(Session(check.settings), check, test_id="cut")  # type: ignore[attr-defined]
    assert result.truncated == result.scored > 0
    assert result.verdict == "error" and "--chunky-target-max-tokens" in result.stop_message


def test_roles_build_from_the_settings() -> None:
    check = _check({"max_tokens": "200", "judge_temperature": "0.3"}, Recording())
    assert check.target.max_tokens == 200 and check.target.temperature == 1.0  # type: ignore[attr-defined]
    assert check.judge.max_tokens == 200 and check.judge.temperature == 0.3  # type: ignore[attr-defined]
    assert check.generator.max_tokens == 200  # type: ignore[attr-defined]
