"""The OpenAI and Anthropic wire formats as the fake server speaks them: requests to our
messages and sampling parameters, completions to reply bodies, errors and injected faults.

Public so the server and its batch endpoints share one reading of each format.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from pytest_chunky.fakeapi.faults import JUDGE_TAG
from pytest_chunky.types import Completion, Message, SamplingParams

__all__ = ["FAULT_REPLY", "anthropic_reply", "error_body", "is_judge_request", "openai_reply",
           "params_of", "parse_request", "stop_of", "text_of"]


_ANTHROPIC_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use",
                   "content_filter": "refusal"}


def is_judge_request(raw: bytes, anthropic: bool) -> bool:
    """Whether a request body is a judge call (its system prompt carries the judge task tag)."""
    if b"chunky-task" not in raw:
        return False
    try:
        body = json.loads(raw)
        messages, _ = parse_request(body, anthropic)
    except Exception:  # a body we cannot read is not a judge call; the handler reports it
        return False
    return any(m["role"] == "system" and JUDGE_TAG in m["content"] for m in messages)


def text_of(content: Any) -> str:
    """Flatten string or content-block message content to text (non-text blocks are dropped)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(b.get("text", "")) for b in content
                       if isinstance(b, dict) and b.get("type", "text") == "text")
    raise ValueError("message content must be a string or a list of content blocks")


def stop_of(value: Any) -> tuple[str, ...] | None:
    if value is None or isinstance(value, str):
        return (value,) if value else None
    return tuple(str(s) for s in value) or None


def params_of(body: dict[str, Any], *, stop_key: str) -> SamplingParams:
    fields: dict[str, Any] = {
        "temperature": body.get("temperature"),
        "max_tokens": body.get("max_completion_tokens") or body.get("max_tokens"),
        "top_p": body.get("top_p"),
        "seed": body.get("seed"),
        "stop": stop_of(body.get(stop_key)),
    }
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        fields["json_schema"] = spec.get("schema", spec) if isinstance(spec, dict) else None
    return SamplingParams(**{k: v for k, v in fields.items() if v is not None})


def parse_request(body: dict[str, Any], anthropic: bool) -> tuple[list[Message], SamplingParams]:
    """Our messages and sampling parameters from an OpenAI or Anthropic request body."""
    messages: list[Message] = []
    if anthropic and body.get("system"):
        messages.append(Message(role="system", content=text_of(body["system"])))
    for m in body.get("messages") or []:
        role = str(m.get("role", "user"))
        messages.append(Message(role="system" if role == "developer" else role,
                                content=text_of(m.get("content"))))
    return messages, params_of(body, stop_key="stop_sequences" if anthropic else "stop")


def openai_reply(c: Completion, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion",
        "created": int(time.time()), "model": c.model or model, "system_fingerprint": None,
        "choices": [{"index": 0, "finish_reason": c.finish_reason, "logprobs": None,
                     "message": {"role": "assistant", "content": c.text, "refusal": None}}],
        "usage": {"prompt_tokens": c.usage.input_tokens,
                  "completion_tokens": c.usage.output_tokens,
                  "total_tokens": c.usage.total},
    }


def anthropic_reply(c: Completion, model: str) -> dict[str, Any]:
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant",
        "model": c.model or model, "content": [{"type": "text", "text": c.text}],
        "stop_reason": _ANTHROPIC_STOP.get(c.finish_reason, c.finish_reason),
        "stop_sequence": None,
        "usage": {"input_tokens": c.usage.input_tokens, "output_tokens": c.usage.output_tokens},
    }


def error_body(anthropic: bool, status: int, kind: str, message: str) -> dict[str, Any]:
    if anthropic:
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"message": message, "type": kind, "code": str(status)}}


FAULT_REPLY = {"429": (429, "rate_limit_error", "injected rate limit"),
                "500": (500, "api_error", "injected internal error"),
                "529": (529, "overloaded_error", "injected overload")}
