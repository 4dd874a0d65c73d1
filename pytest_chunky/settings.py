"""Run settings: one frozen, validated object built from defaults < ini < CLI < marker.

The option table (`options`) is the single source for flags, ini keys, help text and
validation, so the plugin registers exactly what the settings object accepts and an error can
always name the flag the user typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pytest_chunky.infra.credentials import interpolate, redacted_repr_args
from pytest_chunky.infra.errors import ConfigError, shown
from pytest_chunky.options import OPTIONS_BY_FIELD, OptionSpec

CacheMode = Literal["off", "read", "write", "readwrite", "replay"]


class Settings(BaseModel):
    """Everything a run needs to know; frozen so a test cannot change another test's run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __repr_args__(self) -> Any:  # model strings hold URLs: never a credential in a repr
        return redacted_repr_args(super().__repr_args__())

    model: str | None = None
    judge: str | None = None
    generator: str | None = None
    baseline_model: str | None = None
    boundary: str | None = None
    extractor: str | None = None
    embedder: str | None = None
    threshold: float = Field(70.0, ge=0, le=100)
    iterations: int = Field(8, ge=1, le=1000)
    candidates: int = Field(24, ge=1, le=10000)
    pipelines: int = Field(1, ge=1, le=256)
    seed: int = Field(0, ge=0)
    buffer_size: int = Field(8, ge=1, le=1000)
    resamples: int | None = Field(None, ge=1, le=10000)
    min_rate: float = Field(0.3, ge=0, le=1)
    cache: CacheMode = "readwrite"
    cache_dir: Path = Path(".chunky")
    budget_calls: int | None = Field(None, ge=1)
    budget_tokens: int | None = Field(None, ge=1)
    budget_usd: float | None = Field(None, gt=0)
    concurrency: int = Field(8, ge=1, le=1024)
    rpm: int | None = Field(None, ge=1)
    timeout: float = Field(300.0, gt=0)
    max_retries: int | None = Field(None, ge=0, le=20)
    test_timeout: float | None = Field(None, gt=0)
    breaker: int = Field(8, ge=0)
    max_response_chars: int = Field(200_000, ge=100)
    max_tokens: int | None = Field(None, ge=1, le=200_000)
    temperature: float | None = Field(None, ge=0, le=2)
    target_max_tokens: int | None = Field(None, ge=1, le=200_000)
    judge_max_tokens: int | None = Field(None, ge=1, le=200_000)
    generator_max_tokens: int | None = Field(None, ge=1, le=200_000)
    target_temperature: float | None = Field(None, ge=0, le=2)
    judge_temperature: float | None = Field(None, ge=0, le=2)
    generator_temperature: float | None = Field(None, ge=0, le=2)
    rubrics: tuple[str, ...] = ()
    turf_index: Path | None = None
    replay_only: bool = False
    report: Path | None = None
    json_report: Path | None = None

    def sampling(self, role: str) -> tuple[int, float]:
        """(max_tokens, temperature) of a role: its own flag, else the shared one, else the
        default (1024 tokens; temperature 1 for the target and generator, 0 for the judge)."""
        tokens = getattr(self, f"{role}_max_tokens") or self.max_tokens or 1024
        own = getattr(self, f"{role}_temperature")
        shared = self.temperature if role != "judge" else None
        default = 0.0 if role == "judge" else 1.0
        return tokens, next(t for t in (own, shared, default) if t is not None)

    @field_validator("model", "judge", "generator", "extractor", "embedder")
    @classmethod
    def _model_string(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None




def _describe_valid(field: str) -> str:
    spec = OPTIONS_BY_FIELD.get(field)
    if spec and spec.choices:
        return "valid values: " + ", ".join(spec.choices)
    info = Settings.model_fields.get(field)
    if info is None:
        return ""
    bounds = []
    for meta in info.metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                bounds.append(f"{sym} {getattr(meta, attr)}")
    kind = spec.kind if spec else "value"
    text = {"int": "an integer", "float": "a number", "bool": "true or false",
            "path": "a path", "list": "a list", "str": "a string"}.get(kind, kind)
    return f"expected {text}" + (" " + " and ".join(bounds) if bounds else "")


def settings_error(exc: ValidationError, *, source: str = "flag") -> ConfigError:
    """Turn a pydantic error into one line that names the flag (or marker argument)."""
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    spec = OPTIONS_BY_FIELD.get(field)
    name = (spec.flag if source == "flag" else f"{source} argument {field!r}") if spec else field
    got = first.get("input")
    valid = _describe_valid(field)
    return ConfigError(f"{name}: invalid value {shown(got)} ({first['msg']}); {valid}"
                       .rstrip("; "))


def _coerce(spec: OptionSpec, raw: Any) -> Any:
    """Ini values arrive as strings; the option table says what they mean.

    `${VAR}` in a string value is expanded from the environment, so secrets stay out of ini
    files and CI logs.
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = interpolate(raw, where=spec.flag)
    if spec.kind == "bool" and isinstance(raw, str):
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off", ""):
            return False
        return raw
    if spec.kind == "list":
        if isinstance(raw, str):
            return tuple(p for p in raw.replace(",", " ").split() if p)
        return tuple(raw)
    if isinstance(raw, str) and spec.kind != "str" and raw.strip() == "":
        return None
    return raw


def build_settings(*layers: Mapping[str, Any]) -> Settings:
    """Merge layers (later wins; None means "not given") and validate once."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, raw in layer.items():
            spec = OPTIONS_BY_FIELD.get(key)
            value = _coerce(spec, raw) if spec else raw
            if value is None or (spec and spec.kind == "list" and value == ()):
                continue
            merged[key] = value
    try:
        return Settings(**merged)
    except ValidationError as exc:
        raise settings_error(exc) from None


def override(settings: Settings, values: Mapping[str, Any], *, source: str) -> Settings:
    """Apply marker-level overrides; errors name the marker argument, not a flag."""
    unknown = sorted(set(values) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{source}: unknown argument(s) {', '.join(map(shown, unknown))}")
    data = settings.model_dump()
    data.update({k: v for k, v in values.items() if v is not None})
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise settings_error(exc, source=source) from None


def role_models(settings: Settings) -> dict[str, str | None]:
    from pytest_chunky.models.registry import default_roles, parse_model_string

    """Model strings per role (None where nothing is configured).

    A self-contained target (the lab, a generated world) brings its own other roles; a real
    target needs a judge.
    """
    parsed = parse_model_string(settings.model) if settings.model else None
    default = default_roles(parsed) if parsed is not None else None
    judge = settings.judge or default
    if settings.model is not None and judge is None:
        raise ConfigError(
            f"--chunky-model={settings.model} needs a judge: pass --chunky-judge=MODEL (e.g. "
            "--chunky-judge=anthropic:claude-opus-4-5, or lab for the offline detectors) or "
            "set chunky_judge in your ini file")
    return {"target": settings.model, "judge": judge,
            "generator": settings.generator or default or judge,
            # Offline by default (the index's data features): a user's judge is not
            # necessarily a good (or a working) extractor, and attribution never breaks a gate.
            "extractor": None if settings.extractor in (None, "data") else settings.extractor}
