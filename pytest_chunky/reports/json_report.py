"""The session's chunky results as strict JSON (`--chunky-json-report`)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_chunky.infra.credentials import redact
from pytest_chunky.reports.html import _USAGE_KEYS, _VERDICTS, _verdict, usage_totals
from pytest_chunky.results import SearchResult

__all__ = ["to_json", "write_json"]

Results = Sequence[tuple[str, SearchResult]]


def _jsonable(value: Any) -> Any:
    """Strict JSON: non-finite floats become null, unknown objects their str()."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def to_json(results: Results) -> dict[str, Any]:
    """The report's data: every SearchResult field plus id, verdict and session totals."""
    tests: list[dict[str, Any]] = []
    totals: dict[str, Any] = {"tests": len(results), **dict.fromkeys(_VERDICTS, 0),
                              "confirmed_failures": 0, **dict.fromkeys(_USAGE_KEYS, 0)}
    totals["tokens"] = 0
    for test_id, r in results:
        try:
            dump = r.model_dump(mode="json")
        except ValueError:  # an attribution holding an object pydantic cannot serialise
            dump = r.model_dump()
        verdict = _verdict(r)
        tests.append(_jsonable({"id": test_id, "verdict": verdict,
                                "confirmed_failures": len(r.failures),
                                "top_attributes": r.top_attributes(), **dump}))
        totals[verdict] += 1
        totals["confirmed_failures"] += len(r.failures)
        for key, value in usage_totals(r).items():
            totals[key] += value
    for key in (*_USAGE_KEYS, "tokens"):
        totals[key] = round(totals[key], 6) if key == "cost_usd" else int(totals[key])
    return {"version": 1, "tests": tests, "totals": totals}


def write_json(path: str | Path, results: Results) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(redact(json.dumps(to_json(results), indent=2, ensure_ascii=False,
                                        allow_nan=False)) + "\n", encoding="utf-8")
    return target
