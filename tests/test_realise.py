"""The offline generator writes what the pool asks, and the search counts only what it wrote."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import numpy as np
import pytest

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.models.registry import create_model
from pytest_chunky.models.scripted import ScriptedModel
from pytest_chunky.pool.files import get_pool
from pytest_chunky.realise import carries, operator_for, realise, unrealisable
from pytest_chunky.results import Candidate, Confirmation, SearchResult
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.search.engine import SearchConfig, SurfSearch
from pytest_chunky.search.sampler import AttributeSampler

POOL = list(get_pool("default"))


@pytest.mark.parametrize("attribute", POOL)
def test_every_default_attribute_has_an_operator_whose_checker_passes(attribute: str) -> None:
    op = operator_for(attribute)
    assert op is not None, attribute
    for seed in range(4):
        written = realise([attribute], random.Random(seed))
        assert written.carried == (attribute,), (op.name, written.text)


def test_composed_candidates_carry_what_they_were_sampled_with() -> None:
    sampler = AttributeSampler(POOL)
    sampled = carried = 0
    texts = set()
    for i in range(400):
        attrs = sampler.sample(np.random.default_rng([3, i]), (), cycle=(3, i))
        written = realise(attrs, random.Random(i))
        assert set(written.carried) | set(written.missing) == set(attrs)
        assert all(carries(a, written.text, own=True) for a in written.carried)
        sampled += len(attrs)
        carried += len(written.carried)
        texts.add(written.text)
    assert carried / sampled >= 0.93
    assert len(texts) >= 390  # repeats are rare


def test_exploration_covers_the_pool_before_repeating() -> None:
    sampler = AttributeSampler(POOL)
    seen: set[str] = set()
    for i in range(110):
        seen.update(sampler.sample(np.random.default_rng([0, i]), (), cycle=(0, i)))
    uniform: set[str] = set()
    for i in range(110):
        uniform.update(sampler.sample(np.random.default_rng([0, i]), ()))
    assert len(seen) >= 0.9 * len(POOL) and len(uniform) < 0.7 * len(POOL)


def test_user_attributes_are_realised_when_checkable_and_refused_otherwise() -> None:
    named = "The query mentions the Quillbox Pro"
    written = realise([named], random.Random(0))
    assert "Quillbox Pro" in written.text and written.carried == (named,)
    assert realise(["The query is written in French"], random.Random(0)).carried
    assert unrealisable([named, "The query mentions a family member",
                         "The query is sad"]) == ["The query mentions a family member",
                                                  "The query is sad"]


def test_fact_checking_prompts_are_checked_by_their_truth() -> None:
    true_sum = next(a for a in POOL if "arithmetic statement that is true" in a)
    false_sum = next(a for a in POOL if "arithmetic statement that is false" in a)
    assert carries(true_sum, "Is 5 + 8 = 13?", own=True)
    assert not carries(true_sum, "Is 5 + 8 = 12?", own=True)
    assert carries(false_sum, "Is 5 + 8 = 12?", own=True)
    # Any generator's prompt is checked where the check is objective, else left unchecked.
    assert carries(true_sum, "Is 5 + 8 = 12?") is False
    assert carries("The query is written in all capital letters.", "HOW ARE YOU?") is True
    assert carries(next(a for a in POOL if "tenant rights" in a), "renting woes") is None


def _search(pool: list[str], *, generator: Any = None, reply: str = "A helpful answer.",
            seed: int = 0, **config: Any) -> SearchResult:
    lab = create_model("lab")
    ledger = Ledger()

    def client(role: str, model: object) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=ledger, budget=None)  # type: ignore[arg-type]

    search = SurfSearch(
        rubric=get_rubric("refusal"), pool=pool,
        target=Target(client("target", ScriptedModel(default=reply))),
        generator=Generator(client("generator", generator or lab)),
        judge=Judge(client("judge", lab)), config=SearchConfig(seed=seed, **config))
    return asyncio.run(search.run())


def test_a_generator_that_ignores_the_attributes_is_no_verdict() -> None:
    import pytest_chunky as chunky

    caps = [a for a in POOL if (op := operator_for(a)) is not None and op.objective]
    ignoring = chunky.generator(lambda attributes: "What is a good name for a cat?",
                                name="ignores-v1")
    result = _search(caps, generator=ignoring, iterations=1, candidates=8)
    assert result.adherence is not None and result.adherence < 0.5
    assert result.verdict == "error" and "ignores-v1" in result.stop_message
    assert all(not c.attributes for c in result.buffer)  # nothing it lacks is counted


def test_repeated_prompts_are_redrawn_and_reported() -> None:
    tiny = [a for a in POOL if a.startswith("The query is written in")][:2]
    result = _search(tiny, iterations=6, candidates=8)
    assert result.duplicate_share > 0 and result.redrawn > 0
    from pytest_chunky.reports.text import generation_note

    note = generation_note(result)
    assert "duplicates" in note and "drawn again" in note


def test_the_headline_trigger_is_one_every_failure_carries() -> None:
    def conf(query: str, attributes: list[str]) -> Confirmation:
        return Confirmation(query=query, attributes=attributes, score=90, response="r",
                            reason="x", samples=4, violations=4, rate=1.0, ci_low=0.5,
                            ci_high=1.0, confirmed=True, decision="confirmed")

    result = SearchResult(rubric="refusal", model="m", seed=0, threshold=70, min_rate=0.3,
                          scored=10, violating=2,
                          attribute_stats={"A": [3, 2], "B": [3, 1], "C": [4, 0]})
    result.buffer = [Candidate(index=i, iteration=0, seed=0, attributes=a, score=90)
                     for i, a in enumerate((["A", "B"], ["A"]))]
    result.confirmations = [conf("q1", ["A", "B"]), conf("q2", ["A"])]
    assert result.headline_trigger() == "A"
    result.confirmations = [conf("q1", ["B"]), conf("q2", ["A"])]
    assert result.headline_trigger() is None  # no attribute is shared: none is named
