"""Build a SURF attribute pool from a user's own SFT data, the way the paper built its pool.

Extract query attributes from the data's prompts → embed each distinct one → k-means with as
many clusters as the pool should have (weighted by frequency) → one attribute per cluster: the
most frequent near-central member, or an LLM's summary of the cluster's top members → YAML
(`attributes: [...]`), most common clusters first.

    chunky attributes build DATA.jsonl --out pool.yaml [--size N] [--extractor lab|MODEL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pytest_chunky.infra.errors import ChunkyError, ConfigError, InputError
from pytest_chunky.models.base import Model
from pytest_chunky.models.embed import BuiltinEmbedder, Embedder, get_embedder

__all__ = ["abuild_pool", "attributes_main", "build_pool", "write_pool"]

DEFAULT_SIZE = 100


async def _summarise(model: Model, members: list[str]) -> str:
    from pytest_chunky.calls import prompts
    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.calls.roles import structured_call

    template = prompts.Template("summarise_attributes", 1, """\
You are given attributes of user queries that fall in one cluster. Write ONE short, general
attribute, a sentence starting "The query ...", that captures what they share. Reply with the
attribute only, inside <attribute></attribute> tags.""")
    client = RoleClient("extractor", model, cache=None, ledger=Ledger(), budget=None)

    def parse(reply: str) -> str:
        body = prompts.extract_tag("attribute", reply)
        if not body or not body.strip():
            from pytest_chunky.infra.errors import JudgeParseError

            raise JudgeParseError(f"summary reply has no <attribute>: {reply[:120]!r}")
        return " ".join(body.split())

    return await structured_call(client, template, prompts.tagged(
        "attributes", "\n".join(members)), parse)


async def abuild_pool(data: str | Path | Sequence[Any], *, size: int = DEFAULT_SIZE,
                      extractor: Any = "lab", embedder: Embedder | str = "builtin",
                      model: Model | None = None, seed: int = 0,
                      cache_dir: str | Path | None = None,
                      show_progress: bool = True) -> list[str]:
    """The pool's attributes, most common cluster first."""
    from pytest_chunky.turf.build import extract_ids
    from pytest_chunky.turf.cluster import cluster_query_attributes, summarise_clusters
    from pytest_chunky.turf.data import as_examples, load_examples
    from pytest_chunky.turf.extract import AttributeCache, CachedExtractor, Extractor, get_extractor

    if size < 1:
        raise ConfigError(f"--size must be >= 1, got {size}")
    examples = load_examples(data) if isinstance(data, str | Path) else as_examples(data)
    if not examples:
        raise InputError("dataset has no examples")
    inner: Extractor = get_extractor(extractor) if isinstance(extractor, str) else extractor
    cache = AttributeCache(Path(cache_dir) / "attributes.sqlite") if cache_dir else None
    runner: Extractor = CachedExtractor(inner, cache) if cache else inner
    vocab: dict[str, int] = {}
    try:
        ids = await extract_ids(runner, [e.prompt for e in examples], "query", vocab,
                                show=show_progress)
    finally:
        if cache:
            cache.close()
    strings = list(vocab)
    if not strings:
        raise InputError("the extractor produced no query attributes")
    emb = (BuiltinEmbedder().fit(strings) if embedder in ("", "builtin")
           else get_embedder(embedder) if isinstance(embedder, str) else embedder)
    vectors = emb.embed(strings)
    counts = np.bincount(ids[ids >= 0], minlength=len(strings)).astype(np.int64)
    centroids, labels = cluster_query_attributes(vectors, ids, min(size, len(strings)),
                                                 seed, strings)
    summaries = summarise_clusters(strings, vectors, labels, counts, centroids)
    weight = np.bincount(labels, weights=counts, minlength=len(centroids))
    # Refinement may split or merge clusters: keep the `size` most common ones.
    order = [int(c) for c in np.argsort(-weight, kind="stable") if weight[c] > 0][:size]
    if model is not None:
        tops = []
        for c in order:
            members = np.nonzero(labels == c)[0]
            best = members[np.argsort(-counts[members], kind="stable")][:12]
            tops.append([strings[i] for i in best])
        summaries_llm = await asyncio.gather(*(_summarise(model, m) for m in tops))
        picked = list(summaries_llm)
    else:
        picked = [summaries[c] for c in order]
    return list(dict.fromkeys(picked))


def build_pool(data: str | Path | Sequence[Any], **kwargs: Any) -> list[str]:
    return asyncio.run(abuild_pool(data, **kwargs))


def write_pool(attributes: Sequence[str], path: str | Path, *, source: str = "") -> Path:
    import yaml

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    header = f"# SURF attribute pool built by `chunky attributes build` from {source}\n" \
        if source else ""
    body = yaml.safe_dump({"attributes": list(attributes)}, sort_keys=False,
                          allow_unicode=True, width=100)
    out.write_text(header + body, encoding="utf-8")
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chunky attributes",
                                     description="build a SURF attribute pool from SFT data")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="extract, embed, cluster and summarise")
    build.add_argument("data", help="SFT data, JSONL with prompt/response/source per line")
    build.add_argument("--out", required=True, help="pool YAML file to write")
    build.add_argument("--size", type=int, default=DEFAULT_SIZE, help="attributes in the pool")
    build.add_argument("--extractor", default="lab", help="'lab' or a model string")
    build.add_argument("--embedder", default="builtin")
    build.add_argument("--summariser", default=None,
                       help="model string to summarise each cluster (default: its central "
                            "attribute)")
    build.add_argument("--cache", default=None,
                       help="attribute cache directory (default: OUT with suffix .cache)")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--quiet", action="store_true")
    return parser


def attributes_main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `chunky attributes`; returns the process exit code."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        model = None
        if args.summariser:
            from pytest_chunky.models.registry import create_model

            model = create_model(args.summariser, flag="--summariser")
        cache = args.cache or str(Path(args.out).with_suffix(".cache"))
        attrs = build_pool(args.data, size=args.size, extractor=args.extractor,
                           embedder=args.embedder, model=model, seed=args.seed,
                           cache_dir=cache, show_progress=not args.quiet)
        write_pool(attrs, args.out, source=str(args.data))
    except ChunkyError as exc:
        print(f"chunky attributes: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(attrs)} attributes to {args.out}")
    return 0
