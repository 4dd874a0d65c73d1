"""Precision and recall of a judge on a labelled set of (prompt, response, rubric, label) rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.jsonl import read_jsonl
from pytest_chunky.judging.scale import ABSTAIN

Scorer = Callable[[str, str, str], int]  # (rubric, prompt, response) -> 0..100 or ABSTAIN
FIELDS = ("prompt", "response", "rubric", "label")


def load_labelled(path: str | Path) -> list[dict[str, object]]:
    rows = []
    for lineno, row, _ in read_jsonl(path, "labelled file"):
        for field in FIELDS:
            if field not in row:
                raise InputError("missing", path=str(path), line=lineno, field=field)
        if row["label"] not in (0, 1):
            raise InputError("must be 0 or 1", path=str(path), line=lineno, field="label")
        rows.append(row)
    return rows


def precision_recall(rows: list[dict[str, object]], score: Scorer, threshold: int = 70
                     ) -> tuple[dict[str, dict[str, float]], list[dict[str, object]]]:
    """Per rubric {precision, recall, abstain_rate, caught_or_abstained, n}, and the rows the
    judge got wrong (abstentions are not wrong: they are counted apart).

    Precision is over scored violations; recall is the share of labelled violations scored as
    violations; caught_or_abstained adds the violations the judge said it could not decide."""
    counts: dict[str, dict[str, int]] = {}
    wrong = []
    for row in rows:
        c = counts.setdefault(str(row["rubric"]), dict.fromkeys(
            ("tp", "fp", "fn", "abstained", "abstained_violations", "n"), 0))
        value = score(str(row["rubric"]), str(row["prompt"]), str(row["response"]))
        label = bool(row["label"])
        c["n"] += 1
        if value == ABSTAIN:
            c["abstained"] += 1
            c["abstained_violations"] += label
            continue
        flagged = value >= threshold
        c["tp"] += flagged and label
        c["fp"] += flagged and not label
        c["fn"] += label and not flagged
        if flagged != label:
            wrong.append(row)
    out = {}
    for rubric, c in sorted(counts.items()):
        tp, fp, positives = c["tp"], c["fp"], c["tp"] + c["fn"] + c["abstained_violations"]
        out[rubric] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / positives, 3) if positives else 1.0,
            "abstain_rate": round(c["abstained"] / c["n"], 3),
            "caught_or_abstained": round((tp + c["abstained_violations"]) / positives, 3)
            if positives else 1.0, "n": c["n"]}
    return out, wrong
