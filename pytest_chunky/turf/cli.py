"""`chunky index …`: build an index, inspect it, search it, attribute a failure with it.

    chunky index build DATA.jsonl --out DIR [--extractor data|lab|MODEL]
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
from typing import TYPE_CHECKING, Any

from pytest_chunky.infra.errors import ChunkyError

if TYPE_CHECKING:
    from pytest_chunky.turf.attribute import Attribution

__all__ = ["attribute_main", "attribution_json", "index_main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chunky index",
                                     description="TURF: trace failures to training data")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build or incrementally rebuild an index")
    build.add_argument("data", help="SFT data, JSONL with prompt/response/source per line")
    build.add_argument("--out", required=True, help="index directory (holds its caches too)")
    build.add_argument("--extractor", default="data",
                       help="'data' (features mined from the corpus, offline), 'lab' (the lab's "
                       "rules) or a model string, e.g. openai:gpt-5.1")
    build.add_argument("--embedder", default="builtin",
                       help="builtin | sentence-transformers:NAME | openai:NAME[@base_url]")
    build.add_argument("--clusters", type=int, default=None,
                       help="k-means K (default ~sqrt of distinct query attributes, 8..2000)")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--batch-size", type=int, default=512)
    build.add_argument("--batch", action="store_true",
                       help="send model extraction and openai: embeddings through the "
                       "provider's batch API (half price, hours not seconds); batch ids are "
                       "kept in OUT/batches.json and a rerun resumes them")
    build.add_argument("--batch-poll", type=float, default=30.0, metavar="SECONDS",
                       help="seconds between batch status checks (default 30)")
    build.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="where extraction and embedding run: this machine (default) or Ray "
                       "Data (pip install 'pytest-chunky[ray]')")
    build.add_argument("--ray-address", default=None, metavar="ADDRESS",
                       help="Ray cluster to use with --engine ray (ray://HEAD:10001, or auto); "
                       "default: the RAY_ADDRESS variable, else a local instance")
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
    explain.add_argument("--extractor", default="lab",
                         help="with --crux-model: the blind judge ('lab' or a model string)")
    explain.add_argument("--crux-model", default=None, help="model string for the two judges")
    explain.add_argument("--k", type=int, default=1000)
    for p in (info, search, explain):
        p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "build":
        from pytest_chunky.turf.build import build_index

        index = build_index(args.data, args.out, extractor=args.extractor,
                            embedder=args.embedder, clusters=args.clusters, seed=args.seed,
                            batch_size=args.batch_size, show_progress=not args.quiet,
                            batch=args.batch, batch_poll_seconds=args.batch_poll,
                            engine=args.engine, ray_address=args.ray_address)
        print(f"built {index!r}")
        return 0
    from pytest_chunky.turf.index import TurfIndex

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
        from pytest_chunky.turf.keyword import keyword_search

        hits = keyword_search(index, args.term, field=args.field, limit=args.limit)
        if args.json:
            print(hits.model_dump_json(indent=1))
        else:
            print(hits.sentence())
            for chunk in hits.chunks:
                print(f"  {chunk.source}: {chunk.retrieved} (lift ×{chunk.lift:.1f})")
        return 0
    from pytest_chunky.turf.extract import get_extractor
    from pytest_chunky.turf.trace import trace_sync

    crux_model = extractor = None
    if args.crux_model:
        from pytest_chunky.models.registry import create_model

        crux_model = create_model(args.crux_model, flag="--crux-model")
        extractor = get_extractor(args.extractor)
    result = trace_sync(index, args.query, args.response, rubric=args.rubric,
                        extractor=extractor, crux_model=crux_model, k=args.k)
    if args.json:
        print(result.model_dump_json(indent=1))
    else:
        print(result.sentence())
        for ev in result.evidence:
            print(f"  [{ev.source}] {ev.prompt[:100]!r} -> {ev.response[:80]!r}")
    return 0


def _attribute_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chunky attribute", description="TURF: which feature of the prompt triggered the "
        "failure (the crux), and which training chunk taught it")
    parser.add_argument("index", help="a TURF index directory (chunky index build)")
    parser.add_argument("--prompt", required=True, help="the failing prompt")
    parser.add_argument("--response", required=True, help="the model's failing response")
    parser.add_argument("--rubric", default=None,
                        help="the violated rubric: a name, a .yaml path or free text")
    parser.add_argument("--extractor", default=None, metavar="MODEL",
                        help="an LLM extractor and crux judge (default: the index's data "
                        "features, offline); both methods are then reported")
    parser.add_argument("--json", action="store_true",
                        help="end with one JSON object (trigger, crux, chunk, lift, p, "
                        "chunks, evidence)")
    return parser


def attribution_json(result: Attribution) -> dict[str, Any]:
    """The one-object summary of `chunky attribute --json` (the full record under `detail`)."""
    return {
        "trigger": result.trigger, "crux": result.behaviour, "chunk": result.top_chunk,
        "lift": result.lift, "p": result.p_value, "q": result.q_value,
        "method": result.method, "sentence": result.sentence(),
        "chunks": [{"source": c.source, "share": c.share, "lift": c.lift, "p": c.p_value}
                   for c in result.chunks],
        "evidence": [{"source": e.source, "prompt": e.prompt, "response": e.response}
                     for e in result.evidence],
        "alternative": result.alternative, "detail": result.model_dump(mode="json")}


def attribute_main(argv: Sequence[str] | None = None) -> int:
    """`chunky attribute`: the plugin's TURF path (`trace`) for one failure."""
    args = _attribute_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        from pytest_chunky.turf.index import TurfIndex
        from pytest_chunky.turf.trace import trace_sync

        index = TurfIndex(args.index)
        model = extractor = None
        if args.extractor:
            from pytest_chunky.models.registry import create_model
            from pytest_chunky.turf.extract import ModelExtractor

            model = create_model(args.extractor, flag="--extractor")
            extractor = ModelExtractor(model)
        result = trace_sync(index, args.prompt, args.response, rubric=args.rubric,
                            extractor=extractor, crux_model=model)
    except ChunkyError as exc:
        print(f"chunky attribute: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # nothing in the data to trace to
        print(f"chunky attribute: {exc}", file=sys.stderr)
        return 1
    print(result.sentence())
    for chunk in result.chunks[:3]:
        print(f"  {chunk.source}: {chunk.retrieved} of {result.retrieved} examples with the "
              f"crux (lift ×{chunk.lift:.1f}, p={chunk.p_value:.2g})")
    for ev in result.evidence:
        print(f"  [{ev.source}] {ev.prompt[:100]!r} -> {ev.response[:80]!r}")
    if args.json:
        print(json.dumps(attribution_json(result), ensure_ascii=False))
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
