"""The one interface every model provider implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_chunky.types import Completion, Message, SamplingParams


class Model(ABC):
    """A chat model: one async `generate` call (the shape of inspect_ai's `ModelAPI`).

    `provider`, `name` and `base_url` identify the model in cache keys and reports; credentials
    are never part of a model's identity.
    """

    provider: str = ""
    name: str = ""
    base_url: str | None = None
    #: Extra identity for cache keys, for models whose behaviour changes without a new name
    #: (the lab sets it from its own code, so a retrained lab never replays stale answers).
    fingerprint: str = ""
    #: The provider's API enforces a JSON schema on replies (structured output).
    structured_output: bool = False
    #: The attribute pool a search against this model uses when none is given: a pool name or
    #: file (a self-contained world brings its own); None means the shipped default.
    default_pool: str | Path | None = None

    @abstractmethod
    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        """Return one completion for `messages`."""

    def configure(self, *, timeout: float | None = None,  # noqa: B027 - optional hook
                  max_retries: int | None = None) -> None:
        """Apply the run's per-call timeout and retry count (`--chunky-timeout`,
        `--chunky-max-retries`); providers without a network ignore them."""

    def batch_api(self) -> Any:
        """This provider's batch adapter (`calls.batch.BatchAPI`), or None if it has none."""
        return None

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release network clients; a no-op for in-process models."""

    @property
    def shown_url(self) -> str | None:
        """The base URL as reports and cache identities see it: credentials masked."""
        from pytest_chunky.infra.credentials import redact_url

        return redact_url(self.base_url) if self.base_url else None

    @property
    def spec(self) -> str:
        text = f"{self.provider}:{self.name}" if self.name else self.provider
        return f"{text}@{self.shown_url}" if self.base_url else text

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec}>"
