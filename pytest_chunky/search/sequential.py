"""Sequential confirmation: Wald's SPRT on a failure's violation rate.

A fixed number of re-samples compared with `min_rate` confirms low-rate failures by luck and
flips on reruns. The SPRT tests H0: p = min_rate/2 against H1: p = 2·min_rate and stops as soon
as the evidence crosses either bound, so both error rates are stated up front (α: a failure whose
true rate is ≤ min_rate/2 is confirmed; β: one whose true rate is ≥ 2·min_rate is missed) and
clear cases stop after a handful of samples.

Samples are drawn in batches sized to the fewest further samples that could cross a bound, so
the calls of a batch run concurrently and the decision is the same as drawing one at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Decision = Literal["confirmed", "rejected", "undecided"]


@dataclass(frozen=True)
class SPRT:
    """Wald's sequential probability ratio test for a Bernoulli rate, truncated at `cap`."""

    p0: float
    p1: float
    alpha: float = 0.045
    beta: float = 0.045
    cap: int = 40

    @classmethod
    def for_min_rate(cls, min_rate: float, cap: int | None = None, alpha: float = 0.045,
                     beta: float = 0.045) -> SPRT:
        """H0 at min_rate/2, H1 at 2·min_rate (kept below 1 so a miss stays possible to bound).

        The default cap, 12/min_rate samples (40 at 0.3), leaves about 1% of candidates
        undecided at either hypothesis; rarer rates need proportionally more samples.
        """
        min_rate = max(min_rate, 0.01)  # a zero rate has no alternative to test against
        cap = cap or math.ceil(12 / min_rate)
        p1 = min(2 * min_rate, (1 + min_rate) / 2, 0.995)
        test = cls(p0=min_rate / 2, p1=p1, alpha=alpha, beta=beta, cap=cap)
        # A cap below the fewest samples that can decide would make every answer "undecided".
        return cls(test.p0, test.p1, alpha, beta, max(cap, test.min_samples()))

    @property
    def upper(self) -> float:
        return math.log((1 - self.beta) / self.alpha)

    @property
    def lower(self) -> float:
        return math.log(self.beta / (1 - self.alpha))

    @property
    def step_hit(self) -> float:
        return math.log(self.p1 / self.p0) if self.p0 > 0 else math.inf

    @property
    def step_miss(self) -> float:
        return math.log((1 - self.p1) / (1 - self.p0))

    def llr(self, successes: int, trials: int) -> float:
        if self.p0 <= 0:
            return math.inf if successes else (trials - successes) * self.step_miss
        return successes * self.step_hit + (trials - successes) * self.step_miss

    def decide(self, successes: int, trials: int) -> Decision:
        llr = self.llr(successes, trials)
        if llr >= self.upper:
            return "confirmed"
        if llr <= self.lower:
            return "rejected"
        return "undecided"

    def next_batch(self, successes: int, trials: int) -> int:
        """How many more samples must be drawn before any bound can be crossed (≥ 1)."""
        left = self.cap - trials
        if left <= 0:
            return 0
        llr = self.llr(successes, trials)
        to_upper = math.ceil((self.upper - llr) / self.step_hit - 1e-12) if self.p0 > 0 else 1
        to_lower = math.ceil((llr - self.lower) / -self.step_miss - 1e-12)
        return max(1, min(left, to_upper, to_lower))

    def min_samples(self) -> int:
        return SPRT(self.p0, self.p1, self.alpha, self.beta, cap=10**9).next_batch(0, 0)

    def run(self, outcomes: list[bool]) -> tuple[Decision, int]:
        """Apply the test to a known sequence in order: (decision, samples used)."""
        hits = 0
        for n, outcome in enumerate(outcomes[:self.cap], start=1):
            hits += outcome
            decision = self.decide(hits, n)
            if decision != "undecided":
                return decision, n
        return "undecided", min(len(outcomes), self.cap)

    def operating_characteristic(self, p: float) -> dict[str, float]:
        """Exact P(confirmed), P(rejected), P(undecided) and E[samples] at true rate p.

        Dynamic programming over the number of violations among the samples drawn so far: the
        test's stated error rates checked without simulation.
        """
        alive = {0: 1.0}  # violations -> probability of being still undecided with that count
        out = {"confirmed": 0.0, "rejected": 0.0, "undecided": 0.0, "samples": 0.0}
        for n in range(1, self.cap + 1):
            nxt: dict[int, float] = {}
            for hits, prob in alive.items():
                for outcome, q in ((1, p), (0, 1 - p)):
                    if q == 0:
                        continue
                    h, mass = hits + outcome, prob * q
                    decision = self.decide(h, n)
                    if decision == "undecided":
                        nxt[h] = nxt.get(h, 0.0) + mass
                    else:
                        out[decision] += mass
                        out["samples"] += mass * n
            alive = nxt
        rest = sum(alive.values())
        out["undecided"] = rest
        out["samples"] += rest * self.cap
        return out
