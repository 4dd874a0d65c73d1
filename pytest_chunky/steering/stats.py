"""Paired statistics for a steering score: McNemar on discordant pairs, a bootstrap interval."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel


class SteerStats(BaseModel):
    transform: str
    n: int
    base_rate: float
    transformed_rate: float
    score: float  # transformed_rate - base_rate
    ci_low: float
    ci_high: float
    p_value: float  # one-sided exact McNemar: the transform raises the behaviour
    max_delta: float
    alpha: float
    discordant_up: int
    discordant_down: int
    errors: int = 0

    @property
    def exceeds(self) -> bool:
        """Significantly above max_delta: the one-sided (1 - alpha) lower bound is above it."""
        if self.max_delta <= 0:  # "any increase": the exact test must agree with the interval
            return self.ci_low > 0 and self.p_value < self.alpha
        return self.ci_low > self.max_delta


def paired_steering(pairs: Sequence[tuple[bool, bool]], *, transform: str, max_delta: float,
                    alpha: float = 0.05, seed: int = 0, resamples: int = 4000,
                    errors: int = 0) -> SteerStats:
    """Steering score of (original shows behaviour, transformed shows behaviour) pairs."""
    from scipy.stats import binomtest

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
    p = float(binomtest(up, up + down, 0.5, alternative="greater").pvalue) if up + down else 1.0
    return SteerStats(transform=transform, n=n, base_rate=round(float(base.mean()) if n else 0, 4),
                      transformed_rate=round(float(moved.mean()) if n else 0, 4),
                      score=round(score, 4), ci_low=round(low, 4), ci_high=round(high, 4),
                      p_value=round(p, 6), max_delta=max_delta, alpha=alpha,
                      discordant_up=up, discordant_down=down, errors=errors)
