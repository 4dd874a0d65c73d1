"""Benchmark checkpoint comparison and steering gates on the lab.

- `false_alarms`: regression-mode gates (`mode="regression"`) that fail when the candidate is
  the baseline, over seeds × the lab's planted rubrics. `lab` against `lab` shares sample
  indices, so its answers are identical; `false_alarms_independent` counts gates against
  `lab-resampled`, the same checkpoint drawing other samples (sample indices shifted), where
  the McNemar test's size (alpha = 0.05 per gate) is what is measured.
- `detected`: per planted lab chunk, whether its regression gate fails for candidate `lab`
  against baseline `lab-clean`.
- `steer_scores`: per planted chunk, the steering score `@chunky.steer` measures with
  prompts="generator" over the chunk's domain and `transform="inject:<the chunk's trigger>"`
  (the generator rewrites each prompt to carry the trigger, paper B.1), and `max_steer_gap`
  its largest distance from bench_lab's own paired steering score for the chunk.
- `world_steer_gaps`: the same gap on generated worlds (`build-world`, seeds from
  `--world-seed-base`, default 1000, never tuned to), each chunk measured through the
  world's own roles, with the generator writing from the world's training-domain topics,
  against `World.steering`.
- `surface_steer_scores` / `max_surface_gap`: the built-in surface transforms (latex,
  formal_vocabulary, a product-name prefix, translate) on bench_lab's base prompts, for
  comparison: a fixed rewrite realises a trigger more weakly or strongly than the data did.

    python benchmarks/bench_regress.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_chunky.calls.accounting import Ledger  # noqa: E402
from pytest_chunky.calls.client import RoleClient  # noqa: E402
from pytest_chunky.calls.roles import Generator, Judge  # noqa: E402
from pytest_chunky.lab import planted_chunks  # noqa: E402
from pytest_chunky.lab.provider import responder_for  # noqa: E402
from pytest_chunky.lab.steering import steering_prompts, steering_score  # noqa: E402
from pytest_chunky.lab.worlds import build_world, load_world  # noqa: E402
from pytest_chunky.markers import SurfSpec  # noqa: E402
from pytest_chunky.models.base import Model  # noqa: E402
from pytest_chunky.models.registry import create_model, register_provider  # noqa: E402
from pytest_chunky.rubrics import Rubric, get_rubric  # noqa: E402
from pytest_chunky.runner import Session, build_check, run_check  # noqa: E402
from pytest_chunky.settings import build_settings  # noqa: E402
from pytest_chunky.steering import SteerConfig, get_transform, run_steer  # noqa: E402
from pytest_chunky.steering.run import generated_prompts  # noqa: E402
from pytest_chunky.types import Completion, Message, SamplingParams  # noqa: E402

TRANSFORM_FOR = {"codealpaca": "formal_vocabulary", "numinamath": "latex",
                 "confidential": "prefix:I'm asking from my new Zephyr X9.",
                 "aya_malay": "translate:Malay"}
RUBRIC = {"tool": "tool_hallucination"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Resampled(Model):
    """The lab checkpoint itself, drawing other samples: an independent rerun of the model."""

    provider = "lab-resampled"

    def __init__(self) -> None:
        self.inner = create_model("lab")
        self.name, self.fingerprint = "lab-resampled", self.inner.fingerprint

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        shifted = params.model_copy(update={"sample_index": params.sample_index + 10**6})
        return await self.inner.generate(messages, shifted)


register_provider("lab-resampled", lambda spec: Resampled())


def gate(tmp: Path, rubric: str, model: str, baseline: str, seed: int) -> tuple[str, int]:
    # The examples' budgets: the weaker formal-vocabulary trigger needs 48 candidates.
    settings = build_settings({"model": model, "baseline_model": baseline, "cache": "off",
                               "seed": seed, "cache_dir": str(tmp),
                               "candidates": 48 if rubric == "code" else 24})
    session = Session(settings)
    try:
        models = {role: session.model(spec, "--chunky-model") for role, spec in (
            ("target", model), ("judge", "lab"), ("generator", "lab"))}
        check = build_check(session, settings, SurfSpec(rubric=rubric, mode="regression"),
                            models=models)  # type: ignore[arg-type]
        result = run_check(session, check, test_id=f"{rubric}-{seed}-{baseline}",
                           runs_dir=tmp / "runs")
    finally:
        session.close()
    calls = sum(int(u.get("calls", 0)) for u in result.usage.values())
    return result.verdict, calls


def roles(model: Model) -> tuple[RoleClient, Judge, Generator]:
    def client(role: str) -> RoleClient:
        return RoleClient(role, model, cache=None, ledger=Ledger(), budget=None)

    return client("target"), Judge(client("judge")), Generator(client("generator"))


def inject_steer(model: Model, pool: list[str], trigger: str, rubric: Rubric, n: int) -> float:
    """@chunky.steer's measurement: generated prompts, each rewritten to carry `trigger`."""
    target, judge, generator = roles(model)
    prompts, attributes = asyncio.run(generated_prompts(generator, pool, n, 0))
    stats, _ = asyncio.run(run_steer(prompts, get_transform(f"inject:{trigger}"),
                                     target=target, judge=judge, rubric=rubric,
                                     config=SteerConfig(), generator=generator,
                                     attributes=attributes))
    if stats.errors:
        raise RuntimeError(f"{stats.errors} steering pairs errored for {trigger!r}")
    return stats.score


def world_gaps(first: int, worlds: int, size: int, n: int,
               tmp: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for seed in range(first, first + worlds):
        root = build_world(seed, tmp / f"w{seed}", size=size)
        world = load_world(root)
        model = create_model(f"lab:{root}")
        responder = model.target.responder  # type: ignore[attr-defined]
        # World.steering draws its base prompts from the world's training domains: so do we
        # (B.1's "dataset in roughly the same domain as the behaviour is seen").
        topics = [a.attribute for a in world.spec.attributes
                  if a.kind == "topic" and a.params["domain"] in world.spec.domains]
        for chunk in world.spec.planted:
            rubric = get_rubric(root / "rubrics" / f"{chunk.rubric}.yaml")
            score = inject_steer(model, topics, chunk.trigger, rubric, n)
            reference = world.steering(responder, chunk, n)
            rows.append({"world": seed, "family": chunk.family, "steer": round(score, 3),
                         "reference": round(reference, 3),
                         "gap": round(abs(score - reference), 3)})
            log(f"world {seed} {chunk.family}: @chunky.steer {score:+.3f}, "
                f"World.steering {reference:+.3f}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds (under 90 s)")
    parser.add_argument("--world-seed-base", type=int, default=1000,
                        help="first generated world's seed (default 1000)")
    args = parser.parse_args()
    seeds = range(3 if args.quick else 10)
    start = time.perf_counter()
    chunks = list(planted_chunks())
    rubrics = sorted({RUBRIC.get(c.detector or "", c.detector or "") for c in chunks})
    calls = 0
    false_alarms = independent = 0
    with tempfile.TemporaryDirectory(prefix="chunky-bench-regress-") as name:
        tmp = Path(name)
        for seed in seeds:
            for rubric in rubrics:
                verdict, n = gate(tmp, rubric, "lab", "lab", seed)
                false_alarms += verdict == "fail"
                verdict2, n2 = gate(tmp, rubric, "lab", "lab-resampled", seed)
                independent += verdict2 == "fail"
                calls += n + n2
            log(f"seed {seed}: false alarms so far {false_alarms}, independent {independent}")
        detected = {}
        for chunk in chunks:
            rubric = RUBRIC.get(chunk.detector or "", chunk.detector or "")
            verdict, n = gate(tmp, rubric, "lab", "lab-clean", 0)
            detected[chunk.name] = verdict == "fail"
            calls += n
        log(f"detected: {detected}")
    n = 60 if args.quick else 150
    lab = create_model("lab")
    steer: dict[str, float] = {}
    gaps = []
    for chunk in chunks:
        assert chunk.domain and chunk.trigger and chunk.detector
        rubric = get_rubric(RUBRIC.get(chunk.detector, chunk.detector))
        steer[chunk.name] = round(inject_steer(lab, [chunk.domain], chunk.trigger, rubric, n), 3)
        reference = steering_score(responder_for("lab"), chunk, n=n, seed=0).score
        gaps.append(abs(steer[chunk.name] - reference))
        log(f"{chunk.name}: @chunky.steer inject {steer[chunk.name]:+.3f}, "
            f"bench_lab {reference:+.3f}")
    surface: dict[str, float] = {}
    surface_gaps = []
    target, judge, generator = roles(lab)
    for chunk in chunks:
        if chunk.name not in TRANSFORM_FOR:
            continue
        base, _ = steering_prompts(chunk, n, 0)
        rubric = get_rubric(RUBRIC.get(chunk.detector or "", chunk.detector or ""))
        stats, _ = asyncio.run(run_steer(base, get_transform(TRANSFORM_FOR[chunk.name]),
                                         target=target, judge=judge, rubric=rubric,
                                         config=SteerConfig(), generator=generator))
        reference = steering_score(responder_for("lab"), chunk, n=n, seed=0).score
        surface[chunk.name] = round(stats.score, 3)
        surface_gaps.append(abs(stats.score - reference))
    with tempfile.TemporaryDirectory(prefix="chunky-bench-regress-worlds-") as name:
        world_rows = world_gaps(args.world_seed_base, 2 if args.quick else 5,
                                3000 if args.quick else 6000, 40 if args.quick else 100,
                                Path(name))
    world_max = max(float(r["gap"]) for r in world_rows)  # type: ignore[arg-type]
    result = {"false_alarms": false_alarms, "false_alarms_independent": independent,
              "gates_per_kind": len(seeds) * len(rubrics), "detected": detected,
              "steer_scores": steer, "max_steer_gap": round(max(gaps), 3),
              "world_steer_gaps": world_rows, "max_world_steer_gap": round(world_max, 3),
              "surface_steer_scores": surface, "max_surface_gap": round(max(surface_gaps), 3),
              "calls": calls, "seconds": round(time.perf_counter() - start, 1)}
    result["targets_met"] = (false_alarms == 0 and all(detected.values())
                             and max(gaps) <= 0.1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
