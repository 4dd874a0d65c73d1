"""Model strings and the provider registry."""

from __future__ import annotations

import asyncio

import pytest

from pytest_chunky.infra.errors import ConfigError, MissingKeyError
from pytest_chunky.models.registry import create_model, parse_model_string, register_provider
from pytest_chunky.models.scripted import ScriptedModel
from pytest_chunky.types import SamplingParams


@pytest.mark.parametrize("text,provider,name,url", [
    ("openai:gpt-5.1", "openai", "gpt-5.1", None),
    ("gpt-5.1", "openai", "gpt-5.1", None),
    ("o3-mini", "openai", "o3-mini", None),
    ("claude-opus-4-5", "anthropic", "claude-opus-4-5", None),
    ("anthropic:claude-haiku-4-5", "anthropic", "claude-haiku-4-5", None),
    ("openai:llama3@http://127.0.0.1:11434/v1/", "openai", "llama3", "http://127.0.0.1:11434/v1"),
    ("lab", "lab", "", None),
    ("lab-clean", "lab-clean", "", None),
    ("scripted", "scripted", "", None),
])
def test_parse_model_strings(text: str, provider: str, name: str, url: str | None) -> None:
    spec = parse_model_string(text)
    assert (spec.provider, spec.name, spec.base_url) == (provider, name, url)


@pytest.mark.parametrize("text,needle", [
    ("", "empty model string"),
    ("mistral-large", "cannot tell the provider of 'mistral-large'"),
    ("foo:bar", "unknown provider 'foo'"),
])
def test_bad_model_strings_name_the_flag(text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_model_string(text, flag="--chunky-judge")
    assert str(info.value).startswith("--chunky-judge: ") and needle in str(info.value)


def test_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(MissingKeyError, match="ANTHROPIC_API_KEY"):
        create_model("claude-opus-4-5")


def test_local_server_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    model = create_model("openai:llama3@http://127.0.0.1:9/v1")
    assert model.spec == "openai:llama3@http://127.0.0.1:9/v1"


def test_user_provider_and_scripted_rules(tmp_path: object) -> None:
    register_provider("mine", lambda spec: ScriptedModel(default=f"hi from {spec.name}"))
    model = create_model("mine:bot")
    reply = asyncio.run(model.generate([{"role": "user", "content": "x"}], SamplingParams()))
    assert reply.text == "hi from bot"
    rules = ScriptedModel([("refund", "I can't help with refunds.")], default="ok")
    said = asyncio.run(rules.generate([{"role": "user", "content": "a Refund please"}],
                                      SamplingParams()))
    assert said.text == "I can't help with refunds." and said.usage.output_tokens == 5
