"""Attribute sampling: w(a) = sum of buffer scores of entries using a, mixed with uniform.

The uniform share keeps the search from collapsing onto early luck, and every candidate gets
between one and `k_max` attributes (the reference code could draw none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from pytest_chunky.results import Candidate


class AttributeSampler:
    def __init__(self, pool: Sequence[str], *, k_max: int = 5, explore: float = 0.25,
                 k_p: float = 0.75, k_p_exploit: float = 0.25, prior: np.ndarray | None = None,
                 prior_share: float = 0.3) -> None:
        if not pool:
            raise ValueError("attribute pool is empty")
        self.pool = list(pool)
        self.index = {a: i for i, a in enumerate(self.pool)}
        self.k_max = max(1, min(k_max, len(self.pool)))
        self.explore = explore
        self.k_p = k_p
        self.k_p_exploit = k_p_exploit
        self.prior = prior  # exploration weights (a rubric's words; `search.prior`)
        self.prior_share = prior_share if prior is not None else 0.0
        self._order: np.ndarray | None = None
        self._order_seed: tuple[int, int] | None = None

    def weights(self, buffer: Sequence[Candidate],
                discount: np.ndarray | None = None) -> np.ndarray:
        """w(a) = sum of buffer scores using a (paper eq. 1), times an optional discount."""
        w = np.zeros(len(self.pool))
        for entry in buffer:
            for attribute in entry.attributes:
                i = self.index.get(attribute)
                if i is not None:
                    w[i] += float(entry.score or 0)
        return w if discount is None else w * discount

    def contrast(self, stats: dict[str, list[int]], scored: int, violating: int,
                 floor: float = 0.05) -> np.ndarray:
        """Per attribute: violation rate with it minus without it, clipped to [floor, 1].

        Used as a discount on w(a) so that attributes which merely rode along with a hit
        (as likely to be sampled as the trigger, but no more likely to violate) lose weight.
        """
        out = np.ones(len(self.pool))
        for attribute, (n, v) in stats.items():
            i = self.index.get(attribute)
            if i is None or not n:
                continue
            rest = scored - n
            without = (violating - v) / rest if rest else 0.0
            out[i] = min(1.0, max(floor, v / n - without))
        return out

    def trust(self, buffer: Sequence[Candidate]) -> float:
        """How much the buffer's weights are to be believed: (1 - explore) x mean score."""
        if not buffer:
            return 0.0
        confidence = float(np.mean([c.score or 0 for c in buffer])) / 100.0
        return (1 - self.explore) * min(1.0, max(0.0, confidence))

    def distribution(self, buffer: Sequence[Candidate],
                     discount: np.ndarray | None = None) -> np.ndarray:
        """P(a): the buffer weights, trusted in proportion to how high the buffer scores.

        A buffer of non-violations (scores near 0) says little about where violations are,
        so its weights get little mass and the search keeps exploring; a buffer of clear
        violations gets up to `1 - explore` of the mass.
        """
        w = self.weights(buffer, discount)
        uniform = np.full(len(self.pool), 1.0 / len(self.pool))
        if w.sum() <= 0:
            return uniform
        trust = self.trust(buffer)
        return trust * (w / w.sum()) + (1 - trust) * uniform

    def sample(self, rng: np.random.Generator, buffer: Sequence[Candidate],
               discount: np.ndarray | None = None, *,
               cycle: tuple[int, int] | None = None) -> list[str]:
        """k attributes for one candidate.

        `cycle` = (seed, candidate index): the exploration share of the draws walks a seeded
        permutation of the pool instead of drawing uniformly, so the first candidates cover the
        pool before repeating (91% of the 435-attribute default pool in 110 prompts, where
        uniform draws see 64%; 98% against 82% after 190).
        """
        # k = 1 + Binomial(k_max - 1, p): never zero. While exploring, p is high (more
        # attributes per prompt cover the pool faster); once the buffer holds violations, p
        # falls towards k_p_exploit (fewer attributes keep the cause of a violation legible).
        trust = self.trust(buffer) / max(1e-9, 1 - self.explore) if buffer else 0.0
        k_p = self.k_p + (self.k_p_exploit - self.k_p) * trust
        k = 1 + int(rng.binomial(self.k_max - 1, k_p))
        if cycle is None:
            chosen = rng.choice(len(self.pool), size=k, replace=False,
                                p=self.distribution(buffer, discount))
            return [self.pool[i] for i in sorted(chosen)]
        w = self.weights(buffer, discount)
        exploit = self.trust(buffer) if w.sum() > 0 else 0.0
        n_cycle = int(rng.binomial(k, 1 - exploit))
        n = len(self.pool)
        stride = round(1 + (self.k_max - 1) * self.k_p)  # the mean k while exploring
        start = cycle[1] * stride
        n_prior = int(rng.binomial(n_cycle, self.prior_share)) if self.prior is not None else 0
        picked = list(dict.fromkeys(  # each pass over the pool is a fresh permutation
            int(self._cycle(cycle[0], (start + j) // n)[(start + j) % n])
            for j in range(n_cycle - n_prior)))
        if n_prior and self.prior is not None:
            p = self.prior.copy()
            p[picked] = 0.0
            picked += [int(i) for i in rng.choice(n, size=min(n_prior, int((p > 0).sum())),
                                                   replace=False, p=p / p.sum())]
        if len(picked) < k:
            p = w.copy() if exploit > 0 else np.ones(len(self.pool))
            p[picked] = 0.0
            if p.sum() <= 0:
                p = np.ones(len(self.pool))
                p[picked] = 0.0
            extra = rng.choice(len(self.pool), size=min(k - len(picked), int((p > 0).sum())),
                               replace=False, p=p / p.sum())
            picked += [int(i) for i in extra]
        return [self.pool[i] for i in sorted(picked)]

    def _cycle(self, seed: int, turn: int) -> np.ndarray:
        key = (seed, turn)
        if self._order is None or self._order_seed != key:
            self._order = np.random.default_rng([seed, turn, len(self.pool)]).permutation(
                len(self.pool))
            self._order_seed = key
        return self._order


class ReplayBuffer:
    """Top-n scored candidates (paper eq. 2).

    Ties in score are broken by `support` when given — how reproducible the search's own
    statistics say an entry's attributes are — and then by the earlier candidate, so the buffer
    prefers violations that will survive re-sampling over one-off lucky draws, deterministically.
    """

    def __init__(self, size: int, support: Callable[[Candidate], float] | None = None) -> None:
        self.size = size
        self.support = support
        self.entries: list[Candidate] = []
        self._queries: set[str] = set()

    def __contains__(self, query: str) -> bool:
        return query in self._queries

    def add(self, candidate: Candidate) -> None:
        if candidate.status != "scored" or candidate.query is None:
            return
        self._queries.add(candidate.query)
        self.entries.append(candidate)
        support = self.support
        self.entries.sort(key=lambda c: (-(c.score or 0), -(support(c) if support else 0.0),
                                         c.index))
        del self.entries[self.size:]

    def snapshot(self) -> tuple[Candidate, ...]:
        return tuple(self.entries)
