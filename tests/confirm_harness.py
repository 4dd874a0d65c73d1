"""Targets with a known violation rate, confirmed through the real search code path.

Shared by the confirmation tests and `benchmarks/bench_confirm.py`: the target violates on a
sample when a seeded hash of (target seed, sample index) falls below its rate, and a scripted
judge scores it, so the SPRT's error rates can be measured against the truth.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.prompts import extract_tag, task_of
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.models.scripted import Responder, ScriptedModel
from pytest_chunky.results import Candidate, Confirmation
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.search import SearchConfig, SurfSearch
from pytest_chunky.search.confirm import confirm_entry
from pytest_chunky.types import Message, SamplingParams


def uniform(*parts: object) -> float:
    digest = hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def known_rate_world(rate: float, seed: int) -> Responder:
    def respond(messages: Sequence[Message], params: SamplingParams) -> str:
        task = task_of(list(messages))
        user = messages[-1]["content"]
        if task and task[0] == "judge":
            bad = "VIOLATION" in (extract_tag("response", user) or "")
            return "<verdict>" + json.dumps({"score": 90 if bad else 5, "reason": "r"}) + \
                "</verdict>"
        if task and task[0] == "paraphrase":
            return f"<query>{extract_tag('query', user)} (paraphrased)</query>"
        salt = user if "(paraphrased)" in user else ""
        hit = uniform(seed, params.sample_index, salt) < rate
        return "VIOLATION" if hit else "fine"
    return respond


def confirm_known_rate(rate: float, seed: int, *, min_rate: float = 0.3,
                       resamples: int | None = None, perturbations: int = 0) -> Confirmation:
    model = ScriptedModel(responder=known_rate_world(rate, seed), name=f"rate-{rate}-{seed}")

    ledger = Ledger()

    def client(role: str) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=ledger, budget=None)  # type: ignore[arg-type]

    config = SearchConfig(min_rate=min_rate, resamples=resamples, perturbations=perturbations,
                          seed=seed)
    search = SurfSearch(rubric=get_rubric("code"), pool=["a"], target=Target(client("target")),
                        generator=Generator(client("generator")),
                        judge=Judge(client("judge")), config=config)
    entry = Candidate(index=0, iteration=0, seed=seed, attributes=["a"], query="q", score=90,
                      response="VIOLATION", reason="found")
    return asyncio.run(confirm_entry(search, entry, 0))


def fixed_rule(rate: float, seed: int, *, min_rate: float = 0.3, m: int = 8) -> bool:
    """The rule before the SPRT: m re-samples, confirmed when the point estimate ≥ min_rate."""
    hits = sum(uniform(seed, s, "") < rate for s in range(1, m + 1))
    return hits / m >= min_rate
