"""Benchmark the lab on generated worlds: does the trainer learn any world, and does SURF find it?

For each of N worlds (`build-world` with seeds from --seed-base, never tuned to), the chunky
model is trained on `sft.jsonl` and the clean twin on `clean.jsonl`, both through the `lab:DIR`
/ `lab-clean:DIR` model strings. Per planted chunk:

- steering (paper appendix B.1): the behaviour rate on the chunk's triggered prompts minus the
  rate on the same prompts without the trigger, judged by the world's detector, on both models;
- SURF with the world's own generator, judge and pool (all `lab:DIR` roles) against the chunky
  model: does the final buffer rank the true trigger in its top 3? The same gate against the
  clean model is a false alarm if it fails.

`train_seconds_100k` times `pytest_chunky.lab.train` on a generated 100k-example world.
Progress goes to stderr; the last stdout line is one JSON object.

    python benchmarks/bench_world.py [--quick] [--worlds N] [--seed-base S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.roles import Generator, Judge, Target
from pytest_chunky.lab.role_model import LabRoleModel
from pytest_chunky.lab.trainer import train
from pytest_chunky.lab.worlds import build_world, load_world
from pytest_chunky.lab.worlds.spec import PlantedSpec
from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import create_model
from pytest_chunky.results import Candidate
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.search import SearchConfig, SurfSearch

MEDIAN_MIN, FLOOR, CLEAN_MAX, RECALL_MIN, FAMILIES_MIN = 0.5, 0.3, 0.05, 0.9, 8


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def world_search(root: Path, chunk: PlantedSpec, target: Model, roles: Model, seed: int,
                 config: SearchConfig, ledger: Ledger | None = None,
                 sink: Callable[[Candidate], None] | None = None) -> SurfSearch:
    """A SURF gate for the chunk's rubric with the world's own pool and roles (`roles` plays
    generator and judge)."""
    ledger = ledger or Ledger()

    def client(role: str, model: Model) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=ledger,  # type: ignore[arg-type]
                          budget=None, concurrency=8)

    world = load_world(root)
    return SurfSearch(
        rubric=get_rubric(root / "rubrics" / f"{chunk.rubric}.yaml"),
        pool=[a.attribute for a in world.spec.attributes],
        target=Target(client("target", target)), generator=Generator(client("generator", roles)),
        judge=Judge(client("judge", roles)), config=config.model_copy(update={"seed": seed}),
        sink=sink)


def surf(root: Path, chunk: PlantedSpec, target: Model, roles: Model, seed: int,
         config: SearchConfig) -> tuple[list[str], bool, int]:
    """(top-3 attributes, gate failed, calls) for one SURF gate with the world's own roles."""
    ledger = Ledger()
    result = asyncio.run(world_search(root, chunk, target, roles, seed, config, ledger).run())
    calls = sum(int(v.get("calls", 0)) for v in ledger.as_dict().values())
    return result.top_attributes(3), bool(result.failures), calls


def train_100k(workdir: Path, seed: int) -> dict[str, float]:
    start = time.perf_counter()
    root = build_world(seed, workdir / "w100k", size=100_000)
    built = time.perf_counter() - start
    start = time.perf_counter()
    train(root / "sft.jsonl")
    return {"build_seconds_100k": round(built, 1),
            "train_seconds_100k": round(time.perf_counter() - start, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 small worlds (under 90 s)")
    parser.add_argument("--worlds", type=int, help="worlds to generate (default 5 quick, 20)")
    parser.add_argument("--seed-base", type=int, default=1000, help="first world seed")
    parser.add_argument("--size", type=int, help="examples per world (default 3000 quick, 6000)")
    parser.add_argument("--n", type=int, help="steering prompts per condition (40 quick, 100)")
    parser.add_argument("--no-100k", action="store_true", help="skip the 100k training timing")
    args = parser.parse_args()
    worlds = args.worlds or (5 if args.quick else 20)
    size = args.size or (3000 if args.quick else 6000)
    n = args.n or (40 if args.quick else 100)
    samples = 1 if args.quick else 2
    config = SearchConfig(iterations=6 if args.quick else 8)

    families: dict[str, dict[str, list[float]]] = {}
    recall: list[float] = []
    false_alarms = gates = calls = 0
    per_world: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-world-") as tmp:
        for w in range(worlds):
            seed = args.seed_base + w
            root = build_world(seed, Path(tmp) / f"w{seed}", size=size)
            world = load_world(root)
            chunky = create_model(f"lab:{root}")
            clean = create_model(f"lab-clean:{root}")
            assert isinstance(chunky, LabRoleModel) and isinstance(clean, LabRoleModel)
            rows = []
            for chunk in world.spec.planted:
                fam = families.setdefault(chunk.family, {"chunky": [], "clean": []})
                s_chunky = world.steering(chunky.target.responder, chunk, n, samples=samples)
                s_clean = world.steering(clean.target.responder, chunk, n, samples=samples)
                fam["chunky"].append(s_chunky)
                fam["clean"].append(s_clean)
                top, _, c1 = surf(root, chunk, chunky, chunky, seed, config)
                _, alarm, c2 = surf(root, chunk, clean, chunky, seed, config)
                found = chunk.trigger in top
                recall.append(float(found))
                false_alarms += alarm
                gates += 1
                calls += c1 + c2
                rows.append({"family": chunk.family, "behaviour": chunk.behaviour,
                             "steer": round(s_chunky, 3), "clean": round(s_clean, 3),
                             "found": found, "false_alarm": alarm})
                log(f"world {seed} {chunk.source} -> {chunk.behaviour}: steer {s_chunky:.2f} "
                    f"clean {s_clean:.2f} | SURF top3 {'has' if found else 'MISSES'} the "
                    f"trigger{' | CLEAN GATE FAILED' if alarm else ''}")
            per_world.append({"seed": seed, "chunks": rows})
        timing = {} if args.no_100k else train_100k(Path(tmp), args.seed_base + 999)
    if timing:
        log(f"100k world: built in {timing['build_seconds_100k']}s, trained in "
            f"{timing['train_seconds_100k']}s")

    summary = {name: {"median": round(statistics.median(v["chunky"]), 3),
                      "min": round(min(v["chunky"]), 3),
                      "clean_max": round(max(v["clean"]), 3), "chunks": len(v["chunky"])}
               for name, v in sorted(families.items())}
    surf_recall = round(statistics.fmean(recall), 3)
    ok = (len(summary) >= FAMILIES_MIN
          and all(f["median"] >= MEDIAN_MIN and f["min"] >= FLOOR and f["clean_max"] <= CLEAN_MAX
                  for f in summary.values())
          and surf_recall >= RECALL_MIN and false_alarms == 0
          and timing.get("train_seconds_100k", 0) <= 30)
    out = {"worlds": worlds, "size": size, "families": summary, **timing,
           "surf_recall": surf_recall, "false_alarms": false_alarms, "clean_gates": gates,
           "calls": calls, "targets_met": ok, "per_world": per_world}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
