"""`chunky mitigate SFT.jsonl --attribution ATTRIBUTION.json --out DIR`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_chunky.infra.errors import ChunkyError, InputError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chunky mitigate", description="prune the chunk TURF blames and add balanced "
        "counter-examples (trigger present, behaviour absent)")
    parser.add_argument("data", help="the SFT JSONL the attribution was made against")
    parser.add_argument("--attribution", required=True,
                        help="the output of chunky attribute --json (its last line is used)")
    parser.add_argument("--out", required=True, help="directory for the mitigated dataset")
    parser.add_argument("--mode", choices=("drop", "downweight", "keep"), default="drop",
                        help="what to do with the blamed chunk's triggered examples")
    parser.add_argument("--weight", type=float, default=0.1,
                        help="weight of down-weighted examples (--mode downweight)")
    parser.add_argument("--counter", type=float, default=1.0,
                        help="counter-examples per blamed example (0 for none). With --mode "
                        "keep a model that follows the data's proportions still answers about "
                        "1/(1+K) of triggered prompts from the chunk: K=6 leaves about 0.14")
    parser.add_argument("--with-crux", action="store_true",
                        help="also prune the chunk's examples whose response shows the crux "
                        "without the trigger")
    parser.add_argument("--seed", type=int, default=0)
    return parser


def read_attribution(path: str) -> dict[str, Any]:
    """The attribution object: a JSON file, or the last line of `chunky attribute --json`."""
    from pytest_chunky.infra.userfiles import read_text, stat_file

    p, shown, _ = stat_file(path, "attribution file", missing_hint="; pass the output of "
                            "chunky attribute --json")
    lines = [ln for ln in read_text(p, "the attribution file", shown).splitlines() if ln.strip()]
    for text in ("\n".join(lines), lines[-1] if lines else ""):
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise InputError("not an attribution: expected a JSON object (the last line of chunky "
                     "attribute --json)", path=shown)


def mitigate_main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        from pytest_chunky.infra.sft import load_sft_jsonl
        from pytest_chunky.mitigate.plan import mitigate

        records = load_sft_jsonl(args.data)
        plan = mitigate(records, read_attribution(args.attribution), mode=args.mode,
                        weight=args.weight, counter=args.counter, seed=args.seed,
                        with_crux=args.with_crux)
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise InputError("exists and is not a directory", path=str(out), field="--out")
        out.mkdir(parents=True, exist_ok=True)
        with (out / "sft.jsonl").open("w", encoding="utf-8") as handle:
            for i, record in enumerate([*plan.kept, *plan.counter]):
                row: dict[str, object] = {"prompt": record.prompt, "response": record.response,
                       "source": record.source}
                if i in plan.weights:
                    row["weight"] = plan.weights[i]
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        (out / "counterexamples.jsonl").write_text("".join(
            r.to_json() + "\n" for r in plan.counter), encoding="utf-8")
        manifest = {**plan.manifest, "data": args.data, "out": str(out / "sft.jsonl")}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                           encoding="utf-8")
    except ChunkyError as exc:
        print(f"chunky mitigate: error: {exc}", file=sys.stderr)
        return 2
    m = plan.manifest
    print(f"{m['chunk']}: {m['blamed']} examples carry {m['trigger']!r}; "
          f"{m['dropped']} dropped, {m['downweighted']} down-weighted, "
          f"{m['counterexamples']} counter-examples added -> {out / 'sft.jsonl'}")
    if m["counterexamples_skipped"]:
        print(f"note: {m['counterexamples_skipped']}")
    return 0
