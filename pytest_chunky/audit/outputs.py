"""What to do about the concepts the audit finds: filter, reward-shape, inoculate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.audit.run import AuditReport, Hypothesis


def instruction(concept: str) -> str:
    """"The response uses bold text" -> "Write a response that uses bold text."."""
    text = concept.strip().rstrip(".")
    for prefix in ("The response ", "the response "):
        if text.startswith(prefix):
            return f"Write a response that {text[len(prefix):]}."
    return f"Write a response where {text[0].lower()}{text[1:]}."


def _column(report: AuditReport, h: Hypothesis) -> int:
    return report.space.by_attribute[h.concept]


def scope_rows(report: AuditReport, h: Hypothesis) -> np.ndarray:
    if h.scope == "global":
        return np.arange(report.pairs)
    k = int(h.scope.split()[-1])
    return np.nonzero(np.asarray(report.assignments) == k)[0]


def driven(report: AuditReport, h: Hypothesis) -> list[int]:
    """Pairs in the hypothesis's scope where the concept is in the preferred side only."""
    f = _column(report, h)
    c = report.chosen[:, f].toarray().ravel() > 0
    r = report.rejected[:, f].toarray().ravel() > 0
    only = (c & ~r) if h.direction == "more" else (r & ~c)
    rows = scope_rows(report, h)
    return [int(i) for i in rows if only[i]]


def filtered(pairs: Sequence[PreferencePair], report: AuditReport, chosen: Sequence[Hypothesis],
             *, mode: str = "drop", weight: float = 0.1) -> list[dict[str, Any]]:
    """The dataset without (or down-weighting) the pairs the chosen concepts drive."""
    hit = {i for h in chosen for i in driven(report, h)}
    rows = []
    for i, p in enumerate(pairs):
        if i in hit and mode == "drop":
            continue
        row: dict[str, Any] = {"prompt": p.prompt, "chosen": p.chosen, "rejected": p.rejected,
                               "source": p.source}
        if i in hit:
            row["weight"] = weight
        rows.append(row)
    return rows


def _difference(report: AuditReport, h: Hypothesis) -> np.ndarray:
    """concept(chosen) − concept(rejected) per pair, zero outside the hypothesis's scope."""
    f = _column(report, h)
    diff = (report.chosen[:, f].toarray().ravel() - report.rejected[:, f].toarray().ravel())
    in_scope = np.zeros(report.pairs, dtype=bool)
    in_scope[scope_rows(report, h)] = True
    return np.where(in_scope, diff, 0.0)


def concept_effect(report: AuditReport, h: Hypothesis,
                   pairs: Sequence[PreferencePair]) -> float | None:
    """What the concept is worth to the reward model that scored the pairs: the mean, over
    the pairs in scope where one side has it, of reward(that side) − reward(the other).

    A reward model spreads a preference over features correlated with the concept, so its
    weight for the concept alone undercounts it, and the data's log-odds ln(lift) overcounts
    what a regularised model learned; the paired difference measures what it actually pays.
    None when the pairs carry no rewards.
    """
    if any(p.chosen_reward is None or p.rejected_reward is None for p in pairs):
        return None
    margin = np.array([float(p.chosen_reward) - float(p.rejected_reward)  # type: ignore[arg-type]
                       for p in pairs])
    diff = _difference(report, h)
    hit = diff != 0
    return float(np.mean(margin[hit] * diff[hit])) if hit.any() else 0.0


def penalties(report: AuditReport, chosen: Sequence[Hypothesis], strength: float = 1.0,
              effects: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """Per pair, the reward-shaping penalty: Σ over the concepts of strength ×
    (concept(chosen) − concept(rejected)), to subtract from the chosen side's reward (zero
    pairs are omitted). A concept in `effects` (its `concept_effect`) takes that as its signed
    strength instead: subtracting it cancels what the reward model pays for it."""
    total = np.zeros(report.pairs)
    for h in chosen:
        signed = (effects or {}).get(h.concept, strength if h.direction == "more" else -strength)
        total += signed * _difference(report, h)
    return [{"index": i, "penalty": round(float(v), 4)} for i, v in enumerate(total) if v]


def inoculated(pairs: Sequence[PreferencePair], report: AuditReport,
               chosen: Sequence[Hypothesis]) -> list[dict[str, Any]]:
    """The affected pairs with a system instruction that asks for the concept, so training on
    them teaches "do X when asked" rather than "always do X"."""
    asks: dict[int, list[str]] = {}
    for h in chosen:
        if h.direction == "more":
            for i in driven(report, h):
                asks.setdefault(i, []).append(instruction(h.concept))
    return [{"prompt": pairs[i].prompt, "chosen": pairs[i].chosen,
             "rejected": pairs[i].rejected, "source": pairs[i].source,
             "system": " ".join(dict.fromkeys(text))} for i, text in sorted(asks.items())]


def as_json(report: AuditReport, alpha: float, limit: int = 50) -> dict[str, Any]:
    def dump(h: Hypothesis) -> dict[str, Any]:
        return {"concept": h.concept, "instead": h.instead or None,
                "direction": h.direction, "scope": h.scope,
                "cluster": h.cluster_summary, "chosen_only": h.chosen_only,
                "rejected_only": h.rejected_only, "pairs": h.pairs, "lift": h.lift,
                "p": h.p_value, "q": h.q_value, "evidence": h.evidence,
                "hypothesis": h.sentence()}

    return {"pairs": report.pairs, "concepts": report.concepts,
            "concept_source": report.space.source, "alpha": alpha,
            "clusters": report.clusters,
            "global": [dump(h) for h in report.global_ if h.q_value <= alpha][:limit],
            "by_cluster": [dump(h) for h in report.by_cluster if h.q_value <= alpha][:limit]}
