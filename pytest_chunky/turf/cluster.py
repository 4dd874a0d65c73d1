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

from collections.abc import Sequence

import numpy as np

__all__ = ["cluster_attributes", "cluster_query_attributes", "context_vectors",
           "joint_vectors", "summarise_clusters"]


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
    _, labels = cluster_attributes(lexical, k, seed)
    counts = np.bincount(ids[ids >= 0], minlength=len(lexical)).astype(np.float32)
    context = context_vectors(ids, labels, int(labels.max()) + 1, seed=seed)
    weight = context_weight * np.minimum(1.0, counts / saturation)[:, None]
    return _unit(np.hstack([lexical, weight * context]))


def cluster_query_attributes(lexical: np.ndarray, ids: np.ndarray, k: int, seed: int, *,
                             context_weight: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(lexical unit centroids, labels): k-means on the joint lexical + context vectors.

    The returned centroids live in the lexical space (the mean of each cluster's members), so
    a query attribute never seen in the data can still be assigned by cosine (paper eq. 5).
    """
    joint = joint_vectors(lexical, ids, k, seed, context_weight=context_weight)
    _, labels = cluster_attributes(joint, k, seed)
    k_final = int(labels.max()) + 1
    sums = np.zeros((k_final, lexical.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, lexical)
    return _unit(sums), labels


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
