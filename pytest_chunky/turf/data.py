"""SFT data for TURF: (prompt, response, source) records read from JSONL, errors by line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_chunky.errors import InputError

__all__ = ["TrainingExample", "as_examples", "load_examples"]


@dataclass(frozen=True, slots=True)
class TrainingExample:
    prompt: str
    response: str
    source: str = "unknown"


def _from_mapping(obj: Mapping[str, Any], path: str, line: int) -> TrainingExample:
    source = obj.get("source", obj.get("dataset", "unknown"))
    if "messages" in obj and "prompt" not in obj:
        messages = obj["messages"]
        if not isinstance(messages, list):
            raise InputError("'messages' must be a list of {role, content}", path=path,
                             line=line, field="messages")
        user = next((m.get("content") for m in messages
                     if isinstance(m, dict) and m.get("role") == "user"), None)
        reply = next((m.get("content") for m in messages
                      if isinstance(m, dict) and m.get("role") == "assistant"), None)
        prompt, response = user, reply
        field = "messages"
    else:
        prompt, response = obj.get("prompt"), obj.get("response")
        field = "prompt" if not isinstance(prompt, str) else "response"
    if not isinstance(prompt, str) or not isinstance(response, str):
        raise InputError("each line needs string fields 'prompt' and 'response' (or chat "
                         "'messages' with a user and an assistant turn)", path=path, line=line,
                         field=field)
    return TrainingExample(prompt, response, str(source) if source is not None else "unknown")


def _read_jsonl(path: Path) -> Iterator[TrainingExample]:
    shown = str(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read dataset: {exc.strerror}", path=shown) from None
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno}); each line "
                                 "must be one JSON object", path=shown, line=number) from None
            if not isinstance(obj, dict):
                raise InputError("each line must be a JSON object", path=shown, line=number)
            yield _from_mapping(obj, shown, number)


def as_examples(records: Iterable[Any]) -> list[TrainingExample]:
    """Records from the lab or elsewhere (objects or dicts with prompt/response/source)."""
    out: list[TrainingExample] = []
    for i, rec in enumerate(records, 1):
        if isinstance(rec, TrainingExample):
            out.append(rec)
        elif isinstance(rec, Mapping):
            out.append(_from_mapping(rec, "<records>", i))
        else:
            out.append(TrainingExample(str(rec.prompt), str(rec.response),
                                       str(getattr(rec, "source", "unknown"))))
    return out


def load_examples(path: str | Path) -> list[TrainingExample]:
    """Read an SFT JSONL file; a malformed line raises InputError naming file and line."""
    path = Path(path)
    try:
        from pytest_chunky.lab.corpus import load_sft_jsonl
    except ImportError:
        return list(_read_jsonl(path))
    return as_examples(load_sft_jsonl(path))
