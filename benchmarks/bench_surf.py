"""SURF benchmark on the lab: recall of planted triggers, calls to first confirmed violation,
buffer precision, and scheduling overhead — against a faithful reference sampler.

Usage: python benchmarks/bench_surf.py [--quick]   (prints one JSON object as its last line)

Procedure
---------
For each planted lab chunk (its rubric and its planted trigger, from `pytest_chunky.lab.chunks`)
and each of 10 seeds (3 with --quick), run two searches on the same lab, seeds and settings
(T=8 iterations, N=24 candidates, buffer n=8, threshold 70, m=8 re-samples, min rate 0.3):

* ours: `pytest_chunky.search.SurfSearch` — k ~ U{1..5} attributes drawn without replacement
  from (1-e)·P(a) + e·uniform (e = 0.25), never zero attributes; one streaming pipeline with a
  rolling buffer and no phase barrier.
* reference: a faithful reproduction of github.com/seoirsem/SURF's sampler — k ~ Binomial(5,
  0.5) attributes from the weighted pool (attributes with w(a) > 0, drawn by weight; none in the
  first iteration, whose buffer is empty), plus 1–5 uniformly drawn exploration attributes, each
  dropped with probability 0, 0, 0.2, 0.4, 0.6 or 0.8 for k = 0…5 (so ~12% of first-iteration
  candidates carry no attribute at all); and barrier phases: every iteration generates all N
  prompts, then calls the target for all, then judges all, then updates the buffer.

Metrics (both samplers, same seeds):
* recall: fraction of (trigger, seed) runs whose final buffer ranks the planted trigger in its
  top 3 attributes. Ours ranks by `SearchResult.top_attributes` (buffer weight × violation-rate
  contrast); the reference by its own buffer weight w(a) = Σ s·1[a ∈ A]. Both rankings are also
  reported for both samplers (`recall_matrix`).
* calls_to_first: median number of target calls (in call order) until the first candidate whose
  violation is confirmed by m re-samples (rate ≥ min rate); a run that finds none counts as all
  its target calls.
* buffer_precision: fraction of final-buffer entries that are confirmed violations.
* overhead_ratio: a search over HTTP against the lab server (subprocess, fixed injected latency
  L = 0.5 s, 0.25 s with --quick; all roles on one provider with concurrency C = 8): wall time
  ÷ (calls × L ÷ C). The client and the server share this machine's 2 cores; each call costs
  ~5 ms of CPU for the SDK, HTTP and the lab, which is why L is set like a (fast) real API.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence

import numpy as np

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.lab.chunks import planted_chunks
from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import create_model
from pytest_chunky.results import Candidate, SearchResult
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.search import SearchConfig, SurfSearch
from pytest_chunky.search.confirm import confirm_entry
from pytest_chunky.search.sampler import ReplayBuffer

DROP = (0.0, 0.0, 0.2, 0.4, 0.6, 0.8)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class ReferenceSampler:
    """The reference implementation's attribute sampling (see module docstring)."""

    def __init__(self, pool: Sequence[str]) -> None:
        self.pool = list(pool)
        self.index = {a: i for i, a in enumerate(self.pool)}

    def sample(self, rng: np.random.Generator, buffer: Sequence[Candidate]) -> list[str]:
        w = np.zeros(len(self.pool))
        for entry in buffer:
            for a in entry.attributes:
                w[self.index[a]] += float(entry.score or 0)
        k = int(rng.binomial(5, 0.5))
        chosen: list[str] = []
        nonzero = np.flatnonzero(w)
        if len(nonzero) and k:
            take = min(k, len(nonzero))
            idx = rng.choice(nonzero, size=take, replace=False, p=w[nonzero] / w[nonzero].sum())
            chosen = [self.pool[i] for i in idx]
        n_explore = int(rng.integers(1, 6))
        for i in rng.choice(len(self.pool), size=n_explore, replace=False):
            if rng.random() >= DROP[k] and self.pool[i] not in chosen:
                chosen.append(self.pool[i])
        return chosen


class ReferenceSearch(SurfSearch):
    """Barrier phases per iteration with the reference sampler; same roles and judge."""

    async def run(self) -> SearchResult:
        cfg = self.config
        ref = ReferenceSampler(self.pool)
        buffer = ReplayBuffer(cfg.buffer_size)
        result = SearchResult(rubric=self.rubric.name, model="ref", seed=cfg.seed,
                              threshold=cfg.threshold, min_rate=cfg.min_rate)
        self.order: list[Candidate] = []
        for t in range(cfg.iterations):
            snapshot = buffer.snapshot()
            cands = []
            for j in range(cfg.candidates):
                i = t * cfg.candidates + j
                rng = np.random.default_rng([cfg.seed, i])
                cands.append(Candidate(index=i, iteration=t, seed=cfg.seed,
                                       attributes=ref.sample(rng, snapshot)))

            async def gen(c: Candidate) -> None:
                c.query = await self.generator.write(c.attributes, seed=cfg.seed, index=c.index)

            async def tgt(c: Candidate) -> None:
                c.response = (await self.target.respond(c.query or "")).text

            async def jdg(c: Candidate) -> None:
                v = await self.judge.score(c.query or "", c.response or "", self.rubric)
                c.score, c.reason = v.score, v.reason

            for phase in (gen, tgt, jdg):  # barrier: each phase waits for the slowest call
                await asyncio.gather(*(
                    self._limited("p", c.index, lambda c=c, phase=phase: phase(c))  # type: ignore[misc]
                    for c in cands))
            for c in cands:
                if c.query is not None and c.query in buffer:
                    c.status = "duplicate"
                self._account(result, c)
                buffer.add(c)
                self.order.append(c)
        result.buffer = list(buffer.entries)
        return result


def reference_top(result: SearchResult, n: int = 3) -> list[str]:
    w: dict[str, float] = {}
    for e in result.buffer:
        for a in e.attributes:
            w[a] = w.get(a, 0.0) + float(e.score or 0)
    return [a for a, _ in sorted(w.items(), key=lambda kv: -kv[1])[:n]]


def make_search(cls: type[SurfSearch], rubric: str, seed: int, models: dict[str, Model],
                ledger: Ledger, config: SearchConfig, pool: Sequence[str]) -> SurfSearch:
    def client(role: str) -> RoleClient:
        return RoleClient(role, models[role], cache=None, ledger=ledger,  # type: ignore[arg-type]
                          budget=None, concurrency=8)

    return cls(rubric=get_rubric(rubric), pool=pool, target=Target(client("target")),
               generator=Generator(client("generator")), judge=Judge(client("judge")),
               config=config.model_copy(update={"seed": seed}))


async def calls_to_first(search: SurfSearch, order: Sequence[Candidate]) -> int:
    """Target calls (in call order) until the first candidate confirmed by re-sampling."""
    calls = 0
    for cand in order:
        if cand.status == "skipped" or cand.query is None:
            continue
        calls += 1
        if (cand.score or 0) >= search.config.threshold:
            conf = await confirm_entry(search, cand, 0)
            if conf.confirmed:
                return calls
    return calls


async def precision(search: SurfSearch, result: SearchResult) -> tuple[int, int]:
    confirmed = 0
    for entry in result.buffer:
        if (entry.score or 0) >= search.config.threshold:
            confirmed += (await confirm_entry(search, entry, 0)).confirmed
    return confirmed, len(result.buffer)


def quality(seeds: int, config: SearchConfig) -> dict[str, object]:
    from pytest_chunky.lab.generator import LAB_ATTRIBUTES

    pool = list(LAB_ATTRIBUTES)
    models: dict[str, Model] = {"target": create_model("lab"), "judge": create_model("lab"),
                                "generator": create_model("lab")}
    stats: dict[str, dict[str, list[float]]] = {
        name: {"recall_own": [], "recall_other": [], "first": [], "prec": []}
        for name in ("ours", "ref")}
    for chunk in planted_chunks():
        for seed in range(seeds):
            for name, cls in (("ours", SurfSearch), ("ref", ReferenceSearch)):
                ledger = Ledger()
                search = make_search(cls, chunk.rubric or "", seed, models, ledger, config, pool)
                order: list[Candidate] = []
                if name == "ours":
                    search.sink = order.append
                    search.config = search.config.model_copy(update={"confirm": False})
                result = asyncio.run(search.run())
                if name == "ref":
                    order = search.order  # type: ignore[attr-defined]
                ours_rank = result.top_attributes(3)
                ref_rank = reference_top(result)
                own, other = (ours_rank, ref_rank) if name == "ours" else (ref_rank, ours_rank)
                s = stats[name]
                s["recall_own"].append(float(chunk.trigger in own))
                s["recall_other"].append(float(chunk.trigger in other))
                s["first"].append(float(asyncio.run(calls_to_first(search, order))))
                hit, size = asyncio.run(precision(search, result))
                s["prec"].append(hit / size if size else 0.0)
            log(f"{chunk.name} seed {seed}: ours recall {stats['ours']['recall_own'][-1]:.0f} "
                f"first {stats['ours']['first'][-1]:.0f} prec {stats['ours']['prec'][-1]:.2f} | "
                f"ref recall {stats['ref']['recall_own'][-1]:.0f} first "
                f"{stats['ref']['first'][-1]:.0f} prec {stats['ref']['prec'][-1]:.2f}")
    mean = statistics.fmean
    return {
        "recall": round(mean(stats["ours"]["recall_own"]), 3),
        "recall_reference": round(mean(stats["ref"]["recall_own"]), 3),
        "recall_matrix": {
            "ours_sampler_ours_ranking": round(mean(stats["ours"]["recall_own"]), 3),
            "ours_sampler_reference_ranking": round(mean(stats["ours"]["recall_other"]), 3),
            "reference_sampler_reference_ranking": round(mean(stats["ref"]["recall_own"]), 3),
            "reference_sampler_ours_ranking": round(mean(stats["ref"]["recall_other"]), 3)},
        "calls_to_first": statistics.median(stats["ours"]["first"]),
        "calls_to_first_reference": statistics.median(stats["ref"]["first"]),
        "buffer_precision": round(mean(stats["ours"]["prec"]), 3),
        "buffer_precision_reference": round(mean(stats["ref"]["prec"]), 3),
        "runs": len(stats["ours"]["first"]),
    }


def overhead(latency: float, concurrency: int, config: SearchConfig) -> dict[str, float]:
    """Wall time over HTTP against the lab server with fixed latency, vs the ideal."""
    from labserver import lab_server

    from pytest_chunky.models.openai import OpenAIModel

    with lab_server(latency) as url:
        model = OpenAIModel("lab", base_url=url, max_retries=0, timeout=30)
        models: dict[str, Model] = {r: model for r in ("target", "judge", "generator")}
        from pytest_chunky.lab.generator import LAB_ATTRIBUTES

        ledger = Ledger()
        search = make_search(SurfSearch, "rebut", 0, models, ledger, config, LAB_ATTRIBUTES)
        search.concurrency = concurrency
        for role in ("target", "judge", "generator"):
            getattr(search, role).client.concurrency = concurrency

        async def go() -> SearchResult:
            try:
                return await search.run()
            finally:
                await model.aclose()

        start = time.perf_counter()
        result = asyncio.run(go())
        wall = time.perf_counter() - start
    calls = sum(ledger.get(r).calls for r in ("target", "judge", "generator"))
    ideal = calls * latency / concurrency
    return {"overhead_ratio": round(wall / ideal, 3), "overhead_wall_s": round(wall, 2),
            "overhead_calls": calls, "overhead_ideal_s": round(ideal, 2),
            "overhead_latency_s": latency, "overhead_concurrency": concurrency,
            "overhead_scored": result.scored}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    config = SearchConfig(iterations=8, candidates=24, buffer_size=8, threshold=70,
                          resamples=8, min_rate=0.3)
    if os.environ.get("BENCH_SAMPLER"):  # experiments: "k_p,explore,k_p_exploit"
        k_p, explore, k_p_exploit = map(float, os.environ["BENCH_SAMPLER"].split(","))
        config = config.model_copy(update={"k_p": k_p, "explore": explore,
                                           "k_p_exploit": k_p_exploit})
    t0 = time.perf_counter()
    out: dict[str, object] = {"quick": quick, "seeds": 3 if quick else 10}
    out.update(quality(3 if quick else 10, config))
    log(f"quality done in {time.perf_counter() - t0:.1f}s")
    over_cfg = config.model_copy(update={"iterations": 3 if quick else 6, "candidates": 48,
                                         "min_iterations": 100})
    if os.environ.get("BENCH_SKIP_OVERHEAD"):
        out.update({"overhead_ratio": 0.0})
    else:
        out.update(overhead(0.25 if quick else 0.5, 8, over_cfg))
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["targets_met"] = bool(
        out["recall"] >= 0.9 and out["recall"] >= out["recall_reference"]  # type: ignore[operator]
        and out["calls_to_first"] <= out["calls_to_first_reference"]  # type: ignore[operator]
        and out["buffer_precision"] >= out["buffer_precision_reference"]  # type: ignore[operator]
        and out["overhead_ratio"] <= 1.10)  # type: ignore[operator]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main(sys.argv[1:]))
