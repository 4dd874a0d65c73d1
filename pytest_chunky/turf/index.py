"""A built TURF index on disk, and the lookups attribution needs.

Layout (numpy arrays, JSON and one hnswlib file; never pickle): per example its 10 query- and
10 response-attribute ids; the distinct attribute strings; the query-attribute clusters with
their centroids and one-line summaries; posting lists from response attribute to examples; an
hnswlib (cosine) index over the distinct response-attribute embeddings; the examples themselves.
`meta.json` is written last and carries `format_version`; any other version is refused.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.models.embed import BuiltinEmbedder, Embedder, get_embedder
from pytest_chunky.turf.data import SFTRecord
from pytest_chunky.turf.integrity import (
    check_arrays,
    check_hnsw,
    check_meta,
    damaged,
    regular_file,
    verify_files,
)

if TYPE_CHECKING:
    from pytest_chunky.describe.space import FeatureSpace

FORMAT_VERSION = 1
META = "meta.json"
FEATURES = "features"
# hnswlib parameters. M and ef_construction set graph quality at build time; ef (the search
# beam) is 8× the neighbours asked for, within [64, 4096]. `bench_turf.py --scale` measures
# recall@100 against exact search over 600k distinct response attributes (BENCHMARKS.md).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_FACTOR = 8.0
HNSW_EF_MIN = 64
HNSW_EF_MAX = 4096  # beyond this the beam costs more than exactness buys (k itself still wins)
_CONTENT_TEXTS = ("sources.json", "cluster_summaries.json", "query_attributes.json",
                  "response_attributes.json", "examples.jsonl")

__all__ = ["FORMAT_VERSION", "TurfIndex", "load_index"]


def _rebuild_hint(directory: Path) -> str:
    return f"rebuild it with: chunky index build DATA.jsonl --out {directory}"


class TurfIndex:
    """A loaded index. Arrays are memory-light; the hnswlib file and texts load on first use."""

    def __init__(self, directory: str | Path, *, embedder: str | None = None) -> None:
        """`embedder`: the spec to embed with instead of the stored one (the stored spec of an
        API embedder has its URL credentials masked, so such an index needs it)."""
        self.dir = Path(directory)
        self.embedder_spec = embedder
        meta_path = self.dir / META
        try:
            self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"no TURF index here (missing {META}); "
                             f"{_rebuild_hint(self.dir)}", path=str(self.dir)) from None
        except (OSError, ValueError, RecursionError) as exc:
            raise damaged(self.dir, f"unreadable metadata ({type(exc).__name__}: "
                          f"{str(exc)[:120]})", META) from None
        version = self.meta.get("format_version") if isinstance(self.meta, dict) else None
        if version != FORMAT_VERSION:
            raise InputError(
                f"index format version {version!r} is not the version this pytest-chunky reads "
                f"({FORMAT_VERSION}); {_rebuild_hint(self.dir)}", path=str(meta_path),
                field="format_version")
        check_meta(self.dir, self.meta)
        if "files" in self.meta:  # every file's size and digest, before anything reads it
            verify_files(self.dir, self.meta["files"])
        self.sources: list[str] = self._json("sources.json")
        self.source_ids = self._npy("source_ids.npy")
        self.query_ids = self._npy("query_ids.npy")
        self.response_ids = self._npy("response_ids.npy")
        self.example_clusters = self._npy("example_clusters.npy")
        self.cluster_sizes = self._npy("cluster_sizes.npy")
        self.centroids = self._npy("centroids.npy")
        self.query_attr_cluster = self._npy("query_attr_cluster.npy")
        self.posting_indptr = self._npy("posting_indptr.npy")
        self.posting_examples = self._npy("posting_examples.npy")
        self.offsets = self._npy("example_offsets.npy")
        self.summaries: list[str] = self._json("cluster_summaries.json")
        self.n_examples = int(self.meta["n_examples"])
        check_arrays(self.dir, self.meta, vars(self))
        self.source_counts = np.bincount(self.source_ids, minlength=len(self.sources))
        self._embedder: Embedder | None = None
        self._hnsw: Any = None
        self._texts: list[SFTRecord] | None = None

    # -- loading ---------------------------------------------------------------------------
    def _npy(self, name: str) -> np.ndarray:
        """A read-only memory map: a 1M-example index opens in milliseconds and only the rows
        an attribution touches are paged in."""
        regular_file(self.dir / name, self.dir)
        try:
            return np.load(self.dir / name, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise InputError(f"index file is missing or damaged ({exc}); "
                             f"{_rebuild_hint(self.dir)}", path=str(self.dir / name)) from None

    def _json(self, name: str) -> Any:
        regular_file(self.dir / name, self.dir)
        try:
            return json.loads((self.dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            raise InputError(f"index file is missing or damaged ({exc}); "
                             f"{_rebuild_hint(self.dir)}", path=str(self.dir / name)) from None

    @cached_property
    def query_attributes(self) -> list[str]:
        return list(self._json("query_attributes.json"))

    @cached_property
    def response_attributes(self) -> list[str]:
        return list(self._json("response_attributes.json"))

    @cached_property
    def features(self) -> tuple[FeatureSpace, FeatureSpace] | None:
        """The corpus's data-driven (query, response) feature spaces; None in older indexes."""
        from pytest_chunky.describe.space import FeatureSpace

        folder = self.dir / FEATURES
        if not (folder / "query_space.json").exists():
            return None
        return FeatureSpace.load(folder, "query"), FeatureSpace.load(folder, "response")

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            spec = self.embedder_spec or str(self.meta["embedder"]["spec"])
            if "***" in spec:
                raise ConfigError(
                    f"this index's embedder {spec} had credentials in its URL, which an index "
                    "never stores; pass the full spec with --chunky-embedder (or "
                    "TurfIndex(..., embedder=SPEC)), e.g. with ${VAR} for the secret")
            if spec == "builtin":
                self._embedder = BuiltinEmbedder.load(self.dir / "embedder")
            else:
                self._embedder = get_embedder(spec)
        return self._embedder

    @property
    def hnsw(self) -> Any:
        if self._hnsw is None:
            import hnswlib

            dim, count = int(self.meta["hnsw_dim"]), int(self.meta["n_response_attributes"])
            check_hnsw(self.dir / "responses.hnsw", dim=dim, count=count)  # before native code
            index = hnswlib.Index(space="cosine", dim=dim)
            index.load_index(str(self.dir / "responses.hnsw"), max_elements=count)
            index.set_num_threads(1)
            self._hnsw = index
        return self._hnsw

    @property
    def n_clusters(self) -> int:
        return int(self.centroids.shape[0])

    # -- lookups ---------------------------------------------------------------------------
    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed(texts)

    @cached_property
    def _query_attribute_ids(self) -> dict[str, int]:
        return {text: i for i, text in enumerate(self.query_attributes)}

    def nearest_clusters(self, texts: list[str], vectors: np.ndarray,
                         ) -> tuple[np.ndarray, np.ndarray]:
        """Each attribute's cluster: its own if the data has it, else paper eq. 5.

        A string seen in the data keeps the cluster it was given at build time (where its
        co-occurrence profile was known); a new string goes to the centroid of highest cosine
        among the clusters that no known attribute of the same query occupies.
        Returns (cluster, cosine to that centroid).
        """
        known = [self._query_attribute_ids.get(text) for text in texts]
        best = np.array([self.query_attr_cluster[i] if i is not None else -1 for i in known],
                        dtype=np.int64)
        taken = {int(c) for c in best if c >= 0}
        new = np.array([i for i, found in enumerate(known) if found is None], dtype=np.int64)
        if len(new):  # only unseen wordings are compared with every centroid
            sims = vectors[new] @ self.centroids.T
            top = min(len(taken) + 1, sims.shape[1])
            for row, row_sims in zip(new.tolist(), sims, strict=True):
                # One query states each feature once: a new wording cannot be the feature
                # another of this query's attributes already is.
                head = np.argpartition(-row_sims, top - 1)[:top]
                head = head[np.argsort(-row_sims[head], kind="stable")]
                best[row] = next((c for c in head.tolist() if c not in taken), head[0])
        cosine = np.einsum("ij,ij->i", vectors, self.centroids[best])
        return best, cosine

    @cached_property
    def _response_attribute_ids(self) -> dict[str, int]:
        return {text: i for i, text in enumerate(self.response_attributes)}

    def response_vector(self, text: str, lexical: np.ndarray) -> np.ndarray:
        """The search vector of a response attribute (its stored one if the data has it)."""
        known = self._response_attribute_ids.get(text)
        if known is not None:
            return np.asarray(self.hnsw.get_items([known])[0], dtype=np.float32)
        return lexical.astype(np.float32)

    @staticmethod
    def search_ef(k: int) -> int:
        """The HNSW beam width used to fetch k neighbours."""
        return max(min(int(k * HNSW_EF_FACTOR), HNSW_EF_MAX), HNSW_EF_MIN, k)

    def retrieve_text(self, text: str, lexical: np.ndarray, k: int, *,
                      min_similarity: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`retrieve` for an attribute string: a string the data has is its own nearest
        neighbour, whether or not the approximate search reaches it."""
        return self.retrieve(self.response_vector(text, lexical), k,
                             min_similarity=min_similarity,
                             known=self._response_attribute_ids.get(text))

    def retrieve(self, vector: np.ndarray, k: int, *, min_similarity: float = 0.0,
                 known: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Up to k training examples whose response attributes are nearest to `vector`.

        Each distinct attribute string is stored once, so neighbours are expanded through the
        posting lists (shuffled at build time, so a very common string contributes a random
        sample of its examples). Neighbours below `min_similarity` are dropped (the nearest
        one is always kept): in a small corpus the 1000th neighbour is unrelated noise.
        Returns (examples, cosine, attribute id), nearest first.
        """
        k = max(1, min(k, self.n_examples))
        total = int(self.meta["n_response_attributes"])
        want = min(total, 32)
        while True:
            self.hnsw.set_ef(self.search_ef(want))
            found, dists = self.hnsw.knn_query(vector.reshape(1, -1), k=want)
            labels, sims = found[0].astype(np.int64), 1.0 - dists[0]
            if known is not None and (not len(labels) or labels[0] != known):
                # HNSW can leave an isolated point (a string far from all others, like a
                # frequent generic attribute) unreachable from its entry point.
                other = labels != known
                labels = np.concatenate([[known], labels[other]])[:want]
                sims = np.concatenate([[1.0], sims[other]])[:want]
            keep = max(1, int((sims >= min_similarity).sum()))
            labels, sims = labels[:keep], sims[:keep]
            starts, ends = self.posting_indptr[labels], self.posting_indptr[labels + 1]
            flat = np.concatenate([self.posting_examples[s:e]
                                   for s, e in zip(starts, ends, strict=True)])
            _, first = np.unique(flat, return_index=True)
            if len(first) >= k or want >= total or keep < want:
                break
            want = min(total, want * 4)
        owner = np.repeat(np.arange(len(labels)), ends - starts)
        first.sort()
        first = first[:k]
        return flat[first], sims[owner[first]].astype(np.float32), labels[owner[first]]

    def example(self, i: int) -> SFTRecord:
        if self._texts is not None:
            return self._texts[i]
        with (self.dir / "examples.jsonl").open("rb") as handle:
            handle.seek(int(self.offsets[i]))
            obj = json.loads(handle.readline())
        return SFTRecord(obj["prompt"], obj["response"], obj["source"])

    def examples(self) -> list[SFTRecord]:
        """All examples (loaded once, for keyword search)."""
        if self._texts is None:
            with (self.dir / "examples.jsonl").open(encoding="utf-8") as handle:
                self._texts = [SFTRecord(o["prompt"], o["response"], o["source"])
                               for o in map(json.loads, handle)]
        return self._texts

    def content_digest(self) -> str:
        """sha256 of what attribution reads: arrays, strings, examples and the stored vectors.

        Build timings and the HNSW file's bytes are left out: graph layout depends on the
        order threads insert in, while the vectors (compared here) do not.
        """
        import hashlib

        digest = hashlib.sha256()
        for path in sorted(self.dir.iterdir()):
            if path.suffix == ".npy":
                array = np.load(path, allow_pickle=False)
                digest.update(f"{path.name}:{array.dtype}:{array.shape}".encode())
                digest.update(np.ascontiguousarray(array).tobytes())
            elif path.name in _CONTENT_TEXTS:
                digest.update(path.name.encode() + path.read_bytes())
        ids = np.arange(int(self.meta["n_response_attributes"]))
        for start in range(0, len(ids), 65536):
            digest.update(np.asarray(self.hnsw.get_items(ids[start:start + 65536]),
                                     dtype=np.float32).tobytes())
        return digest.hexdigest()

    def __repr__(self) -> str:
        return (f"<TurfIndex {self.dir} examples={self.n_examples} "
                f"clusters={self.n_clusters} embedder={self.meta['embedder']['spec']}>")


def load_index(directory: str | Path) -> TurfIndex:
    return TurfIndex(directory)
