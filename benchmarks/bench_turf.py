"""TURF benchmark on the lab: attribution accuracy, build time and memory, attribution latency.

    python benchmarks/bench_turf.py            # 10k + 100k builds, 15 failures per chunk
    python benchmarks/bench_turf.py --quick    # 10k build only, 4 failures per chunk, 5 worlds
    python benchmarks/bench_turf.py --scale    # 100k diverse build, 1M latency, recall, batch
    python benchmarks/bench_turf.py --scale --quick   # the same at 20k / 200k

Own lab (this module): the paper's cluster-hit method with the lab extractor. Generated worlds
(`turf_worlds.py`): the plugin's and the CLI's default path (data features, contrastive
trigger), on failures SURF finds with each world's own roles.

Builds run in a child process (built-in embedder, lab extractor) so that peak RSS is the
build's own (os.wait4). Accuracy: for every planted chunk, realised trigger prompts that the
trained lab target fails (lab judge ≥ 70) are attributed with the lab extractor; a trigger is
right when it is a lab paraphrase of the planted trigger, or its cluster is led by one. Latency
excludes extraction (the stand-in for LLM calls). Progress goes to stderr; the last stdout
line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def log(text: str) -> None:
    print(f"bench_turf: {text}", file=sys.stderr, flush=True)


def child_build(size: int, out: str) -> None:
    from pytest_chunky.lab import build_corpus
    from pytest_chunky.turf.build import build_index

    records = build_corpus(size, seed=0)
    started = time.perf_counter()
    index = build_index(records, out, extractor="lab", embedder="builtin")
    print(json.dumps({"seconds": time.perf_counter() - started, "meta": index.meta}))


def timed_build(size: int, out: Path) -> dict[str, Any]:
    """Build in a child process; return its wall time and peak RSS."""
    log(f"building the {size}-example lab index in a child process")
    proc = subprocess.Popen([sys.executable, __file__, "--child-build", str(size), str(out)],
                            stdout=subprocess.PIPE, stderr=None, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"index build for {size} failed (exit {proc.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024.0  # kilobytes on Linux
    log(f"{size}: {result['seconds']:.1f}s, peak RSS {result['peak_rss_mb']:.0f} MB")
    return result


def planted_failures(per_chunk: int) -> list[tuple[Any, str, str]]:
    from pytest_chunky.lab import LabModel, judge, planted_chunks, realise
    from pytest_chunky.types import SamplingParams

    model, cases = LabModel("lab"), []
    for chunk in planted_chunks():
        assert chunk.domain and chunk.trigger and chunk.detector
        found = 0
        for i in range(per_chunk * 20):
            prompt = realise([chunk.domain, chunk.trigger],
                             random.Random(f"bench:{chunk.name}:{i}"))
            reply = model.complete([{"role": "user", "content": prompt}],
                                   SamplingParams(temperature=1.0, sample_index=i)).text
            if judge(chunk.detector, prompt, reply)[0] >= 70:
                cases.append((chunk, prompt, reply))
                found += 1
                if found == per_chunk:
                    break
    return cases


def trigger_matches(index: Any, result: Any, planted: str) -> bool:
    from pytest_chunky.lab.attribute_table import canonical

    if canonical(result.trigger) == planted:
        return True
    members = [a for a, c in zip(index.query_attributes, index.query_attr_cluster, strict=True)
               if c == result.trigger_cluster_id]
    return bool(members) and canonical(members[0]) == planted


def evaluate(index_dir: Path, cases: list[tuple[Any, str, str]]) -> dict[str, Any]:
    from pytest_chunky.lab.extractor import LabExtractor
    from pytest_chunky.turf.attribute import attribute_sync
    from pytest_chunky.turf.index import TurfIndex

    index, extractor = TurfIndex(index_dir), LabExtractor()
    trig = chunk_ok = 0
    latency, wall = [], []
    misses = []
    for chunk, query, reply in cases:
        started = time.perf_counter()
        result = attribute_sync(index, query, reply, rubric=chunk.rubric, extractor=extractor)
        wall.append((time.perf_counter() - started) * 1000)
        latency.append(result.timings_ms["total_excluding_extraction"])
        ok = trigger_matches(index, result, chunk.trigger)
        trig += ok
        chunk_ok += result.top_chunk == chunk.name
        if not ok or result.top_chunk != chunk.name:
            misses.append(f"{chunk.name}: {result.trigger!r} / {result.top_chunk}")
    for miss in misses:
        log(f"miss {miss}")
    return {"trigger_top1": trig / len(cases), "chunk_top1": chunk_ok / len(cases),
            "n": len(cases), "ms_p50": statistics.median(latency[1:] or latency),
            "wall_ms_p50": statistics.median(wall[1:] or wall)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child-build", nargs=2, metavar=("SIZE", "OUT"))
    parser.add_argument("--scale", action="store_true",
                        help="TURF at scale: 100k diverse build, 1M latency, kNN recall, batch")
    parser.add_argument("--child-scale-build", nargs=2, metavar=("SIZE", "OUT"))
    parser.add_argument("--worlds", type=int, help="generated worlds (default 5 quick, 20)")
    parser.add_argument("--world-seed", type=int, default=5000, help="first world seed")
    parser.add_argument("--world-size", type=int, help="examples per world (3000 quick, 6000)")
    args = parser.parse_args()
    if args.child_build:
        child_build(int(args.child_build[0]), args.child_build[1])
        return
    if args.child_scale_build:
        import turf_scale

        turf_scale.child_build(int(args.child_scale_build[0]), args.child_scale_build[1])
        return
    if args.scale:
        import turf_scale

        started = time.perf_counter()
        figures = turf_scale.scale_figures(args.quick)
        figures["cores"] = os.cpu_count()
        figures["total_seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(figures))
        return
    started = time.perf_counter()
    per_chunk = 4 if args.quick else 15
    with tempfile.TemporaryDirectory(prefix="bench-turf-") as tmp:
        small = timed_build(10_000, Path(tmp) / "idx10k")
        log(f"collecting {per_chunk} planted failures per chunk")
        cases = planted_failures(per_chunk)
        accuracy = evaluate(Path(tmp) / "idx10k", cases)
        log(f"10k: trigger {accuracy['trigger_top1']:.3f}, chunk {accuracy['chunk_top1']:.3f} "
            f"over {accuracy['n']} failures")
        big: dict[str, Any] | None = None
        latency = accuracy
        if not args.quick:
            big = timed_build(100_000, Path(tmp) / "idx100k")
            latency = evaluate(Path(tmp) / "idx100k", cases)
            log(f"100k: trigger {latency['trigger_top1']:.3f}, chunk {latency['chunk_top1']:.3f}")
        from turf_worlds import world_figures

        worlds = world_figures(args.worlds or (5 if args.quick else 20),
                               args.world_size or (3000 if args.quick else 6000),
                               args.world_seed, Path(tmp))
    result = {
        "trigger_top1": round(accuracy["trigger_top1"], 4),
        "chunk_top1": round(accuracy["chunk_top1"], 4),
        "failures": accuracy["n"],
        "build_seconds_10k": round(small["seconds"], 2),
        "peak_rss_mb_10k": round(small["peak_rss_mb"], 1),
        "build_seconds_100k": round(big["seconds"], 2) if big else None,
        "peak_rss_mb_100k": round(big["peak_rss_mb"], 1) if big else None,
        "trigger_top1_100k": round(latency["trigger_top1"], 4) if big else None,
        "chunk_top1_100k": round(latency["chunk_top1"], 4) if big else None,
        "attribution_ms_p50": round(latency["ms_p50"], 2),
        "attribution_wall_ms_p50": round(latency["wall_ms_p50"], 2),
        "attribution_index_examples": 100_000 if big else 10_000,
        **worlds,
        "cores": os.cpu_count(),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
