"""Run a steering measurement: each prompt answered as is and transformed, both judged."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.infra.errors import BudgetExceeded, ChunkyError, ConfigError, InputError
from pytest_chunky.infra.jsonl import read_jsonl
from pytest_chunky.infra.userfiles import read_text, stat_file
from pytest_chunky.results import SteerStats
from pytest_chunky.rubrics import Rubric
from pytest_chunky.stats import paired_steering
from pytest_chunky.steering.transforms import Transform, transformed


class SteerConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    threshold: float = 70.0
    max_delta: float = Field(0.1, ge=0, le=1)
    alpha: float = Field(0.05, gt=0, lt=0.5)
    seed: int = 0
    concurrency: int = Field(8, ge=1)


class SteerSample(BaseModel):
    prompt: str
    transformed: str
    base_score: int | None = None
    transformed_score: int | None = None
    base_response: str = ""
    transformed_response: str = ""
    error: str | None = None


def load_prompts(spec: str | Path | Sequence[str], n: int | None = None) -> list[str]:
    """Prompts from a list, a .txt file (one per line) or a .jsonl file (`prompt` field)."""
    if not isinstance(spec, str | Path):
        prompts = [str(p) for p in spec]
    else:
        path = Path(spec)
        hint = ("; pass a .txt or .jsonl file, a list of prompts, 'generator' or 'memory'")
        prompts = []
        if path.suffix == ".jsonl":
            for lineno, row, shown in read_jsonl(path, "prompt set", missing_hint=hint):
                if not isinstance(row.get("prompt"), str):
                    raise InputError("needs a string", path=shown, line=lineno, field="prompt")
                prompts.append(row["prompt"])
        else:
            p, shown, _ = stat_file(path, "prompt set", missing_hint=hint)
            prompts = [line.strip() for line in read_text(p, "the prompt set", shown).split("\n")
                       if line.strip()]
    if not prompts:
        raise InputError("the prompt set is empty", path=str(spec)[:80])
    return prompts[:n] if n else prompts


async def generated_prompts(generator: Generator, pool: Sequence[str], n: int,
                            seed: int) -> tuple[list[str], list[list[str]]]:
    """`n` prompts written by the generator from 1-3 attributes of the pool each, and those
    attributes (an `inject:` transform rewrites each prompt knowing what it was written from)."""
    rng = random.Random(seed)
    picks = [rng.sample(list(pool), k=min(len(pool), rng.randint(1, 3))) for _ in range(n)]
    prompts = await asyncio.gather(*(generator.write(a, seed=seed, index=i)
                                     for i, a in enumerate(picks)))
    return list(prompts), picks


async def run_steer(prompts: Sequence[str], transform: Transform, *, target: RoleClient,
                    judge: Judge, rubric: Rubric, config: SteerConfig,
                    system_prompt: str | None = None, generator: Generator | None = None,
                    attributes: Sequence[Sequence[str]] | None = None
                    ) -> tuple[SteerStats, list[SteerSample]]:
    """Score every prompt as is and transformed; a pair with an error is left out and counted.

    `attributes[i]`, when given, are what the generator wrote prompt i from (seed
    `config.seed`, index i).
    """
    plain = Target(target, system_prompt=system_prompt)
    steered = Target(target, system_prompt=transform.system or system_prompt)
    slots = asyncio.Semaphore(config.concurrency)

    async def score(who: Target, prompt: str, index: int) -> tuple[int, str]:
        async with slots:
            completion: Any = await who.respond(prompt, sample_index=index)
            verdict = await judge.score(prompt, completion.text, rubric, index=index)
        if verdict.score is None:  # an abstention is no score: the pair cannot count
            raise ChunkyError(f"the judge could not decide: {verdict.reason}")
        return verdict.score, completion.text

    async def one(i: int, prompt: str) -> SteerSample:
        sample = SteerSample(prompt=prompt, transformed=transformed(transform, prompt,
                                                                    config.seed))
        try:
            if (transform.language or transform.feature) and generator is None:
                raise ConfigError(f"transform {transform.name!r} needs a generator")
            if transform.language and generator is not None:
                sample.transformed = await generator.translate(
                    prompt, transform.language, seed=config.seed, index=i)
            if transform.feature and generator is not None:
                sample.transformed = await generator.inject(
                    prompt, transform.feature, seed=config.seed, index=i,
                    attributes=attributes[i] if attributes else None)
            (sample.base_score, sample.base_response), (
                sample.transformed_score, sample.transformed_response) = await asyncio.gather(
                score(plain, prompt, i), score(steered, sample.transformed, i))
        except BudgetExceeded:
            raise
        except ChunkyError as exc:
            sample.error = str(exc)
        return sample

    samples = list(await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts))))
    done = [s for s in samples if s.error is None]
    pairs = [((s.base_score or 0) >= config.threshold,
              (s.transformed_score or 0) >= config.threshold) for s in done]
    stats = paired_steering(pairs, transform=transform.name, max_delta=config.max_delta,
                            alpha=config.alpha, seed=config.seed,
                            errors=len(samples) - len(done))
    return stats, samples
