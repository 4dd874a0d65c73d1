"""RoleClient, budgets, ledger and limits, with an in-process fake model (no network)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from pytest_chunky.calls.accounting import Budget, Ledger
from pytest_chunky.calls.cache import ResponseCache
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.limits import RateLimiter, get_semaphore
from pytest_chunky.infra.errors import BudgetExceeded, CacheMissError, ConfigError, ProviderError
from pytest_chunky.models.base import Model
from pytest_chunky.types import Completion, Message, SamplingParams, Usage


def sp(**kw: object) -> SamplingParams:
    # model_validate: mypy without the pydantic plugin misreads Field(default, ...) as required
    return SamplingParams.model_validate(kw)


SECRET = "sk-live-SECRET-9f8e7d6c5b4a"
P = sp()


class Tracker:
    def __init__(self) -> None:
        self.in_flight = 0
        self.max_in_flight = 0


class FakeModel(Model):
    """Echoes the last message; counts calls and concurrent calls; can fail on demand."""

    def __init__(self, *, provider: str = "fake", name: str = "m", base_url: str | None = None,
                 delay: float = 0.0, cost: float = 0.0, tokens: tuple[int, int] = (10, 5),
                 fail_times: int = 0, tracker: Tracker | None = None,
                 api_key: str = SECRET) -> None:
        self.provider, self.name, self.base_url = provider, name, base_url
        self.api_key = api_key  # a real provider holds one; it must never reach the cache
        self.delay, self.cost, self.tokens, self.fail_times = delay, cost, tokens, fail_times
        self.tracker = tracker or Tracker()
        self.calls = 0

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        self.calls += 1
        t = self.tracker
        t.in_flight += 1
        t.max_in_flight = max(t.max_in_flight, t.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.fail_times > 0:
                self.fail_times -= 1
                raise ProviderError("fake provider failed")
            return Completion(text=f"echo:{messages[-1]['content']}#{params.sample_index}",
                              usage=Usage(input_tokens=self.tokens[0],
                                          output_tokens=self.tokens[1]),
                              cost_usd=self.cost, model=self.name)
        finally:
            t.in_flight -= 1


def msg(text: str) -> list[Message]:
    return [{"role": "user", "content": text}]


def make(model: FakeModel, *, cache: ResponseCache | None = None, budget: Budget | None = None,
         role: str = "target", **kw: object) -> RoleClient:
    return RoleClient(role, model, cache=cache, ledger=Ledger(), budget=budget,  # type: ignore[arg-type]
                      **kw)  # type: ignore[arg-type]


def test_cache_hit_is_free(tmp_path: Path) -> None:
    model = FakeModel(cost=0.5)
    budget = Budget(max_calls=1)
    client = make(model, cache=ResponseCache(tmp_path / "c.sqlite"), budget=budget)

    async def run() -> tuple[Completion, Completion]:
        return await client.complete(msg("a"), P), await client.complete(msg("a"), P)

    first, second = asyncio.run(run())
    assert first.cached is False and second.cached is True and first.text == second.text
    assert model.calls == 1 and budget.calls == 1 and budget.usd == 0.5
    usage = client.ledger.get("target")
    assert (usage.calls, usage.cache_hits, usage.input_tokens, usage.cost_usd) == (1, 1, 10, 0.5)


def test_budget_call_cap_stops_with_message() -> None:
    model = FakeModel()
    budget = Budget(max_calls=3)
    client = make(model, budget=budget)

    async def run() -> None:
        for i in range(3):
            await client.complete(msg(str(i)), P)
        await client.complete(msg("one too many"), P)

    with pytest.raises(BudgetExceeded) as info:
        asyncio.run(run())
    assert "--chunky-budget-calls=3" in str(info.value) and "session" in str(info.value)
    assert model.calls == 3 and budget.exhausted
    assert budget.reason is not None and "--chunky-budget-calls" in budget.reason
    assert client.ledger.get("target").errors == 0


def test_budget_usd_and_token_caps() -> None:
    model = FakeModel(cost=0.4)
    budget = Budget(max_usd=1.0)
    client = make(model, budget=budget)

    async def run(c: RoleClient, n: int) -> None:
        for i in range(n):
            await c.complete(msg(str(i)), P)

    asyncio.run(run(client, 3))  # 0.0, 0.4, 0.8 spent before each call: all allowed
    assert budget.exhausted
    with pytest.raises(BudgetExceeded, match=r"--chunky-budget-usd=1\.0"):
        asyncio.run(run(client, 4))
    assert model.calls == 3

    tok_model = FakeModel(tokens=(10, 5))
    tok_budget = Budget(max_tokens=20)
    with pytest.raises(BudgetExceeded, match="--chunky-budget-tokens=20"):
        asyncio.run(run(make(tok_model, budget=tok_budget), 3))
    assert tok_model.calls == 2 and tok_budget.tokens == 30


def test_concurrent_requests_never_overshoot_call_cap() -> None:
    model = FakeModel(delay=0.01)
    budget = Budget(max_calls=5)
    client = make(model, budget=budget)

    async def run() -> list[Completion | BaseException]:
        return await asyncio.gather(*(client.complete(msg(str(i)), P) for i in range(10)),
                                    return_exceptions=True)

    results = asyncio.run(run())
    assert sum(isinstance(r, Completion) for r in results) == 5
    assert sum(isinstance(r, BudgetExceeded) for r in results) == 5
    assert model.calls == 5


def test_nested_budgets_charge_parent() -> None:
    session = Budget(max_calls=4, max_usd=10.0)
    test_a = session.child(max_calls=3)
    test_b = session.child()
    model = FakeModel(cost=0.25)
    a, b = make(model, budget=test_a), make(model, budget=test_b)

    async def run() -> None:
        for i in range(3):
            await a.complete(msg(f"a{i}"), P)
        with pytest.raises(BudgetExceeded, match=r"test budget.*--chunky-budget-calls=3"):
            await a.complete(msg("a3"), P)
        await b.complete(msg("b0"), P)
        with pytest.raises(BudgetExceeded, match=r"session budget.*--chunky-budget-calls=4"):
            await b.complete(msg("b1"), P)

    asyncio.run(run())
    assert session.calls == 4 and session.usd == pytest.approx(1.0)
    assert test_a.calls == 3 and test_b.calls == 1 and test_b.exhausted
    assert model.calls == 4


def test_errors_are_counted_and_never_cached(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite")
    model = FakeModel(fail_times=1)
    budget = Budget(max_calls=10)
    client = make(model, cache=cache, budget=budget)
    with pytest.raises(ProviderError):
        asyncio.run(client.complete(msg("x"), P))
    assert len(cache) == 0 and cache.stats.writes == 0
    usage = client.ledger.get("target")
    assert (usage.errors, usage.calls) == (1, 0)
    got = asyncio.run(client.complete(msg("x"), P))
    assert got.cached is False and len(cache) == 1 and model.calls == 2
    assert budget.calls == 2  # the failed call went out, so it counts


def test_concurrency_cap_holds_and_is_shared_per_endpoint() -> None:
    tracker = Tracker()
    model = FakeModel(delay=0.02, tracker=tracker)
    target = make(model, concurrency=3)
    judge = make(model, role="judge", concurrency=3)

    async def run() -> None:
        await asyncio.gather(*(target.complete(msg(f"t{i}"), P) for i in range(10)),
                             *(judge.complete(msg(f"j{i}"), P) for i in range(10)))

    asyncio.run(run())
    assert model.calls == 20 and tracker.max_in_flight == 3

    other = Tracker()
    m1 = FakeModel(delay=0.02, tracker=other, base_url="http://127.0.0.1:1/v1")
    m2 = FakeModel(delay=0.02, tracker=other, base_url="http://127.0.0.1:2/v1")

    async def run2() -> None:
        c1, c2 = make(m1, concurrency=2), make(m2, concurrency=2)
        await asyncio.gather(*(c.complete(msg(f"{id(c)}{i}"), P)
                               for c in (c1, c2) for i in range(6)))

    asyncio.run(run2())
    assert other.max_in_flight == 4  # separate endpoints, separate caps


def test_semaphores_are_per_loop() -> None:
    async def grab() -> tuple[asyncio.Semaphore, asyncio.Semaphore, asyncio.Semaphore]:
        return get_semaphore("k", 2), get_semaphore("k", 5), get_semaphore("other", 2)

    s1, s1_again, s_other = asyncio.run(grab())
    s2, _, _ = asyncio.run(grab())
    assert s1 is s1_again and s1 is not s_other and s1 is not s2
    with pytest.raises(ConfigError):
        asyncio.run(_bad_semaphore())


async def _bad_semaphore() -> None:
    get_semaphore("k", 0)


def test_identical_inflight_requests_share_one_call() -> None:
    model = FakeModel(delay=0.02)
    client = make(model)

    async def run() -> list[Completion]:
        return await asyncio.gather(*(client.complete(msg("same"), P) for _ in range(5)),
                                    client.complete(msg("same"), sp(sample_index=1)))

    results = asyncio.run(run())
    assert model.calls == 2
    assert [r.text for r in results] == ["echo:same#0"] * 5 + ["echo:same#1"]
    assert sum(not r.cached for r in results) == 2
    usage = client.ledger.get("target")
    assert (usage.calls, usage.cache_hits) == (2, 4)


def test_cancelling_one_waiter_keeps_the_shared_call() -> None:
    model = FakeModel(delay=0.03)
    client = make(model)

    async def run() -> Completion:
        first = asyncio.ensure_future(client.complete(msg("q"), P))
        await asyncio.sleep(0.005)
        second = asyncio.ensure_future(client.complete(msg("q"), P))
        await asyncio.sleep(0.005)
        first.cancel()
        return await second

    assert asyncio.run(run()).text == "echo:q#0"
    assert model.calls == 1


def test_cancelled_while_queued_releases_reservation() -> None:
    model = FakeModel(delay=0.03)
    budget = Budget(max_calls=2)
    client = make(model, budget=budget, concurrency=1)

    async def run() -> None:
        busy = asyncio.ensure_future(client.complete(msg("busy"), P))
        await asyncio.sleep(0.005)
        queued = asyncio.ensure_future(client.complete(msg("queued"), P))
        await asyncio.sleep(0.005)
        assert budget.calls == 2
        queued.cancel()
        await asyncio.gather(busy, queued, return_exceptions=True)
        assert budget.calls == 1
        await client.complete(msg("after"), P)

    asyncio.run(run())
    assert model.calls == 2 and budget.calls == 2


def test_replay_miss_through_client_names_role_and_model(tmp_path: Path) -> None:
    model = FakeModel(provider="fake", name="judge-1")
    client = make(model, role="judge", cache=ResponseCache(tmp_path / "c.sqlite", "replay"))
    with pytest.raises(CacheMissError) as info:
        asyncio.run(client.complete(msg("q"), P))
    assert "'judge'" in str(info.value) and "fake:judge-1" in str(info.value)
    assert "--chunky-cache=readwrite" in str(info.value)
    assert model.calls == 0 and client.ledger.get("judge").errors == 0


def test_credentials_never_reach_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cache = ResponseCache(path)
    model = FakeModel()
    client = make(model, cache=cache, cache_extra={"rubric": "r1"})
    assert client.key(msg("q"), P) == make(FakeModel(api_key="other"), cache=cache,
                                           cache_extra={"rubric": "r1"}).key(msg("q"), P)

    async def run() -> None:
        await asyncio.gather(*(client.complete(msg(f"q{i}"), P) for i in range(5)))

    asyncio.run(run())
    assert len(cache) == 5
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("c.sqlite"))
    assert b"echo:q3#0" in blob  # the check can see stored content at all
    cache.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert SECRET.encode() not in blob and b"echo:q3#0" in blob


def test_rate_limiter_shared_window(tmp_path: Path) -> None:
    db = tmp_path / "rate.sqlite"
    a = RateLimiter(3, db, key="openai|", window_s=0.3)
    b = RateLimiter(3, db, key="openai|", window_s=0.3)  # another "process"
    other = RateLimiter(3, db, key="anthropic|", window_s=0.3)

    async def run() -> tuple[float, float]:
        start = time.monotonic()
        for lim in (a, b, a, other, other):
            await lim.acquire()
        fast = time.monotonic() - start
        await b.acquire()  # the 4th request for this key in the window must wait
        return fast, time.monotonic() - start

    fast, slow = asyncio.run(run())
    assert fast < 0.2 and slow >= 0.25
    for lim in (a, b, other):
        lim.close()


def test_rate_limiter_local_and_noop() -> None:
    local = RateLimiter(2, None, window_s=0.2)
    noop = RateLimiter(None, None)

    async def run() -> float:
        for _ in range(50):
            await noop.acquire()
        start = time.monotonic()
        for _ in range(3):
            await local.acquire()
        return time.monotonic() - start

    assert asyncio.run(run()) >= 0.15
    with pytest.raises(ConfigError):
        RateLimiter(0, None)


def test_client_uses_rate_limiter(tmp_path: Path) -> None:
    model = FakeModel()
    client = make(model, rate_limiter=RateLimiter(2, tmp_path / "r.sqlite", window_s=0.2))

    async def run() -> float:
        start = time.monotonic()
        await asyncio.gather(*(client.complete(msg(str(i)), P) for i in range(3)))
        return time.monotonic() - start

    assert asyncio.run(run()) >= 0.15 and model.calls == 3


def test_ledger_merge_totals_and_roundtrip() -> None:
    a, b = Ledger(), Ledger()
    c = Completion(text="x", usage=Usage(input_tokens=2, output_tokens=3), cost_usd=0.1)
    a.record("target", c, cached=False)
    a.record("target", c, cached=True)
    b.record("judge", c, cached=False)
    b.record_error("judge")
    a.merge(b)
    a.merge(b.as_dict())
    assert a.as_dict()["judge"] == {"calls": 2, "cache_hits": 0, "input_tokens": 4,
                                    "output_tokens": 6, "cost_usd": pytest.approx(0.2),
                                    "errors": 2}
    totals = a.totals()
    assert (totals["calls"], totals["cache_hits"], totals["input_tokens"]) == (3, 1, 6)
    assert Ledger.from_dict(a.as_dict()).as_dict() == a.as_dict()
    with pytest.raises(ConfigError, match="unknown fields"):
        a.merge({"target": {"calls": 1, "bogus": 2}})


def test_bad_client_settings() -> None:
    with pytest.raises(ConfigError, match="unknown role"):
        make(FakeModel(), role="critic")
    with pytest.raises(ConfigError, match="concurrency"):
        make(FakeModel(), concurrency=0)
    with pytest.raises(ConfigError, match="--chunky-budget-calls"):
        Budget(max_calls=-1)


class LyingUsage(Model):
    """A server that reports negative usage and prices, or 5 tokens for a huge reply."""

    provider, name = "liar", "m"

    def __init__(self, text: str, usage: Usage, cost: float) -> None:
        self.text, self.usage, self.cost = text, usage, cost

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        return Completion(text=self.text, usage=self.usage, cost_usd=self.cost, model="m")

    def _cost(self, served: str, usage: Usage) -> float:
        return usage.total * 1e-6  # one dollar per million tokens


@pytest.mark.parametrize("text,usage,cost", [
    ("fine", Usage(input_tokens=-10**9, output_tokens=-10**9), -31500.0),
    ("x" * 200_000, Usage(input_tokens=5, output_tokens=5), 1e-5),
])
def test_implausible_usage_cannot_turn_budgets_off(text: str, usage: Usage,
                                                    cost: float) -> None:
    ledger = Ledger()
    budget = Budget(max_tokens=1_000, max_usd=0.01, label="test")
    client = RoleClient("target", LyingUsage(text, usage, cost), cache=None, ledger=ledger,
                        budget=budget)
    messages: list[Message] = [{"role": "user", "content": "hello " * 10}]

    async def calls() -> int:
        made = 0
        with pytest.raises(BudgetExceeded):
            for i in range(200):
                await client.complete(messages, sp(sample_index=i))
                made += 1
        return made

    made = asyncio.run(calls())
    totals = ledger.totals()
    assert totals["input_tokens"] >= 0 and totals["output_tokens"] >= 0
    assert totals["cost_usd"] >= 0
    assert budget.tokens == totals["input_tokens"] + totals["output_tokens"] > 0
    assert 0 <= budget.usd == pytest.approx(totals["cost_usd"])
    if len(text) > 1000:  # charged by its length, not by the 5 tokens it claimed
        assert totals["output_tokens"] >= len(text) // 16
        assert made == 1
    else:  # the cap is reached after about 1,000 / 16 calls, not never
        assert 40 <= made <= 70
