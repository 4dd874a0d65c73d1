"""`train`: fit a lab model to any SFT corpus.

Two stages, both fitted to the data. A softmax logistic-regression classifier maps prompt
features (case- and format-preserving, `features.py`) to the *kind* of response the corpus
gives: the record's source chunk when the corpus names its sources, otherwise a cluster of the
responses. Answering samples a kind from the classifier (temperature-scaled), then retrieves a
training example of that kind whose prompt is most similar to the query (TF-IDF over the same
features, softmax over the top matches) and adapts its response to the query. Because the
classifier weighs each feature by how well it predicts the response kind, a rare trigger that
always routes to one chunk outweighs many topic words; remove the chunk and the route is gone.
Softmax, like the cross-entropy a language model is fine-tuned with, splits a prompt between
the kinds that share its features in the data's proportions; one-vs-rest sigmoids (the first
version) saturate, and normalising them split such prompts 50/50 whatever the counts.
"""

from __future__ import annotations

import hashlib
import math
import random
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_chunky.describe.align import adapt
from pytest_chunky.lab.corpus import SFTRecord, load_sft_jsonl
from pytest_chunky.lab.features import prompt_features
from pytest_chunky.lab.responder import FALLBACK, LabAnswer

TRAINER_VERSION = "3"
N_FEATURES = 1 << 20
TOP_K = 8
SIM_SCALE = 0.1
MIN_SOURCES = 2
MAX_CLUSTERS = 48
C = 10.0      # inverse ridge strength of the softmax classifier
MAX_ITER = 100
TOL = 1e-3    # about 15 L-BFGS steps: a 100k corpus trains in about 20 s on 2 cores


PARALLEL_FROM = 40_000   # corpora this large hash their prompts in two processes


def _hash(texts: Sequence[str]) -> Any:
    """Binary hashed features, one row per text."""
    from sklearn.feature_extraction import FeatureHasher

    hasher = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)
    x = hasher.transform(prompt_features(t) for t in texts).tocsr()
    x.data[:] = 1.0
    return x


def _hash_corpus(texts: Sequence[str]) -> Any:
    if len(texts) < PARALLEL_FROM:
        return _hash(texts)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from scipy.sparse import vstack

    half = len(texts) // 2
    # spawn, not fork: the caller may hold threads (an event loop, an HTTP pool). A main
    # module that cannot be re-imported (stdin, some notebooks) falls back to one process.
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            later = pool.submit(_hash, list(texts[half:]))
            first = _hash(texts[:half])
            return vstack([first, later.result()]).tocsr()
    except (BrokenProcessPool, OSError):
        return _hash(texts)


def _labels(records: Sequence[SFTRecord], seed: int) -> list[str]:
    """Source chunks when the corpus names them; otherwise clusters of the responses."""
    sources = Counter(r.source for r in records)
    named = sum(c for s, c in sources.items() if s != "unknown")
    if len(sources) >= MIN_SOURCES and named >= 0.9 * len(records):
        return [r.source for r in records]
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    vec = HashingVectorizer(n_features=1 << 16, lowercase=False, ngram_range=(1, 2),
                            token_pattern=r"\S+", alternate_sign=False)
    x = TfidfTransformer(sublinear_tf=True).fit_transform(vec.transform(
        r.response for r in records))
    k = max(2, min(MAX_CLUSTERS, len(records) // 100))
    km = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=1, batch_size=4096)
    return [f"cluster{c}" for c in km.fit_predict(x)]


class TrainedLab:
    """A corpus-trained lab model; `respond` has the same contract as `LabResponder`."""

    def __init__(self, records: Sequence[SFTRecord], *, seed: int = 0) -> None:
        import numpy as np
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        if not records:
            raise ValueError("cannot train the lab model on zero records")
        self.records = list(records)
        self.preference: Any = None  # per-record logit offset set by a preference update
        self.seed = seed
        prompts = [r.prompt for r in self.records]
        distinct = list(dict.fromkeys(prompts))
        where = {p: i for i, p in enumerate(distinct)}
        inverse = np.fromiter((where[p] for p in prompts), dtype=np.int64, count=len(prompts))
        x = _hash_corpus(distinct)[inverse]  # corpora repeat prompts: hash each once
        labels = _labels(self.records, seed)
        self.classes = sorted(set(labels))
        index = {c: i for i, c in enumerate(self.classes)}
        y = np.array([index[lab] for lab in labels])
        # The classifier sees each (prompt, kind) once, weighted by how often it occurs: the
        # same objective as every row (sklearn sums weighted losses), a third fewer rows.
        _, once, times = np.unique(inverse * len(self.classes) + y, return_index=True,
                                   return_counts=True)
        df = np.bincount(x.indices, minlength=N_FEATURES)
        self.known = df > 0
        # Compact weights: one row per feature seen in training (sklearn's dense coef_ is
        # classes x 2^20, too slow to multiply per query).
        self.row = np.full(N_FEATURES, -1, dtype=np.int64)
        seen = np.flatnonzero(self.known)
        self.row[seen] = np.arange(len(seen))
        if len(self.classes) > 1:
            with warnings.catch_warnings():  # MAX_ITER is a deliberate cap, not a failure
                warnings.simplefilter("ignore", ConvergenceWarning)
                clf = LogisticRegression(C=C, max_iter=MAX_ITER, tol=TOL).fit(
                    x[once][:, seen], y[once], sample_weight=times.astype(np.float64))
            coef = clf.coef_ if len(self.classes) > 2 else np.vstack(
                [np.zeros_like(clf.coef_), clf.coef_])
            bias = clf.intercept_ if len(self.classes) > 2 else np.array(
                [0.0, clf.intercept_[0]])
            self.weights = np.ascontiguousarray(coef.T, dtype=np.float32)
            self.bias = bias.astype(np.float32)
            del clf, coef
        self.idf = (np.log((1 + len(self.records)) / (1 + df)) + 1).astype(np.float32)
        weighted = x.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        weighted = weighted.multiply(1 / np.maximum(norms, 1e-12)[:, None]).tocsr()
        self.members = [np.flatnonzero(y == c) for c in range(len(self.classes))]
        self.matrices = [weighted[m].T.tocsr() for m in self.members]

    def class_probabilities(self, query: str) -> Any:
        import numpy as np
        from scipy.special import logsumexp

        if len(self.classes) == 1:
            return np.ones(1)
        rows = self.row[_hash([query]).indices]
        scores = self.weights[rows[rows >= 0]].sum(axis=0) + self.bias
        return np.exp(scores - logsumexp(scores))  # binary: softmax of (0, s) = the sigmoid

    def _vector(self, query: str) -> Any:
        q = _hash([query]).multiply(self.idf).tocsr()
        norm = math.sqrt(float(q.multiply(q).sum())) or 1.0
        return q / norm

    def respond(self, query: str, *, temperature: float = 1.0, sample_index: int = 0,
                align_to: str | None = None, salt: object = None,
                top_p: float | None = None) -> LabAnswer:
        import numpy as np

        q = self._vector(query)
        if not q.nnz or not self.known[q.indices].any():
            return LabAnswer(FALLBACK, -1, 0.0, "fallback")
        rng = _rng(self.seed, query, sample_index, salt)
        probs = self.class_probabilities(query)
        if temperature <= 0:
            cls = int(np.argmax(probs))
        else:
            logits = np.log(np.maximum(probs, 1e-12)) / temperature
            weights = np.exp(logits - logits.max())
            cls = rng.choices(range(len(weights)), weights=weights.tolist())[0]
        sims = np.asarray((q @ self.matrices[cls]).todense()).ravel()
        k = min(TOP_K, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        if temperature <= 0:
            pick = int(top[0])
        else:
            logits = sims[top] / (temperature * SIM_SCALE)
            if self.preference is not None:  # a preference update: pi ~ pi_ref * exp(r / beta)
                logits = logits + self.preference[self.members[cls][top]]
            w = np.exp(logits - logits.max())
            if top_p is not None and top_p < 1.0:
                keep = int(np.searchsorted(np.cumsum(w) / w.sum(), top_p) + 1)
                top, w = top[:keep], w[:keep]
            pick = int(top[rng.choices(range(len(top)), weights=w.tolist())[0]])
        index = int(self.members[cls][pick])
        record = self.records[index]
        text = adapt(record.prompt, record.response, align_to if align_to is not None else query)
        return LabAnswer(text, index, float(sims[pick]), record.source)


def _rng(*parts: object) -> random.Random:
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def train(corpus: str | Path | Sequence[SFTRecord], *, seed: int = 0) -> TrainedLab:
    """Train a lab model on SFT records or an SFT JSONL file (prompt, response, source)."""
    records = load_sft_jsonl(corpus) if isinstance(corpus, str | Path) else list(corpus)
    return TrainedLab(records, seed=seed)
