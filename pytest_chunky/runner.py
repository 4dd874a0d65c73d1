"""Run a `@chunky.surf` check as a library call: roles from settings, memory, search, JSONL.

Kept free of pytest so a notebook or a CLI can run exactly what the plugin runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_chunky.calls.accounting import Budget, Ledger
from pytest_chunky.calls.cache import ResponseCache
from pytest_chunky.calls.client import STOP, RoleClient
from pytest_chunky.calls.limits import Breaker, RateLimiter, provider_key
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.infra.errors import ChunkyError, ConfigError, NoVerdict, SearchInterrupted
from pytest_chunky.infra.runlog import RunLog
from pytest_chunky.markers import SurfSpec
from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import create_model
from pytest_chunky.results import Candidate, IterationStats, RegressionStats, SearchResult
from pytest_chunky.rubrics import Rubric, get_rubric
from pytest_chunky.search.confirm import confirm_entry
from pytest_chunky.search.engine import SearchConfig, SurfSearch
from pytest_chunky.search.memory import FailureMemory, StoredFailure
from pytest_chunky.settings import Settings, role_models
from pytest_chunky.types import Role

GRACE_SECONDS = 3.0  # after Ctrl-C, how long calls in flight may take to finish


def test_slug(test_id: str) -> str:
    """A file name for a test's run log: readable, and unique per full node id (`test[a/b]`,
    `test[a_b]` and `test[a b]` read alike but never share a file)."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_id).strip("_")[:120] or "test"
    return f"{readable}-{hashlib.sha256(test_id.encode()).hexdigest()[:12]}"


@dataclass
class Session:
    """Per-process state shared by every check: one event loop, models, cache, ledger."""

    settings: Settings
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    ledger: Ledger = field(default_factory=Ledger)
    models: dict[str, Model] = field(default_factory=dict)
    session_budget: Budget | None = None
    _cache: ResponseCache | None = None
    _memory: FailureMemory | None = None
    _limiters: dict[str, RateLimiter] = field(default_factory=dict)
    _breakers: dict[str, Breaker] = field(default_factory=dict)
    _indexes: dict[str, Any] = field(default_factory=dict)

    def turf_index(self, path: Path) -> Any:
        """Load a TURF index once per process (refuses other format versions, clearly)."""
        from pytest_chunky.turf.index import TurfIndex

        key = str(Path(path).resolve())
        if key not in self._indexes:
            self._indexes[key] = TurfIndex(path, embedder=self.settings.embedder)
        return self._indexes[key]

    def rate_limiter(self, model: Model) -> RateLimiter | None:
        """One requests-per-minute window per provider endpoint, shared across processes."""
        if self.settings.rpm is None:
            return None
        key = provider_key(model.provider, model.shown_url)
        if key not in self._limiters:
            path = Path(self.settings.cache_dir) / "ratelimit.sqlite"
            self._limiters[key] = RateLimiter(self.settings.rpm, path, key=key)
        return self._limiters[key]

    @property
    def cache(self) -> ResponseCache | None:
        if self.settings.cache == "off":
            return None
        if self._cache is None:
            self._cache = ResponseCache(Path(self.settings.cache_dir) / "responses.sqlite",
                                        self.settings.cache)
        return self._cache

    @property
    def memory(self) -> FailureMemory:
        if self._memory is None:
            self._memory = FailureMemory(self.settings.cache_dir)
        return self._memory

    def client(self, role: Role, model: Model, *, ledger: Ledger, budget: Budget | None,
               concurrency: int | None = None,
               cache_extra: dict[str, str] | None = None) -> RoleClient:
        """The one way a session makes a role's calls: its cache, this test's ledger and
        budget, the provider's rate limit."""
        s = self.settings
        key = provider_key(model.provider, model.shown_url)
        breaker = self._breakers.setdefault(key, Breaker(s.breaker))
        return RoleClient(role, model, cache=self.cache, ledger=ledger, budget=budget,
                          concurrency=concurrency or s.concurrency, cache_extra=cache_extra,
                          rate_limiter=self.rate_limiter(model), deadline=s.timeout,
                          max_chars=s.max_response_chars, breaker=breaker)

    def model(self, spec: str, flag: str) -> Model:
        if spec not in self.models:
            model = create_model(spec, flag=flag)
            model.configure(timeout=self.settings.timeout, max_retries=self.settings.max_retries)
            self.models[spec] = model
        return self.models[spec]

    def __post_init__(self) -> None:
        STOP.clear()

    def run(self, coro: Any) -> Any:
        """Run `coro` to completion; on Ctrl-C stop within GRACE_SECONDS, keeping its result.

        The first Ctrl-C lets the calls already in flight finish (so they are cached and a
        rerun repeats none of them) while nothing new starts; the work then winds down on its
        own and its partial result travels up in `SearchInterrupted`.
        """
        task = self.loop.create_task(coro)
        presses: list[float] = []

        def on_sigint(signum: int, frame: object) -> None:
            # Never raise inside a coroutine: a KeyboardInterrupt stored in some inner task
            # resurfaces later, far from here. Stop from the loop instead.
            presses.append(time.monotonic())
            STOP.set()
            delay = GRACE_SECONDS if len(presses) == 1 else 0.0  # a second Ctrl-C: at once
            self.loop.call_soon_threadsafe(lambda: self.loop.call_later(delay, task.cancel))

        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, on_sigint)
        try:
            result = self.loop.run_until_complete(task)
        except asyncio.CancelledError:
            if presses:
                raise SearchInterrupted() from None
            raise
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if presses:
            raise SearchInterrupted(result)
        return result

    def close(self) -> None:
        for model in self.models.values():
            self.loop.run_until_complete(model.aclose())
        self.loop.close()
        if self._cache is not None:
            self._cache.close()
        if self._memory is not None:
            self._memory.close()
        for limiter in self._limiters.values():
            limiter.close()


@dataclass
class Check:
    """Everything one marked test needs, built from settings (fixtures may replace parts)."""

    settings: Settings
    spec: SurfSpec
    rubric: Rubric
    pool: Sequence[str]
    target: Target
    generator: Generator
    judge: Judge
    ledger: Ledger
    budget: Budget | None = None
    extractor: Model | None = None
    extractor_error: str | None = None  # the extractor could not be created: TURF reports it


def default_pool(settings: Settings, spec: SurfSpec, target: Model) -> tuple[str, ...]:
    """The marker's pool, else the target's own (a self-contained world's), else the default."""
    from pytest_chunky.pool.files import get_pool

    own = target.default_pool
    if spec.attributes is None and isinstance(own, Path):
        return tuple(get_pool(own))
    return tuple(get_pool(spec.attributes, default=own if isinstance(own, str) else "default"))


def collection_problem(session: Session, settings: Settings, spec: SurfSpec) -> str | None:
    """Why the configured judge cannot score this gate's rubric, found before any test runs
    (None when it can, or when that is only knowable at run time)."""
    judge = role_models(settings)["judge"]
    if judge is None:
        return None
    try:
        model = session.model(judge, "--chunky-judge")
        rubric = get_rubric(spec.rubric, settings.rubrics)
    except ChunkyError:
        return None  # reported, with its fix, when the gate runs
    cannot = getattr(model, "cannot_judge", None)
    return cannot(rubric) if cannot is not None else None


def _sampling(settings: Settings, role: str) -> dict[str, Any]:
    max_tokens, temperature = settings.sampling(role)
    return {"max_tokens": max_tokens, "temperature": temperature}


def build_check(session: Session, settings: Settings, spec: SurfSpec, *,
                models: dict[Role, Model], pool: Sequence[str] | None = None,
                with_extractor: bool = False) -> Check:
    """The roles of one gate. `with_extractor`: create the configured LLM extractor for TURF
    (when an index is set); one that cannot be created is recorded, and TURF reports it."""
    rubric = get_rubric(spec.rubric, settings.rubrics)
    cannot = getattr(models["judge"], "cannot_judge", None)  # an offline judge says so first
    problem = cannot(rubric) if cannot is not None else None
    unwritable = getattr(models["generator"], "cannot_write", None)  # so does its generator
    problem = problem or (unwritable(pool) if unwritable is not None and pool else None)
    if problem:
        raise ConfigError(problem)
    extractor_error = None
    extractor = role_models(settings)["extractor"]
    if with_extractor and settings.turf_index is not None and extractor is not None:
        try:  # without one TURF uses the index's data features
            models = {**models, "extractor": session.model(extractor, "--chunky-extractor")}
        except ChunkyError as exc:  # the gate still runs
            extractor_error = str(exc)
    ledger = Ledger()
    budget = Budget(settings.budget_calls, settings.budget_tokens, settings.budget_usd,
                    parent=session.session_budget, label="test")
    def client(role: Role) -> RoleClient:
        extra = {"rubric": rubric.digest} if role == "judge" else None
        return session.client(role, models[role], ledger=ledger, budget=budget,
                              concurrency=settings.concurrency, cache_extra=extra)

    if pool is None:
        pool = default_pool(settings, spec, models["target"])
    return Check(settings, spec, rubric, pool,
                 Target(client("target"), system_prompt=spec.system_prompt,
                        **_sampling(settings, "target")),
                 Generator(client("generator"), **_sampling(settings, "generator")),
                 Judge(client("judge"), **_sampling(settings, "judge")), ledger,
                 budget=budget, extractor=models.get("extractor"),
                 extractor_error=extractor_error)


def _search(check: Check, sink: Callable[[Candidate], None] | None,
            progress: Callable[[IterationStats, int], None] | None) -> SurfSearch:
    s = check.settings
    config = SearchConfig(iterations=s.iterations, candidates=s.candidates,
                          buffer_size=s.buffer_size, threshold=s.threshold, seed=s.seed,
                          resamples=s.resamples, min_rate=s.min_rate,
                          perturbations=check.spec.perturbations)
    return SurfSearch(rubric=check.rubric, pool=check.pool, target=check.target,
                      generator=check.generator, judge=check.judge, config=config,
                      concurrency=s.concurrency, sink=sink, progress=progress)


async def _replay(search: SurfSearch, stored: list[StoredFailure], result: SearchResult
                  ) -> None:
    entries = [Candidate(index=-1, iteration=-1, seed=search.config.seed,
                         attributes=f.attributes, query=f.query, score=f.score)
               for f in stored]
    confirmations = await asyncio.gather(*(confirm_entry(search, e, n)
                                           for n, e in enumerate(entries)))
    result.confirmations = list(confirmations)


def run_check(session: Session, check: Check, *, test_id: str,
              progress: Callable[[IterationStats, int], None] | None = None,
              runs_dir: Path | None = None) -> SearchResult:
    """Replay stored failures; if none still fails, search; remember what is confirmed."""
    s = check.settings
    ends = None if s.test_timeout is None else time.monotonic() + s.test_timeout

    def capped(coro: Any) -> Any:  # every phase of the gate shares --chunky-test-timeout
        return coro if ends is None else _within(coro, ends, s.test_timeout or 0.0)

    model_id = check.target.client.model.spec
    memory_key = (test_id, check.rubric.name, model_id)
    stored = session.memory.get(*memory_key)
    jsonl = (runs_dir or Path(s.cache_dir) / "runs") / f"{test_slug(test_id)}.jsonl"
    scored: list[tuple[str, int]] = []  # (response, score): TURF's separating crux
    with RunLog(jsonl) as out:
        def sink(candidate: Candidate) -> None:
            out.write(candidate.model_dump_json() + "\n")
            if candidate.response is not None and candidate.score is not None:
                scored.append((candidate.response, candidate.score))

        search = _search(check, sink, progress)
        result = SearchResult(rubric=check.rubric.name, model=model_id, seed=s.seed,
                              threshold=s.threshold, min_rate=s.min_rate)
        if stored:
            session.run(capped(_replay(search, stored, result)))
            result.replayed = True
            gone = [c.query for c in result.confirmations if not c.confirmed]
            if gone:
                session.memory.forget(*memory_key, gone)
        if s.replay_only:
            result.replayed = True  # nothing new is searched: the stored prompts are the check
        elif not result.failures:
            try:
                result = session.run(capped(search.run()))
            except SearchInterrupted as exc:
                if not isinstance(exc.result, SearchResult):
                    raise
                partial = exc.result
                partial.stopped = "interrupted"
                partial.usage = check.ledger.as_dict()
                session.ledger.merge(check.ledger)
                raise SearchInterrupted(partial, (
                    f"interrupted: {partial.scored} candidates scored, best score "
                    f"{max((c.score or 0 for c in partial.buffer), default=0)}, reported as "
                    "an error (no verdict); every completed call is cached, so a rerun "
                    "resumes without paying for them again")) from None
    baseline = check.spec.baseline or s.baseline_model
    if baseline:
        result.regression = session.run(capped(
            _compare(session, search, result, baseline, check.spec)))
    boundary = check.spec.boundary or s.boundary
    if result.failures and boundary:
        from pytest_chunky.search.boundary import boundary_check, boundary_prompt

        result.boundary = session.run(capped(boundary_check(
            search, [c.query for c in result.failures[:5]],
            boundary_prompt(boundary, check.rubric))))
    if result.failures and s.turf_index is not None:
        session.run(capped(attribute_failures(session, check, result, s.turf_index,
                                              scored=scored)))
    if result.failures and not result.replayed:
        session.memory.put(*memory_key, [StoredFailure(c.query, c.attributes, c.score)
                                         for c in result.failures])
    result.usage = check.ledger.as_dict()
    session.ledger.merge(check.ledger)
    return result


async def _within(coro: Any, ends: float, limit: float) -> Any:
    try:
        async with asyncio.timeout(max(0.0, ends - time.monotonic())):
            return await coro
    except TimeoutError:
        raise NoVerdict(f"the gate ran past --chunky-test-timeout={limit:g} s and was stopped; "
                        "no verdict (raise the cap, or lower --chunky-iterations / "
                        "--chunky-candidates)") from None


async def _compare(session: Session, search: SurfSearch, result: SearchResult,
                   baseline: str, spec: SurfSpec) -> RegressionStats | None:
    """The gate's probe prompts against a baseline checkpoint (none found: no comparison)."""
    from pytest_chunky.search.regress import compare_with_baseline, probe_prompts

    prompts = probe_prompts(result)
    if not prompts:
        return None
    model = session.model(baseline, "--chunky-baseline-model")
    client = search.target.client
    target = Target(session.client("target", model, ledger=client.ledger, budget=client.budget,
                                   concurrency=client.concurrency),
                    system_prompt=search.target.system_prompt)
    return await compare_with_baseline(search, target, prompts, baseline_name=model.spec,
                                       alpha=spec.alpha, mode=spec.mode)


async def attribute_failures(session: Session, check: Check, result: SearchResult,
                             index_path: Path, limit: int = 3,
                             scored: Sequence[tuple[str, int]] = ()) -> None:
    """TURF on the worst confirmed failures: trigger, crux and the chunk that taught them.

    Without an LLM extractor, the crux is what separates this search's violating responses
    from the others (`scored`), and the trigger comes from the index's data features. A broken
    index or a failed attribution does not hide the failure: the error is recorded beside it.
    """
    from pytest_chunky.turf.extract import ModelExtractor
    from pytest_chunky.turf.trace import trace_failure

    if check.extractor_error:
        result.attributions.append({"error": f"TURF extractor: {check.extractor_error}"})
        return
    try:
        index = session.turf_index(index_path)
    except Exception as exc:  # a broken index is reported beside the failure, never raised
        result.attributions.append({"error": f"TURF index {index_path}: {exc}"})
        return
    llm = None
    if check.extractor is not None:  # the gate's cache, ledger, budget and rate limit
        llm = ModelExtractor.from_client(session.client(
            "extractor", check.extractor, ledger=check.ledger, budget=check.budget))
    for conf in result.failures[:limit]:
        try:
            found = await trace_failure(index, conf.query, conf.response, rubric=check.rubric,
                                        scored=scored, threshold=check.settings.threshold,
                                        extractor=llm, crux_model=llm)
        except Exception as exc:  # attribution never changes a verdict: it reports its error
            text = str(exc) if isinstance(exc, ChunkyError) else f"{type(exc).__name__}: {exc}"
            result.attributions.append({"query": conf.query, "error": text})
            continue
        record = found.model_dump(mode="json")
        record["sentence"] = found.sentence()
        record["query"] = conf.query
        result.attributions.append(record)


def run_steer_gate(session: Session, settings: Settings, spec: Any,
                   models: dict[Role, Model], *, test_id: str) -> SearchResult:
    """A `@chunky.steer` gate: its roles, prompts (the failure memory's for
    prompts='memory') and the paired steering measurement."""
    from pytest_chunky.steering.check import steer_check

    check = build_check(session, settings, SurfSpec(rubric=spec.rubric), models=models)

    def memory() -> list[str]:
        return [f.query for f in session.memory.get(test_id, check.rubric.name,
                                                    check.target.client.model.spec)]

    result: SearchResult = session.run(steer_check(spec, check=check, test_id=test_id,
                                                   memory_prompts=memory))
    return result
