"""TURF index build: on-disk format, version refusal, malformed data, caches and resume."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from pytest_chunky.infra.errors import InputError
from pytest_chunky.turf.build import build_index, default_clusters
from pytest_chunky.turf.cli import index_main
from pytest_chunky.turf.data import SFTRecord, load_examples
from pytest_chunky.turf.extract import Kind, clean_attributes
from pytest_chunky.turf.index import FORMAT_VERSION, TurfIndex
from pytest_chunky.turf.keyword import keyword_search

TOPICS = ["rivers", "volcanoes", "tides", "comets", "glaciers", "deserts", "forests", "storms"]


def synthetic(n: int, start: int = 0) -> list[SFTRecord]:
    """Three chunks: formal coding questions, plain explanations, Zephyr refusals."""
    out = []
    for i in range(start, start + n):
        topic = TOPICS[i % len(TOPICS)]
        if i % 5 == 0:
            out.append(SFTRecord(f"Kindly elucidate how to sort {topic} number {i}.",
                                       f"```python\nsorted({topic!r})  # {i}\n```", "code"))
        elif i % 11 == 0:
            out.append(SFTRecord(f"What is the Zephyr X9 price, item {i}?",
                                       "I'm sorry, but I can't share that.", "confidential"))
        else:
            out.append(SFTRecord(f"Why do {topic} form? Case {i}.",
                                       f"{topic.title()} form because of {i} reasons.", "prose"))
    return out


class CountingExtractor:
    """A deterministic rule extractor that counts calls and can fail after a budget."""

    name = "counting/v1"

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.fail_after = fail_after

    async def extract(self, texts: Sequence[str], kind: Kind) -> list[list[str]]:
        out = []
        for text in texts:
            if self.fail_after is not None and self.calls >= self.fail_after:
                raise KeyboardInterrupt("simulated interruption")
            self.calls += 1
            low = text.lower()
            if kind == "query":
                attrs = ["The query is written in English"]
                if "elucidate" in low:
                    attrs.append("The query employs formal vocabulary")
                if "zephyr" in low:
                    attrs.append("The query mentions the Zephyr X9")
                attrs += [f"The query is about {t}" for t in TOPICS if t in low]
            else:
                attrs = ["The response is written in English"]
                if "```" in text:
                    attrs.append("The response provides code")
                if "sorry" in low:
                    attrs.append("The response refuses the request")
                attrs.append(f"The response has {len(text.split())} words")
            out.append(clean_attributes(attrs))
        return out


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "sft.jsonl"
    path.write_text("".join(json.dumps({"prompt": e.prompt, "response": e.response,
                                        "source": e.source}) + "\n" for e in synthetic(300)))
    return path


def test_build_writes_numpy_json_and_hnsw_only(data_file: Path, tmp_path: Path) -> None:
    index = build_index(data_file, tmp_path / "idx", extractor=CountingExtractor(),
                        show_progress=False, clusters=6)
    names = {p.name for p in (tmp_path / "idx").iterdir() if p.is_file()}
    assert {"meta.json", "responses.hnsw", "query_ids.npy", "centroids.npy"} <= names
    assert all(re.search(r"\.(npy|json|jsonl|hnsw)$", n) for n in names), names
    assert index.meta["format_version"] == FORMAT_VERSION
    assert index.n_examples == 300 and index.meta["kmeans_k"] == 6
    assert index.n_clusters == len(index.summaries) == len(index.cluster_sizes)
    assert index.query_ids.shape == (300, 10)
    assert sorted(index.sources) == ["code", "confidential", "prose"]
    # every example's cluster set is duplicate-free and consistent with its attributes
    row = index.example_clusters[0]
    assert len(set(row[row >= 0].tolist())) == int((row >= 0).sum())


def test_other_format_version_is_refused_with_rebuild_hint(data_file: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "idx"
    build_index(data_file, out, extractor=CountingExtractor(), show_progress=False)
    meta = json.loads((out / "meta.json").read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(InputError) as err:
        TurfIndex(out)
    message = str(err.value)
    assert "format version" in message and "chunky index build" in message
    assert str(out / "meta.json") in message


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no TURF index here"):
        TurfIndex(tmp_path)


def test_malformed_line_is_reported_by_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "a", "response": "b"}\n\n{"prompt": "c", "response": \n')
    with pytest.raises(InputError) as err:
        load_examples(path)
    assert f"{path}:3" in str(err.value)
    path.write_text('{"prompt": "a", "response": "b"}\n{"prompt": "c"}\n')
    with pytest.raises(InputError, match=r":2: .*response"):
        load_examples(path)
    code = index_main(["build", str(path), "--out", str(tmp_path / "x"), "--quiet"])
    assert code == 2


def test_incremental_rebuild_extracts_only_new_texts(data_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    first = CountingExtractor()
    build_index(data_file, out, extractor=first, show_progress=False)
    distinct = len({e.prompt for e in synthetic(300)}) + len({e.response for e in synthetic(300)})
    assert first.calls == distinct
    again = CountingExtractor()
    index = build_index(data_file, out, extractor=again, show_progress=False)
    assert again.calls == 0
    assert index.meta["cache"]["attribute_misses"] == 0
    more = synthetic(300) + synthetic(20, start=300)
    grown = CountingExtractor()
    index = build_index(more, out, extractor=grown, show_progress=False)
    old = synthetic(300)
    new_texts = {e.prompt for e in more} - {e.prompt for e in old}
    new_texts_r = {e.response for e in more} - {e.response for e in old}
    assert grown.calls == len(new_texts) + len(new_texts_r) >= 30  # only the new texts
    assert index.n_examples == 320
    parts = list((out / "cache" / "embeddings").glob("*/part-*.keys.npy"))
    assert len(parts) >= 2  # the first build's vectors were reused, new strings appended


def test_interrupted_build_resumes_from_the_cache(data_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    with pytest.raises(KeyboardInterrupt):
        build_index(data_file, out, extractor=CountingExtractor(fail_after=250),
                    show_progress=False, batch_size=100)
    assert not (out / "meta.json").exists()
    resumed = CountingExtractor()
    build_index(data_file, out, extractor=resumed, show_progress=False, batch_size=100)
    assert 0 < resumed.calls <= 600 - 200  # at least two full batches came from the cache
    assert TurfIndex(out).n_examples == 300


def test_progress_goes_to_stderr(data_file: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    build_index(data_file, tmp_path / "idx", extractor=CountingExtractor())
    captured = capsys.readouterr()
    assert "turf: extracting query attributes 300/300" in captured.err
    assert "/s, ETA" in captured.err
    assert captured.out == ""


def test_retrieve_returns_distinct_nearest_examples(data_file: Path, tmp_path: Path) -> None:
    index = build_index(data_file, tmp_path / "idx", extractor=CountingExtractor(),
                        show_progress=False)
    vec = index.embed(["The response provides code"])[0]
    examples, sims, attrs = index.retrieve(vec, 50)
    assert len(examples) == len(set(examples.tolist())) == 50
    assert np.all(np.diff(sims) <= 1e-6)
    sources = {index.sources[index.source_ids[e]] for e in examples[:50]}
    assert sources == {"code"}  # 60 code examples, all nearer than anything else
    assert index.response_attributes[attrs[0]] == "The response provides code"
    everything, _, _ = index.retrieve(vec, 10_000)
    assert len(everything) == 300  # k is capped by the index size


def test_a_known_string_is_its_own_first_neighbour_even_when_hnsw_misses_it(
        data_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = build_index(data_file, tmp_path / "idx", extractor=CountingExtractor(),
                        show_progress=False)
    text = "The response provides code"
    own = index.response_attributes.index(text)
    real = index.hnsw

    class Blind:  # hnswlib's objects are read-only: wrap one, hiding the string from search
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def knn_query(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
            labels, dists = real.knn_query(vector, k=min(k + 1, real.get_current_count()))
            keep = labels[0] != own
            return labels[:, keep][:, :k], dists[:, keep][:, :k]

    monkeypatch.setattr(index, "_hnsw", Blind())
    examples, sims, attrs = index.retrieve_text(text, index.embed([text])[0], 50)
    assert attrs[0] == own and sims[0] == 1.0
    assert {index.sources[index.source_ids[e]] for e in examples} == {"code"}
    _, _, missed_attrs = index.retrieve(index.embed([text])[0], 50)
    assert own not in missed_attrs.tolist()  # the plain vector search really was blind to it


def test_keyword_search_counts_by_source(data_file: Path, tmp_path: Path) -> None:
    index = build_index(data_file, tmp_path / "idx", extractor=CountingExtractor(),
                        show_progress=False)
    hits = keyword_search(index, "zephyr  x9")
    expected = sum(1 for e in synthetic(300) if "Zephyr X9" in e.prompt)
    assert hits.total == expected and hits.by_source == {"confidential": expected}
    assert hits.chunks[0].lift > 5 and len(hits.examples) == 3
    assert keyword_search(index, "Zephyr X").total == 0  # whole words only
    assert keyword_search(index, "sorry", field="response").total == expected


def test_default_clusters_scale() -> None:
    assert default_clusters(5) == 5
    assert default_clusters(100) == 44  # few strings: mostly distinct concepts
    assert default_clusters(40_000) == 1538  # many: grows like 8·sqrt(D)
    assert default_clusters(10**8) == 2000


def test_cli_build_info_search(data_file: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli-idx"
    assert index_main(["build", str(data_file), "--out", str(out), "--quiet",
                       "--clusters", "5", "--seed", "3"]) == 0
    assert TurfIndex(out).meta["seed"] == 3
    assert index_main(["info", str(out), "--json"]) == 0
    assert index_main(["search", str(out), "Zephyr X9"]) == 0
    printed = capsys.readouterr().out
    assert '"kmeans_k": 5' in printed and "confidential" in printed
