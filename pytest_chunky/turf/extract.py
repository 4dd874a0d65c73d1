"""Attribute extractors (text → 10 natural-language attributes) and their on-disk cache.

Extraction is by far the most expensive step of an index build with a real LLM, so every result
is cached by content hash in SQLite and committed batch by batch: an interrupted build resumes
where it stopped and an incremental rebuild extracts only the new texts.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from pytest_chunky.calls.cache import ResponseCache
from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.infra.extensions import load_extensions
from pytest_chunky.models.base import Model

Kind = Literal["query", "response"]
KINDS: tuple[Kind, ...] = ("query", "response")
ATTRIBUTES_PER_TEXT = 10

__all__ = [
    "ATTRIBUTES_PER_TEXT", "AttributeCache", "CachedExtractor", "Extractor", "Kind",
    "ModelExtractor", "clean_attributes", "get_extractor", "named_extractor",
    "register_extractor", "text_hash",
]


@runtime_checkable
class Extractor(Protocol):
    """Anything that describes texts with short attributes; `name` keys the cache."""

    @property
    def name(self) -> str: ...

    async def extract(self, texts: Sequence[str], kind: Kind) -> list[list[str]]: ...


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def clean_attributes(attributes: Sequence[str], limit: int = ATTRIBUTES_PER_TEXT) -> list[str]:
    """Trim, collapse whitespace, drop empties and duplicates, keep at most `limit`."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in attributes:
        text = " ".join(str(raw).split()).strip().strip('"').strip()
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
        if len(out) >= limit:
            break
    return out


ExtractorFactory = Callable[[], "Extractor"]
_NAMED: dict[str, ExtractorFactory] = {}


def register_extractor(name: str, factory: ExtractorFactory) -> None:
    """Make `name` an offline extractor for `--extractor NAME`; extensions call this."""
    _NAMED[name] = factory


def named_extractor(name: str) -> Extractor | None:
    if name not in _NAMED:
        load_extensions()
    factory = _NAMED.get(name)
    return factory() if factory is not None else None


class ModelExtractor:
    """Any `Model` as extractor, through the project's versioned prompts and robust parsers.

    Texts are sent concurrently (bounded); a reply that will not parse is retried and then
    raised, never stored, so a resumed build asks again.
    """

    def __init__(self, model: Model, *, concurrency: int = 8, retries: int = 2,
                 cache: ResponseCache | None = None) -> None:
        from pytest_chunky.calls import prompts
        from pytest_chunky.calls.accounting import Ledger
        from pytest_chunky.calls.client import RoleClient
        from pytest_chunky.calls.roles import ExtractorRole

        self.model = model
        self.client = RoleClient("extractor", model, cache=cache, ledger=Ledger(), budget=None,
                                 concurrency=concurrency)
        self._roles = ExtractorRole(self.client, retries=retries)
        self.concurrency = concurrency
        self.name = (f"model:{model.spec}:{prompts.EXTRACT_QUERY.id}:"
                     f"{prompts.EXTRACT_RESPONSE.id}")
        self.calls = 0

    @classmethod
    def from_client(cls, client: object, *, retries: int = 2) -> ModelExtractor:
        """Reuse an existing RoleClient (cache, budget, limits) from a search session."""
        from pytest_chunky.calls.client import RoleClient
        from pytest_chunky.calls.roles import ExtractorRole

        assert isinstance(client, RoleClient)
        self = cls(client.model, concurrency=client.concurrency, retries=retries)
        self.client = client
        self._roles = ExtractorRole(client, retries=retries)
        return self

    async def extract(self, texts: Sequence[str], kind: Kind) -> list[list[str]]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(text: str) -> list[str]:
            async with gate:
                self.calls += 1
                return clean_attributes(await self._roles.attributes(text, kind))

        return list(await asyncio.gather(*(one(t) for t in texts)))


def get_extractor(spec: str, *, cache_dir: str | Path | None = None) -> Extractor:
    """A registered offline extractor (`lab`: the lab's rules) or any model string
    (`openai:gpt-5.1`, `lab` roles, ...).

    With `cache_dir`, a model extractor keeps every reply in the response cache as soon as it
    arrives, so a build killed mid-batch pays for no call twice.
    """
    text = spec.strip() or "lab"
    named = named_extractor(text)
    if named is not None:
        return named
    from pytest_chunky.models.registry import create_model

    cache = ResponseCache(Path(cache_dir) / "responses.sqlite") if cache_dir else None
    return ModelExtractor(create_model(text, flag="--extractor"), cache=cache)


class AttributeCache:
    """(extractor, kind, sha1(text)) → attribute list, in SQLite (WAL), committed per batch."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), timeout=60)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS attributes (extractor TEXT NOT NULL, kind TEXT NOT NULL,"
            " hash TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (extractor, kind, hash))")
        self._conn.commit()

    def get_many(self, extractor: str, kind: str, hashes: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        step = 500
        for start in range(0, len(hashes), step):
            chunk = list(hashes[start:start + step])
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT hash, value FROM attributes WHERE extractor=? AND kind=? "
                f"AND hash IN ({marks})", [extractor, kind, *chunk])
            for key, value in rows:
                found[key] = json.loads(value)
        return found

    def missing(self, extractor: str, kind: str, texts: Sequence[str]) -> list[str]:
        """The distinct `texts` this cache has no attributes for (first-seen order)."""
        distinct = list(dict.fromkeys(texts))
        known = self.get_many(extractor, kind, sorted({text_hash(t) for t in distinct}))
        return [t for t in distinct if text_hash(t) not in known]

    def put_many(self, extractor: str, kind: str, items: Sequence[tuple[str, list[str]]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO attributes VALUES (?, ?, ?, ?)",
            [(extractor, kind, key, json.dumps(value)) for key, value in items])
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()


class CachedExtractor:
    """Wraps an extractor with the attribute cache; identical texts are extracted once."""

    def __init__(self, inner: Extractor, cache: AttributeCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.hits = 0
        self.misses = 0

    async def extract(self, texts: Sequence[str], kind: Kind) -> list[list[str]]:
        hashes = [text_hash(t) for t in texts]
        found = self.cache.get_many(self.inner.name, kind, sorted(set(hashes)))
        todo: dict[str, str] = {}
        for key, text in zip(hashes, texts, strict=True):
            if key not in found and key not in todo:
                todo[key] = text
        self.hits += len(texts) - sum(1 for h in hashes if h in todo)
        if todo:
            keys = list(todo)
            fresh = await self.inner.extract([todo[k] for k in keys], kind)
            if len(fresh) != len(keys):
                raise ConfigError(f"extractor {self.inner.name} returned {len(fresh)} results "
                                  f"for {len(keys)} texts")
            self.misses += len(keys)
            pairs = list(zip(keys, fresh, strict=True))
            self.cache.put_many(self.inner.name, kind, pairs)
            found.update(pairs)
        return [found[h] for h in hashes]


_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str) -> str:
    """A file-system-safe, collision-resistant name for an embedder or extractor id."""
    return _SAFE.sub("_", text)[:60] + "-" + text_hash(text)[:8]
