"""Run an index build's extraction and embedding map on Ray Data (the optional `ray` extra).

The driver keeps the caches: it sends only what they lack, and writes the workers' results
into them, so the rest of the build (and any rerun) is the single-machine code path and an
interrupted run keeps everything already written. Workers get the extractor and embedder by
value (Ray serialises them) or rebuild a model extractor from its spec; they never see a cache.
`address` is a Ray cluster (`ray://head:10001`, or `auto` on a cluster node); None starts a
local instance on this machine's cores.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pytest_chunky.infra.errors import ConfigError

__all__ = ["ray_embed", "ray_extract"]


def _ray(address: str | None) -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'pytest-chunky[ray]'") from None
    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, include_dashboard=False,
                 log_to_driver=False, logging_level=logging.ERROR)
    return ray


class _Extract:
    """One extractor per Ray actor, reused across that actor's batches."""

    def __init__(self, make: Callable[[], Any], kind: str) -> None:
        self.extractor = make()
        self.kind = kind

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        attrs = asyncio.run(self.extractor.extract(texts, self.kind))
        return {"i": batch["i"], "attrs": np.array([json.dumps(a) for a in attrs])}


class _Embed:
    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.embed([str(t) for t in batch["text"]])
        return {"i": batch["i"], "vec": np.asarray(vectors, dtype=np.float32)}


def _map(texts: Sequence[str], worker: type, kwargs: dict[str, Any], *, address: str | None,
         batch_size: int, concurrency: int | None) -> list[dict[str, Any]]:
    ray = _ray(address)
    workers = concurrency or max(1, int(ray.available_resources().get("CPU", 1)))
    dataset = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)])
    rows = dataset.map_batches(worker, fn_constructor_kwargs=kwargs, batch_size=batch_size,
                               concurrency=workers, batch_format="numpy").take_all()
    return sorted(rows, key=lambda row: int(row["i"]))


def ray_extract(make: Callable[[], Any], texts: Sequence[str], kind: str, *,
                address: str | None = None, batch_size: int = 512,
                concurrency: int | None = None) -> list[list[str]]:
    """Attributes of `texts`, in order, extracted by Ray actors built with `make()`."""
    if not texts:
        return []
    rows = _map(texts, _Extract, {"make": make, "kind": kind}, address=address,
                batch_size=batch_size, concurrency=concurrency)
    return [list(json.loads(str(row["attrs"]))) for row in rows]


def ray_embed(embedder: Any, texts: Sequence[str], *, address: str | None = None,
              batch_size: int = 20000, concurrency: int | None = None) -> np.ndarray:
    """Unit vectors of `texts`, in order, computed by Ray actors holding `embedder`."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    rows = _map(texts, _Embed, {"embedder": embedder}, address=address,
                batch_size=batch_size, concurrency=concurrency)
    return np.stack([np.asarray(row["vec"], dtype=np.float32) for row in rows])


def ray_fill_attributes(make: Callable[[], Any], name: str, cache: Any,
                        texts: dict[str, list[str]], *, address: str | None = None,
                        batch_size: int = 512) -> int:
    """Extract on Ray whatever the attribute cache lacks; returns texts extracted."""
    from pytest_chunky.turf.extract import text_hash

    done = 0
    for kind, group in texts.items():
        todo = cache.missing(name, kind, group)
        for start in range(0, len(todo), 50_000):  # commit in slices: an interruption keeps them
            part = todo[start:start + 50_000]
            attrs = ray_extract(make, part, kind, address=address, batch_size=batch_size)
            cache.put_many(name, kind, [(text_hash(t), a) for t, a in zip(part, attrs,
                                                                          strict=True)])
            done += len(part)
    return done


def ray_fill_embeddings(embedder: Any, cache: Any, texts: Sequence[str], *,
                        address: str | None = None) -> int:
    """Embed on Ray the strings the embedding cache lacks; returns strings embedded."""
    from pytest_chunky.turf.store import string_key

    keys = [string_key(t) for t in texts]
    todo = cache.missing(keys)
    for start in range(0, len(todo), 200_000):
        part = todo[start:start + 200_000]
        vectors = ray_embed(embedder, [texts[i] for i in part], address=address)
        cache.add([keys[i] for i in part], vectors)
        embedder.dim = embedder.dim or int(vectors.shape[1])
    return len(todo)
