"""Attribute sampling: w(a) = sum of buffer scores of entries using a, mixed with uniform.

The uniform share keeps the search from collapsing onto early luck, and every candidate gets
between one and `k_max` attributes (the reference code could draw none).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .records import Candidate


class AttributeSampler:
    def __init__(self, pool: Sequence[str], *, k_max: int = 5, explore: float = 0.25) -> None:
        if not pool:
            raise ValueError("attribute pool is empty")
        self.pool = list(pool)
        self.index = {a: i for i, a in enumerate(self.pool)}
        self.k_max = max(1, min(k_max, len(self.pool)))
        self.explore = explore

    def weights(self, buffer: Sequence[Candidate]) -> np.ndarray:
        w = np.zeros(len(self.pool))
        for entry in buffer:
            for attribute in entry.attributes:
                i = self.index.get(attribute)
                if i is not None:
                    w[i] += float(entry.score or 0)
        return w

    def distribution(self, buffer: Sequence[Candidate]) -> np.ndarray:
        w = self.weights(buffer)
        uniform = np.full(len(self.pool), 1.0 / len(self.pool))
        if w.sum() <= 0:
            return uniform
        return (1 - self.explore) * (w / w.sum()) + self.explore * uniform

    def sample(self, rng: np.random.Generator, buffer: Sequence[Candidate]) -> list[str]:
        k = int(rng.integers(1, self.k_max + 1))
        p = self.distribution(buffer)
        chosen = rng.choice(len(self.pool), size=k, replace=False, p=p)
        return [self.pool[i] for i in sorted(chosen)]


class ReplayBuffer:
    """Top-n scored candidates; ties keep the earlier candidate (deterministic)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: list[Candidate] = []
        self._queries: set[str] = set()

    def __contains__(self, query: str) -> bool:
        return query in self._queries

    def add(self, candidate: Candidate) -> None:
        if candidate.status != "scored" or candidate.query is None:
            return
        self._queries.add(candidate.query)
        self.entries.append(candidate)
        self.entries.sort(key=lambda c: (-(c.score or 0), c.index))
        del self.entries[self.size:]

    def snapshot(self) -> tuple[Candidate, ...]:
        return tuple(self.entries)
