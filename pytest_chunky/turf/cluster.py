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
FIT_SAMPLE = 50_000
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
    rare ones, and planted triggers are rare. Exact k-means up to 50k strings; above, mini-batch
    k-means is fitted on a 50k-string sample and every string is then labelled by cosine (with
    an LLM extractor nearly every string is distinct: 1M strings × 2000 centroids per epoch
    would dominate the build).
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans

    k = max(1, min(k, len(vectors)))
    model: KMeans | MiniBatchKMeans
    if len(vectors) <= FIT_SAMPLE:
        model = KMeans(n_clusters=k, random_state=seed, n_init=3, max_iter=100)
        model.fit(np.asarray(vectors, dtype=np.float32))
    else:
        sample = np.random.default_rng(seed).choice(len(vectors), FIT_SAMPLE, replace=False)
        model = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=max(4096, 4 * k),
                                n_init=1, max_iter=10, reassignment_ratio=0.05)
        # float64: scikit-learn's k-means++ upcasts float32 distances chunk by chunk, which
        # made the seeding alone take most of a minute at k = 2000.
        model.fit(vectors[np.sort(sample)].astype(np.float64))
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
    joint = np.hstack([lexical, weight * context]).astype(np.float32, copy=False)
    joint /= np.maximum(np.linalg.norm(joint, axis=1, keepdims=True), 1e-12)  # in place
    return joint


def cluster_query_attributes(lexical: np.ndarray, ids: np.ndarray, k: int, seed: int,
                             strings: Sequence[str], *, context_weight: float = 1.0,
                             ) -> tuple[np.ndarray, np.ndarray]:
    """(lexical unit centroids, labels): k-means on the joint lexical + context vectors.

    The returned centroids live in the lexical space (the mean of each cluster's members), so
    a query attribute never seen in the data can still be assigned by cosine (paper eq. 5).
    """
    joint = joint_vectors(lexical, ids, k, seed, context_weight=context_weight)
    joint = np.asarray(joint, dtype=np.float32)  # `lexical` may come as stored (float16)
    _, labels = cluster_attributes(joint, k, seed)
    labels = refine_clusters(labels, joint, ids, strings)
    del joint
    k_final = int(labels.max()) + 1
    sums = np.zeros((k_final, lexical.shape[1]), dtype=np.float32)
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
        groups.extend(_split_cluster(members[np.argsort(-counts[members], kind="stable")]
                                     .tolist(), conflict, keys))
    indptr, indices = conflict.indptr, conflict.indices
    rivals_of = [{int(r) for m in g for r in indices[indptr[m]:indptr[m + 1]]} for g in groups]
    literals = [{keys[m] for m in g} - {""} for g in groups]
    # Above FIT_SAMPLE strings (an LLM extractor's nearly all-distinct attributes) a group may
    # merge only with groups split from the same k-means cluster: all-pairs merging would cost
    # groups² · dim, and with quoted values half the strings are groups of their own.
    origin = labels[[g[0] for g in groups]] if len(labels) > FIT_SAMPLE else None
    members_of = _merge_groups(groups, joint, rivals_of, literals, merge_at, origin=origin)
    out = np.empty(len(labels), dtype=np.int32)
    for new, group in enumerate(members_of):
        out[list(group)] = new
    return out


def _split_cluster(strings: list[int], conflict: Any, keys: list[str]) -> list[list[int]]:
    """First-fit split of one cluster's strings (most frequent first) into groups holding no
    cannot-link and at most one literal value. A keyed string only tries the groups of its
    own value and the groups without one, so many values cost no quadratic scan."""
    import heapq

    parts: list[list[int]] = []
    part_sets: list[set[int]] = []
    part_keys: list[str] = []  # the one literal value a part's members state, or ""
    by_key: dict[str, list[int]] = {}
    for string in strings:
        rivals = conflict.indices[conflict.indptr[string]:conflict.indptr[string + 1]]
        rival_set = set(rivals.tolist()) if len(rivals) else set()
        key = keys[string]
        candidates = (heapq.merge(by_key.get(key, []), by_key.get("", [])) if key
                      else range(len(parts)))
        home = next((i for i in candidates if part_sets[i].isdisjoint(rival_set)), None)
        if home is None:
            by_key.setdefault(key, []).append(len(parts))
            parts.append([string])
            part_sets.append({string})
            part_keys.append(key)
            continue
        parts[home].append(string)
        part_sets[home].add(string)
        if key and not part_keys[home]:  # a keyless group takes this string's value
            part_keys[home] = key
            by_key[""].remove(home)
            by_key.setdefault(key, []).append(home)
            by_key[key].sort()
    return parts


def _merge_groups(groups: list[list[int]], joint: np.ndarray, rivals_of: list[set[int]],
                  literals: list[set[str]], merge_at: float, neighbours: int = 8,
                  origin: np.ndarray | None = None) -> list[set[int]]:
    """Greedy best-pair-first merging through a heap of each group's nearest groups.

    With `origin` (a cluster id per group) only groups of one origin are compared.
    """
    import heapq

    sums = np.stack([joint[g].sum(axis=0) for g in groups]).astype(np.float32)
    unit = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    alive = np.ones(len(groups), dtype=bool)
    version = [0] * len(groups)
    members_of = [set(g) for g in groups]
    heap: list[tuple[float, int, int, int, int]] = []
    everyone = np.arange(len(groups))
    peers: dict[int, np.ndarray] = {}
    if origin is not None:
        order = np.argsort(origin, kind="stable")
        cuts = np.flatnonzero(np.diff(origin[order])) + 1
        peers = {int(origin[grp[0]]): grp for grp in np.split(order, cuts)}

    def push(rows: np.ndarray, candidates: np.ndarray) -> None:
        """Queue each row's nearest alive candidates at cosine ≥ merge_at, in row blocks
        (a 40k-string cluster would otherwise need a 6 GB similarity matrix)."""
        candidates = candidates[alive[candidates]]
        near = min(neighbours, len(candidates) - 1)
        if near < 1:
            return
        step = max(1, (1 << 24) // len(candidates))
        for start in range(0, len(rows), step):
            block = rows[start:start + step]
            sims = unit[block] @ unit[candidates].T
            sims[block[:, None] == candidates[None, :]] = -1.0
            best = np.argpartition(-sims, near - 1, axis=1)[:, :near]
            values = np.take_along_axis(sims, best, 1)
            for i, j in zip(*np.nonzero(values >= merge_at), strict=True):
                a, b = int(block[i]), int(candidates[best[i, j]])
                heapq.heappush(heap, (-float(values[i, j]), a, b, version[a], version[b]))

    if origin is None:
        push(everyone, everyone)
    else:  # one blocked product per origin instead of one over all groups
        for group in peers.values():
            push(group, group)
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
        push(np.array([a]), everyone if origin is None else peers[int(origin[a])])
    return [members_of[i] for i in np.nonzero(alive)[0]]


def summarise_clusters(strings: Sequence[str], vectors: np.ndarray, labels: np.ndarray,
                       counts: np.ndarray, centroids: np.ndarray) -> list[str]:
    """Each cluster's most frequent string among its near-central members."""
    central = np.empty(len(labels), dtype=np.float32)
    for start in range(0, len(labels), 65536):  # blocks: no copy of a centroid per string
        rows = slice(start, start + 65536)
        central[rows] = np.einsum("ij,ij->i", np.asarray(vectors[rows], dtype=np.float32),
                                  centroids[labels[rows]])
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
