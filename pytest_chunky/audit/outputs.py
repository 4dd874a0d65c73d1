"""What to do about the concepts the audit finds: filter, reward-shape, inoculate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .data import PreferencePair
from .run import AuditReport, Hypothesis


def instruction(concept: str) -> str:
    """"The response uses bold text" -> "Write a response that uses bold text."."""
    text = concept.strip().rstrip(".")
    for prefix in ("The response ", "the response "):
        if text.startswith(prefix):
            return f"Write a response that {text[len(prefix):]}."
    return f"Write a response where {text[0].lower()}{text[1:]}."


def _column(report: AuditReport, h: Hypothesis) -> int:
    return report.space.by_attribute[h.concept]


def _scope_rows(report: AuditReport, h: Hypothesis) -> np.ndarray:
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
    rows = _scope_rows(report, h)
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


def penalties(report: AuditReport, chosen: Sequence[Hypothesis],
              strength: float = 1.0) -> list[dict[str, Any]]:
    """Per pair, the reward-shaping penalty: strength × Σ (concept(chosen) − concept(rejected))
    over the concepts, to subtract from the chosen side's reward (zero pairs are omitted)."""
    total = np.zeros(report.pairs)
    for h in chosen:
        f = _column(report, h)
        sign = 1.0 if h.direction == "more" else -1.0
        diff = (report.chosen[:, f].toarray().ravel() - report.rejected[:, f].toarray().ravel())
        in_scope = np.zeros(report.pairs, dtype=bool)
        in_scope[_scope_rows(report, h)] = True
        total += sign * strength * diff * in_scope
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
        return {"concept": h.concept, "direction": h.direction, "scope": h.scope,
                "cluster": h.cluster_summary, "chosen_only": h.chosen_only,
                "rejected_only": h.rejected_only, "pairs": h.pairs, "lift": h.lift,
                "p": h.p_value, "q": h.q_value, "evidence": h.evidence,
                "hypothesis": h.sentence()}

    return {"pairs": report.pairs, "concepts": report.concepts, "alpha": alpha,
            "clusters": report.clusters,
            "global": [dump(h) for h in report.global_ if h.q_value <= alpha][:limit],
            "by_cluster": [dump(h) for h in report.by_cluster if h.q_value <= alpha][:limit]}
