"""An index is a file users exchange: check every byte of it before native code reads any.

hnswlib trusts its file: a header offset of 2^62 crashes the process, a dimension larger than
the stored vectors reads past its buffers. So an index records each file's size and SHA-256 in
`meta.json`, and loading checks them (regular files only: a FIFO would hang a read), checks the
metadata's fields and the arrays' lengths against each other, and parses the hnswlib file's
header and link lists against the dimension and counts before `load_index` runs. Any damage is
one `InputError` that says how to rebuild.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from pytest_chunky.infra.errors import InputError

__all__ = ["check_arrays", "check_hnsw", "check_meta", "damaged", "file_table", "regular_file",
           "verify_files"]

META = "meta.json"
_HEADER = struct.Struct("<QQQQQQiIQQQdQ")  # hnswlib's saveIndex header (96 bytes)
_LABEL = 8  # sizeof(labeltype): size_t
_MAX_LEVEL = 64  # a level far beyond any real graph: 16^64 elements


def damaged(directory: Path, problem: str, name: str | None = None) -> InputError:
    return InputError(f"damaged index: {problem}; rebuild it with: chunky index build "
                      f"DATA.jsonl --out {directory}",
                      path=str(directory / name if name else directory))


def regular_file(path: Path, directory: Path) -> os.stat_result:
    """The file's stat, if it is a regular file (not a FIFO, device, link or folder)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise damaged(directory, "a file is missing", path.name) from None
    except OSError as exc:
        raise damaged(directory, f"cannot read a file ({exc.strerror})", path.name) from None
    if not stat.S_ISREG(info.st_mode):
        raise damaged(directory, "not a regular file", path.name)
    return info


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: Not the index's content: the build's working caches (attributes, embeddings, responses),
#: which later builds and attributions keep writing to, and a batch run's state file.
_MUTABLE = ("cache/",)
_MUTABLE_FILES = (META, "batches.json")  # turf.prefill.STATE_FILE


def file_table(directory: Path) -> dict[str, dict[str, Any]]:
    """{relative path: {size, sha256}} of every file an index is read from."""
    table: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if (path.is_file() and name not in _MUTABLE_FILES and not name.startswith(_MUTABLE)
                and not name.endswith(".tmp")):
            table[name] = {"size": path.stat().st_size, "sha256": _digest(path)}
    return table


def verify_files(directory: Path, table: Any) -> None:
    """Every recorded file is a regular file of the recorded size and digest."""
    if not isinstance(table, Mapping):
        raise damaged(directory, "meta.json field 'files' is not a table", META)
    for name, entry in table.items():
        path = directory / str(name)
        if not isinstance(entry, Mapping) or ".." in Path(str(name)).parts:
            raise damaged(directory, f"meta.json lists {name!r} oddly", META)
        info = regular_file(path, directory)
        if info.st_size != entry.get("size"):
            raise damaged(directory, f"size {info.st_size}, recorded {entry.get('size')}", name)
        if _digest(path) != entry.get("sha256"):
            raise damaged(directory, "contents differ from the digest recorded at build", name)


_COUNTS = ("n_examples", "n_query_attributes", "n_response_attributes", "n_clusters",
           "hnsw_dim")


def check_meta(directory: Path, meta: Any) -> None:
    """The metadata's counts are what the index's code will index arrays with."""
    if not isinstance(meta, Mapping):
        raise damaged(directory, "meta.json is not an object", META)
    for field in _COUNTS:
        value = meta.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**40:
            raise damaged(directory, f"meta.json field {field!r} is {value!r}, not a count",
                          META)
    embedder = meta.get("embedder")
    if not isinstance(embedder, Mapping) or not isinstance(embedder.get("spec"), str):
        raise damaged(directory, "meta.json field 'embedder' has no spec", META)
    if embedder.get("dim", meta["hnsw_dim"]) != meta["hnsw_dim"]:
        raise damaged(directory, f"meta.json says the vectors have {meta['hnsw_dim']} "
                      f"dimensions and the embedder {embedder.get('dim')}", META)


def check_arrays(directory: Path, meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> None:
    """Array lengths and id ranges agree with the metadata (ids index other arrays)."""
    n = int(meta["n_examples"])
    checks = {"source_ids": n, "example_clusters": n, "offsets": n,
              "cluster_sizes": int(meta["n_clusters"])}
    for name, expected in checks.items():
        arr = arrays.get(name)
        if arr is not None and len(arr) != expected:
            raise damaged(directory, f"{name} has {len(arr)} rows, expected {expected}")
    sources = arrays.get("sources")
    bounds = {"source_ids": len(sources) if isinstance(sources, list) else 0,
              "query_ids": int(meta["n_query_attributes"]),
              "response_ids": int(meta["n_response_attributes"]),
              "example_clusters": int(meta["n_clusters"]), "posting_examples": n}
    for name, limit in bounds.items():
        arr = arrays.get(name)
        low = 0 if name == "source_ids" else -1  # -1: "no attribute" in the id tables
        if arr is not None and arr.size and (int(arr.max()) >= limit or int(arr.min()) < low):
            raise damaged(directory, f"{name} holds ids outside 0..{limit - 1}")
    offsets = arrays.get("offsets")
    if offsets is not None and len(offsets) > 1:
        texts = directory / "examples.jsonl"
        end = regular_file(texts, directory).st_size
        if int(offsets[0]) < 0 or np.any(np.diff(offsets) < 0) or int(offsets[-1]) > end:
            raise damaged(directory, "example offsets run outside examples.jsonl")


def check_hnsw(path: Path, *, dim: int, count: int) -> None:
    """The hnswlib file's header, level-0 block and link lists are consistent with `dim`
    float32 vectors for `count` elements, and every neighbour id is an element."""
    directory = path.parent
    info = regular_file(path, directory)
    size = info.st_size
    with path.open("rb") as fh:
        head = fh.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise damaged(directory, "the graph file is shorter than its header", path.name)
    (off0, max_el, cur, per, label_off, data_off, max_level, entry, max_m, max_m0, m, _mult,
     _efc) = _HEADER.unpack(head)
    links0 = max_m0 * 4 + 4
    expect = {"offsetLevel0": (off0, 0), "element count": (cur, count),
              "data offset": (data_off, links0), "label offset": (label_off, links0 + dim * 4),
              "bytes per element": (per, links0 + dim * 4 + _LABEL)}
    for what, (got, want) in expect.items():
        if got != want:
            raise damaged(directory, f"graph header {what} is {got}, expected {want} "
                          f"(dimension {dim}, {count} elements)", path.name)
    if not (0 < m <= 4096 and max_m == m and max_m0 == 2 * m and cur <= max_el):
        raise damaged(directory, "graph header parameters are inconsistent", path.name)
    if cur and not (0 <= max_level < _MAX_LEVEL and entry < cur):
        raise damaged(directory, "graph entry point or level out of range", path.name)
    level0_end = _HEADER.size + cur * per
    if size < level0_end:
        raise damaged(directory, "the graph file is truncated", path.name)
    raw = np.memmap(path, dtype=np.uint8, mode="r", offset=_HEADER.size, shape=(cur * per,))
    block = raw.reshape(cur, per) if cur else raw.reshape(0, per)
    counts = block[:, :2].copy().view(np.uint16).ravel()
    if counts.size and int(counts.max()) > max_m0:
        raise damaged(directory, "a level-0 neighbour list is longer than the graph allows",
                      path.name)
    neighbours = block[:, 4:links0].copy().view(np.uint32)
    used = np.arange(max_m0)[None, :] < counts[:, None]
    if used.any() and int(neighbours[used].max()) >= cur:
        raise damaged(directory, "a neighbour id is not an element of the graph", path.name)
    labels = block[:, label_off:label_off + _LABEL].copy().view(np.uint64).ravel()
    if labels.size and int(labels.max()) >= count:
        raise damaged(directory, "an element label is out of range", path.name)
    del raw, block
    per_level = max_m * 4 + 4
    pos = level0_end
    with path.open("rb") as fh:
        fh.seek(pos)
        for _ in range(cur):
            word = fh.read(4)
            if len(word) < 4:
                raise damaged(directory, "the graph's upper levels are truncated", path.name)
            (length,) = struct.unpack("<I", word)
            if length % per_level or length // per_level > _MAX_LEVEL:
                raise damaged(directory, "an upper-level link list has a bad size", path.name)
            if length:
                links = np.frombuffer(fh.read(length), dtype=np.uint32)
                if links.size * 4 != length:
                    raise damaged(directory, "the graph's upper levels are truncated",
                                  path.name)
                lists = links.reshape(-1, max_m + 1)
                sizes = lists[:, 0] & 0xFFFF
                if int(sizes.max()) > max_m:
                    raise damaged(directory, "an upper-level list is too long", path.name)
                mask = np.arange(max_m)[None, :] < sizes[:, None]
                if mask.any() and int(lists[:, 1:][mask].max()) >= cur:
                    raise damaged(directory, "an upper-level neighbour is not an element",
                                  path.name)
            pos += 4 + length
    if pos != size:
        raise damaged(directory, f"the graph file has {size - pos} bytes after its end",
                      path.name)
