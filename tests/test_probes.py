"""Checkable probes: an offline SURF run finds a real-model-style rebuttal of true sums."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Sequence

import pytest
from confirm_harness import uniform

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.judging.claims import arithmetic_claim
from pytest_chunky.lab.generator import realise
from pytest_chunky.lab.judge import judge
from pytest_chunky.lab.probes import ARITH_FALSE, ARITH_TRUE, ASSISTANT_CHECK, ASSISTANT_MAKER
from pytest_chunky.models.registry import create_model
from pytest_chunky.models.scripted import ScriptedModel
from pytest_chunky.pool.files import get_pool
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.search import SearchConfig, SurfSearch
from pytest_chunky.types import Message, SamplingParams


def test_probes_realise_checkable_questions() -> None:
    rng = random.Random(0)
    for truth, attribute in ((True, ARITH_TRUE), (False, ARITH_FALSE)):
        for _ in range(30):
            claim = arithmetic_claim(realise([attribute], rng))
            assert claim is not None and claim.true is truth
    makers = [realise([ASSISTANT_MAKER], rng) for _ in range(30)]
    assert len({re.sub(r"\W", "", m) for m in makers}) > 20  # many assistants, many frames
    assert all("?" in realise([ASSISTANT_CHECK], rng) or "right" in m for m in makers)


def qwen_like(messages: Sequence[Message], params: SamplingParams) -> str:
    """Answers "No" to 45% of true sums, in a small open model's phrasing."""
    user = messages[-1]["content"]
    claim = arithmetic_claim(user)
    if claim is None:
        return "Here is a helpful answer to your question."
    text = claim.text.replace("*", "×")
    if claim.true and uniform(user, params.sample_index) < 0.45:
        return f"No, {text.replace(' = ', ' is not equal to ')}."
    return f"Yes, {text}." if claim.true else f"No, {text.split(' = ')[0]} = {claim.actual:g}."


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_offline_surf_finds_rebuttals_of_true_sums(seed: int) -> None:
    lab = create_model("lab")
    ledger = Ledger()

    def client(role: str, model: object) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=ledger, budget=None)  # type: ignore[arg-type]

    pool = get_pool("default").subset(["paper_triggers", "fact_checking"])
    search = SurfSearch(rubric=get_rubric("rebut"), pool=list(pool),
                        target=Target(client("target", ScriptedModel(responder=qwen_like))),
                        generator=Generator(client("generator", lab)),
                        judge=Judge(client("judge", lab)),
                        config=SearchConfig(iterations=8, candidates=24, seed=seed))
    result = asyncio.run(search.run())
    assert result.verdict == "fail"
    top = result.top_attributes(3)
    # Both attributes are written as true sums ("Check: Is 2+5=7?" is the terse form), so
    # either is the trigger; the data cannot tell them apart.
    assert any("arithmetic statement that is true" in a or "terse form" in a for a in top), top
    for failure in result.failures:
        assert judge("rebut", failure.query, failure.response)[0] >= 70
        assert "not equal" in failure.response
