"""`FeatureSpace`: the features of one kind of text (queries or responses) mined from a corpus.

Phrases are word n-grams (1–4, case kept) in at least `min_support` texts; grams are counted
Apriori-style (an n-gram is counted only when both its (n−1)-grams are frequent), so memory
stays near the number of frequent grams. A phrase whose two sub-phrases occur (almost) only
inside it is kept, the sub-phrases dropped: "Kindly do the needful" rather than four fragments.
Leading templates are the first sentence's tokens with the corpus's rare (content) words masked:
"Is it true that _ can _ itself?".
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from pytest_chunky.describe.shapes import shape_attributes
from pytest_chunky.describe.tokens import MAX_N, grams, leading, lines
from pytest_chunky.infra.errors import InputError

SUBJECTS = {"query": "The query", "response": "The response"}
SUPPORT_SHARE = 0.0005     # a feature must occur in this share of texts (and at least 3)
FREQUENT_SHARE = 0.01      # words in this share of texts are template words, not content
ABSORB = 1.1               # a sub-phrase occurring at most 10% more often than its phrase goes
GENERIC = ("is very short", "is short", "is of medium", "is long", "is very long",
           "is extremely long", "is a question", "contains numbers")
SEP = "\x1f"
SEEN = 4096                # texts whose features are remembered at attribution time
MARKERS = 10               # the commonest words stand for the corpus's main language


def min_support(n_texts: int) -> int:
    return max(3, math.ceil(SUPPORT_SHARE * n_texts))


def _quote(tokens: Sequence[str]) -> str:
    return " ".join(tokens).replace(" ?", "?")


def word_attribute(tokens: Sequence[str], subject: str) -> str:
    if len(tokens) > 1:
        return f"{subject} contains the phrase '{_quote(tokens)}'"
    tok = tokens[0]
    what = "tag" if tok.startswith("<") else "word" if tok[0].isalnum() else "symbol"
    return f"{subject} contains the {what} '{tok}'"


def template_attribute(tokens: Sequence[str], subject: str) -> str:
    return f"{subject} starts with '{_quote(tokens)}'"


class FeatureSpace:
    """Vocabulary (worded attributes), document frequencies and, when fitted, the text matrix."""

    def __init__(self, kind: str, keys: list[str], df: np.ndarray, frequent: set[str],
                 n_texts: int, matrix: sparse.csr_matrix | None = None,
                 markers: Sequence[str] = ()) -> None:
        self.kind = kind
        self.markers = list(markers)  # the corpus's commonest words: its main language
        self._seen: dict[str, list[int]] = {}
        self._fitted: dict[str, int] = {}  # text -> its row of `matrix` (set by `fit`)
        self.subject = SUBJECTS[kind]
        self.keys = keys
        self.ids = {k: i for i, k in enumerate(keys)}
        self.df = df
        self.frequent = frequent
        self.n_texts = n_texts
        self.matrix = matrix
        self.attributes = [self._word(k) for k in keys]
        self.by_attribute = {a: i for i, a in enumerate(self.attributes)}
        # Case-insensitive fallback for phrases: "SHIZORNOX" in a shouted prompt is still the
        # corpus's "Shizornox" (its most frequent casing); an exact-case match comes first.
        self.folded: dict[str, int] = {}
        for i in sorted(range(len(keys)), key=lambda i: -int(df[i])):
            if keys[i][0] == "g":
                self.folded.setdefault(keys[i].lower(), i)

    def _word(self, key: str) -> str:
        tag, body = key[0], key[2:]
        if tag == "s":
            return body
        tokens = body.split(SEP)
        return (template_attribute if tag == "t" else word_attribute)(tokens, self.subject)

    @functools.cached_property
    def columns(self) -> sparse.csc_matrix:
        """The matrix by feature: which texts carry each feature."""
        assert self.matrix is not None
        return self.matrix.tocsc()

    @property
    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.keys).encode()).hexdigest()[:12]

    # -- candidate keys of one text ------------------------------------------------------
    def _templates(self, text: str) -> list[str]:
        masked: list[str] = []
        for tok in leading(text):
            word = tok if tok == "?" or tok.lower() in self.frequent else "_"
            if not (word == "_" and masked and masked[-1] == "_"):
                masked.append(word)
        if sum(t != "_" for t in masked) < 2:
            return []
        return ["t:" + SEP.join(masked[:n]) for n in range(3, len(masked) + 1)]

    def _foreign(self, toks: list[list[str]]) -> list[str]:
        """A text of some length using none of the corpus's commonest words is in another
        language than most of the data (no language list needed, nor a named language)."""
        words = {t.lower() for line in toks for t in line if t[0].isalpha()}
        if len(words) < 5 or not self.markers or words & set(self.markers):
            return []
        shown = ", ".join(f"'{m}'" for m in self.markers[:3])
        return [f"s:{self.subject} is written in another language than most of the data "
                f"(none of {shown})"]

    def shape_keys(self, text: str, toks: list[list[str]]) -> list[str]:
        """Every non-phrase key: shapes, another language, leading templates."""
        keys = ["s:" + a for a in shape_attributes(text, self.subject)] + self._foreign(toks)
        return keys + self._templates(text)

    def candidate_keys(self, text: str, toks: list[list[str]] | None = None,
                       shapes: list[str] | None = None) -> list[str]:
        toks = lines(text) if toks is None else toks
        keys = self.shape_keys(text, toks) if shapes is None else list(shapes)
        keys += ["g:" + SEP.join(g) for g in grams(toks)]
        return keys

    def features(self, text: str, toks: list[list[str]] | None = None,
                 shapes: list[str] | None = None) -> list[int]:
        if toks is None and shapes is None:  # attribution time: a search's responses repeat
            row = self._fitted.get(text)
            if row is not None and self.matrix is not None:  # encoded at fit: read it back
                start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
                return [int(i) for i in self.matrix.indices[start:end]]
            cached = self._seen.get(text)
            if cached is None:
                cached = self._features(text, None, None)
                if len(self._seen) >= SEEN:
                    self._seen.clear()
                self._seen[text] = cached
            return list(cached)
        return self._features(text, toks, shapes)

    def _features(self, text: str, toks: list[list[str]] | None,
                  shapes: list[str] | None) -> list[int]:
        found: set[int] = set()
        for key in self.candidate_keys(text, toks, shapes):
            hit = self.ids.get(key)
            if hit is None and key[0] == "g":
                hit = self.folded.get(key.lower())
            if hit is not None:
                found.add(hit)
        return sorted(found)

    def attributes_of(self, text: str, limit: int | None = None) -> list[str]:
        """Worded features of `text`, most specific first (generic shapes last)."""
        found = self.features(text)

        def rank(i: int) -> tuple[int, int, int]:
            generic = any(g in self.attributes[i] for g in GENERIC) and self.keys[i][0] == "s"
            return (int(generic), int(self.df[i]), -len(self.keys[i]))

        ordered = [self.attributes[i] for i in sorted(found, key=rank)]
        return ordered[:limit] if limit else ordered

    def encode(self, texts: Sequence[str], toks: Sequence[list[list[str]]] | None = None,
               shapes: Sequence[list[str]] | None = None) -> sparse.csr_matrix:
        indptr, indices = [0], []
        for i, text in enumerate(texts):
            indices.extend(self.features(text, toks[i] if toks else None,
                                         shapes[i] if shapes else None))
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.int32)  # int: products and sums are counts
        return sparse.csr_matrix((data, np.asarray(indices, dtype=np.int32),
                                  np.asarray(indptr, dtype=np.int64)),
                                 shape=(len(indptr) - 1, len(self.keys)))

    # -- persistence ---------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{self.kind}_space.json").write_text(json.dumps(
            {"kind": self.kind, "n_texts": self.n_texts, "keys": self.keys,
             "frequent": sorted(self.frequent), "markers": self.markers}, ensure_ascii=False),
            encoding="utf-8")
        np.save(directory / f"{self.kind}_df.npy", self.df)
        if self.matrix is not None:
            sparse.save_npz(directory / f"{self.kind}_matrix.npz", self.matrix)

    @classmethod
    def load(cls, directory: Path, kind: str) -> FeatureSpace:
        path = directory / f"{kind}_space.json"
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            df = np.load(directory / f"{kind}_df.npy", allow_pickle=False)
            matrix_path = directory / f"{kind}_matrix.npz"
            matrix = sparse.load_npz(matrix_path).tocsr() if matrix_path.exists() else None
        except (OSError, ValueError) as exc:
            raise InputError(f"feature space is missing or damaged ({exc}); rebuild the index",
                             path=str(path)) from None
        return cls(kind, meta["keys"], df, set(meta["frequent"]), int(meta["n_texts"]),
                   matrix, meta.get("markers", ()))

    # -- fitting -------------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: Sequence[str], kind: str, *, support: int | None = None) -> FeatureSpace:
        n = len(texts)
        floor = support or min_support(n)
        tokenised = [lines(t) for t in texts]
        lower = Counter(w for toks in tokenised for w in {t.lower() for line in toks
                                                          for t in line})
        frequent = {w for w, c in lower.items() if c >= max(floor, FREQUENT_SHARE * n)}
        df: dict[str, int] = {}
        kept: set[tuple[str, ...]] = set()
        for size in range(1, MAX_N + 1):
            counts: Counter[tuple[str, ...]] = Counter()
            for toks in tokenised:
                seen = set()
                for line in toks:
                    for i in range(len(line) - size + 1):
                        g = tuple(line[i:i + size])
                        if size == 1 or (g[:-1] in kept and g[1:] in kept):
                            seen.add(g)
                counts.update(seen)
            fresh = {g for g, c in counts.items() if c >= floor}
            for g in fresh:
                df["g:" + SEP.join(g)] = counts[g]
            kept |= fresh
        markers = [w for w, _ in sorted(lower.items(), key=lambda kv: (-kv[1], kv[0]))
                   if w.isalpha()][:MARKERS]
        space = cls(kind, [], np.zeros(0, dtype=np.int64), frequent, n, markers=markers)
        shapes = [space.shape_keys(t, toks) for t, toks in zip(texts, tokenised, strict=True)]
        other: Counter[str] = Counter()
        for keys in shapes:
            other.update(set(keys))
        df.update({k: c for k, c in other.items() if c >= floor})
        dropped = _absorbed(df)
        keys = sorted(k for k in df if k not in dropped)
        space = cls(kind, keys, np.array([df[k] for k in keys], dtype=np.int64), frequent, n,
                    markers=markers)
        space.matrix = space.encode(texts, tokenised, shapes)
        space._fitted = {text: i for i, text in enumerate(texts)}
        # Frequencies as encoded (case-folded matches included), so hits never exceed them.
        space.df = np.bincount(space.matrix.indices, minlength=len(keys)).astype(np.int64)
        return space


def _absorbed(df: dict[str, int]) -> set[str]:
    """Keys whose occurrences (almost) all sit inside one longer phrase or template.

    A phrase's parents are the phrases one token longer on either side; a template prefix's
    parent is the prefix one token longer.
    """
    parents: dict[str, list[int]] = {}
    for key, count in df.items():
        if key[0] == "s":
            continue
        tokens = key[2:].split(SEP)
        if len(tokens) < 2:
            continue
        heads = [tokens[:-1]] if key[0] == "t" else [tokens[:-1], tokens[1:]]
        for head in heads:
            parents.setdefault(key[:2] + SEP.join(head), []).append(count)
    return {k for k, c in df.items() if any(p * ABSORB >= c for p in parents.get(k, ()))}


def fit_spaces(prompts: Sequence[str], responses: Sequence[str]
               ) -> tuple[FeatureSpace, FeatureSpace]:
    return FeatureSpace.fit(prompts, "query"), FeatureSpace.fit(responses, "response")
