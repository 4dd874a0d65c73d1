"""What `@chunky.surf` and `@chunky.steer` accept: marker arguments validated up front.

Bad arguments raise a `ConfigError` that names the argument and the valid values, so the plugin
stops the run at collection with one line, as it does for a bad flag.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pytest_chunky.infra.credentials import redacted_repr_args
from pytest_chunky.infra.errors import ConfigError, shown
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.settings import Settings, override
from pytest_chunky.steering.transforms import get_transform

__all__ = ["MARKER_ARGS", "STEER_ARGS", "SteerSpec", "SurfSpec", "parse_marker", "parse_steer"]


class SurfSpec(BaseModel):
    """The marker's own arguments (the rest override settings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __repr_args__(self) -> Any:  # `baseline` is a model string
        return redacted_repr_args(super().__repr_args__())

    rubric: str
    attributes: str | tuple[str, ...] | None = None
    system_prompt: str | None = None
    perturbations: int = Field(default=0, ge=0, le=100)
    baseline: str | None = None  # a model string; else --chunky-baseline-model
    mode: Literal["regression", "report"] = "report"
    alpha: float = Field(default=0.05, gt=0, lt=0.5)
    boundary: str | None = None  # a system prompt ("rubric": its principle); else --chunky-boundary


SETTINGS_ARGS = {"threshold", "iterations", "candidates", "pipelines", "min_rate", "seed",
                 "resamples", "buffer_size", "turf_index", "concurrency", "rpm"}
BUDGET_KEYS = {"calls": "budget_calls", "usd": "budget_usd", "tokens": "budget_tokens"}
MARKER_ARGS = sorted({*SurfSpec.model_fields, *SETTINGS_ARGS, "budget"})


def parse_marker(kwargs: dict[str, Any], settings: Settings) -> tuple[Settings, SurfSpec]:
    """Validate `@chunky.surf(...)` arguments into (settings with overrides, spec)."""
    where = "@chunky.surf"
    unknown = sorted(set(kwargs) - set(MARKER_ARGS))
    if unknown:
        raise ConfigError(f"{where}: unknown argument(s) {', '.join(map(shown, unknown))}; "
                          f"valid arguments: {', '.join(MARKER_ARGS)}")
    if "rubric" not in kwargs:
        raise ConfigError(f"{where}: missing required argument 'rubric'")
    values = {k: v for k, v in kwargs.items() if k in SETTINGS_ARGS}
    budget = kwargs.get("budget")
    if budget is not None:
        if isinstance(budget, int) and not isinstance(budget, bool):
            budget = {"calls": budget}
        if not isinstance(budget, dict) or set(budget) - set(BUDGET_KEYS):
            raise ConfigError(f"{where}: argument 'budget' must be a number of calls or a "
                              f"dict with keys {', '.join(BUDGET_KEYS)}; got {shown(budget)}")
        values.update({BUDGET_KEYS[k]: v for k, v in budget.items()})
    try:
        merged = override(settings, values, source=where)
    except ConfigError as exc:
        # The budget dict maps onto budget_* settings; name what the user wrote.
        raise ConfigError(re.sub(r"argument '(budget)_(calls|usd|tokens)'",
                                 r"argument '\1' (key '\2')", str(exc))) from None
    spec_args = {k: v for k, v in kwargs.items() if k in SurfSpec.model_fields}
    if isinstance(spec_args.get("attributes"), list):
        spec_args["attributes"] = tuple(spec_args["attributes"])
    try:
        spec = SurfSpec(**spec_args)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"{where}: argument {err['loc'][0]!r}: {err['msg']} "
                          f"(got {shown(err.get('input'))})") from None
    get_rubric(spec.rubric, merged.rubrics)  # unknown names fail at collection
    return merged, spec


STEER_ARGS = ("rubric", "transform", "prompts", "pool", "n", "max_delta", "alpha", "threshold",
              "seed", "system_prompt")


class SteerSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    rubric: str
    transform: Any
    prompts: Any = "generator"
    pool: list[str] | None = Field(None, min_length=1)  # prompts="generator" writes from these
    n: int = Field(40, ge=1, le=10000)
    max_delta: float = Field(0.1, ge=0, le=1)
    alpha: float = Field(0.05, gt=0, lt=0.5)
    threshold: float | None = Field(None, ge=0, le=100)
    seed: int | None = Field(None, ge=0)
    system_prompt: str | None = None


def parse_steer(kwargs: dict[str, Any]) -> SteerSpec:
    unknown = sorted(set(kwargs) - set(STEER_ARGS))
    if unknown:
        raise ConfigError(f"@chunky.steer: unknown argument(s) {', '.join(map(shown, unknown))};"
                          f" valid arguments: {', '.join(STEER_ARGS)}")
    for required in ("rubric", "transform"):
        if required not in kwargs:
            raise ConfigError(f"@chunky.steer: missing required argument {required!r}")
    try:
        spec = SteerSpec(**kwargs)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        raise ConfigError(f"@chunky.steer argument {field!r}: {first['msg']} "
                          f"(got {shown(first.get('input'))})") from None
    get_transform(spec.transform)  # a bad transform fails at collection, not mid-run
    return spec
