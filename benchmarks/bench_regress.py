"""Benchmark checkpoint comparison and steering gates on the lab.

- `false_alarms`: regression-mode gates (`mode="regression"`) that fail when the candidate is
  the baseline, over seeds × the lab's planted rubrics. `lab` against `lab` shares sample
  indices, so its answers are identical; `false_alarms_independent` counts gates against
  `lab-resampled`, the same checkpoint drawing other samples (sample indices shifted), where
  the McNemar test's size (alpha = 0.05 per gate) is what is measured.
- `detected`: per planted lab chunk, whether its regression gate fails for candidate `lab`
  against baseline `lab-clean`.
- `steer_scores`: per planted chunk that has a matching surface transform, the steering score
  `@chunky.steer` measures on the chunk's base prompt set (bench_lab's), and `max_steer_gap`
  its largest distance from bench_lab's own paired steering score. Chunks whose trigger is no
  surface transform of a prompt (a question template, a language) are listed as null.

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

from pytest_chunky.accounting import Ledger  # noqa: E402
from pytest_chunky.client import RoleClient  # noqa: E402
from pytest_chunky.lab import planted_chunks  # noqa: E402
from pytest_chunky.lab.provider import responder_for  # noqa: E402
from pytest_chunky.lab.steering import steering_prompts, steering_score  # noqa: E402
from pytest_chunky.models.base import Model  # noqa: E402
from pytest_chunky.models.registry import create_model, register_provider  # noqa: E402
from pytest_chunky.roles import Generator, Judge  # noqa: E402
from pytest_chunky.rubrics import get_rubric  # noqa: E402
from pytest_chunky.runner import Session, SurfSpec, build_check, run_check  # noqa: E402
from pytest_chunky.settings import build_settings  # noqa: E402
from pytest_chunky.steering import SteerConfig, get_transform, run_steer  # noqa: E402
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds (under 90 s)")
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
    steer: dict[str, float | None] = {}
    gaps = []
    lab = create_model("lab")
    judge = Judge(RoleClient("judge", lab, cache=None, ledger=Ledger(), budget=None))
    target = RoleClient("target", lab, cache=None, ledger=Ledger(), budget=None)
    generator = Generator(RoleClient("generator", lab, cache=None, ledger=Ledger(), budget=None))
    n = 60 if args.quick else 150
    for chunk in chunks:
        if chunk.name not in TRANSFORM_FOR:
            steer[chunk.name] = None
            continue
        base, _ = steering_prompts(chunk, n, 0)
        rubric = get_rubric(RUBRIC.get(chunk.detector or "", chunk.detector or ""))
        stats, _ = asyncio.run(run_steer(base, get_transform(TRANSFORM_FOR[chunk.name]),
                                         target=target, judge=judge, rubric=rubric,
                                         config=SteerConfig(), generator=generator))
        reference = steering_score(responder_for("lab"), chunk, n=n, seed=0).score
        steer[chunk.name] = stats.score
        gaps.append(abs(stats.score - reference))
        log(f"{chunk.name}: @chunky.steer {stats.score:+.3f}, bench_lab {reference:+.3f}")
    result = {"false_alarms": false_alarms, "false_alarms_independent": independent,
              "gates_per_kind": len(seeds) * len(rubrics), "detected": detected,
              "steer_scores": steer, "max_steer_gap": round(max(gaps), 3) if gaps else None,
              "calls": calls, "seconds": round(time.perf_counter() - start, 1)}
    result["targets_met"] = (false_alarms == 0 and all(detected.values())
                             and result["max_steer_gap"] is not None
                             and result["max_steer_gap"] <= 0.1)  # type: ignore[operator]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
