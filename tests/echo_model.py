"""An in-test model that echoes the last message: the other end of the loopback server tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pytest_chunky.models.base import Model
from pytest_chunky.types import Completion, Message, SamplingParams, Usage


class Echo(Model):
    """Replies "echo: <last message>"; records requests; may raise a chosen message."""

    provider = "echo"

    def __init__(self, finish_reason: str = "stop", fail: str | None = None, *,
                 name: str = "echo", reply_model: str = "",
                 usage: Callable[[str], Usage] = lambda text: Usage(input_tokens=1000,
                                                                      output_tokens=200)
                 ) -> None:
        self.name = name
        self.finish_reason = finish_reason
        self.fail = fail
        self.reply_model = reply_model
        self.usage = usage
        self.calls: list[tuple[list[Message], SamplingParams]] = []

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        self.calls.append((list(messages), params))
        if self.fail:
            raise RuntimeError(self.fail)
        text = messages[-1]["content"]
        return Completion(text=f"echo: {text}", usage=self.usage(text),
                          finish_reason=self.finish_reason, model=self.reply_model)
