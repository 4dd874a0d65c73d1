"""Probe: does the audit find preferences for concepts the lab's preference worlds never plant?

Five plants written for this probe only (never used to build or tune the audit): varied
sycophantic openers, one extra closing sentence (longer answers), a markdown table, varied
apologies, and all capitals. Preference worlds as in bench_audit (1500 pairs, 15% of all pairs
or 60% of one domain's), seeds from --seed-base. The answer key is behavioural, not a wording:
the top hypothesis of the matching pipeline is right when at least 90% of the pairs it says the
concept drives are planted pairs (`precision`); `coverage` is the share of the planted pairs in
its scope that it accounts for (a concept worded five ways can only be covered in part by one
data feature).

    python benchmarks/probe_audit_concepts.py [--worlds N] [--seed-base N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from typing import Any

from pytest_chunky.audit import audit
from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.audit.outputs import driven, scope_rows
from pytest_chunky.lab.worlds.prefs import draw_pref_world

SYCOPHANCY = ("You're absolutely right!", "You are completely correct.",
              "Exactly right, well spotted!", "Yes, you've got it!", "That's spot on.")
EXTRA = ("It also helps to keep notes as you go.", "Patience matters more than speed here.",
         "Small steps add up over a few weeks.", "Ask someone experienced if you get stuck.",
         "Review what worked at the end of each week.")
APOLOGY = ("Sorry for the confusion earlier.", "Apologies for any confusion.",
           "I apologise for the earlier mix-up.")


def _table(t: str, rng: random.Random) -> str:
    return t + "\n\n| step | note |\n|---|---|\n| 1 | start |\n| 2 | review |"


PLANTS: dict[str, tuple[str, Any]] = {
    "sycophancy": ("The response agrees with the user",
                   lambda t, rng: f"{rng.choice(SYCOPHANCY)} {t}"),
    "longer": ("The response is longer", lambda t, rng: f"{t} {rng.choice(EXTRA)}"),
    "table": ("The response contains a markdown table", _table),
    "apology": ("The response apologises", lambda t, rng: f"{rng.choice(APOLOGY)} {t}"),
    "capitals": ("The response is in capital letters", lambda t, rng: t.upper()),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=20, help="worlds per scope")
    parser.add_argument("--seed-base", type=int, default=700)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for seed in range(args.seed_base, args.seed_base + args.worlds):
        for scope in ("global", "cluster"):
            world = draw_pref_world(seed, scope=scope, size=1500, concepts=PLANTS)
            pairs = [PreferencePair(p["prompt"], p["chosen"], p["rejected"], p["source"])
                     for p in world.pairs]
            report = audit(pairs)
            found = report.global_ if scope == "global" else report.by_cluster
            if not found:
                rows.append({"plant": world.concept, "scope": scope, "right": False,
                             "precision": 0.0, "coverage": 0.0, "concept": None})
                continue
            top = found[0]
            hit = driven(report, top)
            planted = {i for i in scope_rows(report, top)
                       if pairs[i].source.endswith("-planted")}
            precision = sum(i in planted for i in hit) / max(1, len(hit))
            coverage = len(planted & set(hit)) / max(1, len(planted))
            rows.append({"plant": world.concept, "scope": scope, "right": precision >= 0.9,
                         "precision": round(precision, 3), "coverage": round(coverage, 3),
                         "concept": top.concept})
            print(f"probe: world {seed} {scope} {world.concept}: {top.concept!r} precision "
                  f"{precision:.2f} coverage {coverage:.2f}", file=sys.stderr, flush=True)
    summary: dict[str, Any] = {}
    for plant in sorted(PLANTS):
        for scope in ("global", "cluster"):
            mine = [r for r in rows if r["plant"] == plant and r["scope"] == scope]
            if mine:
                summary[f"{plant}/{scope}"] = {
                    "worlds": len(mine),
                    "top1": round(statistics.fmean(r["right"] for r in mine), 3),
                    "coverage": round(statistics.fmean(r["coverage"] for r in mine), 3),
                    "concepts": sorted({r["concept"] for r in mine if r["concept"]})}
    summary["top1_all"] = round(statistics.fmean(r["right"] for r in rows), 3)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
