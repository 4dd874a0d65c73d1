"""`@chunky.steer` outside pytest: marker arguments to a SearchResult carrying SteerStats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.results import SearchResult
from pytest_chunky.steering.run import SteerConfig, generated_prompts, load_prompts, run_steer
from pytest_chunky.steering.transforms import get_transform

if TYPE_CHECKING:
    from pytest_chunky.markers import SteerSpec


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


__all__ = ["steer_check"]
