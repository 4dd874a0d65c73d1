"""SFT data for TURF: the one SFT reader (`infra.sft`), under the names the index uses."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pytest_chunky.infra.sft import SFTRecord, as_records, load_sft_jsonl

__all__ = ["SFTRecord", "as_examples", "load_examples"]


def as_examples(records: Iterable[Any]) -> list[SFTRecord]:
    """Records from the lab or elsewhere (objects or dicts with prompt/response/source)."""
    return as_records(records)


def load_examples(path: str | Path) -> list[SFTRecord]:
    """Read an SFT JSONL file (flat or chat records); a malformed line names file and line."""
    return load_sft_jsonl(path)
