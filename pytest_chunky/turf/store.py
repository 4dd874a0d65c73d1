"""Build-time helpers: an append-only embedding cache and a progress reporter.

Embeddings are cached per embedder as numbered .npy parts (keys + vectors), one part per flush,
so an interrupted build loses at most one batch and nothing is ever pickled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pytest_chunky.infra.progress import Progress
from pytest_chunky.models.embed import Embedder

__all__ = ["EmbeddingCache", "string_key"]


def string_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()



#: Unit vectors lose under 1e-6 of cosine in float16 (measured by bench_turf --scale) and
#: take half the disk and page cache; attribution reads them back as float32.
STORED_DTYPE = np.float16


class EmbeddingCache:
    """string key → vector for one embedder; parts are `part-NNNNN.keys.npy/.vecs.npy`.

    Parts are float16 on disk and memory-mapped when reopened, so a rebuild over millions of
    cached strings does not hold them all in memory twice.
    """

    def __init__(self, directory: str | Path, dim: int | None = None) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._rows: dict[bytes, tuple[int, int]] = {}
        self._parts: list[np.ndarray] = []
        for keys_path in sorted(self.dir.glob("part-*.keys.npy")):
            vecs_path = keys_path.with_name(keys_path.name.replace(".keys.", ".vecs."))
            try:
                keys = np.load(keys_path, allow_pickle=False)
                vecs = np.load(vecs_path, mmap_mode="r")  # pages in on demand, never pickled
            except (OSError, ValueError):
                continue  # a part cut short by an interruption: recompute those strings
            if len(keys) != len(vecs) or (dim is not None and vecs.shape[1] != dim):
                continue
            part = len(self._parts)
            self._parts.append(vecs)
            for row, key in enumerate(keys.tolist()):
                self._rows[key] = (part, row)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def dim(self) -> int:
        """The vectors' width (0 while empty): an API embedder knows its own only after a call."""
        return int(self._parts[0].shape[1]) if self._parts else 0

    def missing(self, keys: Sequence[bytes]) -> list[int]:
        return [i for i, key in enumerate(keys) if key not in self._rows]

    def add(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        if not len(keys):
            return
        number = len(list(self.dir.glob("part-*.keys.npy")))
        stem = self.dir / f"part-{number:05d}"
        vectors = np.ascontiguousarray(vectors, dtype=STORED_DTYPE)
        np.save(f"{stem}.vecs.npy", vectors)
        np.save(f"{stem}.keys.npy", np.array(list(keys), dtype="S16"))  # keys last: commit mark
        part = len(self._parts)
        self._parts.append(vectors)
        for row, key in enumerate(keys):
            self._rows[key] = (part, row)

    def get(self, keys: Sequence[bytes], dim: int) -> np.ndarray:
        where = np.array([self._rows[key] for key in keys], dtype=np.int64).reshape(-1, 2)
        out = np.empty((len(keys), dim), dtype=np.float32)
        for part in np.unique(where[:, 0]):
            mask = where[:, 0] == part
            out[mask] = self._parts[int(part)][where[mask, 1]]
        return out


def embed_cached(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None, *,
                 label: str, batch: int = 20000, show: bool = True) -> np.ndarray:
    """Embed each string once, reusing and extending the cache in flushed batches."""
    if cache is None:
        progress = Progress(f"embedding {label}", len(texts), enabled=show)
        parts = []
        for start in range(0, len(texts), batch):
            parts.append(embedder.embed(texts[start:start + batch]))
            progress.update(min(start + batch, len(texts)))
        progress.finish()
        return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)
    keys = [string_key(t) for t in texts]
    todo = cache.missing(keys)
    progress = Progress(f"embedding {label} ({len(texts) - len(todo)} cached)", len(todo),
                        enabled=show)
    for start in range(0, len(todo), batch):
        chunk = todo[start:start + batch]
        vectors = embedder.embed([texts[i] for i in chunk])
        cache.add([keys[i] for i in chunk], vectors)
        progress.update(start + len(chunk))
    progress.finish()
    return cache.get(keys, embedder.dim or cache.dim)
