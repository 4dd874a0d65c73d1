"""Anthropic Messages API provider.

System messages go to the `system` parameter. The installed SDK (2.x) sends API version
2026-10-21, which removed temperature/top_p from the official API (any value is a 400), so they
are sent (via `extra_body`) only to a custom `base_url`, where Anthropic-compatible local servers
still honour them. `json_schema` is not sent: the caller parses tags/JSON from the text.
"""

from __future__ import annotations

from typing import Any

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.models.batch import Item, Outcome
from pytest_chunky.models.registry import ModelSpec, Provider
from pytest_chunky.models.sdk import SDKModel, sample_header
from pytest_chunky.types import Completion, Message, SamplingParams, Usage

_ANTHROPIC_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
                     "tool_use": "tool_calls", "refusal": "content_filter"}


class AnthropicModel(SDKModel):
    """A Claude model over the Messages API (official, or compatible via base_url)."""

    provider = "anthropic"
    env_var = "ANTHROPIC_API_KEY"
    sdk_module = "anthropic"
    api_label = "Anthropic"

    def _new_client(self) -> Any:
        return self._sdk.AsyncAnthropic(**self._client_kwargs())

    def request_kwargs(self, messages: list[Message], params: SamplingParams) -> dict[str, Any]:
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        kw: dict[str, Any] = {
            "model": self.name,
            "max_tokens": params.max_tokens,
            "messages": [{"role": m["role"], "content": m["content"]}
                         for m in messages if m["role"] != "system"],
        }
        if system:
            kw["system"] = system
        if params.stop:
            kw["stop_sequences"] = list(params.stop)
        if self.base_url is not None:
            extra: dict[str, Any] = {"temperature": params.temperature}
            if params.top_p is not None:
                extra["top_p"] = params.top_p
            kw["extra_body"] = extra
        kw.update(sample_header(params))
        return kw

    async def _request(self, client: Any, messages: list[Message],
                       params: SamplingParams) -> Completion:
        return self.completion_of(
            await client.messages.create(**self.request_kwargs(messages, params)))

    def completion_of(self, resp: Any) -> Completion:
        """Our completion from the SDK's Message (a direct reply or a batch result)."""
        blocks = resp.content
        if blocks is None:
            raise ValueError("response has no content")
        text = "".join(b.text for b in blocks if getattr(b, "type", None) == "text")
        reason = resp.stop_reason or "stop"
        usage = Usage(input_tokens=resp.usage.input_tokens or 0,
                      output_tokens=resp.usage.output_tokens or 0) if resp.usage else Usage()
        served = str(resp.model or self.name)
        return Completion(text=text, usage=usage, cost_usd=self._cost(served, usage),
                          finish_reason=_ANTHROPIC_FINISH.get(reason, reason), model=served)

    def parse_reply(self, reply: dict[str, Any]) -> Any:
        from anthropic.types import Message as AnthropicMessage

        return AnthropicMessage.model_validate(reply)

    def batch_api(self) -> AnthropicBatches:
        return AnthropicBatches(self._client_for_loop())


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


def _create(spec: ModelSpec) -> AnthropicModel:
    if not spec.name:
        raise ConfigError("anthropic model needs a name, e.g. anthropic:claude-opus-4-5")
    return AnthropicModel(spec.name, base_url=spec.base_url)


PROVIDER = Provider(_create)
