"""Query-attribute clustering: cannot-links, literal values, and the large-vocabulary path."""

from __future__ import annotations

import numpy as np
import pytest

from pytest_chunky.turf import cluster


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("origin", [False, True])
def test_refine_splits_cannot_links_and_literal_values_and_merges_paraphrases(
        origin: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if origin:  # the large-vocabulary path: merging only within a k-means cluster
        monkeypatch.setattr(cluster, "FIT_SAMPLE", 0)
    strings = ["asks about 'Paris'", "asks about 'Rome'", "is about Paris 'Paris'",
               "is formal", "uses formal words", "is long"]
    rng = np.random.default_rng(0)
    base = rng.standard_normal((3, 16))
    joint = _unit(np.stack([base[0], base[0] + 0.01, base[0] + 0.02, base[1],
                            base[1] + 0.05, base[1] + 0.03]))  # "is long" reads alike
    # "is formal" and "is long" appear together in examples 0-3: two features (cannot-link);
    # the two formal wordings never do; the literals 'Paris' and 'Rome' never merge.
    ids = np.array([[3, 5, 0], [3, 5, 1], [3, 5, -1], [3, 5, -1], [4, -1, 2], [4, 0, -1]],
                   dtype=np.int32)
    labels = np.zeros(len(strings), dtype=np.int32)  # k-means put everything together
    out = cluster.refine_clusters(labels, joint, ids, strings)
    assert out[3] != out[5]  # cannot-link honoured
    assert out[0] != out[1]  # two literal values are two features
    assert out[0] == out[2]  # the same value, worded twice, is one feature
    assert out[3] == out[4]  # paraphrases of one feature merge back
    assert sorted(set(out.tolist())) == list(range(out.max() + 1))


def test_large_vocabulary_is_clustered_on_a_sample_and_labels_every_string() -> None:
    rng = np.random.default_rng(1)
    centres = _unit(rng.standard_normal((5, 8)))
    rows = _unit(np.repeat(centres, 12_000, axis=0) + 0.05 * rng.standard_normal((60_000, 8)))
    centroids, labels = cluster.cluster_attributes(rows, 5, seed=0)
    assert len(labels) == 60_000 and centroids.shape == (5, 8)
    truth = np.repeat(np.arange(5), 12_000)
    # each true group lands in one cluster (the sample saw all five)
    assert all(len(np.unique(labels[truth == g])) == 1 for g in range(5))
