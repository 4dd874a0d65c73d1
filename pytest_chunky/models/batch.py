"""Submit, poll and collect provider batches through the official SDKs.

Each provider module holds its own adapter (`Model.batch_api()`), all of one shape. Each item
carries a `custom_id`, which is our cache key; an item comes back as a reply body or an error
message, and an item that comes back as neither is reported as missing by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.models.base import Model
from pytest_chunky.types import Completion, Message, SamplingParams

__all__ = ["BATCH_DISCOUNT", "SAMPLE_FIELD", "BatchAPI", "Item", "Outcome", "batch_api"]

#: A re-sample's index in a batch line body (headers cannot travel in a batch line); only
#: local servers get it, real APIs reject unknown fields.
SAMPLE_FIELD = "chunky_sample"

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
    completion: Completion = model.completion_of(model.parse_reply(reply))
    return completion.model_copy(update={"cost_usd": completion.cost_usd * BATCH_DISCOUNT})




def batch_api(model: Model) -> BatchAPI:
    """The batch adapter for a provider model, on that model's own SDK client."""
    found = model.batch_api()
    if found is None:
        raise ConfigError(f"--batch needs a model whose provider has a batch API, not "
                          f"{model.spec} (the offline extractors make no calls to batch)")
    return found
