"""SFT data: one record type and one reader for flat and chat-format JSONL.

A line is `{"prompt", "response", "source"}` or a chat record `{"messages": [{role, content},
...], "source"}` (the format of Tülu 3 and most public SFT sets): the first user turn is the
prompt and the first assistant turn after it the response; later turns are ignored. The chunk
name is `source` (or `dataset`). Anything malformed is an InputError naming file, line and field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.jsonl import decode_line, read_jsonl

__all__ = ["SFTRecord", "as_records", "load_sft_jsonl", "parse_sft_line", "parse_sft_record",
           "write_sft_jsonl"]


@dataclass(frozen=True, slots=True)
class SFTRecord:
    prompt: str
    response: str
    source: str = "unknown"

    def to_json(self) -> str:
        return json.dumps({"prompt": self.prompt, "response": self.response,
                           "source": self.source}, ensure_ascii=False)


def _chat_turns(messages: Any, path: str, line: int) -> tuple[Any, Any]:
    if not isinstance(messages, list):
        raise InputError("must be a list of {role, content} turns", path=path, line=line,
                         field="messages")
    turns = [m for m in messages if isinstance(m, Mapping)]
    user = next((i for i, m in enumerate(turns) if m.get("role") == "user"), None)
    if user is None:
        raise InputError("has no user turn; a chat record needs a user and an assistant turn",
                         path=path, line=line, field="messages")
    reply = next((m.get("content") for m in turns[user + 1:] if m.get("role") == "assistant"),
                 None)
    if reply is None:
        raise InputError("has no assistant turn after the first user turn", path=path,
                         line=line, field="messages")
    return turns[user].get("content"), reply


def parse_sft_record(obj: Any, *, path: str, line: int) -> SFTRecord:
    """One decoded record (flat or chat) checked field by field."""
    if not isinstance(obj, Mapping):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}", path=path,
                         line=line)
    chat = "messages" in obj and "prompt" not in obj
    values = dict(zip(("prompt", "response"), _chat_turns(obj["messages"], path, line),
                      strict=True)) if chat else {k: obj.get(k) for k in ("prompt", "response")}
    for key, value in values.items():
        field = "messages" if chat else key
        what = f"the {'user' if key == 'prompt' else 'assistant'} turn's content" if chat else ""
        if value is None:
            raise InputError(f"{what or 'missing'}; every record needs a non-empty string",
                             path=path, line=line, field=field)
        if not isinstance(value, str):
            raise InputError(f"{what + ' ' if what else ''}must be a string, got "
                             f"{type(value).__name__}", path=path, line=line, field=field)
        if not value.strip():
            raise InputError(f"{what + ' ' if what else ''}is empty; every record needs a "
                             "non-empty string", path=path, line=line, field=field)
    source = obj.get("source", obj.get("dataset", "unknown"))
    if source is None:
        source = "unknown"
    if not isinstance(source, str):
        raise InputError(f"must be a string, got {type(source).__name__}", path=path,
                         line=line, field="source")
    return SFTRecord(str(values["prompt"]), str(values["response"]), source or "unknown")


_HINT = '; each line must be an object like {"prompt": ..., "response": ...}'


def parse_sft_line(line: str, *, path: str, lineno: int) -> SFTRecord:
    return parse_sft_record(decode_line(line, path=path, lineno=lineno, hint=_HINT),
                            path=path, line=lineno)


def load_sft_jsonl(path: str | Path) -> list[SFTRecord]:
    """Read SFT records; blank lines are skipped, anything malformed is an InputError.

    Records are split on "\n" only (with an optional "\r"): JSON text may hold U+2028 or
    other characters that `str.splitlines` would also break on.
    """
    shown = str(path)
    records = []
    for lineno, obj, shown in read_jsonl(path, "file", hint=_HINT):
        records.append(parse_sft_record(obj, path=shown, line=lineno))
    if not records:
        raise InputError("no records; each line must be a JSON object with prompt and response",
                         path=shown)
    return records


def as_records(records: Iterable[Any]) -> list[SFTRecord]:
    """Records from the lab or elsewhere (SFTRecords, dicts, or objects with the fields)."""
    out: list[SFTRecord] = []
    for i, rec in enumerate(records, 1):
        if isinstance(rec, SFTRecord):
            out.append(rec)
        elif isinstance(rec, Mapping):
            out.append(parse_sft_record(rec, path="<records>", line=i))
        else:
            out.append(SFTRecord(str(rec.prompt), str(rec.response),
                                 str(getattr(rec, "source", "unknown"))))
    return out


def write_sft_jsonl(records: Iterable[SFTRecord], path: str | Path) -> Path:
    """Write one JSON object per line (UTF-8); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(record.to_json() + "\n")
    return out
