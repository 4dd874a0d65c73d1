"""Offline TURF index build (paper D.1.1, Algorithm 1), resumable and incremental.

extract 10 query + 10 response attributes per example (cached by content hash) → embed each
distinct attribute string once (cached) → k-means over query attributes, weighted by how often
each string occurs (the same as clustering all 10N vectors) → summaries → hnswlib over the
response attributes → posting lists → write the arrays, then `meta.json` last.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pytest_chunky.describe import DataExtractor, fit_spaces
from pytest_chunky.infra.credentials import redact
from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.infra.progress import Progress
from pytest_chunky.models.embed import BuiltinEmbedder, Embedder, get_embedder
from pytest_chunky.turf.cluster import cluster_query_attributes, summarise_clusters
from pytest_chunky.turf.data import SFTRecord, as_examples, load_examples
from pytest_chunky.turf.extract import (
    ATTRIBUTES_PER_TEXT,
    AttributeCache,
    CachedExtractor,
    Extractor,
    Kind,
    get_extractor,
    safe_name,
)
from pytest_chunky.turf.index import (
    FEATURES,
    FORMAT_VERSION,
    HNSW_EF_CONSTRUCTION,
    HNSW_M,
    META,
    TurfIndex,
)
from pytest_chunky.turf.integrity import file_table
from pytest_chunky.turf.store import STORED_DTYPE, EmbeddingCache, embed_cached

__all__ = ["abuild_index", "build_index", "default_clusters", "extract_ids"]


def default_clusters(n_distinct: int) -> int:
    """K ≈ D / (1 + sqrt(D)/8) for D distinct query attributes, clipped to [8, 2000].

    Few distinct strings are mostly distinct concepts (a handful of paraphrases each), so K
    stays close to D; many strings grow K like 8·sqrt(D). Splitting a concept costs little
    (lift is unchanged), merging two concepts hides the trigger, so err on the side of more.
    """
    if n_distinct <= 8:
        return max(1, n_distinct)
    k = round(n_distinct / (1.0 + math.sqrt(n_distinct) / 8.0))
    return max(8, min(2000, k))


async def extract_ids(extractor: Extractor, texts: Sequence[str], kind: Kind,
                      vocab: dict[str, int], *, batch_size: int = 512,
                      show: bool = True, prefix: str = "turf") -> np.ndarray:
    """Attributes of every text as ids into `vocab` (grown in place); -1 pads short rows."""
    ids = np.full((len(texts), ATTRIBUTES_PER_TEXT), -1, dtype=np.int32)
    progress = Progress(f"extracting {kind} attributes", len(texts), enabled=show,
                        prefix=prefix)
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        for row, attrs in enumerate(await extractor.extract(batch, kind), start):
            for col, attr in enumerate(attrs[:ATTRIBUTES_PER_TEXT]):
                ids[row, col] = vocab.setdefault(attr, len(vocab))
        progress.update(start + len(batch))
    progress.finish()
    return ids


def _dedupe_rows(matrix: np.ndarray) -> np.ndarray:
    out = np.sort(matrix, axis=1)
    dup = np.zeros_like(out, dtype=bool)
    dup[:, 1:] = out[:, 1:] == out[:, :-1]
    out[dup] = -1
    return np.sort(out, axis=1)[:, ::-1].copy()


def _postings(ids: np.ndarray, n_strings: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.nonzero(ids >= 0)
    strings = ids[rows, cols]
    rng = np.random.default_rng(seed)
    shuffle = rng.permutation(len(rows))
    rows, strings = rows[shuffle], strings[shuffle]
    order = np.argsort(strings, kind="stable")
    indptr = np.zeros(n_strings + 1, dtype=np.int64)
    np.cumsum(np.bincount(strings, minlength=n_strings), out=indptr[1:])
    return indptr, rows[order].astype(np.int32)


def _prepare_embedder(spec: Embedder | str, strings: list[str], weights: np.ndarray,
                      cache_dir: Path, show: bool) -> tuple[Embedder, str]:
    if not isinstance(spec, str):
        return spec, getattr(spec, "spec", spec.name)
    if spec.strip() in ("", "builtin"):
        state = cache_dir / "builtin"
        if (state / "embedder.json").exists():
            try:  # reuse the earlier fit so that cached embeddings stay valid
                return BuiltinEmbedder.load(state), "builtin"
            except InputError:
                shutil.rmtree(state, ignore_errors=True)  # an older state format: refit
        started = time.perf_counter()
        embedder = BuiltinEmbedder().fit(strings, weights)
        embedder.save(state)
        if show:
            _log(f"built-in embedder fitted in {time.perf_counter() - started:.1f}s")
        return embedder, "builtin"
    return get_embedder(spec), spec.strip()


def _worker_factory(spec: Extractor | str, built: Extractor) -> Any:
    """How a Ray worker gets its extractor: a model one is rebuilt from its spec (SDK clients
    and caches do not travel); an offline one travels by value."""
    from functools import partial

    from pytest_chunky.turf.extract import ModelExtractor

    if isinstance(built, ModelExtractor):
        return partial(get_extractor, spec if isinstance(spec, str) else built.model.spec)
    return partial(_same, built)


def _same(value: Any) -> Any:
    return value


async def _batch_extraction(extractor: Extractor, cache: AttributeCache,
                            examples: Sequence[SFTRecord], out: Path, poll: float,
                            show: bool) -> None:
    """Send the texts the attribute cache lacks through the provider's batch API."""
    from pytest_chunky.turf.extract import ModelExtractor
    from pytest_chunky.turf.prefill import STATE_FILE, prefill_extraction

    if not isinstance(extractor, ModelExtractor):
        if show:
            _log(f"--batch: extractor {extractor.name} makes no model calls; nothing to batch")
        return
    texts = {"query": cache.missing(extractor.name, "query", [e.prompt for e in examples]),
             "response": cache.missing(extractor.name, "response",
                                       [e.response for e in examples])}
    sent = await prefill_extraction(extractor, texts, out / STATE_FILE, poll_seconds=poll,
                                    show=show)
    if show:
        _log(f"--batch: {sent} extraction requests went through batches")


def _log(text: str) -> None:
    import sys

    print(f"turf: {text}", file=sys.stderr, flush=True)


def _write_examples(out: Path, examples: Sequence[SFTRecord]) -> np.ndarray:
    offsets = np.empty(len(examples), dtype=np.int64)
    position = 0
    with (out / "examples.jsonl").open("wb") as handle:
        for i, ex in enumerate(examples):
            line = json.dumps({"prompt": ex.prompt, "response": ex.response,
                               "source": ex.source}, ensure_ascii=False).encode() + b"\n"
            offsets[i] = position
            position += len(line)
            handle.write(line)
    return offsets


async def abuild_index(data: str | Path | Sequence[Any], out: str | Path, *,
                       extractor: Extractor | str = "data", embedder: Embedder | str = "builtin",
                       clusters: int | None = None, seed: int = 0, batch_size: int = 512,
                       show_progress: bool = True, hnsw_threads: int | None = None,
                       context_weight: float = 1.0, batch: bool = False,
                       batch_poll_seconds: float = 30.0, engine: str = "local",
                       ray_address: str | None = None) -> TurfIndex:
    """Build (or incrementally rebuild) an index in `out`; caches live in `out/cache`.

    With `batch`, model extraction and API embeddings go through the provider's batch API
    first (half price; ids kept in `out/batches.json`, so an interrupted build resumes them).
    With `engine="ray"`, extraction and embedding run as Ray Data maps (`ray_address`: a
    cluster, or None for a local instance); their results fill the same caches.
    """
    if engine not in ("local", "ray"):
        raise ConfigError(f"--engine must be 'local' or 'ray', not {engine!r}")
    started = time.perf_counter()
    out = Path(out)
    examples = load_examples(data) if isinstance(data, str | Path) else as_examples(data)
    if not examples:
        raise InputError("dataset has no examples", path=str(data) if isinstance(
            data, str | Path) else None)
    if clusters is not None and clusters < 1:
        raise ConfigError(f"--clusters must be >= 1, got {clusters}")
    out.mkdir(parents=True, exist_ok=True)
    (out / META).unlink(missing_ok=True)  # the index is invalid until meta.json is rewritten
    cache_dir = out / "cache"
    spaces = fit_spaces([e.prompt for e in examples], [e.response for e in examples])
    for space in spaces:
        space.save(out / FEATURES)
    if show_progress:
        _log(f"data features: {len(spaces[0].keys)} query and {len(spaces[1].keys)} response "
             "features mined from the corpus")
    if isinstance(extractor, str) and extractor.strip() in ("", "data"):
        inner: Extractor = DataExtractor(*spaces)
    else:
        inner = (get_extractor(extractor, cache_dir=cache_dir) if isinstance(extractor, str)
                 else extractor)
    attr_cache = AttributeCache(cache_dir / "attributes.sqlite")
    cached = CachedExtractor(inner, attr_cache)
    try:
        if batch:
            await _batch_extraction(inner, attr_cache, examples, out, batch_poll_seconds,
                                    show_progress)
        elif engine == "ray":
            from pytest_chunky.turf.ray_engine import ray_fill_attributes

            sent = ray_fill_attributes(_worker_factory(extractor, inner), inner.name,
                                       attr_cache, {"query": [e.prompt for e in examples],
                                                    "response": [e.response for e in examples]},
                                       address=ray_address, batch_size=batch_size)
            if show_progress:
                _log(f"ray: {sent} texts extracted on Ray")
        q_vocab: dict[str, int] = {}
        r_vocab: dict[str, int] = {}
        q_ids = await extract_ids(cached, [e.prompt for e in examples], "query", q_vocab,
                                  batch_size=batch_size, show=show_progress)
        r_ids = await extract_ids(cached, [e.response for e in examples], "response", r_vocab,
                                  batch_size=batch_size, show=show_progress)
    finally:
        attr_cache.close()
        closer = getattr(getattr(inner, "model", None), "aclose", None)
        if closer is not None:  # an SDK client must close on the loop that opened it
            await closer()
    q_strings, r_strings = list(q_vocab), list(r_vocab)
    del q_vocab, r_vocab
    if not q_strings or not r_strings:
        raise InputError("the extractor produced no attributes for this dataset")
    extracted = time.perf_counter()

    q_counts = np.bincount(q_ids[q_ids >= 0], minlength=len(q_strings)).astype(np.int64)
    r_counts = np.bincount(r_ids[r_ids >= 0], minlength=len(r_strings)).astype(np.int64)
    emb, emb_spec = _prepare_embedder(embedder, q_strings + r_strings,
                                      np.concatenate([q_counts, r_counts]), cache_dir,
                                      show_progress)
    emb_cache = EmbeddingCache(cache_dir / "embeddings" / safe_name(emb.name))
    if batch and hasattr(emb, "batch_model"):  # an API embedder with a batch endpoint
        from pytest_chunky.turf.prefill import STATE_FILE, prefill_embeddings

        await prefill_embeddings(emb, q_strings + r_strings, emb_cache, out / STATE_FILE,
                                 poll_seconds=batch_poll_seconds, show=show_progress)
    if engine == "ray":
        from pytest_chunky.turf.ray_engine import ray_fill_embeddings

        sent = ray_fill_embeddings(emb, emb_cache, q_strings + r_strings, address=ray_address)
        if show_progress:
            _log(f"ray: {sent} strings embedded on Ray")
    # Held as stored (float16, so exactly the cached values) through clustering: half the
    # memory of the largest array a diverse build keeps.
    q_vecs = embed_cached(emb, q_strings, emb_cache, label="query attributes",
                          show=show_progress).astype(STORED_DTYPE)
    r_vecs = embed_cached(emb, r_strings, emb_cache, label="response attributes",
                          show=show_progress)
    dim = int(q_vecs.shape[1])
    del emb_cache
    embedded = time.perf_counter()

    # The HNSW index first, so the response vectors are freed before clustering (peak memory).
    import hnswlib

    if show_progress:
        _log(f"hnswlib: indexing {len(r_strings)} distinct response attributes")
    hnsw = hnswlib.Index(space="cosine", dim=dim)
    hnsw.init_index(max_elements=len(r_strings), ef_construction=HNSW_EF_CONSTRUCTION,
                    M=HNSW_M, random_seed=seed)
    # Rarest strings first: the frequent ones (what cruxes usually are) go in last, so later
    # insertions cannot prune the links that lead to them.
    order = np.argsort(r_counts, kind="stable")
    for start in range(0, len(order), 65536):  # slices: no second copy of every vector
        part = order[start:start + 65536]
        hnsw.add_items(r_vecs[part], part, num_threads=hnsw_threads or min(4, os.cpu_count() or 1))
    hnsw.save_index(str(out / "responses.hnsw"))
    del hnsw, r_vecs
    indexed = time.perf_counter()

    k = clusters or default_clusters(len(q_strings))
    if show_progress:
        _log(f"k-means: {k} clusters over {len(q_strings)} distinct query attributes "
             f"({int(q_counts.sum())} occurrences)")
    centroids, labels = cluster_query_attributes(q_vecs, q_ids, k, seed, q_strings,
                                                 context_weight=context_weight)
    summaries = summarise_clusters(q_strings, q_vecs, labels, q_counts, centroids)
    example_clusters = _dedupe_rows(np.where(q_ids >= 0, labels[np.maximum(q_ids, 0)], -1))
    cluster_sizes = np.bincount(example_clusters[example_clusters >= 0],
                                minlength=len(centroids)).astype(np.int64)
    clustered = time.perf_counter()

    del q_vecs
    indptr, postings = _postings(r_ids, len(r_strings), seed)

    sources = sorted({e.source for e in examples})
    source_index = {s: i for i, s in enumerate(sources)}
    arrays = {
        "query_ids": q_ids, "response_ids": r_ids, "example_clusters": example_clusters,
        "cluster_sizes": cluster_sizes, "centroids": centroids, "query_attr_cluster": labels,
        "posting_indptr": indptr, "posting_examples": postings,
        "source_ids": np.array([source_index[e.source] for e in examples], dtype=np.int32),
        "example_offsets": _write_examples(out, examples),
    }
    for name, array in arrays.items():
        np.save(out / f"{name}.npy", array)
    for name, obj in (("sources.json", sources), ("cluster_summaries.json", summaries),
                      ("query_attributes.json", q_strings),
                      ("response_attributes.json", r_strings)):
        (out / name).write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    if isinstance(emb, BuiltinEmbedder):
        shutil.rmtree(out / "embedder", ignore_errors=True)
        emb.save(out / "embedder")
    finished = time.perf_counter()
    meta = {
        "format_version": FORMAT_VERSION, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "data": str(data) if isinstance(data, str | Path) else "<records>",
        "n_examples": len(examples), "n_query_attributes": len(q_strings),
        "n_response_attributes": len(r_strings), "n_clusters": len(centroids), "kmeans_k": k,
        "hnsw_dim": dim,
        "seed": seed, "extractor": inner.name,
        # Credentials in an embedder URL are never stored: a reader passes the spec again.
        "embedder": {"spec": redact(emb_spec), "name": redact(emb.name), "dim": dim},
        "cache": {"attribute_hits": cached.hits, "attribute_misses": cached.misses},
        "timings_s": {"extract": round(extracted - started, 2),
                      "embed": round(embedded - extracted, 2),
                      "hnsw": round(indexed - embedded, 2),
                      "cluster": round(clustered - indexed, 2),
                      "total": round(finished - started, 2)},
    }
    meta["files"] = file_table(out)  # sizes and digests, checked before any load
    tmp = out / (META + ".tmp")
    tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    os.replace(tmp, out / META)
    if show_progress:
        _log(f"index written to {out} ({len(examples)} examples, {len(centroids)} clusters, "
             f"{finished - started:.1f}s)")
    return TurfIndex(out)


def build_index(data: str | Path | Sequence[Any], out: str | Path, **kwargs: Any) -> TurfIndex:
    """Synchronous `abuild_index` (for scripts and the CLI)."""
    return asyncio.run(abuild_index(data, out, **kwargs))
