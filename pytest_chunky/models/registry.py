"""Model strings (`provider:name[@base_url]`) and the provider registry.

Providers are factories registered by name so that SDKs load only when a model of theirs is
actually created; users can add their own with `register_provider`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pytest_chunky.infra.credentials import interpolate, redact, redact_url
from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.infra.extensions import load_provider, provider_points
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

    def __repr__(self) -> str:
        return f"ModelSpec({str(self)!r})"


ProviderFactory = Callable[[ModelSpec], Model]


@dataclass(frozen=True)
class Provider:
    """How to create a provider's models, and what it can do beyond being a target.

    `default_roles(spec)` is the model string that plays the other roles (judge, generator)
    when this provider is the target and none is configured: self-contained worlds like the
    offline lab bring their own; real APIs return None and the run asks for a judge.
    """

    factory: ProviderFactory
    default_roles: Callable[[ModelSpec], str | None] | None = None
    #: (model name, base URL) -> an embedder, for `--embedder PROVIDER:NAME[@URL]`.
    embedder: Callable[[str, str | None], Any] | None = None


#: Built-in providers by lazy dotted path: the SDK loads only when a model of its is created.
#: Others come from the `pytest_chunky.providers` entry-point group or `register_provider`.
BUILTIN: dict[str, str] = {
    "openai": "pytest_chunky.models.openai:PROVIDER",
    "anthropic": "pytest_chunky.models.anthropic:PROVIDER",
    "scripted": "pytest_chunky.models.scripted:PROVIDER",
}
_LOADED: dict[str, Provider] = {}


def register_provider(name: str, factory: ProviderFactory | Provider) -> None:
    """Make `name:MODEL` strings resolve through `factory`."""
    _LOADED[name] = factory if isinstance(factory, Provider) else Provider(factory)


def providers() -> list[str]:
    return sorted({*BUILTIN, *provider_points(), *_LOADED})


def get_provider(name: str) -> Provider:
    if name not in _LOADED:
        if name in BUILTIN:
            module, _, attr = BUILTIN[name].partition(":")
            found = getattr(importlib.import_module(module), attr)
        elif name in provider_points():
            found = load_provider(name)
        else:
            raise ConfigError(f"unknown provider {name!r}; valid providers: "
                              f"{', '.join(providers())}")
        register_provider(name, found)
    return _LOADED[name]


def default_roles(spec: ModelSpec) -> str | None:
    """The model string a target of this provider brings for its other roles (or None)."""
    provider = get_provider(spec.provider)
    return provider.default_roles(spec) if provider.default_roles else None


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
        try:
            urlsplit(base_url).port  # noqa: B018 - raises for a port out of range
        except ValueError as exc:
            raise ConfigError(f"{flag}: bad base URL {redact_url(base_url)!r} ({exc}); use "
                              "http(s)://HOST[:PORT]/PATH with a port from 1 to 65535") from None
    # What messages show: credentials masked, and nothing after an '@' that is not a URL we
    # parsed (a password with a space, a URL without its scheme).
    text = redact(text) if match or "@" not in raw else redact(text.split("@", 1)[0]) + "@…"
    _, _, tail = raw.partition("@")
    if tail and not Path(raw.split(":", 1)[-1]).exists():
        raise ConfigError(f"{flag}: cannot read the base URL of {text!r}: write "
                          "provider:name@http(s)://HOST[:PORT]/PATH, with the scheme, no spaces, "
                          "and credentials URL-encoded (or in ${VAR})")
    if ":" in raw:
        provider, name = raw.split(":", 1)
    elif raw in providers():
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
    if provider not in providers():
        raise ConfigError(
            f"{flag}: unknown provider {provider!r} in {text!r}; valid providers: "
            f"{', '.join(providers())}"
        )
    return ModelSpec(provider, name.strip(), base_url)


def create_model(text: str | ModelSpec, *, flag: str = "--chunky-model") -> Model:
    spec = text if isinstance(text, ModelSpec) else parse_model_string(text, flag=flag)
    return get_provider(spec.provider).factory(spec)

