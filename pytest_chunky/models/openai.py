"""OpenAI: chat completions, the Batch API and embeddings, behind one provider entry.

The SDK is imported on construction, never at module import (see `models.sdk`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from pytest_chunky.infra.credentials import redact_url
from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.models.batch import Item, Outcome
from pytest_chunky.models.embed import normalise_rows
from pytest_chunky.models.registry import ModelSpec, Provider
from pytest_chunky.models.sdk import SDKModel, sample_header
from pytest_chunky.types import Completion, Message, SamplingParams, Usage

# Reasoning models reject any temperature/top_p but the default; omitting them is equivalent.
_OPENAI_FIXED_SAMPLING = ("gpt-5", "o1", "o3", "o4")
_OPENAI_FINISH = {"stop": "stop", "length": "length", "content_filter": "content_filter",
                  "tool_calls": "tool_calls", "function_call": "tool_calls"}

def _response_format(schema: dict[str, Any]) -> dict[str, Any]:
    """Accept a bare JSON Schema or an OpenAI `{name, schema[, strict]}` wrapper."""
    if "schema" in schema and "name" in schema:
        return {"type": "json_schema", "json_schema": schema}
    name = re.sub(r"[^A-Za-z0-9_-]", "_", str(schema.get("title") or "output"))[:64]
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}


class OpenAIModel(SDKModel):
    """Any model behind the OpenAI chat-completions API (official, or compatible via base_url)."""

    provider = "openai"
    structured_output = True  # the API enforces a JSON schema
    env_var = "OPENAI_API_KEY"
    sdk_module = "openai"
    api_label = "OpenAI"

    def _new_client(self) -> Any:
        return self._sdk.AsyncOpenAI(**self._client_kwargs())

    def request_kwargs(self, messages: list[Message], params: SamplingParams) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "model": self.name,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
        }
        # The official API wants max_completion_tokens; compatible servers know max_tokens.
        kw["max_completion_tokens" if self.base_url is None else "max_tokens"] = params.max_tokens
        if not self.name.lower().startswith(_OPENAI_FIXED_SAMPLING):
            kw["temperature"] = params.temperature
            if params.top_p is not None:
                kw["top_p"] = params.top_p
        if params.seed is not None:
            kw["seed"] = params.seed
        if params.stop:
            kw["stop"] = list(params.stop)
        if params.json_schema:
            kw["response_format"] = _response_format(params.json_schema)
        kw.update(sample_header(params))
        return kw

    async def _request(self, client: Any, messages: list[Message],
                       params: SamplingParams) -> Completion:
        return self.completion_of(
            await client.chat.completions.create(**self.request_kwargs(messages, params)))

    def completion_of(self, resp: Any) -> Completion:
        """Our completion from the SDK's ChatCompletion (a direct reply or a batch result)."""
        if not resp.choices:
            raise ValueError("response has no choices")
        choice = resp.choices[0]
        message = choice.message
        text = message.content or getattr(message, "refusal", None) or ""
        if not isinstance(text, str):
            raise TypeError(f"message content is {type(text).__name__}, not text")
        reason = choice.finish_reason or "stop"
        usage = Usage(input_tokens=resp.usage.prompt_tokens or 0,
                      output_tokens=resp.usage.completion_tokens or 0) if resp.usage else Usage()
        served = str(resp.model or self.name)
        return Completion(text=text, usage=usage, cost_usd=self._cost(served, usage),
                          finish_reason=_OPENAI_FINISH.get(reason, reason), model=served)

    def parse_reply(self, reply: dict[str, Any]) -> Any:
        from openai.types.chat import ChatCompletion

        return ChatCompletion.model_validate(reply)

    def batch_api(self) -> OpenAIBatches:
        return OpenAIBatches(self._client_for_loop())


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


class OpenAIEmbedder:
    """The OpenAI embeddings API (or any compatible server via @base_url)."""

    kind = "openai"

    def __init__(self, model_name: str, *, base_url: str | None = None,
                 batch_size: int = 256) -> None:
        self.model_name = model_name
        self.base_url = base_url
        # The name keys caches, index metadata and directory names: never credentials.
        self.name = f"openai:{model_name}" + (f"@{redact_url(base_url)}" if base_url else "")
        self.batch_size = batch_size
        self.dim = 0
        self._client: Any = None

    def _get_client(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError:
                raise ConfigError("embedder openai needs the openai package") from None
            key = os.environ.get("OPENAI_API_KEY")
            if not key and self.base_url is None:
                from pytest_chunky.infra.errors import MissingKeyError

                raise MissingKeyError("embedder openai: set OPENAI_API_KEY")
            self._client = openai.OpenAI(api_key=key or "not-needed", base_url=self.base_url)
        return self._client

    def batch_model(self) -> OpenAIModel:
        """The chat model whose Batch API can embed for this embedder (`--batch`)."""
        return OpenAIModel(self.model_name, base_url=self.base_url)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        client = self._get_client()
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            try:
                reply = client.embeddings.create(model=self.model_name, input=batch)
            except Exception as exc:
                from pytest_chunky.infra.errors import ProviderError

                raise ProviderError(f"embedder {self.name}: {type(exc).__name__}: "
                                    f"{str(exc)[:200]}") from None
            ordered = sorted(reply.data, key=lambda item: item.index)
            rows.extend(item.embedding for item in ordered)
        matrix = normalise_rows(np.asarray(rows, dtype=np.float32))
        self.dim = int(matrix.shape[1])
        return matrix


def _create(spec: ModelSpec) -> OpenAIModel:
    if not spec.name:
        raise ConfigError("openai model needs a name, e.g. openai:gpt-5.1")
    return OpenAIModel(spec.name, base_url=spec.base_url)


PROVIDER = Provider(_create, embedder=lambda name, url: OpenAIEmbedder(name, base_url=url))
