"""The statistics behind every promise the README makes, in one auditable home.

Wilson intervals for rates, the exact McNemar test for paired outcomes, Benjamini-Hochberg for
many tests at once, and Wald's SPRT for sequential confirmation.

Sequential confirmation: Wald's SPRT on a failure's violation rate.

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
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pytest_chunky.results import SteerStats

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

def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial rate.

    Closed form with the stdlib normal quantile: importing scipy.stats (~1-2 s) in the middle
    of a search would stall every in-flight pipeline of the event loop.
    """
    if trials == 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def exact_mcnemar(up: int, down: int, alternative: str = "greater") -> float:
    """Exact McNemar p-value on discordant pairs: `up` moved one way, `down` the other.

    `alternative="greater"` tests that `up` outweighs `down`; "two-sided" tests any difference.
    """
    from scipy.stats import binomtest

    n = up + down
    if n == 0:
        return 1.0
    return float(binomtest(up, n, 0.5, alternative=alternative).pvalue)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    import numpy as np

    p = np.asarray(p_values, dtype=np.float64)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(ranked, 1.0)
    return [float(v) for v in q]


def paired_steering(pairs: Sequence[tuple[bool, bool]], *, transform: str, max_delta: float,
                    alpha: float = 0.05, seed: int = 0, resamples: int = 4000,
                    errors: int = 0) -> SteerStats:
    """Steering score of (original shows behaviour, transformed shows behaviour) pairs."""
    import numpy as np

    from pytest_chunky.results import SteerStats

    n = len(pairs)
    base = np.array([a for a, _ in pairs], dtype=float)
    moved = np.array([b for _, b in pairs], dtype=float)
    diff = moved - base
    up, down = int((diff > 0).sum()), int((diff < 0).sum())
    score = float(diff.mean()) if n else 0.0
    if n:
        rng = np.random.default_rng(seed)
        means = diff[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
        low, high = (float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha)))
    else:
        low, high = -1.0, 1.0
    p = exact_mcnemar(up, down)
    return SteerStats(transform=transform, n=n, base_rate=round(float(base.mean()) if n else 0, 4),
                      transformed_rate=round(float(moved.mean()) if n else 0, 4),
                      score=round(score, 4), ci_low=round(low, 4), ci_high=round(high, 4),
                      p_value=round(p, 6), max_delta=max_delta, alpha=alpha,
                      discordant_up=up, discordant_down=down, errors=errors)
