"""Precision and recall of a judge on a labelled set of (prompt, response, rubric, label) rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.jsonl import read_jsonl

Scorer = Callable[[str, str, str], int]  # (rubric, prompt, response) -> score 0..100
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
    """Per rubric {precision, recall, n}, and the rows the judge got wrong."""
    counts: dict[str, list[int]] = {}
    wrong = []
    for row in rows:
        rubric = str(row["rubric"])
        flagged = score(rubric, str(row["prompt"]), str(row["response"])) >= threshold
        tp_fp_fn_n = counts.setdefault(rubric, [0, 0, 0, 0])
        label = bool(row["label"])
        tp_fp_fn_n[0] += flagged and label
        tp_fp_fn_n[1] += flagged and not label
        tp_fp_fn_n[2] += label and not flagged
        tp_fp_fn_n[3] += 1
        if flagged != label:
            wrong.append(row)
    out = {}
    for rubric, (tp, fp, fn, n) in sorted(counts.items()):
        out[rubric] = {"precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
                       "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0, "n": n}
    return out, wrong
