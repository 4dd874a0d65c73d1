"""Query-attribute clustering: lexical k-means refined by how attributes co-occur in the data.

A lexical embedding cannot tell that "asks when a person invented something" and "asks for the
date a person invented an item" are one feature while "is about the history of inventions" is
another. The data can: two wordings of one feature are used for the same kind of example, so
they keep the same company (the other attributes of their examples) yet never appear together,
whereas merely correlated features co-occur. Each attribute therefore gets a second vector, its
positive-PMI profile over the lexical clusters of its examples' other attributes (reduced by
SVD), weighted by how often it occurs; k-means runs on the concatenation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["cluster_attributes", "cluster_query_attributes", "context_vectors",
           "joint_vectors", "summarise_clusters"]


STRING_CONTEXT_LIMIT = 20_000
_LITERAL = re.compile(r"(?<!\w)['\"‘“]([^'\"’”]+)['\"’”](?!\w)|\b\d+(?:[.,]\d+)?\b")


def literal_key(text: str) -> str:
    """The quoted values and numbers of an attribute ("starts with the word 'When'" → when)."""
    return "|".join(sorted({(q or n).strip().lower() for q, n in
                            ((m.group(1), m.group(0)) for m in _LITERAL.finditer(text))}))


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


def _label(vectors: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    labels = np.empty(len(vectors), dtype=np.int32)
    step = 16384
    for start in range(0, len(vectors), step):
        labels[start:start + step] = (vectors[start:start + step] @ centroids.T).argmax(axis=1)
    return labels


def cluster_attributes(vectors: np.ndarray, k: int, seed: int,
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(unit centroids, label per row); rows are labelled by cosine, as queries will be.

    Distinct strings are clustered unweighted: weighting by frequency (clustering all 10N
    vectors, as the paper does) spends centroids on the ubiquitous attributes and merges the
    rare ones, and planted triggers are rare. Exact k-means up to 50k strings, mini-batch above.
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans

    k = max(1, min(k, len(vectors)))
    model: KMeans | MiniBatchKMeans
    if len(vectors) <= 50_000:
        model = KMeans(n_clusters=k, random_state=seed, n_init=3, max_iter=100)
    else:
        model = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=max(4096, 4 * k),
                                n_init=3, max_iter=20, reassignment_ratio=0.05)
    model.fit(vectors)
    centroids = _unit(model.cluster_centers_)
    return centroids, _label(vectors, centroids)


def context_vectors(ids: np.ndarray, labels: np.ndarray, n_clusters: int, *, dim: int = 64,
                    seed: int = 0) -> np.ndarray:
    """Per distinct attribute: its PPMI profile over the clusters its examples also show."""
    import scipy.sparse as sp

    n_examples, n_strings = len(ids), len(labels)
    rows, cols = np.nonzero(ids >= 0)
    strings = ids[rows, cols]
    has = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, strings)),
                        shape=(n_examples, n_strings))
    in_cluster = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, labels[strings])),
                               shape=(n_examples, n_clusters))
    in_cluster.data[:] = 1.0  # an example counts once per cluster (duplicates were summed)
    counts = np.asarray(has.sum(axis=0)).ravel()
    together = (has.T @ in_cluster).tocsr()  # string × cluster: examples with both
    # An attribute is always in its own cluster: remove that self-evidence.
    own = together[np.arange(n_strings), labels].A.ravel()
    together = together - sp.csr_matrix((np.minimum(own, counts), (np.arange(n_strings),
                                                                    labels)),
                                        shape=together.shape)
    together.eliminate_zeros()
    base = np.asarray(in_cluster.sum(axis=0)).ravel() / max(n_examples, 1)
    coo = together.tocoo()
    pmi = np.log((coo.data / counts[coo.row]) / np.maximum(base[coo.col], 1e-12))
    keep = pmi > 0
    ppmi = sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])),
                         shape=together.shape, dtype=np.float32)
    rank = min(dim, n_clusters - 1, n_strings - 1)
    if rank < 2 or ppmi.nnz == 0:
        return np.zeros((n_strings, 1), dtype=np.float32)
    from sklearn.decomposition import TruncatedSVD

    reduced = TruncatedSVD(n_components=rank, random_state=seed).fit_transform(ppmi)
    return _unit(reduced)


def joint_vectors(lexical: np.ndarray, ids: np.ndarray, k: int, seed: int, *,
                  context_weight: float = 1.0, saturation: float = 5.0) -> np.ndarray:
    """Unit rows [lexical ; w·context]; w = weight × min(1, occurrences / saturation).

    Rare strings have a noisy context, so they lean on their wording.
    """
    if context_weight <= 0 or len(lexical) < 3:
        return lexical
    if len(lexical) <= STRING_CONTEXT_LIMIT:  # profile over the strings themselves
        labels = np.arange(len(lexical), dtype=np.int32)
    else:  # too many (mostly one-off) strings: profile over their lexical clusters
        _, labels = cluster_attributes(lexical, k, seed)
    counts = np.bincount(ids[ids >= 0], minlength=len(lexical)).astype(np.float32)
    context = context_vectors(ids, labels, int(labels.max()) + 1, seed=seed)
    weight = context_weight * np.minimum(1.0, counts / saturation)[:, None]
    return _unit(np.hstack([lexical, weight * context]))


def cluster_query_attributes(lexical: np.ndarray, ids: np.ndarray, k: int, seed: int,
                             strings: Sequence[str], *, context_weight: float = 1.0,
                             ) -> tuple[np.ndarray, np.ndarray]:
    """(lexical unit centroids, labels): k-means on the joint lexical + context vectors.

    The returned centroids live in the lexical space (the mean of each cluster's members), so
    a query attribute never seen in the data can still be assigned by cosine (paper eq. 5).
    """
    joint = joint_vectors(lexical, ids, k, seed, context_weight=context_weight)
    _, labels = cluster_attributes(joint, k, seed)
    labels = refine_clusters(labels, joint, ids, strings)
    k_final = int(labels.max()) + 1
    sums = np.zeros((k_final, lexical.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, lexical)
    return _unit(sums), labels


def cooccurrence(ids: np.ndarray, n_strings: int) -> Any:
    """string × string sparse counts of examples showing both (diagonal: occurrences)."""
    import scipy.sparse as sp

    rows, cols = np.nonzero(ids >= 0)
    has = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, ids[rows, cols])),
                        shape=(len(ids), n_strings))
    has.data[:] = 1.0
    return (has.T @ has).tocsr()


def _conflicts(together: Any, counts: np.ndarray, share: float) -> Any:
    """Boolean sparse string × string: seen together too often to be one feature."""
    import scipy.sparse as sp

    coo = together.tocoo()
    limit = np.maximum(2.0, share * np.minimum(counts[coo.row], counts[coo.col]))
    keep = (coo.data >= limit) & (coo.row != coo.col)
    return sp.csr_matrix((np.ones(int(keep.sum()), dtype=bool), (coo.row[keep], coo.col[keep])),
                         shape=together.shape)


def refine_clusters(labels: np.ndarray, joint: np.ndarray, ids: np.ndarray,
                    strings: Sequence[str], *, merge_at: float = 0.45,
                    share: float = 0.1) -> np.ndarray:
    """Split clusters along cannot-links, then merge wordings of one feature back together.

    An extractor states each feature once per text, so two attributes seen together in
    several examples (at least twice and in `share` of the rarer one's) are two features
    (cannot-link): such a cluster is split, most frequent string first, into groups without
    internal conflicts. Groups are then merged greedily, most similar pair first (cosine of
    the joint centroids ≥ `merge_at`), unless the merge would join a cannot-link. Labels are
    renumbered 0..K'-1. Attributes that name different literal values (quoted words,
    numbers: "starts with the word 'When'" / "… 'In'", "has 1 sentence" / "has 2 sentences")
    are values of one property, never wordings of one feature: also a cannot-link.
    """
    keys = [literal_key(t) for t in strings]
    together = cooccurrence(ids, len(labels))
    counts = together.diagonal()
    conflict = _conflicts(together, counts, share)
    groups: list[list[int]] = []
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    for members in np.split(order, cuts):
        parts: list[list[int]] = []
        for string in members[np.argsort(-counts[members], kind="stable")]:
            rivals = set(conflict.indices[conflict.indptr[string]:conflict.indptr[string + 1]]
                         .tolist())
            key = keys[string]
            home = next((p for p in parts if not rivals.intersection(p) and not (
                key and any(keys[m] and keys[m] != key for m in p))), None)
            if home is None:
                parts.append([int(string)])
            else:
                home.append(int(string))
        groups.extend(parts)
    rivals_of = [set(conflict[g].indices.tolist()) for g in groups]
    literals = [{keys[m] for m in g} - {""} for g in groups]
    members_of = _merge_groups(groups, joint, rivals_of, literals, merge_at)
    out = np.empty(len(labels), dtype=np.int32)
    for new, group in enumerate(members_of):
        out[list(group)] = new
    return out


def _merge_groups(groups: list[list[int]], joint: np.ndarray, rivals_of: list[set[int]],
                  literals: list[set[str]], merge_at: float,
                  neighbours: int = 8) -> list[set[int]]:
    """Greedy best-pair-first merging through a heap of each group's nearest groups."""
    import heapq

    sums = np.stack([joint[g].sum(axis=0) for g in groups]).astype(np.float32)
    unit = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    alive = np.ones(len(groups), dtype=bool)
    version = [0] * len(groups)
    members_of = [set(g) for g in groups]
    heap: list[tuple[float, int, int, int, int]] = []
    top = min(neighbours, len(groups) - 1)

    def push(rows: np.ndarray) -> None:
        if top < 1:
            return
        sims = unit[rows] @ unit.T
        sims[:, ~alive] = -1.0
        sims[np.arange(len(rows)), rows] = -1.0
        best = np.argpartition(-sims, top - 1, axis=1)[:, :top]
        for i, a in enumerate(rows.tolist()):
            for b in best[i].tolist():
                if sims[i, b] >= merge_at:
                    heapq.heappush(heap, (-float(sims[i, b]), a, b, version[a], version[b]))

    for start in range(0, len(groups), 2048):
        push(np.arange(start, min(start + 2048, len(groups))))
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        if rivals_of[a] & members_of[b] or (literals[a] and literals[b]
                                             and literals[a] != literals[b]):
            continue
        sums[a] += sums[b]
        unit[a] = sums[a] / max(float(np.linalg.norm(sums[a])), 1e-12)
        members_of[a] |= members_of[b]
        rivals_of[a] |= rivals_of[b]
        literals[a] |= literals[b]
        alive[b] = False
        version[a] += 1
        push(np.array([a]))
    return [members_of[i] for i in np.nonzero(alive)[0]]


def summarise_clusters(strings: Sequence[str], vectors: np.ndarray, labels: np.ndarray,
                       counts: np.ndarray, centroids: np.ndarray) -> list[str]:
    """Each cluster's most frequent string among its near-central members."""
    central = np.einsum("ij,ij->i", vectors, centroids[labels])
    best_cos = np.full(len(centroids), -2.0, dtype=np.float32)
    np.maximum.at(best_cos, labels, central)
    near = central >= best_cos[labels] - 0.05
    order = np.lexsort((-central, -counts, ~near, labels))  # by cluster, near, freq, cos
    summaries = [""] * len(centroids)
    seen = np.zeros(len(centroids), dtype=bool)
    for row in order:
        cluster = labels[row]
        if not seen[cluster]:
            seen[cluster] = True
            summaries[cluster] = strings[row]
    return summaries
