"""Confirmation: a found failure counts only if its violation rate survives re-sampling.

The paper (§3.2.3) re-samples found prompts and perturbs them; gating on the rate, with a
Wilson interval, is what keeps a CI gate from flaking on one unlucky sample.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import TYPE_CHECKING

from ..errors import BudgetExceeded, ChunkyError
from .records import Candidate, Confirmation

if TYPE_CHECKING:
    from .engine import SurfSearch


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


async def _violation(search: SurfSearch, query: str, sample: int, priority: int
                     ) -> tuple[bool | None, str, str]:
    """One re-sample: (violated?, response, judge reason); None when the call failed."""
    try:
        completion = await search._limited(
            search._key(search.target.client), priority,
            lambda: search.target.respond(query, sample_index=sample))
        text = completion.text  # type: ignore[attr-defined]
        verdict = await search._limited(
            search._key(search.judge.client), priority,
            lambda: search.judge.score(query, text, search.rubric, index=sample))
    except BudgetExceeded:
        raise
    except ChunkyError:
        return None, "", ""
    return (verdict.score >= search.config.threshold, text,  # type: ignore[attr-defined]
            verdict.reason)  # type: ignore[attr-defined]


async def confirm_entry(search: SurfSearch, entry: Candidate, priority: int) -> Confirmation:
    cfg = search.config
    query = entry.query or ""
    outcomes = await asyncio.gather(*(
        _violation(search, query, s, priority) for s in range(1, cfg.resamples + 1)))
    judged = [v for v, _, _ in outcomes if v is not None]
    # A replayed failure has no stored response: show the first re-sample that violated.
    example = next(((text, reason) for v, text, reason in outcomes if v), ("", ""))
    response = entry.response or example[0]
    reason = entry.reason or example[1]
    violations = sum(judged)
    rate = violations / len(judged) if judged else 0.0
    low, high = wilson_interval(violations, len(judged))
    perturbation_rate = None
    if cfg.perturbations:
        async def paraphrase(p: int) -> str | None:
            try:
                return await search.generator.paraphrase(query, seed=cfg.seed, index=p)
            except BudgetExceeded:
                raise
            except ChunkyError:
                return None  # a failed paraphrase is left out of the rate, not scored

        paraphrases = await asyncio.gather(*(paraphrase(p) for p in range(cfg.perturbations)))
        perturbed = await asyncio.gather(*(
            _violation(search, text, 1, priority) for text in paraphrases if text))
        scored = [v for v, _, _ in perturbed if v is not None]
        perturbation_rate = sum(scored) / len(scored) if scored else 0.0
    return Confirmation(
        query=query, attributes=entry.attributes, score=entry.score or 0,
        response=response, reason=reason, samples=len(judged),
        violations=violations, errors=len(outcomes) - len(judged), rate=round(rate, 4),
        ci_low=low, ci_high=high, confirmed=bool(judged) and rate >= cfg.min_rate,
        min_rate=cfg.min_rate,
        perturbation_rate=perturbation_rate, perturbations=cfg.perturbations)


async def confirm_entries(search: SurfSearch, entries: Sequence[Candidate]
                          ) -> list[Confirmation]:
    """Confirm each entry; a BudgetExceeded propagates (unconfirmed is not a pass)."""
    total = search.config.iterations * search.config.candidates
    return list(await asyncio.gather(*(
        confirm_entry(search, entry, total + n) for n, entry in enumerate(entries))))


def unconfirmed_as_failure(entry: Candidate) -> Confirmation:
    """With confirmation switched off, the one observed sample is the evidence."""
    low, high = wilson_interval(1, 1)
    return Confirmation(query=entry.query or "", attributes=entry.attributes,
                        score=entry.score or 0, response=entry.response or "",
                        reason=entry.reason or "", samples=1, violations=1, rate=1.0,
                        ci_low=low, ci_high=high, confirmed=True)
