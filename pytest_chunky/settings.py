"""Run settings: one frozen, validated object built from defaults < ini < CLI < marker.

The option table below is the single source for flags, ini keys, help text and validation, so
the plugin registers exactly what the settings object accepts and an error can always name the
flag the user typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pytest_chunky.infra.credentials import interpolate
from pytest_chunky.infra.errors import ConfigError, shown

CacheMode = Literal["off", "read", "write", "readwrite", "replay"]
CACHE_MODES: tuple[str, ...] = ("off", "read", "write", "readwrite", "replay")


class Settings(BaseModel):
    """Everything a run needs to know; frozen so a test cannot change another test's run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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
    rubrics: tuple[str, ...] = ()
    turf_index: Path | None = None
    replay_only: bool = False
    report: Path | None = None
    json_report: Path | None = None

    @field_validator("model", "judge", "generator", "extractor", "embedder")
    @classmethod
    def _model_string(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None


@dataclass(frozen=True)
class OptionSpec:
    """One setting as the user sees it: flag, ini key, help."""

    field: str
    help: str
    kind: Literal["str", "int", "float", "path", "bool", "list"] = "str"
    metavar: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def flag(self) -> str:
        return "--chunky-" + self.field.replace("_", "-")

    @property
    def ini(self) -> str:
        return "chunky_" + self.field

    @property
    def dest(self) -> str:
        return "chunky_" + self.field


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("model", "target model under test, e.g. lab, openai:gpt-5.1, claude-opus-4-5, "
               "openai:NAME@http://127.0.0.1:8000/v1", metavar="MODEL"),
    OptionSpec("judge", "judge model (defaults to the lab judge when the target is lab)",
               metavar="MODEL"),
    OptionSpec("generator", "prompt generator model (defaults to the judge)", metavar="MODEL"),
    OptionSpec("boundary", "re-sample failing gates under this system prompt ('rubric': the "
               "rubric's principle) and report how far the violations drop", metavar="TEXT"),
    OptionSpec("baseline_model", "baseline checkpoint: gates also compare the target with it "
               "(and, with mode='regression', fail only when the target is worse)",
               metavar="MODEL"),
    OptionSpec("extractor", "LLM attribute extractor for TURF (default: data features "
               "mined from the index)",
               metavar="MODEL"),
    OptionSpec("embedder", "embedder for TURF: builtin, sentence-transformers:NAME or "
               "openai:text-embedding-3-small", metavar="EMBEDDER"),
    OptionSpec("threshold", "judge score (0-100) at or above which a candidate violates",
               "float"),
    OptionSpec("iterations", "SURF iterations per pipeline (T)", "int"),
    OptionSpec("candidates", "candidates per iteration (N)", "int"),
    OptionSpec("pipelines", "parallel SURF pipelines per test, one seed each (P)", "int"),
    OptionSpec("seed", "base random seed", "int"),
    OptionSpec("buffer_size", "replay buffer size (top-n entries kept)", "int"),
    OptionSpec("resamples", "cap on re-samples per found failure; the sequential test stops "
               "earlier (default 12/min_rate)", "int"),
    OptionSpec("min_rate", "violation rate a failure needs: SPRT of min_rate/2 against 2*min_rate",
               "float"),
    OptionSpec("cache", "response cache mode", choices=CACHE_MODES),
    OptionSpec("cache_dir", "directory for the response cache and failure memory", "path"),
    OptionSpec("budget_calls", "cap on real (uncached) model calls per test", "int"),
    OptionSpec("budget_tokens", "cap on tokens (input + output) per test", "int"),
    OptionSpec("budget_usd", "cap on dollars spent per test", "float"),
    OptionSpec("concurrency", "concurrent requests per provider", "int"),
    OptionSpec("rpm", "requests per minute per provider, shared by all xdist workers", "int"),
    OptionSpec("rubrics", "extra rubric files or directories (repeatable)", "list"),
    OptionSpec("turf_index", "TURF training-data index directory; failing tests are attributed",
               "path"),
    OptionSpec("replay_only", "run only stored failing prompts, no new search", "bool"),
    OptionSpec("report", "write a self-contained HTML report to this path", "path"),
    OptionSpec("json_report", "write the session's chunky results as JSON to this path", "path"),
)
OPTIONS_BY_FIELD: dict[str, OptionSpec] = {o.field: o for o in OPTIONS}


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
