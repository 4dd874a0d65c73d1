"""Per-role token and cost accounting, and the call/token/dollar budgets that stop a search.

The ledger is plain data so xdist workers can ship it to the controller (`as_dict` →
`workeroutput` → `merge`). Budgets count only real calls: cache hits are free.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from pytest_chunky.infra.errors import BudgetExceeded, ConfigError
from pytest_chunky.types import Completion, Message, Usage


@dataclass
class RoleUsage:
    """What one role consumed: real calls, cache hits, tokens, dollars and failed calls."""

    calls: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    errors: int = 0

    def add(self, other: RoleUsage) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class Ledger:
    """Per-role usage of a test or a session; safe to share between threads and coroutines."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._roles: dict[str, RoleUsage] = {}

    def _role(self, role: str) -> RoleUsage:
        usage = self._roles.get(role)
        if usage is None:
            usage = self._roles[role] = RoleUsage()
        return usage

    def record(self, role: str, completion: Completion, cached: bool) -> None:
        """Count one answered request; a cached answer counts as a hit and costs nothing."""
        with self._lock:
            usage = self._role(role)
            if cached:
                usage.cache_hits += 1
                return
            usage.calls += 1
            usage.input_tokens += completion.usage.input_tokens
            usage.output_tokens += completion.usage.output_tokens
            usage.cost_usd += completion.cost_usd

    def record_error(self, role: str) -> None:
        with self._lock:
            self._role(role).errors += 1

    def get(self, role: str) -> RoleUsage:
        """A copy of one role's usage (zeros if the role made no request)."""
        with self._lock:
            return RoleUsage(**asdict(self._roles.get(role, RoleUsage())))

    def merge(self, other: Ledger | Mapping[str, Mapping[str, Any]]) -> None:
        """Add another ledger, or its `as_dict()` form (as shipped by an xdist worker)."""
        data = other.as_dict() if isinstance(other, Ledger) else other
        known = {f.name for f in fields(RoleUsage)}
        with self._lock:
            for role, values in data.items():
                unknown = set(values) - known
                if unknown:
                    raise ConfigError(f"ledger for role {role!r}: unknown fields "
                                      f"{sorted(unknown)}; expected {sorted(known)}")
                self._role(role).add(RoleUsage(**values))

    def as_dict(self) -> dict[str, dict[str, int | float]]:
        """JSON-ready {role: {field: value}}, roles in first-use order."""
        with self._lock:
            return {role: asdict(u) for role, u in self._roles.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> Ledger:
        ledger = cls()
        ledger.merge(data)
        return ledger

    def totals(self) -> dict[str, int | float]:
        """All roles summed, same fields as one role."""
        total = RoleUsage()
        with self._lock:
            for usage in self._roles.values():
                total.add(usage)
        return asdict(total)

    def __repr__(self) -> str:
        return f"<Ledger {self.as_dict()}>"


# One lock for all budgets: sibling budgets share parents, so per-budget locks would race.
_BUDGET_LOCK = threading.RLock()

DEFAULT_FLAGS: Mapping[str, str] = {
    "calls": "--chunky-budget-calls",
    "tokens": "--chunky-budget-tokens",
    "usd": "--chunky-budget-usd",
}


class Budget:
    """Caps on real calls, tokens and dollars; a child budget also charges its parent.

    Calls are reserved before they are made (so concurrent requests cannot overshoot the call
    cap); tokens and dollars are only known afterwards, so those caps stop the *next* call once
    the spend has reached them. `reserve_call` never awaits, so it is atomic within an event
    loop, and a lock makes it safe across threads.
    """

    def __init__(self, max_calls: int | None = None, max_tokens: int | None = None,
                 max_usd: float | None = None, *, parent: Budget | None = None,
                 label: str = "session", flags: Mapping[str, str] | None = None) -> None:
        for name, value in (("calls", max_calls), ("tokens", max_tokens), ("usd", max_usd)):
            if value is not None and value < 0:
                flag = (flags or DEFAULT_FLAGS).get(name, DEFAULT_FLAGS[name])
                raise ConfigError(f"{flag}: must be >= 0, got {value}")
        self.max_calls = max_calls
        self.max_tokens = max_tokens
        self.max_usd = max_usd
        self.parent = parent
        self.label = label
        self.flags = {**DEFAULT_FLAGS, **(flags or {})}
        self.calls = 0
        self.tokens = 0
        self.usd = 0.0

    def _chain(self) -> list[Budget]:
        chain: list[Budget] = []
        node: Budget | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def _own_reason(self, *, next_call: bool) -> str | None:
        if self.max_calls is not None and self.calls + (1 if next_call else 0) > self.max_calls:
            return self._message("calls", self.max_calls, f"{self.calls} calls made")
        if self.max_tokens is not None and self.tokens >= self.max_tokens:
            return self._message("tokens", self.max_tokens, f"{self.tokens} tokens spent")
        if self.max_usd is not None and self.usd >= self.max_usd:
            return self._message("usd", self.max_usd, f"${self.usd:.4f} spent")
        return None

    def _message(self, cap: str, value: float, spent: str) -> str:
        flag = self.flags[cap]
        noun = {"calls": "call", "tokens": "token", "usd": "dollar"}[cap]
        return (f"{self.label} budget exhausted: {noun} cap {flag}={value} reached "
                f"({spent}); raise {flag} to allow more")

    def reserve_call(self) -> None:
        """Claim one real call on this budget and every parent, or raise `BudgetExceeded`."""
        chain = self._chain()
        with _BUDGET_LOCK:
            for node in chain:
                reason = node._own_reason(next_call=True)
                if reason is not None:
                    raise BudgetExceeded(reason)
            for node in chain:
                node.calls += 1

    def release_call(self) -> None:
        """Give back a reservation whose call never went out (e.g. cancelled while queued)."""
        with _BUDGET_LOCK:
            for node in self._chain():
                node.calls = max(0, node.calls - 1)

    def charge(self, completion: Completion) -> None:
        """Add a real call's tokens and cost here and to every parent."""
        with _BUDGET_LOCK:
            for node in self._chain():
                node.tokens += completion.usage.input_tokens + completion.usage.output_tokens
                node.usd += completion.cost_usd

    @property
    def reason(self) -> str | None:
        """Why no further call is allowed (this budget or a parent), or None."""
        with _BUDGET_LOCK:
            for node in self._chain():
                reason = node._own_reason(next_call=True)
                if reason is not None:
                    return reason
        return None

    @property
    def exhausted(self) -> bool:
        return self.reason is not None

    def child(self, max_calls: int | None = None, max_tokens: int | None = None,
              max_usd: float | None = None, *, label: str = "test",
              flags: Mapping[str, str] | None = None) -> Budget:
        """A nested budget (e.g. per test) whose spend also counts here."""
        return Budget(max_calls, max_tokens, max_usd, parent=self, label=label, flags=flags)

    def as_dict(self) -> dict[str, Any]:
        return {"calls": self.calls, "tokens": self.tokens, "usd": self.usd,
                "max_calls": self.max_calls, "max_tokens": self.max_tokens,
                "max_usd": self.max_usd}

    def __repr__(self) -> str:
        return (f"<Budget {self.label} calls={self.calls}/{self.max_calls} "
                f"tokens={self.tokens}/{self.max_tokens} usd={self.usd:.4f}/{self.max_usd}>")


#: A token is never longer than this many characters of text, so a count below text / this is
#: not a count of that text (a server reporting 5 tokens for a 10 MB reply).
MAX_CHARS_PER_TOKEN = 16
CHARS_PER_TOKEN = 4  # the local estimate when a server's count is missing or implausible


def _checked(reported: int, text_chars: int) -> tuple[int, bool]:
    """(token count to charge, whether it was corrected) for a reported count."""
    floor = text_chars // MAX_CHARS_PER_TOKEN
    if reported < 0 or reported < floor:
        return max(1, -(-text_chars // CHARS_PER_TOKEN)) if text_chars else 0, True
    return reported, False


def plausible_usage(model: Any, messages: Sequence[Message], completion: Completion
                    ) -> Completion:
    """`completion` with usage a budget can trust: never negative, never far below the text.

    A hostile or broken server that reports negative usage would turn budgets off; one that
    reports 5 tokens for a 10 MB reply would make them blind. Such counts are replaced by a
    local estimate (characters / 4), re-priced where the model knows its prices, and a
    negative price is never credited.
    """
    usage = completion.usage
    prompt_chars = sum(len(m["content"]) for m in messages)
    tokens_in, fixed_in = _checked(usage.input_tokens, prompt_chars)
    tokens_out, fixed_out = _checked(usage.output_tokens, len(completion.text))
    cost = completion.cost_usd
    if not (fixed_in or fixed_out or cost < 0 or cost != cost):
        return completion
    new_usage = Usage(input_tokens=tokens_in, output_tokens=tokens_out)
    price = getattr(model, "_cost", None)
    if fixed_in or fixed_out:
        cost = float(price(completion.model or model.name, new_usage)) if price else 0.0
    cost = cost if cost == cost and cost > 0 else 0.0  # NaN and negatives: nothing credited
    return completion.model_copy(update={"usage": new_usage, "cost_usd": cost})
