"""The audit's concepts: binary columns over the chosen and the rejected responses.

By default they are the data's own features (`describe.FeatureSpace`): offline, nothing to
configure. With an extractor (an LLM, or the lab's rules), each response is described in a few
words. An LLM rarely words one property the same way twice ("uses bold text", "key terms are
in bold"), and the test needs one column per property, so wordings are merged into concepts.
Their words alone cannot tell paraphrases apart from neighbours ("opens with flattery", "it
compliments the question first" share no word); the texts they describe can: two wordings of
one property describe texts enriched in the same characters ("**", an emoji, "# "), and are
never said of the same text. Each wording is grounded as the character n-grams its texts carry
significantly more than all texts (z ≥ 3, on the raw text and on its shape: letters, digits,
symbols), joined to its lexical vector; wordings merge best pair first above a cosine of 0.45
unless they co-occur in texts (TURF's cannot-links). A response has a concept when any of its
attributes falls in it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from pytest_chunky.turf.extract import Extractor

KIND = {"s": 0, "t": 1, "g": 2}  # data features: shapes, then templates, then phrases
GROUNDED = 5000     # the most frequent wordings get a grounding vector; rarer ones lean on words
GROUND_MIN = 3      # occurrences before a wording's texts say anything about it
Z_MIN = 3.0         # an n-gram characterises a wording's texts at this z-score of enrichment
HASH_DIM = 2 ** 12  # hashed n-gram columns per view (raw, shape)


@dataclass
class ConceptSpace:
    """K concepts over 2n responses (the n chosen, then the n rejected)."""

    attributes: list[str]
    rank: np.ndarray                 # test order: among concepts on the same pairs, keep the
    matrix: sparse.csr_matrix        # lowest-ranked (more general wording first)
    source: str = "data"
    by_attribute: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_attribute = {a: i for i, a in enumerate(self.attributes)}


def data_concepts(texts: Sequence[str]) -> ConceptSpace:
    from pytest_chunky.describe.space import FeatureSpace

    space = FeatureSpace.fit(list(texts), "response")
    assert space.matrix is not None
    kinds = np.array([KIND[k[0]] for k in space.keys])
    rank = np.empty(len(space.keys), dtype=np.int64)
    rank[np.lexsort((np.asarray(space.df), kinds))] = np.arange(len(space.keys))
    return ConceptSpace(list(space.attributes), rank, space.matrix.tocsr())


def extracted_concepts(texts: Sequence[str], extractor: Extractor, *,
                       cache: str | Path | None = None, seed: int = 0,
                       show: bool = True) -> ConceptSpace:
    """Describe every distinct response once (cached by content hash, committed per batch, so
    an interrupted audit resumes), then cluster the wordings into concepts."""
    from pytest_chunky.infra.errors import ConfigError
    from pytest_chunky.models.embed import BuiltinEmbedder
    from pytest_chunky.turf.build import default_clusters, extract_ids
    from pytest_chunky.turf.cluster import (
        FIT_SAMPLE,
        cluster_attributes,
        refine_clusters,
        summarise_clusters,
    )
    from pytest_chunky.turf.extract import AttributeCache, CachedExtractor

    distinct = list(dict.fromkeys(texts))
    store = AttributeCache(Path(cache) / "attributes.sqlite") if cache else None
    described = CachedExtractor(extractor, store) if store else extractor
    vocab: dict[str, int] = {}
    try:
        ids = asyncio.run(extract_ids(described, distinct, "response", vocab, batch_size=256,
                                      show=show, prefix="chunky audit"))
    finally:
        if store:
            store.close()
    if not vocab:
        raise ConfigError(f"--extractor: {extractor.name} returned no attributes for any "
                          "response; check that it is a model that follows instructions")
    strings = sorted(vocab, key=vocab.__getitem__)
    counts = np.bincount(ids[ids >= 0], minlength=len(strings)).astype(np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):  # a handful of strings: LSA's
        vectors = BuiltinEmbedder().fit(strings, counts).embed(strings)  # variance ratio is 0/0
    joint = np.hstack([vectors, grounding(distinct, ids, counts)])
    joint /= np.maximum(np.linalg.norm(joint, axis=1, keepdims=True), 1e-12)
    start = (np.arange(len(strings), dtype=np.int32) if len(strings) <= FIT_SAMPLE else
             cluster_attributes(joint, default_clusters(len(strings)), seed)[1])
    labels = refine_clusters(start, joint, ids, strings)
    del joint
    sums = np.zeros((int(labels.max()) + 1, vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, labels, vectors)
    centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    names = summarise_clusters(strings, vectors, labels, counts, centroids)
    row_of = {t: i for i, t in enumerate(distinct)}
    rows, cols = np.nonzero(ids >= 0)
    per_distinct = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, labels[ids[rows, cols]])),
        shape=(len(distinct), len(names)))
    per_distinct.data[:] = 1.0  # a response has a concept or not, however many wordings
    matrix = per_distinct[[row_of[t] for t in texts]].tocsr()
    df = np.asarray((matrix > 0).sum(axis=0)).ravel()
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.argsort(df, kind="stable")] = np.arange(len(names))
    return ConceptSpace(names, rank, matrix, source=extractor.name)


def _shape(text: str) -> str:
    """Letters, digits and pictographs as classes: every emoji looks alike here."""
    import unicodedata

    return "".join("a" if c.islower() else "A" if c.isupper() else "9" if c.isdigit() else
                   "\u25c6" if unicodedata.category(c) == "So" else c for c in text)


def grounding(texts: Sequence[str], ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per wording, unit vector of the z-scores of the n-grams its texts carry more than all
    texts (those at Z_MIN or above); zero for wordings too rare to say, weighted by
    min(1, occurrences / 5) as rare wordings' texts are a noisy sample."""
    from sklearn.feature_extraction.text import HashingVectorizer

    hashed = HashingVectorizer(analyzer="char", ngram_range=(1, 3), n_features=HASH_DIM,
                               alternate_sign=False, lowercase=False, norm=None, binary=True)
    x = sparse.hstack([hashed.transform(texts), hashed.transform([_shape(t) for t in texts])],
                      format="csr", dtype=np.float32)
    x.data[:] = 1.0
    out = np.zeros((len(counts), x.shape[1]), dtype=np.float32)
    chosen = [i for i in np.argsort(-counts, kind="stable")[:GROUNDED]
              if counts[i] >= GROUND_MIN]
    if not chosen:
        return out
    rows, cols = np.nonzero(ids >= 0)
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32),
                                   (ids[rows, cols], rows)), shape=(len(counts), len(texts)))
    incidence.data[:] = 1.0
    p = np.asarray(x.mean(axis=0)).ravel()
    spread = np.sqrt(np.maximum(p * (1 - p), 1e-6))
    for start in range(0, len(chosen), 256):  # blocks: one dense row per wording at a time
        block = np.asarray(chosen[start:start + 256])
        n = np.maximum(counts[block], 1.0)[:, None]
        z = (np.asarray((incidence[block] @ x).todense()) / n - p) / (spread / np.sqrt(n))
        z[z < Z_MIN] = 0.0
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        out[block] = z * np.minimum(1.0, counts[block] / 5.0)[:, None]
    return out
