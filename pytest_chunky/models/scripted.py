"""A deterministic model for tests: replies come from rules, never from a network."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.yamlfile import load_yaml_with_lines
from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import Provider
from pytest_chunky.types import Completion, Message, SamplingParams, Usage

Responder = Callable[[Sequence[Message], SamplingParams], str]


class ScriptedModel(Model):
    """Answers by the first rule whose regex matches the last user message.

    With no rules it echoes, which is enough to exercise caching, budgets and plumbing.
    """

    provider = "scripted"

    def __init__(self, rules: Sequence[tuple[str, str]] = (), *, default: str | None = None,
                 responder: Responder | None = None, name: str = "echo") -> None:
        self.name = name
        self._rules = [(re.compile(p, re.I | re.S), reply) for p, reply in rules]
        self._default = default
        self._responder = responder
        self.calls: list[list[Message]] = []

    @classmethod
    def from_spec(cls, name: str) -> ScriptedModel:
        """`scripted` echoes; `scripted:rules.yaml` loads a list of {match, reply} rules."""
        if not name or name == "echo":
            return cls()
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read scripted rules: {exc}", path=str(path)) from None
        data, _ = load_yaml_with_lines(text, str(path), empty=None)
        if not isinstance(data, list):
            raise InputError("expected a list of {match, reply} rules", path=str(path))
        rules = []
        for i, item in enumerate(data):
            if not (isinstance(item, dict) and isinstance(item.get("match"), str)
                    and isinstance(item.get("reply"), str)):
                raise InputError(f"rule {i} needs string fields match and reply", path=str(path))
            rules.append((item["match"], item["reply"]))
        model = cls(rules, name=str(path))
        # The rules' content, not only their path, decides what the model answers.
        model.fingerprint = hashlib.sha256(path.read_bytes()).hexdigest()
        return model

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        self.calls.append(list(messages))
        last = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        text: str | None = None
        if self._responder is not None:
            text = self._responder(messages, params)
        else:
            for pattern, reply in self._rules:
                if pattern.search(last):
                    text = reply
                    break
        if text is None:
            text = self._default if self._default is not None else f"echo: {last}"
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        return Completion(text=text, usage=Usage(input_tokens=prompt_tokens,
                                                 output_tokens=len(text.split())),
                          model=self.name)


PROVIDER = Provider(lambda spec: ScriptedModel.from_spec(spec.name))
