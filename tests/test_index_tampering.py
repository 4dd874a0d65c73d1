"""A tampered TURF index is a one-line "damaged index" error, never a native crash or a hang.

Each damaged copy is loaded in a child process, so a crash in native code would show as the
child's signal, not take the test run down.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_chunky.lab import build_corpus
from pytest_chunky.turf.build import build_index

CHILD = """
import sys
from pytest_chunky.infra.errors import ChunkyError
from pytest_chunky.turf.index import TurfIndex
try:
    index = TurfIndex(sys.argv[1])
    index.hnsw
    print("LOADED")
except ChunkyError as exc:
    print("ERROR", exc)
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("tamper")
    data = base / "sft.jsonl"
    data.write_text("".join(r.to_json() + "\n" for r in build_corpus(size=400, seed=1)),
                    encoding="utf-8")
    build_index(data, base / "index", show_progress=False)
    return base / "index"


def _meta(d: Path) -> dict:
    return json.loads((d / "meta.json").read_text(encoding="utf-8"))


def _rehash(d: Path, name: str) -> None:
    """What an attacker who also edits meta.json does: the digest matches the damage."""
    meta = _meta(d)
    data = (d / name).read_bytes()
    meta["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _patch_hnsw(offset: int, fmt: str, value: object) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        path = d / "responses.hnsw"
        raw = bytearray(path.read_bytes())
        struct.pack_into(fmt, raw, offset, value)
        path.write_bytes(bytes(raw))
        _rehash(d, "responses.hnsw")
    return damage


def _meta_field(field: str, value: object) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        meta = _meta(d)
        meta[field] = value
        (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return damage


def _fifo(d: Path) -> None:
    (d / "sources.json").unlink()
    os.mkfifo(d / "sources.json")


def _truncate(name: str) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        path = d / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return damage


def _truncate_rehashed(d: Path) -> None:
    _truncate("responses.hnsw")(d)
    _rehash(d, "responses.hnsw")


def _deep_meta(d: Path) -> None:
    (d / "meta.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def _neighbour_out_of_range(d: Path) -> None:
    path = d / "responses.hnsw"
    raw = bytearray(path.read_bytes())
    header = struct.unpack_from("<QQQQQQiIQQQdQ", raw, 0)
    struct.pack_into("<HxxI", raw, 96, 1, 10**9)  # element 0: one neighbour, id 10^9
    path.write_bytes(bytes(raw))
    assert header[2] > 0
    _rehash(d, "responses.hnsw")


DAMAGE = {
    "header offset 2^62": _patch_hnsw(0, "<Q", 2**62),
    "element count 2^40": _patch_hnsw(16, "<Q", 2**40),
    "hnsw_dim 4096 in meta.json": _meta_field("hnsw_dim", 4096),
    "n_examples a string": _meta_field("n_examples", "many"),
    "a FIFO for sources.json": _fifo,
    "truncated graph": _truncate("responses.hnsw"),
    "truncated graph, digest updated": _truncate_rehashed,
    "truncated array": _truncate("query_ids.npy"),
    "meta.json nested 100k deep": _deep_meta,
    "neighbour id out of range": _neighbour_out_of_range,
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_tampered_index_is_a_clear_error(kind: str, index_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    DAMAGE[kind](copy)
    child = subprocess.run([sys.executable, "-c", CHILD, str(copy)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert child.returncode == 0, (kind, child.returncode, child.stderr[-500:])
    out = child.stdout.strip()
    assert out.startswith("ERROR") and "rebuild it with: chunky index build" in out, (kind, out)
    assert len(out.splitlines()) == 1


def test_an_intact_index_loads(index_dir: Path) -> None:
    child = subprocess.run([sys.executable, "-c", CHILD, str(index_dir)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert child.stdout.strip() == "LOADED", child.stderr[-500:]


def test_the_build_caches_inside_an_index_may_change(index_dir: Path, tmp_path: Path) -> None:
    # The build keeps its working caches in DIR/cache (later builds and LLM attributions write
    # to them): they are not index content, so writing there damages nothing.
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    meta = _meta(copy)
    assert meta["files"] and not any(name.startswith("cache/") for name in meta["files"])
    (copy / "cache").mkdir(exist_ok=True)
    (copy / "cache" / "responses.sqlite").write_bytes(b"grown since the build")
    child = subprocess.run([sys.executable, "-c", CHILD, str(copy)], capture_output=True,
                           text=True, timeout=120, check=False)
    assert child.stdout.strip() == "LOADED", child.stdout + child.stderr[-300:]
