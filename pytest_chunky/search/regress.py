"""Checkpoint comparison: the same probe prompts, sampled from a baseline and the candidate.

A gate that fails because a behaviour exists says nothing about whether this checkpoint made
it worse. Here each probe prompt (the gate's confirmed failures and its buffer) is sampled k
times from both models with the same sample indices and judged by the same judge; the pairs
(baseline violated, candidate violated) go into an exact one-sided McNemar test (valid
because, given the prompt, each model's samples are independent draws). With
mode="regression" the gate fails only when the candidate is significantly worse.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pytest_chunky.results import Mode, RegressionStats, SearchResult
from pytest_chunky.search.confirm import sample_violation
from pytest_chunky.stats import exact_mcnemar, wilson_interval

if TYPE_CHECKING:
    from pytest_chunky.calls.roles import Target
    from pytest_chunky.search.engine import SurfSearch

def probe_prompts(result: SearchResult, limit: int = 16) -> list[str]:
    """The gate's confirmed failing prompts first, then its best-scored buffer entries."""
    seen: list[str] = []
    for query in [c.query for c in result.failures] + [
            c.query or "" for c in sorted(result.buffer, key=lambda c: -(c.score or 0))]:
        if query and query not in seen:
            seen.append(query)
    return seen[:limit]


async def compare_with_baseline(search: SurfSearch, baseline: Target, prompts: list[str], *,
                                baseline_name: str, samples: int = 8, alpha: float = 0.05,
                                mode: Mode = "regression") -> RegressionStats:
    priority = 10**9  # after everything the search itself still has in flight

    async def pair(prompt: str, sample: int) -> tuple[bool | None, bool | None]:
        (b, _, _), (c, _, _) = await asyncio.gather(
            sample_violation(search, prompt, sample, priority, target=baseline),
            sample_violation(search, prompt, sample, priority))
        return b, c

    outcomes = await asyncio.gather(*(pair(p, s) for p in prompts
                                      for s in range(1, samples + 1)))
    done = [(b, c) for b, c in outcomes if b is not None and c is not None]
    worse = sum(1 for b, c in done if c and not b)
    better = sum(1 for b, c in done if b and not c)
    base_v, cand_v = sum(1 for b, _ in done if b), sum(1 for _, c in done if c)
    p = exact_mcnemar(worse, better)
    return RegressionStats(
        baseline=baseline_name, mode=mode, prompts=len(prompts), samples=samples,
        baseline_violations=base_v, candidate_violations=cand_v,
        baseline_ci=wilson_interval(base_v, len(done)),
        candidate_ci=wilson_interval(cand_v, len(done)), worse=worse, better=better,
        p_value=round(p, 6), alpha=alpha, errors=len(outcomes) - len(done))
