"""`chunky index …`: build an index, inspect it, search it, attribute a failure with it.

    chunky index build DATA.jsonl --out DIR [--extractor lab|MODEL]
                       [--embedder builtin|sentence-transformers:NAME|openai:NAME]
                       [--clusters K] [--seed S]
    chunky index info DIR
    chunky index search DIR TERM [--field prompt|response|both]
    chunky index explain DIR --query Q --response R [--rubric NAME|PATH|TEXT] [--k K]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ..errors import ChunkyError

__all__ = ["index_main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chunky index",
                                     description="TURF: trace failures to training data")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build or incrementally rebuild an index")
    build.add_argument("data", help="SFT data, JSONL with prompt/response/source per line")
    build.add_argument("--out", required=True, help="index directory (holds its caches too)")
    build.add_argument("--extractor", default="lab",
                       help="'lab' (offline rules) or a model string, e.g. openai:gpt-5.1")
    build.add_argument("--embedder", default="builtin",
                       help="builtin | sentence-transformers:NAME | openai:NAME[@base_url]")
    build.add_argument("--clusters", type=int, default=None,
                       help="k-means K (default ~sqrt of distinct query attributes, 8..2000)")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--batch-size", type=int, default=512)
    build.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    info = sub.add_parser("info", help="describe an index")
    info.add_argument("index")
    search = sub.add_parser("search", help="exact keyword / n-gram search over the data")
    search.add_argument("index")
    search.add_argument("term")
    search.add_argument("--field", choices=("prompt", "response", "both"), default="prompt")
    search.add_argument("--limit", type=int, default=3)
    explain = sub.add_parser("explain", help="attribute one failing query/response")
    explain.add_argument("index")
    explain.add_argument("--query", required=True)
    explain.add_argument("--response", required=True)
    explain.add_argument("--rubric", default=None, help="rubric name, path or free text")
    explain.add_argument("--extractor", default="lab")
    explain.add_argument("--crux-model", default=None, help="model string for the two judges")
    explain.add_argument("--k", type=int, default=1000)
    for p in (info, search, explain):
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "build":
        from .build import build_index

        index = build_index(args.data, args.out, extractor=args.extractor,
                            embedder=args.embedder, clusters=args.clusters, seed=args.seed,
                            batch_size=args.batch_size, show_progress=not args.quiet)
        print(f"built {index!r}")
        return 0
    from .index import TurfIndex

    index = TurfIndex(args.index)
    if args.command == "info":
        if args.json:
            print(json.dumps(index.meta, indent=1))
        else:
            meta = index.meta
            print(f"{index.dir}: {meta['n_examples']} examples from {len(index.sources)} "
                  f"sources, {meta['n_clusters']} query clusters, "
                  f"{meta['n_query_attributes']} + {meta['n_response_attributes']} distinct "
                  f"attributes, embedder {meta['embedder']['spec']}, extractor "
                  f"{meta['extractor']}")
        return 0
    if args.command == "search":
        from .keyword import keyword_search

        hits = keyword_search(index, args.term, field=args.field, limit=args.limit)
        if args.json:
            print(hits.model_dump_json(indent=1))
        else:
            print(hits.sentence())
            for chunk in hits.chunks:
                print(f"  {chunk.source}: {chunk.retrieved} (lift ×{chunk.lift:.1f})")
        return 0
    from .attribute import attribute_sync
    from .extract import get_extractor

    crux_model = None
    if args.crux_model:
        from ..models.registry import create_model

        crux_model = create_model(args.crux_model, flag="--crux-model")
    result = attribute_sync(index, args.query, args.response, rubric=args.rubric,
                            extractor=get_extractor(args.extractor), crux_model=crux_model,
                            k=args.k)
    if args.json:
        print(result.model_dump_json(indent=1))
    else:
        print(result.sentence())
        for ev in result.evidence:
            print(f"  [{ev.source}] {ev.prompt[:100]!r} -> {ev.response[:80]!r}")
    return 0


def index_main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `chunky index`; returns the process exit code."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        return _run(args)
    except ChunkyError as exc:
        print(f"chunky index: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chunky index: interrupted; run the same command again to resume from the cache",
              file=sys.stderr)
        return 130
