"""The lab target: a nearest-neighbour responder trained on any SFT data.

It has no rules about chunks or behaviours. It embeds training prompts with TF-IDF over word 1-2
grams (sublinear tf), samples one of the top-k most similar prompts with a softmax over
similarity / temperature, and answers with that example's response, adapted to the query by a
copy mechanism (aligned spans of the training prompt that the response repeats are replaced by
the query's spans). Whatever routing the data teaches - including spurious routing - is what
it learns; remove a chunk and retrain, and that routing is gone.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_chunky.describe.align import adapt
from pytest_chunky.lab.corpus import SFTRecord

if TYPE_CHECKING:
    import numpy as np

TOP_K = 8
SIM_SCALE = 0.1   # temperature 1.0 means logits = similarity / 0.1
MIN_SIM = 0.2    # below this the model has no relevant experience and says so
FALLBACK = ("I'm not completely sure what you are asking. Could you tell me a little more "
            "about what you would like to know?")

_RETRIEVAL_TOKEN = re.compile(r"(?m)^[ \t]*\d+[.)](?=\s)|\\[A-Za-z]+|\$|[^\W_]+")


def analyze(text: str) -> list[str]:
    """Lower-cased word, number, LaTeX-command and list-marker tokens, plus their bigrams."""
    toks = [t.strip() for t in _RETRIEVAL_TOKEN.findall(text.lower())]
    return toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]


@dataclass(frozen=True)
class LabAnswer:
    text: str
    index: int          # training example used (-1 for the fallback)
    similarity: float
    source: str




def _rng(*parts: object) -> random.Random:
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


class LabResponder:
    """A trained lab model: fit once, then `respond` in well under a millisecond.

    The TF-IDF weighting matches scikit-learn's `TfidfVectorizer(sublinear_tf=True)` (smooth
    idf, l2 norm); it is computed with numpy directly and stored term-major, so a query costs
    one sparse product over the documents that share a term with it.
    """

    def __init__(self, records: Sequence[SFTRecord], *, seed: int = 0, top_k: int = TOP_K,
                 sim_scale: float = SIM_SCALE, min_sim: float = MIN_SIM) -> None:
        import numpy as np

        if not records:
            raise ValueError("cannot train the lab model on zero records")
        self.records = list(records)
        self.seed, self.top_k, self.sim_scale, self.min_sim = seed, top_k, sim_scale, min_sim
        self.n_docs = len(self.records)
        vocab: dict[str, int] = {}
        docs: list[int] = []
        terms: list[int] = []
        tfs: list[float] = []
        for d, record in enumerate(self.records):
            for term, count in Counter(analyze(record.prompt)).items():
                docs.append(d)
                terms.append(vocab.setdefault(term, len(vocab)))
                tfs.append(1.0 + math.log(count))
        doc_a, term_a = np.asarray(docs, dtype=np.int64), np.asarray(terms, dtype=np.int64)
        df = np.bincount(term_a, minlength=len(vocab))
        self.idf = (np.log((1.0 + self.n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        vals = np.asarray(tfs, dtype=np.float32) * self.idf[term_a]
        norms = np.sqrt(np.bincount(doc_a, weights=vals * vals, minlength=self.n_docs))
        vals /= np.maximum(norms[doc_a], 1e-12).astype(np.float32)
        order = np.argsort(term_a, kind="stable")
        self.vocab = vocab
        self._docs, self._vals = doc_a[order], vals[order]
        self._ptr = np.concatenate(([0], np.cumsum(df))).astype(np.int64)

    def similarities(self, query: str) -> np.ndarray[Any, Any]:
        """Cosine similarity of `query` to every training prompt."""
        import numpy as np

        counts = Counter(t for t in analyze(query) if t in self.vocab)
        if not counts:
            return np.zeros(self.n_docs, dtype=np.float64)
        cols = [self.vocab[t] for t in counts]
        weights = np.array([1.0 + math.log(c) for c in counts.values()]) * self.idf[cols]
        weights /= float(np.linalg.norm(weights)) or 1.0
        spans = [(self._ptr[c], self._ptr[c + 1]) for c in cols]
        idx = np.concatenate([self._docs[a:b] for a, b in spans])
        val = np.concatenate([self._vals[a:b] * w for (a, b), w in zip(spans, weights,
                                                                        strict=True)])
        return np.bincount(idx, weights=val, minlength=self.n_docs)

    def neighbours(self, query: str, k: int | None = None) -> list[tuple[int, float]]:
        """The k most similar training prompts as (index, cosine), best first."""
        import numpy as np

        sims = self.similarities(query)
        k = min(k or self.top_k, self.n_docs)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(i), float(sims[i])) for i in top if sims[i] > 0]

    def respond(self, query: str, *, temperature: float = 1.0, sample_index: int = 0,
                align_to: str | None = None, salt: object = None,
                top_p: float | None = None) -> LabAnswer:
        """Answer `query`; `align_to` is the text the copy mechanism adapts to (the user turn)."""
        near = self.neighbours(query)
        if not near or near[0][1] < self.min_sim:
            return LabAnswer(FALLBACK, -1, near[0][1] if near else 0.0, "fallback")
        rng = _rng(self.seed, query, sample_index, salt)
        if temperature <= 0:  # greedy: the best match, ties to the earliest example
            choice = min(i for i, s in near if s >= near[0][1] - 1e-6)
        else:
            scale = temperature * self.sim_scale
            logits = [s / scale for _, s in near]
            top = max(logits)
            weights = [math.exp(x - top) for x in logits]
            if top_p is not None and top_p < 1.0:
                total, cum, keep = sum(weights), 0.0, 0
                while keep < len(weights) and cum < top_p * total:
                    cum += weights[keep]
                    keep += 1
                near, weights = near[:keep], weights[:keep]
            choice = rng.choices([i for i, _ in near], weights=weights)[0]
        record = self.records[choice]
        sim = next(s for i, s in near if i == choice)
        text = adapt(record.prompt, record.response, align_to if align_to is not None else query)
        return LabAnswer(text, choice, sim, record.source)
