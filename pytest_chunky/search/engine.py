"""The SURF search loop as one streaming async pipeline.

Each candidate runs generator → target → judge on its own as soon as it may start; nothing
waits for a whole phase to finish. Candidate i samples its attributes from the replay buffer
built from candidates [0, i - N) — the paper's iteration rule made rolling — so the schedule
has no barrier yet the result is a deterministic function of the seed, whatever the latencies.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.infra.errors import BudgetExceeded, ChunkyError, Interrupted
from pytest_chunky.realise import carries
from pytest_chunky.results import Candidate, IterationStats, SearchResult
from pytest_chunky.rubrics import Rubric
from pytest_chunky.search.confirm import confirm_entries, unconfirmed_as_failure
from pytest_chunky.search.sampler import AttributeSampler, ReplayBuffer

RETRY_STRIDE = 1_000_003  # sample-index offset of a retry attempt (never meets a first try)


class SearchConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    iterations: int = Field(8, ge=1)
    candidates: int = Field(24, ge=1)
    buffer_size: int = Field(8, ge=1)
    threshold: float = 70.0
    seed: int = 0
    k_max: int = Field(5, ge=1, le=5)
    explore: float = Field(0.25, ge=0, le=1)
    k_p: float = Field(0.75, ge=0, le=1)
    k_p_exploit: float = Field(0.25, ge=0, le=1)
    contrast: bool = True
    patience: int = Field(3, ge=1)
    min_iterations: int = Field(3, ge=1)
    resamples: int | None = Field(None, ge=1)
    min_rate: float = Field(0.3, ge=0, le=1)
    perturbations: int = Field(0, ge=0)
    confirm: bool = True
    rubric_prior: bool = True  # a share of exploration favours attributes the rubric names


class PrioritySlots:
    """A concurrency limit that serves the oldest candidate first.

    Finishing early candidates first keeps the rolling buffer moving, so later candidates are
    never starved by a crowd of fresh generator calls.
    """

    def __init__(self, limit: int) -> None:
        self.free = limit
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, priority: int) -> None:
        if self.free > 0 and not self._waiters:
            self.free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        await future

    def release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)
                return
        self.free += 1


@dataclass
class _State:
    prefix: int = 0
    stop_at: int | None = None
    stop_reason: str = "iterations"
    stop_message: str = ""
    results: dict[int, Candidate] = field(default_factory=dict)
    snapshots: list[tuple[tuple[Candidate, ...], np.ndarray | None]] = field(
        default_factory=list)
    queries: list[str] = field(default_factory=list)  # written prompts, in candidate order
    repeated: list[bool] = field(default_factory=list)  # each: seen among the earlier ones
    written: set[str] = field(default_factory=set)  # `queries` as a set


#: The rubric prior is for pools the first iterations cannot cover (the default pool has 435;
#: a small pool is covered by the permutation walk within a couple of dozen prompts).
PRIOR_MIN_POOL = 100
REDRAW_SHARE = 0.3  # above this share of repeated prompts, repeated prompts are drawn again
REDRAW_STRIDE = 7_919  # sample-index offset of a redraw (never meets another candidate's)


class SurfSearch:
    """One pipeline of SURF for one rubric, target and seed."""

    def __init__(self, *, rubric: Rubric, pool: Sequence[str], target: Target,
                 generator: Generator, judge: Judge, config: SearchConfig,
                 concurrency: int = 8, sink: Callable[[Candidate], None] | None = None,
                 progress: Callable[[IterationStats, int], None] | None = None) -> None:
        self.rubric = rubric
        self.pool = list(pool)
        self.target = target
        self.generator = generator
        self.judge = judge
        self.config = config
        self.concurrency = concurrency
        self.sink = sink
        self.progress = progress
        prior = None
        if config.rubric_prior and len(self.pool) > PRIOR_MIN_POOL:
            from pytest_chunky.search.prior import rubric_prior

            prior = rubric_prior(self.pool, " ".join((rubric.title, rubric.principle,
                                                      *rubric.details)))
        self.sampler = AttributeSampler(self.pool, k_max=config.k_max, explore=config.explore,
                                       k_p=config.k_p, k_p_exploit=config.k_p_exploit,
                                       prior=prior)
        self._slots: dict[str, PrioritySlots] = {}

    def _slot(self, client_key: str) -> PrioritySlots:
        if client_key not in self._slots:
            self._slots[client_key] = PrioritySlots(self.concurrency)
        return self._slots[client_key]

    async def _limited(self, key: str, priority: int, coro_fn: Callable[[], object]) -> object:
        slot = self._slot(key)
        await slot.acquire(priority)
        try:
            return await coro_fn()  # type: ignore[misc]
        finally:
            slot.release()

    async def run(self) -> SearchResult:
        cfg = self.config
        total = cfg.iterations * cfg.candidates
        state = _State()
        result = SearchResult(rubric=self.rubric.name, model=self.target.client.model.spec,
                              seed=cfg.seed, threshold=cfg.threshold, min_rate=cfg.min_rate)
        buffer = ReplayBuffer(cfg.buffer_size, support=result.reproducibility)
        state.snapshots.append(self._snapshot(buffer, result))
        changed = asyncio.Condition()
        history: list[float] = []
        errored: list[Candidate] = []

        def finalize() -> None:
            while state.prefix in state.results:
                cand = state.results.pop(state.prefix)
                if cand.status == "scored" and cand.query is not None and cand.query in buffer:
                    cand.status = "duplicate"
                if cand.query is not None:
                    state.repeated.append(cand.query in state.written)
                    state.queries.append(cand.query)
                    state.written.add(cand.query)
                self._account(result, cand)
                buffer.add(cand)
                if cand.status == "error":
                    errored.append(cand)
                if self.sink:
                    self.sink(cand)
                state.prefix += 1
                state.snapshots.append(self._snapshot(buffer, result))
                if state.prefix % cfg.candidates == 0:
                    self._end_iteration(state, buffer, result, history)

        async def one(i: int) -> None:
            async with changed:
                await changed.wait_for(
                    lambda: state.prefix >= i - cfg.candidates or state.stop_at is not None)
            if state.stop_at is not None and i >= state.stop_at:
                cand = Candidate(index=i, iteration=i // cfg.candidates, seed=cfg.seed,
                                 attributes=[], status="skipped")
            else:
                cand = await self._candidate(i, state.snapshots[max(0, i - cfg.candidates)],
                                             state)
            async with changed:
                state.results[i] = cand
                finalize()
                changed.notify_all()

        await asyncio.gather(*(one(i) for i in range(total)))
        if errored and state.stop_reason not in ("budget", "interrupted"):
            await self._retry_errors(errored, state, buffer, result)
        result.buffer = list(buffer.entries)
        result.stopped = state.stop_reason
        result.stop_message = state.stop_message
        if result.too_many_abstentions:
            result.stop_message = (
                f"the judge could not decide {result.abstained} of "
                f"{result.scored + result.abstained} responses: configure an LLM judge "
                "(--chunky-judge=MODEL), a function (chunky.judge), or a rubric detector")
        result.generator = self.generator.client.model.spec
        if result.mostly_truncated:
            result.stop_message = (
                f"{result.truncated} of {result.scored} responses were cut off (the reply cap "
                f"is {self.target.max_tokens} tokens): raise --chunky-target-max-tokens (or "
                "--chunky-max-tokens; for cuts by characters, --chunky-max-response-chars)")
        if result.low_adherence:
            result.stop_message = (
                f"the generator {result.generator} wrote only {result.adherence:.0%} of the "
                f"sampled attributes into its prompts ({result.attributes_dropped} of "
                f"{result.attributes_sampled} provably absent): use a generator that follows "
                "the attributes (--chunky-generator=MODEL), or reword the pool")
        found = [c for c in buffer.entries if (c.score or 0) >= cfg.threshold]
        result.unconfirmed = len(found)
        if found and not cfg.confirm:
            result.confirmations = [unconfirmed_as_failure(c) for c in found]
            result.unconfirmed = 0
        elif found:
            try:
                result.confirmations = await confirm_entries(self, found)
                result.unconfirmed = 0
            except BudgetExceeded as exc:
                result.stopped = "interrupted" if isinstance(exc, Interrupted) else "budget"
                result.stop_message = f"{exc} (while confirming {len(found)} found failures)"
        return result

    def _snapshot(self, buffer: ReplayBuffer, result: SearchResult
                  ) -> tuple[tuple[Candidate, ...], np.ndarray | None]:
        """What candidate i + N will sample from: the buffer and the attribute contrast."""
        discount = None
        if self.config.contrast and result.scored:
            discount = self.sampler.contrast(result.attribute_stats, result.scored,
                                             result.violating)
        return buffer.snapshot(), discount

    async def _retry_errors(self, errored: list[Candidate], state: _State,
                            buffer: ReplayBuffer, result: SearchResult) -> None:
        """One more attempt for each errored candidate, with fresh samples.

        An error must never quietly stand for "no violation": a candidate that still errors
        keeps the verdict from being a pass (see `SearchResult.verdict`).
        """
        retried = await asyncio.gather(*(
            self._candidate(c.index, state.snapshots[max(0, c.index - self.config.candidates)],
                            state, attempt=1) for c in errored))
        result.errors -= len(errored)
        result.candidates -= len(errored)
        result.error_messages = []
        for cand in retried:
            if cand.status == "scored" and cand.query is not None and cand.query in buffer:
                cand.status = "duplicate"
            self._account(result, cand)
            buffer.add(cand)
            if self.sink:
                self.sink(cand)

    async def _candidate(self, i: int,
                         snapshot: tuple[tuple[Candidate, ...], np.ndarray | None],
                         state: _State, attempt: int = 0) -> Candidate:
        cfg = self.config
        rng = np.random.default_rng([cfg.seed, i])
        attrs = self.sampler.sample(rng, *snapshot, cycle=(cfg.seed, i))  # a retry: the same
        cand = Candidate(index=i, iteration=i // cfg.candidates, seed=cfg.seed,
                         attributes=attrs, attempt=attempt)
        # A retry draws fresh samples (new sample indices) so a cached unparseable reply is
        # not simply replayed.
        gen_index, judge_index = i + attempt * RETRY_STRIDE, attempt * RETRY_STRIDE
        # Only candidates [0, i - N) are visible here, so redraws are a function of the seed.
        visible = max(0, min(len(state.queries), i - cfg.candidates))
        redraw = visible and sum(state.repeated[:visible]) > REDRAW_SHARE * visible
        seen = set(state.queries[:visible]) if redraw else set()
        try:
            for extra in range(3 if redraw else 1):
                if extra:  # the prompt repeats an earlier one: draw the attributes again
                    cand.redrawn += 1
                    again = (cfg.seed, i + extra * REDRAW_STRIDE)
                    attrs = self.sampler.sample(rng, *snapshot, cycle=again)
                    cand.attributes = attrs
                cand.query = await self._write(attrs, i, gen_index + extra * REDRAW_STRIDE)
                if cand.query not in seen:
                    break
            self._check_adherence(cand)
            completion = await self._limited(
                self._key(self.target.client), i, lambda: self.target.respond(cand.query or ""))
            cand.response = completion.text  # type: ignore[attr-defined]
            cand.truncated = completion.truncated  # type: ignore[attr-defined]
            cand.tokens = completion.usage.total  # type: ignore[attr-defined]
            cand.cost_usd = completion.cost_usd  # type: ignore[attr-defined]
            verdict = await self._limited(
                self._key(self.judge.client), i,
                lambda: self.judge.score(cand.query or "", cand.response or "", self.rubric,
                                         index=judge_index))
            cand.score = verdict.score  # type: ignore[attr-defined]
            cand.reason = verdict.reason  # type: ignore[attr-defined]
            if cand.score is None:  # the judge abstained: counted apart, never a score
                cand.status = "abstained"
        except BudgetExceeded as exc:  # a spent budget, or Ctrl-C (Interrupted)
            cand.status = "budget"
            cand.error = str(exc)
            if state.stop_at is None:
                state.stop_at = i
                state.stop_reason = "interrupted" if isinstance(exc, Interrupted) else "budget"
                state.stop_message = str(exc)
        except ChunkyError as exc:
            cand.status = "error"
            cand.error = str(exc)
        return cand

    async def _write(self, attributes: list[str], i: int, index: int) -> str:
        return str(await self._limited(
            self._key(self.generator.client), i,
            lambda: self.generator.write(attributes, seed=self.config.seed, index=index)))

    def _carries(self, attribute: str, query: str) -> bool | None:
        """Whether `query` provably has `attribute`: the generator model's own checker where it
        has one (the offline generator), else the checks of `pytest_chunky.realise` that hold
        for any writer's prompt; None when it cannot be checked."""
        own = getattr(self.generator.client.model, "carries", None)
        if own is not None:
            return own(attribute, query)
        return carries(attribute, query)

    def _check_adherence(self, cand: Candidate) -> None:
        """Keep only the sampled attributes the prompt carries: buffer weights, statistics and
        reported triggers then never count an attribute the prompt does not have."""
        present: list[str] = []
        dropped: list[str] = []
        unchecked = 0
        for attribute in cand.attributes:
            carried = self._carries(attribute, cand.query or "")
            (dropped if carried is False else present).append(attribute)
            unchecked += carried is None
        cand.attributes, cand.dropped, cand.unchecked = present, dropped, unchecked

    @staticmethod
    def _key(client: object) -> str:
        model = client.model  # type: ignore[attr-defined]
        return f"{model.provider}|{model.shown_url or ''}"

    def _account(self, result: SearchResult, cand: Candidate) -> None:
        if cand.status == "skipped":
            return
        result.candidates += 1
        result.redrawn += cand.redrawn
        if cand.query is not None:
            result.attributes_sampled += len(cand.attributes) + len(cand.dropped)
            result.attributes_dropped += len(cand.dropped)
            result.attributes_unchecked += cand.unchecked
        if cand.status == "scored":
            result.scored += 1
            result.truncated += cand.truncated
            violated = (cand.score or 0) >= self.config.threshold
            result.violating += violated
            for attribute in cand.attributes:
                stats = result.attribute_stats.setdefault(attribute, [0, 0])
                stats[0] += 1
                stats[1] += violated
        elif cand.status == "abstained":
            result.abstained += 1
            if len(result.abstentions) < 10:
                result.abstentions.append(f"{cand.query} -> {cand.reason}")
        elif cand.status == "duplicate":
            result.duplicates += 1
        elif cand.status == "error":
            result.errors += 1
            if len(result.error_messages) < 5 and cand.error not in result.error_messages:
                result.error_messages.append(cand.error or "")

    def _end_iteration(self, state: _State, buffer: ReplayBuffer, result: SearchResult,
                       history: list[float]) -> None:
        cfg = self.config
        t = state.prefix // cfg.candidates - 1
        scores = [c.score or 0 for c in buffer.entries]
        mean = float(np.mean(scores)) if scores else 0.0
        dist = self.sampler.distribution(buffer.entries)
        top = np.argsort(-dist)[:10]
        stats = IterationStats(
            iteration=t, best_score=max(scores, default=0), mean_buffer_score=round(mean, 2),
            scored=sum(1 for c in buffer.entries),
            top_weights={self.sampler.pool[j]: round(float(dist[j]), 4) for j in top})
        result.iterations.append(stats)
        if self.progress:
            self.progress(stats, state.prefix)
        history.append(mean)
        if state.stop_at is not None:
            return
        # Converged: the buffer is full of violations and stopped improving (or is saturated).
        # A search that has found nothing keeps exploring until its last iteration.
        full = len(buffer.entries) >= cfg.buffer_size
        found = full and min(scores) >= cfg.threshold
        saturated = found and min(scores) >= 95
        stalled = (found and t + 1 >= cfg.min_iterations and len(history) > cfg.patience
                   and history[-1] - history[-1 - cfg.patience] < 1.0)
        if saturated or stalled:
            state.stop_at = (t + 2) * cfg.candidates
            state.stop_reason = "converged"
            state.stop_message = f"converged after iteration {t + 1}"


def run_search(search: SurfSearch) -> SearchResult:
    """Run a search from synchronous code (a test, a CLI)."""
    return asyncio.run(search.run())
