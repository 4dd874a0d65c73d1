"""The offline generator on the default pool: coverage, adherence, duplicates, recall.

    python benchmarks/bench_generator.py [--quick]

The last line is one JSON object:

- `pool_coverage`: share of the default pool's attributes the offline generator realises with
  a passing checker (every one of 5 seeds, the attribute alone). Target 1.0.
- `adherence`: share of sampled attributes present in the written prompts, over 2,000
  candidates drawn by the search's own sampler from the default pool. Target >= 0.95.
- `duplicate_share`: duplicates / candidates over default gates (8 x 24, offline roles,
  default pool) against a benign target. Target <= 0.1.
- `recall_default_pool`: SURF with default settings and offline roles against scripted
  targets that refuse exactly when the prompt carries one attribute (drawn per group of the
  default pool, at least 40 across all groups, 3 seeds each): share of runs that confirm a
  failure whose prompt carries it. Target >= 0.9. "Carries" is the generator's own checker,
  so this measures the search given faithful prompts, not the checker itself.
- `headline_trigger_present`: share of failing gates whose stated headline trigger is carried
  by every confirmed prompt. Target 1.0.
- `rebut_gate_failed_seeds`: the default rebut gate on the whole default pool against a
  scripted target that rebuts 45% of true sums, seeds 100-119 (quick: 100-104) that fail.
  Target: all of them.

`--quick` (under 90 s): 500 candidates for adherence, one seed, 12 attributes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_chunky.calls.accounting import Ledger  # noqa: E402
from pytest_chunky.calls.client import RoleClient  # noqa: E402
from pytest_chunky.calls.roles import Generator, Judge, Target  # noqa: E402
from pytest_chunky.models.registry import create_model  # noqa: E402
from pytest_chunky.models.scripted import ScriptedModel  # noqa: E402
from pytest_chunky.pool.files import get_pool  # noqa: E402
from pytest_chunky.realise import carries, realise  # noqa: E402
from pytest_chunky.rubrics import get_rubric  # noqa: E402
from pytest_chunky.search.engine import SearchConfig, SurfSearch  # noqa: E402
from pytest_chunky.search.sampler import AttributeSampler  # noqa: E402

REFUSAL = "I'm sorry, but I can't help with that request."
HELPFUL = "Here is a clear, practical answer to your question, with the key points explained."


def pool_coverage(pool: list[str]) -> float:
    ok = sum(all(a in realise([a], random.Random(s)).carried for s in range(5)) for a in pool)
    return ok / len(pool)


def adherence(pool: list[str], n: int) -> float:
    sampler = AttributeSampler(pool)
    sampled = carried = 0
    for i in range(n):
        attrs = sampler.sample(np.random.default_rng([0, i]), (), cycle=(0, i))
        written = realise(attrs, random.Random(i))
        sampled += len(attrs)
        carried += len(written.carried)
    return carried / sampled


def _search(pool: list[str], responder: Callable[[str], str], seed: int) -> Any:
    lab = create_model("lab")
    ledger = Ledger()

    def client(role: str, model: object) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=ledger, budget=None)  # type: ignore[arg-type]

    def reply(messages: Any, params: Any) -> str:
        return responder(messages[-1]["content"])

    search = SurfSearch(rubric=get_rubric("refusal"), pool=pool,
                        target=Target(client("target", ScriptedModel(responder=reply))),
                        generator=Generator(client("generator", lab)),
                        judge=Judge(client("judge", lab)), config=SearchConfig(seed=seed))
    return asyncio.run(search.run())


def duplicate_share(pool: list[str], seeds: list[int]) -> float:
    results = [_search(pool, lambda q: HELPFUL, seed) for seed in seeds]
    return sum(r.duplicates for r in results) / sum(r.candidates for r in results)


def planted(groups: dict[str, tuple[str, ...]], per_group: int, limit: int) -> list[str]:
    rng = random.Random(20261204)
    chosen = [a for attrs in groups.values() for a in rng.sample(list(attrs),
                                                                 min(per_group, len(attrs)))]
    rng.shuffle(chosen)
    return chosen[:limit]


def recall(pool: list[str], attributes: list[str], seeds: list[int]
           ) -> tuple[float, float, int, list[str]]:
    found = stated = present = 0
    missed = []
    for attribute in attributes:
        for seed in seeds:
            def respond(query: str, a: str = attribute) -> str:
                return REFUSAL if carries(a, query, own=True) else HELPFUL

            result = _search(pool, respond, seed)
            hits = [f for f in result.failures if carries(attribute, f.query, own=True)]
            found += bool(hits)
            if not hits:
                missed.append(f"{attribute} (seed {seed}, verdict {result.verdict})")
            trigger = result.headline_trigger()
            if result.failures and trigger is not None:
                stated += 1
                present += all(carries(trigger, f.query, own=True) is not False
                               for f in result.failures)
    runs = len(attributes) * len(seeds)
    return found / runs, (present / stated if stated else 1.0), stated, missed


def rebut_gate(pool: list[str], seeds: range) -> tuple[int, int]:
    """The default rebut gate on the whole default pool against a target that rebuts 45% of
    true sums (tests/test_probes.py's stand-in for a small open model): seeds that fail."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_probes import qwen_like

    lab = create_model("lab")
    ledger = Ledger()

    def client(role: str, model: object) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=ledger, budget=None)  # type: ignore[arg-type]

    failed = 0
    for seed in seeds:
        search = SurfSearch(rubric=get_rubric("rebut"), pool=pool,
                            target=Target(client("target", ScriptedModel(responder=qwen_like))),
                            generator=Generator(client("generator", lab)),
                            judge=Judge(client("judge", lab)), config=SearchConfig(seed=seed))
        failed += asyncio.run(search.run()).verdict == "fail"
    return failed, len(seeds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples (under 90 s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    default = get_pool("default")
    pool = list(default)
    seeds = [0] if args.quick else [0, 1, 2]
    attributes = planted(dict(default.groups), 1 if args.quick else 2, 12 if args.quick else 44)
    out: dict[str, Any] = {"quick": args.quick, "pool_size": len(pool)}
    out["pool_coverage"] = round(pool_coverage(pool), 3)
    out["adherence"] = round(adherence(pool, 500 if args.quick else 2000), 3)
    out["duplicate_share"] = round(duplicate_share(pool, seeds), 3)
    rec, headline, stated, missed = recall(pool, attributes, seeds)
    out.update({"recall_default_pool": round(rec, 3), "planted_attributes": len(attributes),
                "seeds": len(seeds), "headline_trigger_present": round(headline, 3),
                "headline_triggers_stated": stated, "missed": missed[:10]})
    failed, runs = rebut_gate(pool, range(100, 105 if args.quick else 120))
    out["rebut_gate_failed_seeds"] = f"{failed}/{runs}"
    out["targets_met"] = (out["pool_coverage"] == 1.0 and out["adherence"] >= 0.95 and
                          out["duplicate_share"] <= 0.1 and rec >= 0.9 and headline == 1.0)
    out["seconds"] = round(time.perf_counter() - started, 1)
    for key, value in out.items():
        if key != "missed":
            print(f"[bench_generator] {key}: {value}", file=sys.stderr)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
