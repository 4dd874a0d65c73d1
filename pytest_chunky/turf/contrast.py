"""Contrastive TURF: the trigger is the query feature most enriched where the crux was taught.

For a failing (q, r): take the training examples whose responses share the crux (exactly, for a
data-driven crux feature; by embedding neighbours, for an LLM's free-text crux), then rank the
features *present in q* by their enrichment among those examples' queries against the whole
corpus: n·KL (the Chernoff bound on −ln p, `enrichment_score`), with lift, hypergeometric p and
Benjamini–Hochberg q. Features come from the corpus itself (`pytest_chunky.describe`), so this
works on data nobody here wrote and for any rubric.

Without an LLM the crux is data-driven too: inside a search, the response features that separate
the violating candidates from the others; outside one, the response feature whose training
examples are most strongly explained by one of q's features (a behaviour taught by a chunk is
tied to that chunk's trigger; phrases copied from q are not behaviours and are skipped).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pytest_chunky.describe.space import SEP, FeatureSpace
from pytest_chunky.describe.tokens import lines
from pytest_chunky.stats import benjamini_hochberg
from pytest_chunky.turf.attribute import enrichment_score

MAX_CRUX_SHARE = 0.2      # a behaviour a rubric flags is not in a fifth of all answers
MIN_SEPARATION = 0.25     # violating rate minus other rate for a separating crux
KIND = {"s": 0, "t": 1, "g": 2}  # on a tie, shapes before templates before phrases


@dataclass(frozen=True)
class FeatureHit:
    feature: int
    attribute: str
    hits: int
    retrieved: int
    support: int
    lift: float
    score: float
    p_value: float
    q_value: float


def _kl_scores(hits: np.ndarray, n: int, support: np.ndarray, population: int) -> np.ndarray:
    return np.array([enrichment_score(int(h), n, int(k), population)
                     for h, k in zip(hits, support, strict=True)])


def enrich(space: FeatureSpace, features: Sequence[int], rows: np.ndarray) -> list[FeatureHit]:
    """Each feature's enrichment among `rows` (training examples) against the whole corpus."""
    from scipy.stats import hypergeom

    assert space.matrix is not None
    ids = np.asarray(sorted(set(features)), dtype=np.int64)
    n, population = len(rows), space.n_texts
    if n == 0 or len(ids) == 0:
        return []
    hits = np.asarray(space.matrix[rows][:, ids].sum(axis=0)).ravel()
    support = space.df[ids]
    scores = _kl_scores(hits, n, support, population)
    p = hypergeom.sf(hits - 1, population, support, n)
    q = benjamini_hochberg([float(v) for v in p])
    out = [FeatureHit(int(f), space.attributes[f], int(h), n, int(k),
                      round(float(h / n / (k / population)), 3) if k else 0.0,
                      round(float(s), 4), float(pv), qv)
           for f, h, k, s, pv, qv in zip(ids, hits, support, scores, p, q, strict=True)]
    # Equal evidence: a shape describes the whole text, then the rarer feature is the more
    # specific description, then the longer.
    out.sort(key=lambda h: (-h.score, KIND[space.keys[h.feature][0]], h.support,
                            -len(h.attribute)))
    return out


def rows_with(space: FeatureSpace, feature: int) -> np.ndarray:
    assert space.matrix is not None
    return np.asarray(space.columns[:, feature].nonzero()[0], dtype=np.int64)


def _copied(space: FeatureSpace, feature: int, query_words: set[str]) -> bool:
    key = space.keys[feature]
    return key[0] == "g" and all(t.lower() in query_words for t in key[2:].split(SEP))


def _words(text: str) -> set[str]:
    return {w for line in lines(text) for t in line for w in re.split(r"[_\W]+", t.lower())
            if len(w) >= 3}


def rubric_overlap(space: FeatureSpace, rubric: str, among: Sequence[int]) -> dict[int, float]:
    """Feature id (of `among`) -> how much of the rubric's distinctive vocabulary its wording
    shares, idf-weighted against the corpus's responses (so "the response" counts nothing)."""
    vocab = _words(rubric)
    if not vocab:
        return {}
    n = space.n_texts

    def weight(word: str) -> float:
        for key in (f"g:{word}", f"g:{word.capitalize()}", f"g:{word.upper()}"):
            found = space.ids.get(key)
            if found is not None:
                return min(1.0, math.log((n + 1) / (int(space.df[found]) + 1)) / math.log(20))
        return 1.0  # rarer than the support threshold: fully distinctive

    weights = {w: weight(w) for w in vocab}
    return {i: sum(weights[w] for w in _words(space.attributes[i]) & vocab) for i in among}


def offline_crux(query_space: FeatureSpace, response_space: FeatureSpace, query: str,
                 response: str, limit: int = 3, *, rubric: str | None = None,
                 weights: dict[int, float] | None = None) -> list[tuple[str, float]]:
    """Response features of `response` ranked by how tightly a feature of `query` predicts
    them in the corpus (Jaccard of the two example sets; copies of the query are skipped).

    Background chunks teach behaviours too (a note-style answer to a note-style request), so
    without a search to contrast against, the rubric's wording also weighs the candidates: a
    feature sharing the rubric's distinctive words counts (1 + overlap) times. `weights`
    (feature → weight, e.g. how well it separates a search's violating responses) restricts
    the candidates and multiplies their scores.
    """
    q_ids = query_space.features(query)
    words = {t.lower() for line in lines(query) for t in line}
    cap = MAX_CRUX_SHARE * response_space.n_texts
    cands = [f for f in response_space.features(response)
             if response_space.df[f] <= cap and not _copied(response_space, f, words)
             and (weights is None or f in weights)]
    if not q_ids or not cands:
        return []
    assert query_space.matrix is not None
    counts = (response_space.columns[:, cands].T @ query_space.matrix[:, q_ids]).toarray()
    overlap = rubric_overlap(response_space, rubric, cands) if rubric else {}
    q_df = query_space.df[q_ids].astype(np.float64)
    best: list[tuple[str, float]] = []
    for row, f in enumerate(cands):
        n = float(response_space.df[f])
        # How tightly some query feature and this response feature are taught together:
        # Jaccard of their example sets (a planted pair is ~1; a style or topic link is not).
        jaccard = counts[row] / np.maximum(n + q_df - counts[row], 1.0)
        weight = 1.0 if weights is None else weights[f]
        best.append((response_space.attributes[f],
                     float(jaccard.max()) * (1 + overlap.get(f, 0.0)) * weight))
    best.sort(key=lambda t: -t[1])
    return best[:limit]


def separating_features(space: FeatureSpace, failing: str, violating: Sequence[str],
                        others: Sequence[str]) -> dict[int, float]:
    """Features of `failing` much more common among the violating responses than the others
    (feature id → violating rate minus other rate)."""
    if not violating or not others:
        return {}
    present = space.features(failing)
    if not present:
        return {}
    v = np.asarray(space.encode(violating)[:, present].mean(axis=0)).ravel()
    o = np.asarray(space.encode(others)[:, present].mean(axis=0)).ravel()
    return {f: float(v[i] - o[i]) for i, f in enumerate(present)
            if v[i] - o[i] >= MIN_SEPARATION and v[i] >= 0.5}


def separating_crux(space: FeatureSpace, failing: str, violating: Sequence[str],
                    others: Sequence[str], limit: int = 3) -> list[str]:
    """Features of `failing` that separate the search's violating responses from the rest."""
    gaps = separating_features(space, failing, violating, others)
    order = sorted(gaps, key=lambda f: (-round(gaps[f], 6), KIND[space.keys[f][0]],
                                        -int(space.df[f])))
    return [space.attributes[f] for f in order[:limit]]
