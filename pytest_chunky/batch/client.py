"""Submit, poll and collect provider batches through the official SDKs.

Two adapters with one shape: OpenAI (upload a JSONL file, create a batch, read the output and
error files) and Anthropic (Message Batches, streamed JSONL results). Each item carries a
`custom_id`, which is our cache key; an item comes back as a reply body or an error message,
and an item that comes back as neither is reported as missing by the caller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from pytest_chunky.batch.store import SAMPLE_FIELD
from pytest_chunky.errors import ConfigError
from pytest_chunky.models.base import Model
from pytest_chunky.types import Completion, Message, SamplingParams

__all__ = ["BATCH_DISCOUNT", "BatchAPI", "Item", "Outcome", "batch_api"]

#: Both providers bill batch requests at half the synchronous price.
BATCH_DISCOUNT = 0.5


@dataclass(frozen=True)
class Item:
    key: str  # custom_id: the response-cache key (64 hex chars, valid for both providers)
    body: dict[str, Any]


@dataclass
class Outcome:
    ok: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    batch_error: str = ""  # why the whole batch ended early (expired, failed, cancelled)

    def update(self, other: Outcome) -> None:
        self.ok.update(other.ok)
        for key in other.ok:
            self.failed.pop(key, None)
        for key, error in other.failed.items():
            if key not in self.ok:
                self.failed[key] = error


class BatchAPI(Protocol):
    provider: str
    max_items: int

    async def submit(self, items: list[Item], endpoint: str) -> str: ...

    async def status(self, batch_id: str) -> tuple[bool, str]: ...

    async def collect(self, batch_id: str) -> Outcome: ...


def chat_body(model: Any, messages: list[Message], params: SamplingParams) -> dict[str, Any]:
    """The JSON body a direct call would send, as a batch line's body.

    Extra headers cannot travel in a batch line, so a re-sample's index goes in the body, and
    only to a local server (real APIs reject unknown fields); `extra_body` is merged in.
    """
    kwargs = dict(model.request_kwargs(list(messages), params))
    kwargs.pop("extra_headers", None)
    extra = kwargs.pop("extra_body", {})
    body = {**kwargs, **extra}
    if params.sample_index and model.base_url is not None:
        body[SAMPLE_FIELD] = params.sample_index
    return body


def completion_of(model: Any, reply: dict[str, Any]) -> Completion:
    """A batch reply body as the completion a direct call would have returned (half price)."""
    if model.provider == "openai":
        from openai.types.chat import ChatCompletion

        parsed: Any = ChatCompletion.model_validate(reply)
    else:
        from anthropic.types import Message as AnthropicMessage

        parsed = AnthropicMessage.model_validate(reply)
    completion: Completion = model.completion_of(parsed)
    return completion.model_copy(update={"cost_usd": completion.cost_usd * BATCH_DISCOUNT})


class OpenAIBatches:
    """OpenAI Batch API: files.create(purpose="batch") → batches.create → output/error files."""

    provider = "openai"
    max_items = 50_000  # the API's per-file limit

    def __init__(self, client: Any) -> None:
        self.client = client

    async def submit(self, items: list[Item], endpoint: str) -> str:
        data = b"".join(json.dumps({"custom_id": it.key, "method": "POST", "url": endpoint,
                                    "body": it.body}).encode() + b"\n" for it in items)
        uploaded = await self.client.files.create(file=("chunky-batch.jsonl", data),
                                                  purpose="batch")
        batch = await self.client.batches.create(input_file_id=uploaded.id, endpoint=endpoint,
                                                 completion_window="24h")
        return str(batch.id)

    async def status(self, batch_id: str) -> tuple[bool, str]:
        batch = await self.client.batches.retrieve(batch_id)
        counts = batch.request_counts
        detail = f"{counts.completed}+{counts.failed}/{counts.total}" if counts else ""
        return batch.status in ("completed", "failed", "expired", "cancelled"), \
            f"{batch.status} {detail}".strip()

    async def _lines(self, file_id: str | None) -> list[dict[str, Any]]:
        if not file_id:
            return []
        content = await self.client.files.content(file_id)
        return [json.loads(line) for line in content.text.splitlines() if line.strip()]

    async def collect(self, batch_id: str) -> Outcome:
        batch = await self.client.batches.retrieve(batch_id)
        out = Outcome()
        for line in await self._lines(batch.output_file_id) + \
                await self._lines(batch.error_file_id):
            key = str(line.get("custom_id"))
            response = line.get("response") or {}
            if response.get("status_code") == 200 and not line.get("error"):
                out.ok[key] = response.get("body") or {}
            else:
                error = line.get("error") or (response.get("body") or {}).get("error") or {}
                message = error.get("message", error) if isinstance(error, dict) else error
                out.failed[key] = f"HTTP {response.get('status_code')}: {message}"
        if batch.status != "completed":
            first = batch.errors.data[0].message if batch.errors and batch.errors.data else ""
            out.batch_error = f"batch {batch.status}" + (f": {first}" if first else "")
        return out


class AnthropicBatches:
    """Anthropic Message Batches: messages.batches.create → retrieve → results (JSONL)."""

    provider = "anthropic"
    max_items = 100_000

    def __init__(self, client: Any) -> None:
        self.client = client

    async def submit(self, items: list[Item], endpoint: str) -> str:
        batch = await self.client.messages.batches.create(
            requests=[{"custom_id": it.key, "params": it.body} for it in items])
        return str(batch.id)

    async def status(self, batch_id: str) -> tuple[bool, str]:
        batch = await self.client.messages.batches.retrieve(batch_id)
        c = batch.request_counts
        return batch.processing_status == "ended", (
            f"{batch.processing_status} {c.succeeded}+{c.errored}/"
            f"{c.processing + c.succeeded + c.errored + c.canceled + c.expired}")

    async def collect(self, batch_id: str) -> Outcome:
        out = Outcome()
        async for line in await self.client.messages.batches.results(batch_id):
            result = line.result
            if result.type == "succeeded":
                out.ok[line.custom_id] = result.message.model_dump(mode="json")
            elif result.type == "errored":
                inner = getattr(result.error, "error", None)
                out.failed[line.custom_id] = f"errored: {getattr(inner, 'message', inner)}"
            else:
                out.failed[line.custom_id] = str(result.type)
        return out


def batch_api(model: Model) -> BatchAPI:
    """The batch adapter for a provider model, on that model's own SDK client."""
    if model.provider == "openai":
        return OpenAIBatches(model._client_for_loop())  # type: ignore[attr-defined]
    if model.provider == "anthropic":
        return AnthropicBatches(model._client_for_loop())  # type: ignore[attr-defined]
    raise ConfigError(f"--batch needs an openai: or anthropic: model, not {model.spec} "
                      "(the offline extractors make no calls to batch)")
