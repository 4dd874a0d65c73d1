"""Response cache: key coverage, modes, WAL, and several processes writing at once."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pytest_chunky.calls.cache import ResponseCache, cache_key
from pytest_chunky.infra.errors import CacheMissError, ConfigError
from pytest_chunky.types import Completion, Message, SamplingParams, Usage


def sp(**kw: object) -> SamplingParams:
    # model_validate: mypy without the pydantic plugin misreads Field(default, ...) as required
    return SamplingParams.model_validate(kw)


BASE: dict[str, Any] = {
    "role": "target",
    "provider": "openai",
    "model": "gpt-x",
    "base_url": "http://127.0.0.1:8000/v1",
    "messages": [{"role": "user", "content": "hello"}],
    "params": sp(),
    "extra": {"rubric": "abc123"},
}

VARIANTS: dict[str, dict[str, Any]] = {
    "role": {"role": "judge"},
    "provider": {"provider": "anthropic"},
    "model": {"model": "gpt-y"},
    "base_url": {"base_url": "http://127.0.0.1:9000/v1"},
    "base_url_none": {"base_url": None},
    "message_content": {"messages": [{"role": "user", "content": "hello!"}]},
    "message_role": {"messages": [{"role": "system", "content": "hello"}]},
    "message_added": {"messages": [{"role": "user", "content": "hello"},
                                   {"role": "assistant", "content": "hi"}]},
    "temperature": {"params": sp(temperature=0.5)},
    "max_tokens": {"params": sp(max_tokens=7)},
    "top_p": {"params": sp(top_p=0.9)},
    "seed": {"params": sp(seed=3)},
    "stop": {"params": sp(stop=("\n",))},
    "sample_index": {"params": sp(sample_index=1)},
    "template": {"params": sp(template="gen-v2")},
    "json_schema": {"params": sp(json_schema={"type": "object"})},
    "extra_value": {"extra": {"rubric": "abc124"}},
    "extra_key": {"extra": {"rubric": "abc123", "template": "v1"}},
    "extra_none": {"extra": None},
}



def completion(text: str = "hi") -> Completion:
    return Completion(text=text, usage=Usage(input_tokens=3, output_tokens=5), cost_usd=0.01,
                      model="gpt-x")


def test_key_is_stable_and_hex() -> None:
    k1 = cache_key(**BASE)
    k2 = cache_key(**{**BASE, "extra": {"rubric": "abc123"},
                      "messages": [Message(role="user", content="hello")]})
    assert k1 == k2
    assert len(k1) == 64 and int(k1, 16) >= 0


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_key_changes_with_every_field(name: str) -> None:
    assert cache_key(**{**BASE, **VARIANTS[name]}) != cache_key(**BASE)


def test_all_variant_keys_distinct() -> None:
    keys = {cache_key(**{**BASE, **v}) for v in VARIANTS.values()}
    assert len(keys) == len(VARIANTS)


def test_roundtrip_marks_cached(tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        assert cache.get("k") is None
        cache.put("k", completion(), role="target", provider="openai", model="gpt-x")
        got = cache.get("k")
        assert got is not None and got.cached is True
        assert got.model_copy(update={"cached": False}) == completion()
        assert len(cache) == 1
        assert (cache.stats.hits, cache.stats.misses, cache.stats.writes) == (1, 1, 1)
        # first write wins; a second put of the same key stores nothing new
        cache.put("k", completion("other"), role="target", provider="openai", model="gpt-x")
        assert len(cache) == 1 and cache.stats.writes == 1
        assert cache.get("k") is not None and cache.get("k").text == "hi"  # type: ignore[union-attr]


def test_wal_mode_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with ResponseCache(path) as cache:
        assert cache.journal_mode() == "wal"
        assert cache.integrity_check() == "ok"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        cols = [r[1] for r in conn.execute("PRAGMA table_info(responses)")]
        assert cols == ["key", "role", "provider", "model", "created", "completion_json"]
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] \
            == "1"
    finally:
        conn.close()


def test_schema_version_mismatch_is_config_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with ResponseCache(path) as cache:
        assert len(cache) == 0
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ConfigError, match="schema version 99"):
        len(ResponseCache(path))


def _seeded(path: Path) -> None:
    with ResponseCache(path, "readwrite") as c:
        c.put("present", completion(), role="judge", provider="openai", model="gpt-x")


def test_mode_off_never_touches_disk(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cache = ResponseCache(path, "off")
    cache.put("k", completion(), role="target", provider="p", model="m")
    assert cache.get("k") is None
    assert len(cache) == 0 and not path.exists()


def test_mode_read_reads_but_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    _seeded(path)
    with ResponseCache(path, "read") as cache:
        assert cache.get("present") is not None
        assert cache.get("absent") is None
        cache.put("new", completion(), role="target", provider="p", model="m")
        assert len(cache) == 1 and cache.stats.writes == 0


def test_mode_read_without_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.sqlite"
    cache = ResponseCache(path, "read")
    assert cache.get("k") is None and len(cache) == 0
    assert not path.exists()


def test_mode_write_writes_but_never_reads(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    _seeded(path)
    with ResponseCache(path, "write") as cache:
        assert cache.get("present") is None
        cache.put("new", completion(), role="target", provider="p", model="m")
        assert len(cache) == 2
    with ResponseCache(path, "read") as cache:
        assert cache.get("new") is not None


def test_mode_replay_hit_and_miss_message(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    _seeded(path)
    with ResponseCache(path, "replay") as cache:
        assert cache.get("present") is not None
        cache.put("new", completion(), role="target", provider="p", model="m")
        assert len(cache) == 1
        with pytest.raises(CacheMissError) as info:
            cache.get("absent", role="judge", model="anthropic:claude-x")
    msg = str(info.value)
    assert "'judge'" in msg and "anthropic:claude-x" in msg
    assert "--chunky-cache=readwrite" in msg and "\n" not in msg


def test_replay_without_file_raises(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "none.sqlite", "replay")
    with pytest.raises(CacheMissError, match="--chunky-cache=readwrite"):
        cache.get("k", role="target", model="openai:gpt-x")


def test_unknown_mode_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="readwrite"):
        ResponseCache(tmp_path / "c.sqlite", "rw")  # type: ignore[arg-type]


def test_new_connection_after_fork(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cache = ResponseCache(path)
    cache.put("parent", completion(), role="target", provider="p", model="m")
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_fork_child, args=(cache,))
    proc.start()
    proc.join(20)
    assert proc.exitcode == 0
    assert cache.get("child") is not None
    assert cache.integrity_check() == "ok"
    cache.close()


def _fork_child(cache: ResponseCache) -> None:
    assert cache._conns is not None
    parent_conns = dict(cache._conns._conns)
    assert cache.get("parent") is not None
    assert all(c not in parent_conns.values() for c in cache._conns._conns.values())
    cache.put("child", completion(), role="target", provider="p", model="m")
    cache.close()
    os._exit(0)


def _spawn_writer(path: str, worker: int, count: int) -> None:
    cache = ResponseCache(path)
    for i in range(count):
        cache.put(f"w{worker}-{i}", completion(f"{worker}/{i}"), role="target",
                  provider="p", model="m")
        if i % 50 == 0:
            cache.get(f"w{worker}-{i}")
    cache.close()


def test_several_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_spawn_writer, args=(str(path), w, 200)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with ResponseCache(path, "read") as cache:
        assert len(cache) == 800
        assert cache.integrity_check() == "ok"
        got = cache.get("w3-199")
        assert got is not None and got.text == "3/199"
