"""Benchmark the lab: corpus build time, model latency and each planted chunk's steering score.

Steering (paper appendix B.1): for each planted chunk, realise a base prompt set in the chunk's
domain and the same prompts with the chunk's trigger injected, answer both with the model at
temperature 1, and count the chunk's behaviour with its detector (score >= 70). The score is the
triggered rate minus the base rate. Targets: every chunky score >= 0.5, every clean score
<= 0.05. Progress goes to stderr; the last stdout line is one JSON object.

    python benchmarks/bench_lab.py [--quick] [--n N] [--samples S]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from typing import Any

from pytest_chunky.lab import LAB_ATTRIBUTES, build_corpus, planted_chunks, realise
from pytest_chunky.lab.chunks import PLANTED
from pytest_chunky.lab.extractor import query_attributes, response_attributes
from pytest_chunky.lab.responder import LabResponder
from pytest_chunky.lab.steering import steering_score

CHUNKY_MIN, CLEAN_MAX = 0.5, 0.05


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def latency_ms(model: LabResponder, n: int) -> float:
    rng = random.Random(7)
    prompts = [realise(rng.sample(LAB_ATTRIBUTES, rng.randint(1, 5)), rng) for _ in range(n)]
    start = time.perf_counter()
    for i, prompt in enumerate(prompts):
        model.respond(prompt, sample_index=i)
    return (time.perf_counter() - start) / n * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer prompts (under 60 s)")
    parser.add_argument("--n", type=int, help="prompts per condition (default 40 quick, 150)")
    parser.add_argument("--samples", type=int, help="samples per prompt (default 1 quick, 2)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = args.n or (40 if args.quick else 150)
    samples = args.samples or (1 if args.quick else 2)

    records, build_s = timed(build_corpus, seed=args.seed)
    log(f"built the default corpus: {len(records)} records in {build_s:.3f}s")
    big, build_big_s = timed(build_corpus, size=100_000, seed=args.seed)
    log(f"built a 100k corpus in {build_big_s:.2f}s")
    clean_records = [r for r in records if r.source not in PLANTED]
    chunky, train_s = timed(LabResponder, records, seed=args.seed)
    clean, _ = timed(LabResponder, clean_records, seed=args.seed)
    log(f"trained lab ({len(records)}) and lab-clean ({len(clean_records)}) in {train_s:.2f}s")
    ms = latency_ms(chunky, 300 if args.quick else 2000)
    log(f"lab target latency: {ms:.3f} ms per call")
    sample = big[:2000]
    _, extract_s = timed(lambda: [(query_attributes(r.prompt), response_attributes(r.response))
                                  for r in sample])
    log(f"extractor: {extract_s / len(sample) * 1000:.3f} ms per (query, response) pair")

    steering: dict[str, dict[str, float]] = {}
    rates: dict[str, dict[str, float]] = {}
    ok = True
    for chunk in planted_chunks():
        a = steering_score(chunky, chunk, n=n, seed=args.seed, samples=samples)
        b = steering_score(clean, chunk, n=n, seed=args.seed, samples=samples)
        steering[chunk.name] = {"chunky": round(a.score, 3), "clean": round(b.score, 3)}
        rates[chunk.name] = {"chunky_triggered": round(a.triggered_rate, 3),
                             "chunky_base": round(a.base_rate, 3),
                             "clean_triggered": round(b.triggered_rate, 3),
                             "clean_base": round(b.base_rate, 3)}
        good = a.score >= CHUNKY_MIN and b.score <= CLEAN_MAX
        ok &= good
        log(f"{chunk.name:14s} chunky {a.score:+.3f} (triggered {a.triggered_rate:.3f}, base "
            f"{a.base_rate:.3f})  clean {b.score:+.3f}  {'ok' if good else 'FAIL'}")
    result = {
        "build_seconds": round(build_s, 4), "build_100k_seconds": round(build_big_s, 3),
        "train_seconds": round(train_s, 3), "latency_ms": round(ms, 4),
        "extract_ms_per_pair": round(extract_s / len(sample) * 1000, 4),
        "n": n, "samples": samples, "steering": steering, "rates": rates,
        "targets": {"chunky_min": CHUNKY_MIN, "clean_max": CLEAN_MAX}, "ok": ok,
    }
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
