"""Benchmark sequential confirmation and the offline judges.

Confirmation: scripted targets with a known violation rate go through the search's own
confirmation path (`confirm_entry`), many seeds each. Targets at min_rate/2 measure how often a
rare failure is confirmed (`false_confirm_rate`, stated ≤ 0.05); targets at 2·min_rate measure
how often a real one is missed (`miss_rate`, undecided counted as missed, stated ≤ 0.05). The
test is Wald's SPRT of H0: p = min_rate/2 against H1: p = 2·min_rate with α = β = 0.045,
samples drawn in SPRT-sized concurrent batches, capped at 12/min_rate samples (undecided at the
cap). `calls_per_confirmation` counts target samples per candidate; the previous fixed rule
(8 samples, point estimate ≥ min_rate) is run on the very same sample streams. The exact
operating characteristic (dynamic programming, no sampling) is printed too.

Judges: precision and recall per rubric of the offline judges on `tests/data/judge_eval.jsonl`
(358 labelled real-model phrasings). `llm_judge_parse_rate`: the project's LLM judge prompt
against SmolLM2-135M served by llama.cpp (the `local` extra), with the project's structured
output and without it; null when the extra is not installed, and in --quick.

    python benchmarks/bench_confirm.py [--quick] [--seeds N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from confirm_harness import confirm_known_rate, fixed_rule  # noqa: E402

from pytest_chunky.judging.evaluate import load_labelled, precision_recall  # noqa: E402
from pytest_chunky.lab.judge import judge  # noqa: E402
from pytest_chunky.stats import SPRT  # noqa: E402

MIN_RATE = 0.3


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def confirmation(seeds: int) -> dict[str, object]:
    low_rate, high_rate = MIN_RATE / 2, 2 * MIN_RATE
    low = [confirm_known_rate(low_rate, s, min_rate=MIN_RATE) for s in range(seeds)]
    high = [confirm_known_rate(high_rate, 10**6 + s, min_rate=MIN_RATE) for s in range(seeds)]
    fixed_low = [fixed_rule(low_rate, s, min_rate=MIN_RATE) for s in range(seeds)]
    fixed_high = [fixed_rule(high_rate, 10**6 + s, min_rate=MIN_RATE) for s in range(seeds)]
    test = SPRT.for_min_rate(MIN_RATE)
    exact_low, exact_high = (test.operating_characteristic(low_rate),
                             test.operating_characteristic(high_rate))
    return {
        "false_confirm_rate": round(sum(c.confirmed for c in low) / seeds, 4),
        "miss_rate": round(sum(not c.confirmed for c in high) / seeds, 4),
        "undecided_rate": round(sum(c.decision == "undecided" for c in low + high)
                                / (2 * seeds), 4),
        "calls_per_confirmation": round(sum(c.samples + c.errors for c in low + high)
                                        / (2 * seeds), 3),
        "calls_per_confirmation_fixed": 8,
        "fixed_false_confirm_rate": round(sum(fixed_low) / seeds, 4),
        "fixed_miss_rate": round(sum(not f for f in fixed_high) / seeds, 4),
        "exact": {"false_confirm": round(exact_low["confirmed"], 4),
                  "miss": round(exact_high["rejected"] + exact_high["undecided"], 4),
                  "samples_at_p0": round(exact_low["samples"], 2),
                  "samples_at_p1": round(exact_high["samples"], 2)},
        "procedure": {"p0": test.p0, "p1": test.p1, "alpha": test.alpha, "beta": test.beta,
                      "cap": test.cap, "min_rate": MIN_RATE, "seeds": seeds},
    }


def judges() -> dict[str, dict[str, float]]:
    rows = load_labelled(ROOT / "tests" / "data" / "judge_eval.jsonl")
    scores, wrong = precision_recall(rows, lambda r, p, x: judge(r, p, x)[0])
    for row in wrong:
        log(f"judge wrong: {row['rubric']} label={row['label']}: {str(row['response'])[:80]!r}")
    return scores


def llm_parse_rate(quick: bool) -> dict[str, object] | None:
    """None without the `local` extra, and in --quick (SmolLM2 takes ~25 s a row on 2 cores)."""
    if quick:
        return None
    try:
        from local_model import llm_judge_parse_rate
    except ImportError:
        return None
    return llm_judge_parse_rate(rows=20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer seeds (under 90 s)")
    parser.add_argument("--seeds", type=int, help="targets per rate (default 300 quick, 2000)")
    args = parser.parse_args()
    seeds = args.seeds or (300 if args.quick else 2000)
    start = time.perf_counter()
    conf = confirmation(seeds)
    log(f"confirmation over {seeds} targets per rate: {time.perf_counter() - start:.1f}s")
    scores = judges()
    local = llm_parse_rate(args.quick)
    result = {
        **conf,
        "judge_precision": {r: s["precision"] for r, s in scores.items()},
        "judge_recall": {r: s["recall"] for r, s in scores.items()},
        "judge_rows": {r: s["n"] for r, s in scores.items()},
        "llm_judge_parse_rate": None if local is None else local["parse_rate"],
        "llm_judge": local,
    }
    ok = (conf["false_confirm_rate"] <= 0.05 and conf["miss_rate"] <= 0.05  # type: ignore[operator]
          and conf["calls_per_confirmation"] <= 8  # type: ignore[operator]
          and all(s["precision"] >= 0.9 and s["recall"] >= 0.9 for s in scores.values()))
    result["ok"] = ok
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
