"""`chunky audit PREFS.jsonl [--extractor data|lab|MODEL] [--json] [--html FILE] [--out DIR]`."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from pytest_chunky.infra.errors import ChunkyError, ConfigError, InputError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chunky audit", description="which concepts do chosen responses carry more than "
        "rejected ones, globally and within groups of similar prompts?")
    parser.add_argument("data", help="preference JSONL: prompt, chosen, rejected[, source]")
    parser.add_argument("--extractor", default="data", metavar="data|lab|MODEL",
                        help="where concepts come from: the data's own features (default), "
                        "the lab's rule-based extractor, or a model string (an LLM describes "
                        "each response; replies are cached under --cache)")
    parser.add_argument("--cache", default=".chunky/audit", help="extractor cache directory "
                        "(a rerun or an interrupted audit asks for no response twice)")
    parser.add_argument("--alpha", type=float, default=0.05, help="BH q-value threshold")
    parser.add_argument("--clusters", type=int, default=None, help="prompt clusters (default "
                        "~sqrt(pairs/40), 2..50)")
    parser.add_argument("--top", type=int, default=10, help="hypotheses shown per pipeline")
    parser.add_argument("--out", default=None, help="write filtered.jsonl, penalties.jsonl, "
                        "inoculated.jsonl and audit.json for the top concepts here")
    parser.add_argument("--act-on", type=int, default=1,
                        help="how many top significant concepts the outputs act on")
    parser.add_argument("--mode", choices=("drop", "downweight"), default="drop")
    parser.add_argument("--strength", type=float, default=None,
                        help="reward-shaping strength (default: when every pair has "
                        "chosen_reward and rejected_reward, each concept's measured worth to "
                        "that reward model; otherwise 1.0)")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument("--html", default=None, help="write the audit as an HTML page here")
    return parser


def _write_jsonl(path: Path, rows: Sequence[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")


def audit_main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        if not 0 < args.alpha < 1:
            raise InputError(f"must be between 0 and 1, got {args.alpha}", field="--alpha")
        from pytest_chunky.audit.data import load_prefs
        from pytest_chunky.audit.outputs import (
            as_json,
            concept_effect,
            filtered,
            inoculated,
            penalties,
        )
        from pytest_chunky.audit.run import audit

        pairs = load_prefs(args.data)
        concepts = None
        if args.extractor.strip() not in ("", "data"):
            from pytest_chunky.audit.concepts import extracted_concepts
            from pytest_chunky.turf.extract import get_extractor

            cache = Path(args.cache)
            try:
                extractor = get_extractor(args.extractor, cache_dir=cache)
                concepts = extracted_concepts([p.chosen for p in pairs] +
                                              [p.rejected for p in pairs], extractor,
                                              cache=cache)
            except (OSError, sqlite3.Error) as exc:
                raise ConfigError(f"--cache {cache}: cannot use it as the extractor cache "
                                  f"({exc}); pass a writable directory") from None
            except KeyboardInterrupt:
                print(f"chunky audit: interrupted; the responses described so far are kept in "
                      f"{cache}, rerun to resume", file=sys.stderr)
                return 130
        report = audit(pairs, clusters=args.clusters, concepts=concepts)
        summary = as_json(report, args.alpha)
        print(f"chunky audit: {report.pairs} pairs, {report.concepts} concepts "
              f"({report.space.source}), {len(report.clusters)} prompt clusters")
        for name, group in (("global", report.global_), ("per prompt cluster",
                                                          report.by_cluster)):
            shown = [h for h in group if h.q_value <= args.alpha][:args.top]
            print(f"{name}: {len(shown)} significant concept(s)" + (":" if shown else ""))
            for h in shown:
                print(f"  - {h.sentence()}")
        if args.html:
            from pytest_chunky.audit.html import write_audit_html

            shown_at = write_audit_html(args.html, report, pairs, alpha=args.alpha,
                                        top=args.top)
            print(f"HTML report written to {shown_at}")
        if args.out:
            acted = [h for h in [*report.global_, *report.by_cluster]
                     if h.q_value <= args.alpha][:args.act_on]
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            _write_jsonl(out / "filtered.jsonl", filtered(pairs, report, acted, mode=args.mode))
            strength = 1.0 if args.strength is None else args.strength
            found = {} if args.strength is not None else {
                h.concept: concept_effect(report, h, pairs) for h in acted}
            effects = {c: e for c, e in found.items() if e is not None}  # None: no rewards
            _write_jsonl(out / "penalties.jsonl", penalties(report, acted, strength, effects))
            summary["strengths"] = {h.concept: round(effects.get(h.concept, strength), 4)
                                    for h in acted}
            _write_jsonl(out / "inoculated.jsonl", inoculated(pairs, report, acted))
            summary["acted_on"] = [h.concept for h in acted]
            (out / "audit.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False),
                                            encoding="utf-8")
            print(f"outputs for {len(acted)} concept(s) written to {out}")
    except ChunkyError as exc:
        print(f"chunky audit: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    return 0
