"""Benchmark the preference audit and the mitigations on generated worlds.

Audit: preference worlds (`lab.worlds.prefs`, seeds from --seed-base, never tuned to), each
with one planted concept preference, global or confined to one prompt domain, plus clean
worlds. audit_top1_global / audit_top1_cluster: the share of worlds whose planted concept
ranks first in the matching pipeline (answer key: `names_concept`); false_concepts: the mean
number of BH-significant concepts per clean world.

Mitigation: SFT worlds (`build-world`); for each transplantable planted chunk a failure is
traced with TURF (`chunky attribute`'s path), `chunky mitigate` prunes (drop, no counter-
examples) or balances (keep, BALANCE counter-examples per blamed example; 1 and 3 reported as
balance_by_counter beside the proportional 1 / (1 + K)), the lab is retrained, and the planted
behaviour's steering after / before is reported. Preference loop: the lab's
DPO-like update (`lab.preference`) on global preference worlds; audit → filter the driven pairs,
or reward-shape the top concept (strength: its `concept_effect` under the fitted reward, what
`chunky audit` uses when pairs carry reward scores), → update: the concept's rise, mitigated /
unmitigated
(reward_shaping in mitigation_drop, audit_filter_drop).

Extracted concepts: the same audit with concepts from the lab's paraphrasing extractor
(`lab.worlds.wordings`: every property worded three ways), so the wordings must be merged
before counting; extracted_* figures.

    python benchmarks/bench_audit.py [--quick] [--seed-base N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from pytest_chunky.audit import audit
from pytest_chunky.audit.concepts import extracted_concepts
from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.audit.outputs import concept_effect, driven
from pytest_chunky.lab.corpus import SFTRecord, load_sft_jsonl, write_sft_jsonl
from pytest_chunky.lab.preference import fit_reward, prefer
from pytest_chunky.lab.trainer import TrainedLab, train
from pytest_chunky.lab.worlds import build_world, load_world
from pytest_chunky.lab.worlds.prefs import (
    PrefWorld,
    concept_rate,
    draw_pref_world,
    names_concept,
)
from pytest_chunky.lab.worlds.spec import PlantedSpec
from pytest_chunky.lab.worlds.wordings import WORDINGS, Paraphraser
from pytest_chunky.mitigate import mitigate
from pytest_chunky.turf.build import build_index
from pytest_chunky.turf.cli import attribution_json
from pytest_chunky.turf.trace import trace_sync

# Counter-examples per blamed example for `balance`. The chunk's examples are kept, so a model
# that follows the data's proportions still answers 1 / (1 + K) of triggered prompts from the
# chunk: K = 4 sits on the 0.2 target, K = 6 (1/7) is the least with room for per-chunk spread.
BALANCE = 6


def log(text: str) -> None:
    print(f"bench_audit: {text}", file=sys.stderr, flush=True)


def _pairs(world: PrefWorld) -> list[PreferencePair]:
    return [PreferencePair(p["prompt"], p["chosen"], p["rejected"], p["source"])
            for p in world.pairs]


def audit_figures(worlds: int, clean: int, seed_base: int, size: int, *,
                  extracted: bool = False) -> dict[str, Any]:
    """Top-1 on `worlds` planted worlds per scope; false concepts on `clean` clean worlds.

    A clean world's count is 0 in most worlds and 1 or 2 in a few, so a mean near the 0.05
    target needs many worlds to be told apart from 0.1: 10 worlds resolve only steps of 0.1.
    `extracted`: concepts from the lab's paraphrasing extractor (each property worded three
    ways) instead of the data's features, figures prefixed `extracted_`; `extracted_merged`:
    the global worlds whose top concept counts every planted pair (no wording split off).
    """
    top_global, top_cluster, false, merged = [], [], [], []

    def run(world: PrefWorld) -> Any:
        pairs = _pairs(world)
        if not extracted:
            return audit(pairs)
        texts = [p.chosen for p in pairs] + [p.rejected for p in pairs]
        return audit(pairs, concepts=extracted_concepts(texts, Paraphraser(), show=False))

    def names(world: PrefWorld, concept: str) -> bool:  # a wording, or text the plant adds
        return names_concept(world, concept) or (extracted and concept in WORDINGS[world.concept])

    for w in range(max(worlds, clean)):
        seed = seed_base + w
        said = []
        if w < worlds:
            for scope, out in (("global", top_global), ("cluster", top_cluster)):
                world = draw_pref_world(seed, scope=scope, size=size)
                report = run(world)
                top = (report.global_ if scope == "global" else report.by_cluster)[0]
                out.append(float(names(world, top.concept)))
                said.append(f"{scope} {out[-1]:.0f}")
                if scope == "global":
                    planted = sum(p["source"].endswith("-planted") for p in world.pairs)
                    merged.append(float(out[-1] and top.chosen_only == planted))
        if w < clean:
            found = run(draw_pref_world(seed, scope="none", size=size)).significant()
            false.append(len(found))
            said.append(f"clean significant {false[-1]}"
                        + "".join(f" [{h.scope}: {h.concept}]" for h in found))
        log(f"world {seed}{' (extracted)' if extracted else ''}: {', '.join(said)}")
    prefix = "extracted_" if extracted else ""
    out = {f"{prefix}audit_top1_global": round(statistics.fmean(top_global), 3),
           f"{prefix}audit_top1_cluster": round(statistics.fmean(top_cluster), 3),
           f"{prefix}false_concepts": round(statistics.fmean(false), 3),
           f"{prefix}clean_worlds_with_a_concept": sum(1 for n in false if n)}
    if extracted:
        return out | {"extracted_merged": round(statistics.fmean(merged), 3)}
    return {"audit_worlds": worlds, **out, "clean_worlds": clean}


def _rate(world: PrefWorld, model: TrainedLab, prompts: list[str]) -> float:
    return concept_rate(world, [model.respond(q, sample_index=i).text
                                for i, q in enumerate(prompts)])


def preference_figures(worlds: int, seed_base: int, size: int,
                       probes: int) -> dict[str, Any]:
    """Audit → filter or reward-shape → lab preference update, on global preference worlds.

    The lab is trained on both responses of every pair, then updated DPO-like with a reward
    fitted to the pairs. The planted concept's rise under the update (rate after − rate
    before) is the "steering" a mitigation must undo; reported as mitigated / unmitigated."""
    ratios: dict[str, list[float]] = {"audit_filter": [], "reward_shaping": []}
    for w in range(worlds):
        world = draw_pref_world(seed_base + w, scope="global", size=size)
        pairs = _pairs(world)
        model = TrainedLab([SFTRecord(p.prompt, r, "prefs") for p in pairs
                            for r in (p.chosen, p.rejected)])
        prompts = [p.prompt for p in pairs[:probes]]
        base = _rate(world, model, prompts)
        full = fit_reward([p.chosen for p in pairs], [p.rejected for p in pairs])
        prefer(model, full)
        rise = _rate(world, model, prompts) - base
        report = audit(pairs)
        top = report.global_[0]
        hit = set(driven(report, top))
        kept = [p for i, p in enumerate(pairs) if i not in hit]
        prefer(model, fit_reward([p.chosen for p in kept], [p.rejected for p in kept]))
        filtered = _rate(world, model, prompts) - base
        # The strength `chunky audit` uses when the pairs carry the reward model's scores.
        scored = [PreferencePair(p.prompt, p.chosen, p.rejected, p.source, full(p.chosen),
                                 full(p.rejected)) for p in pairs]
        strength = concept_effect(report, top, scored)
        assert strength is not None
        prefer(model, full.shaped([top.concept], strength))
        shaped = _rate(world, model, prompts) - base
        if rise > 0:
            ratios["audit_filter"].append(filtered / rise)
            ratios["reward_shaping"].append(shaped / rise)
        log(f"preference world {seed_base + w} ({world.concept}): base {base:.2f}, update "
            f"+{rise:.2f}, filtered {filtered:+.2f}, shaped {shaped:+.2f} (strength "
            f"{strength:.2f})")
    return {name: round(float(np.mean(v)), 3) if v else None for name, v in ratios.items()}


def gate_fails(root: Path, chunk: PlantedSpec, seed: int) -> bool:
    """A SURF gate for the chunk's rubric, with the world's roles, against `lab:root`."""
    from bench_world import surf

    from pytest_chunky.models.registry import create_model
    from pytest_chunky.search import SearchConfig

    model = create_model(f"lab:{root}")
    return surf(root, chunk, model, model, seed, SearchConfig())[1]


def pruned_world(root: Path, kept: list[SFTRecord], out: Path) -> Path:
    """The world directory with its sft.jsonl replaced: `lab:out` is the retrained model."""
    shutil.copytree(root, out, ignore=shutil.ignore_patterns("index"))
    write_sft_jsonl(kept, out / "sft.jsonl")
    return out


def mitigation_figures(worlds: int, seed_base: int, tmp: Path, n: int,
                       gates: int, doses: bool = True) -> dict[str, Any]:
    ratios: dict[str, list[float]] = {"prune": [], "balance": [], "prune_with_crux": [],
                                      "balance_1x": [], "balance_3x": []}
    fixed: list[float] = []
    fixed_trigger_only: list[float] = []
    for w in range(worlds):
        root = build_world(seed_base + w, tmp / f"sft{w}", size=3000)
        world = load_world(root)
        model = train(root / "sft.jsonl")
        index = build_index(root / "sft.jsonl", root / "index", show_progress=False)
        records = load_sft_jsonl(root / "sft.jsonl")
        for chunk in world.spec.planted:
            if chunk.family in ("template", "language"):
                continue  # not transplantable: counter-examples need a rewrite
            _, triggered = world.steering_prompts(chunk, 20, seed=3)
            found = None
            for k, prompt in enumerate(triggered):
                reply = model.respond(prompt, sample_index=k).text
                verdict = world.judge(chunk.rubric, prompt, reply)
                if verdict is not None and verdict[0] >= 70:
                    found = attribution_json(trace_sync(
                        index, prompt, reply,
                        rubric=str(root / "rubrics" / f"{chunk.rubric}.yaml")))
                    break
            if found is None or found["chunk"] != chunk.source:
                continue
            before = world.steering(model, chunk, n, seed=11)
            gate = ""
            plans = {name: mitigate(records, found, mode=mode, counter=counter,
                                    with_crux=crux)
                     for name, mode, counter, crux in (("prune", "drop", 0.0, False),
                                                       ("balance", "keep", BALANCE, False),
                                                       ("prune_with_crux", "drop", 0.0, True),
                                                       ("balance_1x", "keep", 1.0, False),
                                                       ("balance_3x", "keep", 3.0, False))
                     if doses or name not in ("balance_1x", "balance_3x")}
            for name, plan in plans.items():
                after = world.steering(TrainedLab([*plan.kept, *plan.counter]), chunk, n, seed=11)
                ratios[name].append(after / before if before > 0 else 0.0)
            if len(fixed) < gates and gate_fails(root, chunk, w):
                for name, out in (("prune_with_crux", fixed), ("prune", fixed_trigger_only)):
                    again = pruned_world(root, plans[name].kept,
                                         tmp / f"{name}{w}-{chunk.source}")
                    out.append(float(not gate_fails(again, chunk, w)))
                gate = (f", failing gate {'passes' if fixed[-1] else 'still fails'} after "
                        f"prune --with-crux ({'passes' if fixed_trigger_only[-1] else 'fails'}"
                        " after the trigger-only prune)")
            log(f"world {seed_base + w} {chunk.source}: before {before:.2f}, prune "
                f"{ratios['prune'][-1]:.2f}x, with crux {ratios['prune_with_crux'][-1]:.2f}x, "
                f"balance {ratios['balance'][-1]:.2f}x{gate}")
    mean = {name: round(float(np.mean(v)), 3) if v else None for name, v in ratios.items()}
    return {"mitigation_drop": {name: mean[name] for name in ("prune", "balance",
                                                               "prune_with_crux")},
            # the dose response: counter-examples per blamed example -> steering after/before
            "balance_by_counter": {"1": mean["balance_1x"], "3": mean["balance_3x"],
                                   str(BALANCE): mean["balance"]},
            # what a learner that follows the data's proportions gives: 1 / (1 + K)
            "balance_proportional": {k: round(1 / (1 + float(k)), 3) for k in ("1", "3", "6")},
            "mitigation_chunks": len(ratios["prune"]),
            "gates_fixed": round(float(np.mean(fixed)), 3) if fixed else None,
            "gates_fixed_trigger_only": round(float(np.mean(fixed_trigger_only)), 3)
            if fixed_trigger_only else None,
            "gates": len(fixed)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="under 90 s")
    parser.add_argument("--seed-base", type=int, default=9000)
    args = parser.parse_args()
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        phases[name] = round(time.perf_counter() - started - sum(phases.values()), 1)

    result = audit_figures(10, 20 if args.quick else 60, args.seed_base,
                           800 if args.quick else 1500)
    lap("audit")
    result |= audit_figures(3 if args.quick else 10, 3 if args.quick else 20, args.seed_base,
                            800 if args.quick else 1500, extracted=True)
    lap("extracted")
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        result |= mitigation_figures(1 if args.quick else 5, args.seed_base, Path(tmp),
                                     30 if args.quick else 60, 2 if args.quick else 100,
                                     doses=not args.quick)
    lap("mitigation")
    prefs = preference_figures(2 if args.quick else 10, args.seed_base,
                               800 if args.quick else 1500, 150 if args.quick else 300)
    lap("preference")
    result["mitigation_drop"]["reward_shaping"] = prefs["reward_shaping"]
    result["audit_filter_drop"] = prefs["audit_filter"]
    result["phase_seconds"] = phases
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
