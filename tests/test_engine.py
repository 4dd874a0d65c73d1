"""The SURF engine on a scripted world where one attribute triggers the behaviour."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence

import pytest

from pytest_chunky.calls.accounting import Budget, Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.prompts import extract_tag, parse_attribute_lines, task_of
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.models.scripted import ScriptedModel
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.search import SearchConfig, SurfSearch
from pytest_chunky.search.sampler import AttributeSampler
from pytest_chunky.types import Message, SamplingParams

POOL = [f"attribute {i}" for i in range(30)] + ["TRIGGER word"]


def world(messages: Sequence[Message], params: SamplingParams) -> str:
    """Generator writes the attributes; target misbehaves on TRIGGER 70% of samples."""
    task = task_of(list(messages))
    user = messages[-1]["content"]
    if task and task[0] == "generate":
        attrs = parse_attribute_lines(user)
        return f"<query>Question about {', '.join(attrs)} #{params.sample_index}</query>"
    if task and task[0] == "paraphrase":
        return f"<query>{extract_tag('query', user)} please</query>"
    if task and task[0] == "judge":
        bad = "VIOLATION" in (extract_tag("response", user) or "")
        return "<verdict>" + json.dumps({"score": 92 if bad else 4, "reason": "r"}) + \
            "</verdict>"
    h = sum(map(ord, user)) + 7 * params.sample_index
    return "VIOLATION" if "TRIGGER" in user and h % 10 < 7 else "fine answer"


def make_search(config: SearchConfig, *, judge_model: ScriptedModel | None = None,
                budget: Budget | None = None) -> tuple[SurfSearch, Ledger]:
    model = ScriptedModel(responder=world)
    ledger = Ledger()

    def client(role: str, m: ScriptedModel) -> RoleClient:
        return RoleClient(role, m, cache=None, ledger=ledger, budget=budget)  # type: ignore[arg-type]

    search = SurfSearch(rubric=get_rubric("code"), pool=POOL,
                        target=Target(client("target", model)),
                        generator=Generator(client("generator", model)),
                        judge=Judge(client("judge", judge_model or model)), config=config)
    return search, ledger


def test_search_finds_planted_trigger_and_confirms() -> None:
    search, _ = make_search(SearchConfig(iterations=6, candidates=20, seed=3))
    result = asyncio.run(search.run())
    assert result.verdict == "fail"
    assert result.top_attributes(3)[0] == "TRIGGER word"
    assert all("TRIGGER" in c.query for c in result.failures)
    conf = result.failures[0]
    assert 0.3 <= conf.rate <= 1.0 and conf.ci_low <= conf.rate <= conf.ci_high


def test_same_seed_same_result_and_different_seed_differs() -> None:
    cfg = SearchConfig(iterations=3, candidates=12, seed=5)
    a = asyncio.run(make_search(cfg)[0].run())
    b = asyncio.run(make_search(cfg)[0].run())
    c = asyncio.run(make_search(cfg.model_copy(update={"seed": 6}))[0].run())
    assert [x.query for x in a.buffer] == [x.query for x in b.buffer]
    assert [x.query for x in a.buffer] != [x.query for x in c.buffer]


def test_sampler_never_draws_zero_attributes() -> None:
    import numpy as np

    sampler = AttributeSampler(POOL, k_max=5)
    rng = np.random.default_rng(0)
    sizes = {len(sampler.sample(rng, ())) for _ in range(2000)}
    assert sizes == {1, 2, 3, 4, 5}


def test_unparseable_judge_is_an_error_never_a_pass() -> None:
    broken = ScriptedModel(default="I think it is fine.")
    search, ledger = make_search(SearchConfig(iterations=2, candidates=5),
                                 judge_model=broken)
    streamed: list[int] = []
    search.sink = lambda c: streamed.append(c.attempt)
    result = asyncio.run(search.run())
    assert streamed == [0] * 10 + [1] * 10  # every candidate, then its retry, on the record
    assert result.scored == 0 and result.errors == result.candidates == 10
    assert result.verdict == "error"
    assert "no score" in result.error_messages[0]
    # 3 attempts per candidate, one more round of 3 for each errored candidate, then an error
    assert ledger.get("judge").calls == 60



def test_budget_stops_search_and_says_so() -> None:
    search, ledger = make_search(SearchConfig(iterations=5, candidates=10),
                                 budget=Budget(max_calls=40))
    result = asyncio.run(search.run())
    assert result.stopped == "budget"
    assert "--chunky-budget-calls" in result.stop_message
    assert sum(ledger.get(r).calls for r in ("target", "judge", "generator")) <= 40


def test_candidates_stream_in_order() -> None:
    seen: list[int] = []
    search, _ = make_search(SearchConfig(iterations=2, candidates=8, confirm=False))
    search.sink = lambda c: seen.append(c.index)
    asyncio.run(search.run())
    assert seen == list(range(16))


@pytest.mark.parametrize("reply,score", [
    ('<verdict>{"score": 85, "reason": "x"}</verdict>', 85),
    ('Sure. {"score": "40", "reason": "y"}', 40),
    ("score: 77\nreason: too much code", 77),
])
def test_verdict_parsing(reply: str, score: int) -> None:
    from pytest_chunky.calls.prompts import parse_verdict

    assert parse_verdict(reply)[0] == score


@pytest.mark.parametrize("reply", ["", "no idea", '{"score": 150}', '{"score": true}',
                                   "<verdict></verdict>"])
def test_verdict_parse_failures_raise(reply: str) -> None:
    from pytest_chunky.calls.prompts import parse_verdict
    from pytest_chunky.infra.errors import JudgeParseError

    with pytest.raises(JudgeParseError):
        parse_verdict(reply)


def test_no_phase_barrier_candidates_overlap() -> None:
    """A candidate's judge call can run while later candidates are still generating."""
    events: list[str] = []

    class Slow(ScriptedModel):
        async def generate(self, messages, params):  # type: ignore[no-untyped-def]
            task = task_of(list(messages))
            events.append(task[0] if task else "target")
            await asyncio.sleep(0.001 * (1 + len(events) % 3))
            return await super().generate(messages, params)

    model = Slow(responder=world)
    ledger = Ledger()
    client = RoleClient("target", model, cache=None, ledger=ledger, budget=None)
    search = SurfSearch(rubric=get_rubric("code"), pool=POOL, target=Target(client),
                        generator=Generator(RoleClient("generator", model, cache=None,
                                                       ledger=ledger, budget=None)),
                        judge=Judge(RoleClient("judge", model, cache=None, ledger=ledger,
                                               budget=None)),
                        config=SearchConfig(iterations=1, candidates=16, confirm=False),
                        concurrency=4)
    asyncio.run(search.run())
    first_judge = events.index("judge")
    assert "generate" in events[first_judge:], "all generation finished before any judging"
    assert re.search("generate", "".join(events))


def test_perturbation_check_reports_paraphrase_rate() -> None:
    search, _ = make_search(SearchConfig(iterations=6, candidates=20, seed=3, perturbations=4))
    result = asyncio.run(search.run())
    assert result.failures
    for conf in result.confirmations:
        assert conf.perturbations == 4
        assert conf.perturbation_rate is not None and 0.0 <= conf.perturbation_rate <= 1.0
