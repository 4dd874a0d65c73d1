"""`@chunky.steer` outside pytest: marker arguments to a SearchResult carrying SteerStats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pytest_chunky.infra.errors import ConfigError, shown
from pytest_chunky.results import SearchResult
from pytest_chunky.steering.run import SteerConfig, generated_prompts, load_prompts, run_steer
from pytest_chunky.steering.transforms import get_transform

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


async def steer_check(spec: SteerSpec, *, check: Any, test_id: str,
                      memory_prompts: Callable[[], Sequence[str]]) -> SearchResult:
    """Run one steering gate with the roles of a runner `Check`."""
    s = check.settings
    seed = s.seed if spec.seed is None else spec.seed
    threshold = s.threshold if spec.threshold is None else spec.threshold
    attributes = None
    if isinstance(spec.prompts, str) and spec.prompts == "generator":
        prompts, attributes = await generated_prompts(check.generator, spec.pool or check.pool,
                                                      spec.n, seed)
    elif isinstance(spec.prompts, str) and spec.prompts == "memory":
        prompts = list(memory_prompts())[: spec.n]
        if not prompts:
            raise ConfigError(f"{test_id}: prompts='memory' but the failure memory has no "
                              "prompts for this test yet; run its @chunky.surf gate first")
    else:
        prompts = load_prompts(spec.prompts, spec.n)
    config = SteerConfig(threshold=threshold, max_delta=spec.max_delta, alpha=spec.alpha,
                         seed=seed, concurrency=s.concurrency)
    stats, samples = await run_steer(prompts, get_transform(spec.transform),
                                     target=check.target.client, judge=check.judge,
                                     rubric=check.rubric, config=config,
                                     system_prompt=spec.system_prompt,
                                     generator=check.generator, attributes=attributes)
    result = SearchResult(rubric=check.rubric.name, model=check.target.client.model.spec,
                          seed=seed, threshold=threshold, min_rate=0.0, steer=stats,
                          candidates=len(samples), scored=stats.n, errors=stats.errors,
                          error_messages=[x.error for x in samples if x.error][:5])
    result.usage = check.ledger.as_dict()
    return result
