"""Steering scores (paper appendix B.1): behaviour rate on triggered minus untriggered prompts.

A base prompt set is realised in the chunk's domain; the same RNG state realised again with the
chunk's trigger gives the transformed set. Both go through the model and the chunk's detector
counts the behaviour (score >= 70).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pytest_chunky.lab.chunks import ChunkSpec
from pytest_chunky.lab.generator import realise
from pytest_chunky.lab.judge import BEHAVIOUR_THRESHOLD, judge
from pytest_chunky.lab.responder import LabResponder


@dataclass(frozen=True)
class Steering:
    chunk: str
    triggered_rate: float
    base_rate: float
    n: int

    @property
    def score(self) -> float:
        return self.triggered_rate - self.base_rate


def steering_prompts(chunk: ChunkSpec, n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Paired (base, triggered) prompts for a planted chunk."""
    if chunk.trigger is None or chunk.domain is None:
        raise ValueError(f"chunk {chunk.name!r} has no planted trigger to steer with")
    base, triggered = [], []
    for i in range(n):
        key = f"lab-steer:{seed}:{chunk.name}:{i}"
        base.append(realise([chunk.domain], random.Random(key)))
        triggered.append(realise([chunk.domain, chunk.trigger], random.Random(key)))
    return base, triggered


def behaviour_rate(model: LabResponder, prompts: list[str], detector: str, *,
                   temperature: float = 1.0, samples: int = 1,
                   threshold: int = BEHAVIOUR_THRESHOLD) -> float:
    hits = 0
    for prompt in prompts:
        for k in range(samples):
            text = model.respond(prompt, temperature=temperature, sample_index=k).text
            hits += judge(detector, prompt, text)[0] >= threshold
    return hits / max(1, len(prompts) * samples)


def steering_score(model: LabResponder, chunk: ChunkSpec, *, n: int = 50, seed: int = 0,
                   temperature: float = 1.0, samples: int = 1) -> Steering:
    if chunk.detector is None:
        raise ValueError(f"chunk {chunk.name!r} has no detector")
    base, triggered = steering_prompts(chunk, n, seed)
    return Steering(chunk.name,
                    behaviour_rate(model, triggered, chunk.detector, temperature=temperature,
                                   samples=samples),
                    behaviour_rate(model, base, chunk.detector, temperature=temperature,
                                   samples=samples), n)
