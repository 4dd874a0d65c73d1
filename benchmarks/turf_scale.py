"""`bench_turf.py --scale`: TURF with LLM-like attribute diversity, at 100k and 1M examples.

- build: 100k examples of `scale_world` (over 1M distinct attribute strings), built in a child
  process with the built-in embedder so peak RSS is the build's own;
- knn_recall_at_100: HNSW neighbours (at the `ef` attribution uses) against exact cosine search
  over every stored vector, for stored strings and for unseen ones;
- float16: cosine between each vector as embedded (float32) and as cached (float16);
- latency: `attribute` on planted failures written apart from the corpus (new seed), at 100k,
  and at 1M on the 100k index tiled 10× (same attribute vocabulary, clusters and HNSW graph;
  example rows, posting lists and cluster sizes 10×: stated in the output);
- batch_roundtrip: a lab index built through the loopback server's batch endpoints (OpenAI and
  Anthropic SDKs) has the same content digest as one built with direct calls.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def log(text: str) -> None:
    print(f"bench_turf --scale: {text}", file=sys.stderr, flush=True)


def child_build(size: int, out: str) -> None:
    from scale_world import DiverseExtractor, scale_corpus

    from pytest_chunky.turf.build import build_index

    records = scale_corpus(size, seed=0)
    started = time.perf_counter()
    index = build_index(records, out, extractor=DiverseExtractor(), embedder="builtin")
    print(json.dumps({"seconds": time.perf_counter() - started, "meta": index.meta}))


def timed_build(size: int, out: Path) -> dict[str, Any]:
    log(f"building the {size}-example diverse index in a child process")
    proc = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "bench_turf.py"),
                             "--child-scale-build", str(size), str(out)],
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'benchmarks'}"})
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"diverse build of {size} failed")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024.0
    log(f"{size}: {result['seconds']:.1f}s, peak RSS {result['peak_rss_mb']:.0f} MB, "
        f"timings {result['meta']['timings_s']}")
    return result


def knn_recall(index: Any, fresh: list[str], k: int = 100, n: int = 200) -> dict[str, float]:
    """Recall@k of the HNSW search attribution runs, against exact search."""
    total = int(index.meta["n_response_attributes"])
    stored = np.asarray(index.hnsw.get_items(np.arange(total)), dtype=np.float32)
    rng = np.random.default_rng(0)
    queries = {"stored": stored[rng.choice(total, n, replace=False)],
               "unseen": index.embed(fresh[:n])}
    out: dict[str, float] = {}
    index.hnsw.set_ef(index.search_ef(k))
    for name, q in queries.items():
        exact = np.argpartition(-(q @ stored.T), k - 1, axis=1)[:, :k]
        found, _ = index.hnsw.knn_query(q, k=k)
        hits = [len(set(exact[i].tolist()) & set(found[i].tolist())) for i in range(len(q))]
        out[name] = sum(hits) / (k * len(q))
    return out


def float16_error(index: Any, strings: list[str]) -> float:
    """Largest 1 - cosine between a vector as embedded and as the float16 cache stores it."""
    from pytest_chunky.turf.store import STORED_DTYPE

    exact = index.embed(strings)
    stored = exact.astype(STORED_DTYPE).astype(np.float32)
    cos = (exact * stored).sum(1) / np.maximum(np.linalg.norm(stored, axis=1), 1e-12)
    return float(1.0 - cos.min())


def tile_index(src: Path, dst: Path, factor: int) -> None:
    """The index of `factor` shuffled copies of every example (see the module docstring)."""
    from pytest_chunky.turf.build import _postings

    dst.mkdir(parents=True)
    for path in src.iterdir():
        if path.name not in ("cache",):
            target = dst / path.name
            (shutil.copytree if path.is_dir() else shutil.copy)(path, target)
    n = json.loads((src / "meta.json").read_text())["n_examples"]
    order = np.random.default_rng(0).permutation(n * factor) % n
    for name in ("query_ids", "response_ids", "example_clusters", "source_ids",
                 "example_offsets"):
        np.save(dst / f"{name}.npy", np.load(src / f"{name}.npy")[order])
    response_ids = np.load(dst / "response_ids.npy")
    meta = json.loads((src / "meta.json").read_text())
    indptr, postings = _postings(response_ids, meta["n_response_attributes"], 0)
    np.save(dst / "posting_indptr.npy", indptr)
    np.save(dst / "posting_examples.npy", postings)
    clusters = np.load(dst / "example_clusters.npy")
    np.save(dst / "cluster_sizes.npy", np.bincount(
        clusters[clusters >= 0], minlength=len(np.load(src / "centroids.npy"))).astype(np.int64))
    meta["n_examples"] = n * factor
    meta["tiled"] = f"{factor}x {src.name}"
    (dst / "meta.json").write_text(json.dumps(meta))


def attribution(index_dir: Path, failures: list[dict[str, str]]) -> dict[str, float]:
    from scale_world import CRUX, PLANTED, TRIGGER, DiverseExtractor

    from pytest_chunky.turf.attribute import attribute_sync
    from pytest_chunky.turf.index import TurfIndex

    index, extractor = TurfIndex(index_dir), DiverseExtractor()
    latency, trig, chunk = [], 0, 0
    for case in failures:
        result = attribute_sync(index, case["prompt"], case["response"], rubric="code",
                                extractor=extractor)
        latency.append(result.timings_ms["total_excluding_extraction"])
        trig += result.trigger == TRIGGER and result.behaviour == CRUX
        chunk += result.top_chunk == PLANTED
    latency = latency[1:]  # the first call pages the index in
    latency.sort()
    return {"p50": statistics.median(latency),
            "p99": latency[min(len(latency) - 1, round(0.99 * (len(latency) - 1)))],
            "trigger_top1": trig / len(failures), "chunk_top1": chunk / len(failures)}


def batch_roundtrip(tmp: Path) -> dict[str, bool]:
    """Direct and batch builds of one lab corpus through the loopback server: same digest?"""
    from pytest_chunky.fakeapi.server import serve
    from pytest_chunky.lab import build_corpus
    from pytest_chunky.lab.role_model import LabRoleModel
    from pytest_chunky.models.embed import BuiltinEmbedder
    from pytest_chunky.turf.build import build_index

    records = [json.loads(r.to_json()) for r in build_corpus(300, seed=11)]
    embedder = BuiltinEmbedder(dim=64).fit([r["prompt"] for r in records])
    out: dict[str, bool] = {}
    with serve(LabRoleModel("lab"), embedder=embedder) as srv:
        emb = f"openai:emb@{srv.openai_base_url}"
        direct = build_index(records, tmp / "direct", extractor=f"openai:lab@{srv.openai_base_url}",
                             embedder=emb, show_progress=False).content_digest()
        for provider, url in (("openai", srv.openai_base_url),
                              ("anthropic", srv.anthropic_base_url)):
            before = {e.path for e in srv.events}
            index = build_index(records, tmp / provider, extractor=f"{provider}:lab@{url}",
                                embedder=emb, show_progress=False, batch=True,
                                batch_poll_seconds=0.05)
            direct_calls = {e.path for e in srv.events} - before - {
                "/v1/chat/completions#batch", "/v1/messages#batch", "/v1/embeddings#batch"}
            out[provider] = index.content_digest() == direct and not direct_calls
    return out


def scale_figures(quick: bool) -> dict[str, Any]:
    from scale_world import CRUX, PLANTED, scale_corpus

    size = 20_000 if quick else 100_000
    factor = 10
    with tempfile.TemporaryDirectory(prefix="bench-turf-scale-") as name:
        tmp = Path(name)
        built = timed_build(size, tmp / "diverse")
        from pytest_chunky.turf.index import TurfIndex

        index = TurfIndex(tmp / "diverse")
        fresh = scale_corpus(4000, seed=99, planted_share=0.25)
        failures = [r for r in fresh if r["source"] == PLANTED][:60 if quick else 200]
        from scale_world import DiverseExtractor

        unseen = [a for r in fresh[:100] for a in DiverseExtractor()._response(r["response"])]
        recall = knn_recall(index, unseen)
        log(f"knn recall@100: {recall}")
        f16 = float16_error(index, [*index.response_attributes[:5000], CRUX])
        small = attribution(tmp / "diverse", failures)
        log(f"{size}: attribution {small}")
        tile_index(tmp / "diverse", tmp / "tiled", factor)
        big = attribution(tmp / "tiled", failures)
        log(f"{size * factor}: attribution {big}")
        roundtrip = batch_roundtrip(tmp)
        log(f"batch roundtrip: {roundtrip}")
        meta = built["meta"]
        label = "100k" if not quick else "20k"
        return {
            f"build_seconds_{label}_diverse": round(built["seconds"], 1),
            f"peak_rss_mb_{label}_diverse": round(built["peak_rss_mb"], 1),
            "build_timings_s": meta["timings_s"],
            "distinct_attributes": meta["n_query_attributes"] + meta["n_response_attributes"],
            "distinct_query_attributes": meta["n_query_attributes"],
            "distinct_response_attributes": meta["n_response_attributes"],
            "clusters": meta["n_clusters"],
            "knn_recall_at_100": round(min(recall.values()), 4),
            "knn_recall_at_100_stored": round(recall["stored"], 4),
            "knn_recall_at_100_unseen": round(recall["unseen"], 4),
            "float16_max_cosine_error": f16,
            f"attribution_ms_p50_{label}": round(small["p50"], 2),
            f"attribution_ms_p99_{label}": round(small["p99"], 2),
            "attribution_ms_p50_1m" if not quick else "attribution_ms_p50_200k":
                round(big["p50"], 2),
            "attribution_ms_p99_1m" if not quick else "attribution_ms_p99_200k":
                round(big["p99"], 2),
            "index_1m": f"the {label} index tiled {factor}x (synthetic rows; same vocabulary, "
                        "clusters and HNSW graph)",
            "trigger_top1_diverse": round(small["trigger_top1"], 4),
            "chunk_top1_diverse": round(small["chunk_top1"], 4),
            "trigger_top1_tiled": round(big["trigger_top1"], 4),
            "failures": len(failures),
            "batch_roundtrip": all(roundtrip.values()),
            "batch_roundtrip_by_provider": roundtrip,
        }
