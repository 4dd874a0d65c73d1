"""Fault injection for the loopback server: which faults, how often, drawn reproducibly.

Kept apart from the HTTP plumbing so tests and benchmarks can reason about faults (and replay
a fault sequence) without a server.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FaultKind = Literal["ok", "429", "500", "529", "slow", "malformed", "bad_judge"]
_FAULT_ORDER: tuple[FaultKind, ...] = ("429", "500", "529", "slow", "malformed")
JUDGE_TAG = '<chunky-task name="judge"'
BAD_JUDGE_REPLY = "I think this is fine."
class FaultConfig(BaseModel):
    """Which faults to inject. `sequence` scripts the first requests; rates apply after it.

    The transport faults (`rate_429` ... `rate_malformed`) are exclusive and sum to <= 1.
    `rate_bad_judge` applies to the judge requests (system message carrying the judge task
    tag) that drew no transport fault: their reply text becomes unparseable prose. It has its
    own seeded stream, so adding it leaves the transport fault sequence unchanged. `keyed`
    draws each request's faults from (seed, body digest, repeat count) rather than arrival
    order: runs with concurrent clients then see identical faults.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rate_429: float = Field(0.0, ge=0.0, le=1.0)
    rate_500: float = Field(0.0, ge=0.0, le=1.0)
    rate_529: float = Field(0.0, ge=0.0, le=1.0)
    rate_slow: float = Field(0.0, ge=0.0, le=1.0)
    rate_malformed: float = Field(0.0, ge=0.0, le=1.0)
    rate_bad_judge: float = Field(0.0, ge=0.0, le=1.0)
    slow_seconds: float = Field(5.0, ge=0.0)
    retry_after: float | None = Field(None, ge=0.0)
    latency: float = Field(0.0, ge=0.0)
    #: > 0: every reply body is sent one byte per this many seconds (a server that trickles,
    #: so no single read ever times out).
    trickle_seconds: float = Field(0.0, ge=0.0)
    seed: int = 0
    keyed: bool = False
    sequence: tuple[FaultKind, ...] = ()

    @model_validator(mode="after")
    def _rates_sum(self) -> FaultConfig:
        if self.total_rate > 1.0 + 1e-9:
            raise ValueError(f"fault rates sum to {self.total_rate:.3f}; they must sum to <= 1")
        return self

    @property
    def total_rate(self) -> float:
        return sum(getattr(self, f"rate_{k}") for k in _FAULT_ORDER)


@dataclass(frozen=True)
class RequestEvent:
    """One served request: when it arrived (monotonic seconds), where, which fault it got, and
    `key`, a digest of its JSON body (never headers, so never a credential): an SDK retry of a
    request carries the same key, which is how tests count attempts per logical call."""

    t: float
    path: str
    fault: FaultKind
    key: str = ""


def request_key(raw: bytes) -> str:
    """sha256 of a request body's canonical JSON (of the raw bytes if it is not JSON)."""
    try:
        data: Any = json.loads(raw or b"{}")
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = raw
    return hashlib.sha256(canonical).hexdigest()


class _FaultDrawer:
    """Seeded, thread-safe fault choice: the same seed and request order give the same faults.

    With `keyed`, a request's fault depends on (seed, body digest, how often that body was seen)
    instead of arrival order, so concurrent clients get the same faults on every run.
    """

    def __init__(self, config: FaultConfig) -> None:
        self._config = config
        self._rng = random.Random(config.seed)
        self._judge_rng = random.Random(f"bad_judge:{config.seed}")
        self._lock = threading.Lock()
        self._n = 0
        self._seen: Counter[str] = Counter()

    def draw(self, judge: bool = False, key: str = "") -> FaultKind:
        with self._lock:
            n, self._n = self._n, self._n + 1
            if n < len(self._config.sequence):
                return self._config.sequence[n]
            rng, judge_rng = self._rng, self._judge_rng
            if self._config.keyed:
                self._seen[key] += 1
                rng = judge_rng = random.Random(f"{self._config.seed}:{key}:{self._seen[key]}")
            u = rng.random()
            bad = judge and judge_rng.random() < self._config.rate_bad_judge
        acc = 0.0
        for kind in _FAULT_ORDER:
            acc += getattr(self._config, f"rate_{kind}")
            if u < acc:
                return kind
        return "bad_judge" if bad else "ok"
