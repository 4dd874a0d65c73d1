"""Records exchanged between the engine and model providers."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["target", "judge", "generator", "extractor", "embedder"]
ROLES: tuple[Role, ...] = ("target", "judge", "generator", "extractor", "embedder")


class Message(TypedDict):
    """One chat message; `role` is "system", "user" or "assistant"."""

    role: str
    content: str


class SamplingParams(BaseModel):
    """Sampling parameters plus the request metadata that belongs in the cache key.

    `sample_index` distinguishes repeated samples of the same request (confirmation re-samples
    each prompt m times); `template` is the prompt-template version that produced the messages.
    Neither is sent to the provider.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    temperature: float = Field(1.0, ge=0.0, le=2.0)
    max_tokens: int = Field(1024, ge=1)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    seed: int | None = None
    stop: tuple[str, ...] | None = None
    sample_index: int = Field(0, ge=0)
    template: str | None = None
    json_schema: dict[str, Any] | None = None


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True)

    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


class Completion(BaseModel):
    """What one `Model.generate` call returns."""

    model_config = ConfigDict(frozen=True)

    text: str
    usage: Usage = Usage()
    cost_usd: float = 0.0
    finish_reason: str = "stop"
    model: str = ""
    cached: bool = False
    truncated: bool = False  # cut at --chunky-max-response-chars
