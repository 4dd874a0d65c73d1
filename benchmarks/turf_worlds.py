"""bench_turf on generated worlds: TURF on failures SURF finds in worlds nobody here wrote.

For each world (`build-world`, seeds from --world-seed, never tuned to): a TURF index with its
defaults (data features, offline); SURF with the world's own roles, pool and rubric against
its trained model; each confirmed failure attributed through the plugin's path
(`trace_failure`, crux separated from the search's own scored candidates) and the CLI's
(`trace`, crux from the data and the rubric). A trigger is right when it describes the planted
trigger by the world's answer key (`lab.worlds.answer`); a chunk when it is the planted source.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def log(text: str) -> None:
    print(f"bench_turf: {text}", file=sys.stderr, flush=True)


def world_figures(worlds: int, size: int, seed_base: int, tmp: Path,
                  per_chunk: int = 3) -> dict[str, Any]:
    from bench_world import world_search

    from pytest_chunky.lab.worlds import build_world, load_world
    from pytest_chunky.lab.worlds.answer import describes_trigger
    from pytest_chunky.models.registry import create_model
    from pytest_chunky.results import Candidate
    from pytest_chunky.rubrics import get_rubric
    from pytest_chunky.search import SearchConfig
    from pytest_chunky.turf.build import build_index
    from pytest_chunky.turf.trace import trace_failure, trace_sync

    outcome: dict[str, list[float]] = {"plugin_trigger": [], "plugin_chunk": [],
                                       "cli_trigger": [], "cli_chunk": [], "ms": [],
                                       "present_trigger": [], "present_chunk": []}
    unfound = 0
    for w in range(worlds):
        seed = seed_base + w
        root = build_world(seed, tmp / f"world{seed}", size=size)
        world = load_world(root)
        index = build_index(root / "sft.jsonl", root / "index", show_progress=False)
        for chunk in world.spec.planted:
            rubric_path = root / "rubrics" / f"{chunk.rubric}.yaml"
            scored: list[tuple[str, int]] = []

            def sink(c: Candidate, into: list[tuple[str, int]] = scored) -> None:
                if c.response is not None and c.score is not None:
                    into.append((c.response, c.score))

            model = create_model(f"lab:{root}")
            result = asyncio.run(world_search(root, chunk, model, model, seed, SearchConfig(),
                                              sink=sink).run())
            failures = result.failures[:per_chunk]
            unfound += not failures
            for conf in failures:
                started = time.perf_counter()
                plugin = asyncio.run(trace_failure(index, conf.query, conf.response,
                                                   rubric=get_rubric(rubric_path),
                                                   scored=scored))
                outcome["ms"].append((time.perf_counter() - started) * 1000)
                cli = trace_sync(index, conf.query, conf.response, rubric=str(rubric_path))
                # A query can lose its trigger on the way (a translated prompt keeps no
                # template): such failures are kept in the headline, and reported apart.
                if world.trigger_present(chunk, conf.query):
                    outcome["present_trigger"].append(
                        float(describes_trigger(world, chunk, plugin.trigger)))
                    outcome["present_chunk"].append(float(plugin.top_chunk == chunk.source))
                for path, found in (("plugin", plugin), ("cli", cli)):
                    ok = describes_trigger(world, chunk, found.trigger)
                    outcome[f"{path}_trigger"].append(float(ok))
                    outcome[f"{path}_chunk"].append(float(found.top_chunk == chunk.source))
                    if not ok or found.top_chunk != chunk.source:
                        log(f"world {seed} {chunk.source} ({path}) miss: {found.trigger!r} / "
                            f"{found.top_chunk} (crux {found.behaviour!r})")
            log(f"world {seed} {chunk.source} -> {chunk.behaviour}: {len(failures)} failures "
                f"attributed")
    mean = statistics.fmean
    return {
        "trigger_top1_worlds": round(mean(outcome["plugin_trigger"]), 4),
        "chunk_top1_worlds": round(mean(outcome["plugin_chunk"]), 4),
        "trigger_top1_worlds_cli": round(mean(outcome["cli_trigger"]), 4),
        "chunk_top1_worlds_cli": round(mean(outcome["cli_chunk"]), 4),
        "trigger_top1_worlds_trigger_present": round(mean(outcome["present_trigger"]), 4),
        "chunk_top1_worlds_trigger_present": round(mean(outcome["present_chunk"]), 4),
        "world_failures_trigger_present": len(outcome["present_trigger"]),
        "world_failures": len(outcome["plugin_trigger"]), "worlds": worlds,
        "world_size": size, "world_chunks_without_failure": unfound,
        "attribution_ms_p50_worlds": round(statistics.median(outcome["ms"]), 2),
    }
