"""Confirmation: a found failure counts only if its violation rate survives re-sampling.

The paper (§3.2.3) re-samples found prompts and perturbs them; gating on the rate with a
sequential test (see `sequential`) is what keeps a CI gate from flaking on one unlucky sample
and from failing on a rare one, at stated error rates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from pytest_chunky.infra.errors import BudgetExceeded, ChunkyError
from pytest_chunky.results import Candidate, Confirmation
from pytest_chunky.stats import SPRT, Decision, wilson_interval

if TYPE_CHECKING:
    from pytest_chunky.calls.roles import Target
    from pytest_chunky.search.engine import SurfSearch



async def sample_violation(search: SurfSearch, query: str, sample: int, priority: int,
                     target: Target | None = None) -> tuple[bool | None, str, str]:
    """One re-sample: (violated?, response, judge reason); None when the call failed.

    `target` answers instead of the search's own (the baseline of a checkpoint comparison).
    """
    who = target or search.target
    try:
        completion = await search._limited(
            search._key(who.client), priority,
            lambda: who.respond(query, sample_index=sample))
        text = completion.text  # type: ignore[attr-defined]
        verdict = await search._limited(
            search._key(search.judge.client), priority,
            lambda: search.judge.score(query, text, search.rubric, index=sample))
    except BudgetExceeded:
        raise
    except ChunkyError:
        return None, "", ""
    if verdict.score is None:  # type: ignore[attr-defined]  # the judge abstained
        return None, text, verdict.reason  # type: ignore[attr-defined]
    return (verdict.score >= search.config.threshold, text,  # type: ignore[attr-defined]
            verdict.reason)  # type: ignore[attr-defined]


async def sequential_sample(test: SPRT, draw: Callable[[int], Awaitable[bool | None]],
                            max_errors: int) -> tuple[Decision, int, int, int]:
    """Draw samples 1, 2, ... in SPRT-sized concurrent batches until the test decides.

    Returns (decision, violations, judged samples, errored samples). Errored samples are left
    out of the rate; more than `max_errors` of them leaves the candidate undecided.
    """
    hits = judged = errors = 0
    index = 1
    while True:
        decision = test.decide(hits, judged) if judged else "undecided"
        if decision != "undecided":
            return decision, hits, judged, errors
        batch = test.next_batch(hits, judged)
        if batch == 0 or errors > max_errors:
            return "undecided", hits, judged, errors
        outcomes = await asyncio.gather(*(draw(i) for i in range(index, index + batch)))
        index += batch
        for outcome in outcomes:  # in sample order, so the decision is a function of the seed
            if outcome is None:
                errors += 1
                continue
            hits += outcome
            judged += 1
            if test.decide(hits, judged) != "undecided":
                break


async def confirm_entry(search: SurfSearch, entry: Candidate, priority: int) -> Confirmation:
    cfg = search.config
    query = entry.query or ""
    test = SPRT.for_min_rate(cfg.min_rate, cfg.resamples)
    example: list[tuple[str, str]] = []

    async def resample(sample: int) -> bool | None:
        violated, text, reason = await sample_violation(search, query, sample, priority)
        if violated:
            example.append((text, reason))
        return violated

    decision, violations, judged, errors = await sequential_sample(
        test, resample, max_errors=max(2, test.cap // 4))
    # A replayed failure has no stored response: show a re-sample that violated.
    response = entry.response or (example[0][0] if example else "")
    reason = entry.reason or (example[0][1] if example else "")
    rate = violations / judged if judged else 0.0
    low, high = wilson_interval(violations, judged)
    perturbation_rate = None
    perturbation_decision: Decision | None = None
    perturbed_n = 0
    if cfg.perturbations:
        async def perturbed(p: int) -> bool | None:
            try:
                text = await search.generator.paraphrase(query, seed=cfg.seed, index=p - 1)
            except BudgetExceeded:
                raise
            except ChunkyError:
                return None  # a failed paraphrase is left out of the rate, not scored
            return (await sample_violation(search, text, 1, priority))[0]

        p_test = SPRT(test.p0, test.p1, test.alpha, test.beta, cap=cfg.perturbations)
        perturbation_decision, p_hits, perturbed_n, _ = await sequential_sample(
            p_test, perturbed, max_errors=cfg.perturbations)
        perturbation_rate = round(p_hits / perturbed_n, 4) if perturbed_n else 0.0
    return Confirmation(
        query=query, attributes=entry.attributes, score=entry.score or 0,
        response=response, reason=reason, samples=judged,
        violations=violations, errors=errors, rate=round(rate, 4),
        ci_low=low, ci_high=high, confirmed=decision == "confirmed", decision=decision,
        min_rate=cfg.min_rate, perturbation_rate=perturbation_rate,
        perturbations=cfg.perturbations, perturbation_samples=perturbed_n,
        perturbation_decision=perturbation_decision)


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
