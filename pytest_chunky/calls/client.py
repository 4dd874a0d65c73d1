"""RoleClient: the one path every model call takes.

cache lookup → budget reservation → provider concurrency cap + rate limit → `Model.generate`
→ ledger and budget charge → cache store. Errors are counted and re-raised, never cached.
Identical requests in flight at the same time (same cache key, same event loop) share one call.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pytest_chunky.calls.accounting import Budget, Ledger, plausible_usage
from pytest_chunky.calls.cache import ResponseCache, cache_key
from pytest_chunky.calls.limits import (
    Breaker,
    BreakerOpen,
    RateLimiter,
    get_semaphore,
    provider_key,
)
from pytest_chunky.infra.environment import env_number
from pytest_chunky.infra.errors import ConfigError, Interrupted, ProviderError
from pytest_chunky.models.base import Model
from pytest_chunky.types import ROLES, Completion, Message, Role, SamplingParams

#: Set on Ctrl-C: calls already in flight finish (and are cached), no new real call starts.
STOP = threading.Event()

log = logging.getLogger(__name__)


@dataclass
class _InFlight:
    task: asyncio.Task[Completion]
    waiters: int = 0


_INFLIGHT: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _InFlight]]
_INFLIGHT = weakref.WeakKeyDictionary()
_INFLIGHT_LOCK = threading.Lock()


def _inflight_for_loop(loop: asyncio.AbstractEventLoop) -> dict[str, _InFlight]:
    with _INFLIGHT_LOCK:
        table = _INFLIGHT.get(loop)
        if table is None:
            table = _INFLIGHT[loop] = {}
        return table


def _forget(table: dict[str, _InFlight], key: str, entry: _InFlight) -> None:
    if table.get(key) is entry:
        del table[key]


def _forget_done(table: dict[str, _InFlight], key: str, entry: _InFlight,
                 _task: asyncio.Task[Completion]) -> None:
    _forget(table, key, entry)


class RoleClient:
    """Makes one role's model calls, with caching, budgets, accounting and limits."""

    def __init__(self, role: Role, model: Model, *, cache: ResponseCache | None,
                 ledger: Ledger, budget: Budget | None, concurrency: int = 8,
                 rate_limiter: RateLimiter | None = None,
                 cache_extra: Mapping[str, str] | None = None, deadline: float | None = None,
                 max_chars: int | None = None, breaker: Breaker | None = None) -> None:
        if role not in ROLES:
            raise ConfigError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        if concurrency < 1:
            raise ConfigError(f"concurrency for role {role!r} must be >= 1, got {concurrency}")
        self.role: Role = role
        self.model = model
        self.cache = cache
        self.ledger = ledger
        self.budget = budget
        self.concurrency = concurrency
        self.rate_limiter = rate_limiter
        self.cache_extra = dict(cache_extra or {})
        self.provider_key = provider_key(model.provider, model.shown_url)
        # Seconds for one call, its retries included (the plugin passes --chunky-timeout; other
        # paths take CHUNKY_TIMEOUT, default 300).
        self.deadline = deadline if deadline is not None else env_number("CHUNKY_TIMEOUT", 300.0)
        self.max_chars = max_chars  # longest response kept and forwarded
        self.breaker = breaker

    def key(self, messages: Sequence[Message], params: SamplingParams) -> str:
        """The cache key this client uses for a request."""
        extra = self.cache_extra
        if self.model.fingerprint:
            extra = {**extra, "model_fingerprint": self.model.fingerprint}
        return cache_key(role=self.role, provider=self.model.provider, model=self.model.name,
                         base_url=self.model.shown_url, messages=messages, params=params,
                         extra=extra)

    async def complete(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        """One completion, from the cache, a call already in flight, or a new real call.

        Raises `CacheMissError` (replay mode), `BudgetExceeded`, or whatever the model raised.
        """
        key = self.key(messages, params)
        table = _inflight_for_loop(asyncio.get_running_loop())
        entry = table.get(key)
        leader = entry is None
        if entry is None:
            task = asyncio.ensure_future(self._fetch(key, list(messages), params))
            entry = _InFlight(task)
            table[key] = entry
            task.add_done_callback(functools.partial(_forget_done, table, key, entry))
        entry.waiters += 1
        try:
            completion = await asyncio.shield(entry.task)
        except asyncio.CancelledError:
            entry.waiters -= 1
            if entry.waiters == 0:  # nobody wants the answer any more: stop the call
                _forget(table, key, entry)
                entry.task.cancel()
            raise
        entry.waiters -= 1
        if leader:
            return completion
        # A follower got its answer without a call of its own: free, like a cache hit.
        self.ledger.record(self.role, completion, cached=True)
        return completion.model_copy(update={"cached": True})

    async def _generate(self, messages: list[Message], params: SamplingParams) -> Completion:
        """One call within the deadline, with its response cut at `max_chars`."""
        try:
            async with asyncio.timeout(self.deadline):
                completion = await self.model.generate(messages, params)
        except TimeoutError:
            raise ProviderError(
                f"{self.model.spec}: no complete reply within {self.deadline:g} s, retries "
                "included (--chunky-timeout); a slow or stalled server?") from None
        if self.max_chars is not None and len(completion.text) > self.max_chars:
            completion = completion.model_copy(update={
                "text": completion.text[: self.max_chars], "truncated": True,
                "finish_reason": "length"})
        return completion

    async def _fetch(self, key: str, messages: list[Message],
                     params: SamplingParams) -> Completion:
        if self.cache is not None:
            hit = await asyncio.to_thread(self.cache.get, key, role=self.role,
                                          model=self.model.spec)
            if hit is not None:
                self.ledger.record(self.role, hit, cached=True)
                return hit
        if STOP.is_set():
            raise Interrupted("interrupted (Ctrl-C): no new calls; completed calls are cached, "
                              "so a rerun resumes where this one stopped")
        breaker = self.breaker
        if breaker is not None and breaker.open:
            self.ledger.record_error(self.role)
            raise breaker.refusal(self.model.spec)
        if self.budget is not None:
            self.budget.reserve_call()
        sent = False
        try:
            async with get_semaphore(self.provider_key, self.concurrency):
                if breaker is not None and breaker.open:  # opened while this call queued
                    raise breaker.refusal(self.model.spec)
                if self.rate_limiter is not None:
                    await self.rate_limiter.acquire()
                sent = True
                call = self._generate(messages, params)
                completion = await (call if breaker is None else
                                    breaker.guard(call, self.model.spec))
        except asyncio.CancelledError:
            if not sent and self.budget is not None:
                self.budget.release_call()
            raise
        except Exception as exc:
            self.ledger.record_error(self.role)
            if not sent and self.budget is not None:
                self.budget.release_call()
            if isinstance(exc, ProviderError) and not isinstance(exc, BreakerOpen) and \
                    breaker is not None:
                breaker.failed(exc)
            raise
        if self.breaker is not None:
            self.breaker.succeeded()
        if completion.cached:
            completion = completion.model_copy(update={"cached": False})
        completion = plausible_usage(self.model, messages, completion)
        self.ledger.record(self.role, completion, cached=False)
        if self.budget is not None:
            self.budget.charge(completion)
        if self.cache is not None:
            try:
                await asyncio.to_thread(self.cache.put, key, completion, role=self.role,
                                        provider=self.model.provider, model=self.model.name)
            except sqlite3.Error as exc:  # the answer is paid for: keep it, warn about the cache
                log.warning("could not store %s response in %s: %s", self.role,
                            self.cache.path, exc)
        return completion

    def __repr__(self) -> str:
        return f"<RoleClient {self.role} {self.model.spec}>"
