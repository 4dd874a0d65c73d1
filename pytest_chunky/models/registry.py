"""Model strings (`provider:name[@base_url]`) and the provider registry.

Providers are factories registered by name so that SDKs load only when a model of theirs is
actually created; users can add their own with `register_provider`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pytest_chunky.credentials import interpolate, redact, redact_url
from pytest_chunky.errors import ConfigError
from pytest_chunky.models.base import Model

_BARE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("gpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("chatgpt-", "openai"),
    ("claude-", "anthropic"),
)


@dataclass(frozen=True)
class ModelSpec:
    provider: str
    name: str = ""
    base_url: str | None = None

    def __str__(self) -> str:
        text = f"{self.provider}:{self.name}" if self.name else self.provider
        return f"{text}@{redact_url(self.base_url)}" if self.base_url else text


ProviderFactory = Callable[[ModelSpec], Model]
_PROVIDERS: dict[str, ProviderFactory] = {}


def register_provider(name: str, factory: ProviderFactory) -> None:
    """Make `name:MODEL` strings resolve through `factory`."""
    _PROVIDERS[name] = factory


def providers() -> list[str]:
    return sorted(_PROVIDERS)


def parse_model_string(text: str, *, flag: str = "--chunky-model") -> ModelSpec:
    """Parse `provider:name[@base_url]`; bare `gpt-…`/`claude-…` pick their provider."""
    raw = interpolate(text.strip(), where=flag)
    if not raw:
        raise ConfigError(f"{flag}: empty model string; use provider:name, e.g. openai:gpt-5.1")
    base_url = None
    match = re.search(r"@(https?://\S+)$", raw)
    if match:
        base_url = match.group(1).rstrip("/")
        redact_url(base_url)  # remembers the credentials in it, so messages mask them
        raw = raw[: match.start()]
    text = redact(text)
    if ":" in raw:
        provider, name = raw.split(":", 1)
    elif raw in _PROVIDERS:
        provider, name = raw, ""
    else:
        provider = next((p for pre, p in _BARE_PREFIXES if raw.startswith(pre)), "")
        name = raw
        if not provider:
            raise ConfigError(
                f"{flag}: cannot tell the provider of {text!r}; write provider:name with a "
                f"provider among {', '.join(providers())} (e.g. openai:{raw})"
            )
    provider = provider.strip().lower()
    if provider not in _PROVIDERS:
        raise ConfigError(
            f"{flag}: unknown provider {provider!r} in {text!r}; valid providers: "
            f"{', '.join(providers())}"
        )
    return ModelSpec(provider, name.strip(), base_url)


def create_model(text: str | ModelSpec, *, flag: str = "--chunky-model") -> Model:
    spec = text if isinstance(text, ModelSpec) else parse_model_string(text, flag=flag)
    return _PROVIDERS[spec.provider](spec)


def _openai(spec: ModelSpec) -> Model:
    from pytest_chunky.models.openai_provider import OpenAIModel

    if not spec.name:
        raise ConfigError("openai model needs a name, e.g. openai:gpt-5.1")
    return OpenAIModel(spec.name, base_url=spec.base_url)


def _anthropic(spec: ModelSpec) -> Model:
    from pytest_chunky.models.anthropic_provider import AnthropicModel

    if not spec.name:
        raise ConfigError("anthropic model needs a name, e.g. anthropic:claude-opus-4-5")
    return AnthropicModel(spec.name, base_url=spec.base_url)


def _scripted(spec: ModelSpec) -> Model:
    from pytest_chunky.models.scripted import ScriptedModel

    return ScriptedModel.from_spec(spec.name)


def _lab(variant: str) -> ProviderFactory:
    def factory(spec: ModelSpec) -> Model:
        from pytest_chunky.lab.roles import LabRoleModel

        if spec.name and not spec.name.isdigit():  # lab:PATH.jsonl or lab:WORLD_DIR
            return LabRoleModel(variant, corpus=spec.name)
        return LabRoleModel(variant, seed=int(spec.name or 0))

    return factory


register_provider("openai", _openai)
register_provider("anthropic", _anthropic)
register_provider("scripted", _scripted)
register_provider("lab", _lab("lab"))
register_provider("lab-clean", _lab("lab-clean"))
