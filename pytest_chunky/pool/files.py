"""SURF attribute pools (paper §3.1.1): the prompt descriptors the search samples from.

A pool is a flat, ordered set of one-sentence attributes ("The query is written in Malay."),
optionally split into named groups so users can narrow a search (`pool.subset(["language"])`)
and reports can say which kind of feature triggered a failure. Pools are hand-written files, so
every problem is a one-line `InputError` naming the file, the line and the field.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_chunky.infra.errors import ChunkyError, ConfigError, InputError
from pytest_chunky.infra.extensions import load_extensions
from pytest_chunky.infra.userfiles import clip, format_loc, printable, read_text, stat_file
from pytest_chunky.infra.yamlfile import MAX_YAML_CHARS, load_yaml_with_lines

__all__ = [
    "MAX_ATTRIBUTE_CHARS",
    "POOL_SUFFIXES",
    "AttributePool",
    "default_pool",
    "get_pool",
    "load_pool",
    "normalize_attribute",
    "pool_names",
    "register_pool",
]

MAX_ATTRIBUTE_CHARS = 500
POOL_SUFFIXES = (".yaml", ".yml", ".json", ".txt")
_TOP_FIELDS = ("version", "name", "description", "attributes")
_SHAPE = "a list of attributes or a mapping of group name -> list of attributes"
Loc = tuple[Any, ...]
Fail = Callable[[str, int | None, str], ChunkyError]


def normalize_attribute(text: str) -> str:
    """Collapse whitespace so folded YAML, padded lines and lists compare and hash alike."""
    return " ".join(text.split())


def _describe(value: object) -> str:
    kind = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "nothing (null)"}.get(type(value), type(value).__name__)
    shown = repr(value) if isinstance(value, (int, float, bool)) else ""
    return f"{kind} {shown[:40]}".rstrip()


def _check_items(items: Iterable[tuple[object, int | None, str]], fail: Fail) -> list[str]:
    """Validate (value, line, field) triples in order; return the normalised attributes."""
    seen: dict[str, tuple[int | None, str]] = {}
    out: list[str] = []
    for value, line, where in items:
        if not isinstance(value, str):
            raise fail(f"an attribute must be a non-empty string, got {_describe(value)}",
                       line, where)
        text = normalize_attribute(value)
        if not text:
            raise fail("attribute is empty; write a sentence such as 'The query is written in "
                       "Malay.' or remove the entry", line, where)
        if len(text) > MAX_ATTRIBUTE_CHARS:
            raise fail(f"attribute is {len(text)} characters long; the limit is "
                       f"{MAX_ATTRIBUTE_CHARS}, shorten it to one sentence", line, where)
        key = text.casefold()
        if key in seen:
            first_line, first_field = seen[key]
            at = f" (line {first_line})" if first_line is not None else ""
            raise fail(f"duplicate attribute, same as {first_field}{at}; remove one", line, where)
        seen[key] = (line, where)
        out.append(text)
    return out


@dataclass(frozen=True, eq=False)
class AttributePool:
    """An immutable, ordered attribute set; `digest` goes into SURF cache keys."""

    attributes: tuple[str, ...]
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    name: str = "custom"

    def __post_init__(self) -> None:
        def fail(msg: str, line: int | None, where: str) -> ChunkyError:
            return ConfigError(f"attribute pool {self.name!r}, {where}: {msg}")

        if isinstance(self.attributes, str):
            raise ConfigError(f"attribute pool {self.name!r}: attributes must be a sequence of "
                              "strings, not one string")

        attrs = tuple(_check_items(((a, None, f"attributes[{i}]")
                                    for i, a in enumerate(self.attributes)), fail))
        if not attrs:
            raise ConfigError(f"attribute pool {self.name!r} is empty; give at least one "
                              "attribute")
        known = set(attrs)
        groups: dict[str, tuple[str, ...]] = {}
        for group, members in self.groups.items():
            if not isinstance(group, str) or not group.strip():
                raise ConfigError(f"attribute pool {self.name!r}: group names must be non-empty "
                                  f"text, got {_describe(group)}")
            normalised = tuple(normalize_attribute(m) for m in members)
            missing = [m for m in normalised if m not in known]
            if missing:
                raise ConfigError(f"attribute pool {self.name!r}, group {group!r}: "
                                  f"{missing[0]!r} is not one of the pool's attributes")
            groups[group] = normalised
        object.__setattr__(self, "attributes", attrs)
        object.__setattr__(self, "groups", MappingProxyType(groups))

    @classmethod
    def from_groups(cls, groups: Mapping[str, Sequence[str]], *, name: str = "custom"
                    ) -> AttributePool:
        """A pool whose attributes are the groups' members, in order."""
        members = [a for values in groups.values() for a in values]
        return cls(tuple(members), {g: tuple(v) for g, v in groups.items()}, name)

    @functools.cached_property
    def digest(self) -> str:
        """sha256 of the sorted attributes: stable across file order, format and grouping."""
        canonical = json.dumps(sorted(self.attributes), ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.attributes)

    def __iter__(self) -> Iterator[str]:
        return iter(self.attributes)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and normalize_attribute(item) in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AttributePool):
            return NotImplemented
        return (self.name, self.attributes, dict(self.groups)) == (
            other.name, other.attributes, dict(other.groups))

    def __hash__(self) -> int:
        return hash((self.name, self.digest))

    def __repr__(self) -> str:
        return (f"AttributePool(name={self.name!r}, {len(self)} attributes, "
                f"groups={list(self.groups)})")

    @functools.cached_property
    def _index(self) -> frozenset[str]:
        return frozenset(self.attributes)

    def group_of(self, attribute: str) -> str | None:
        """The first group that lists `attribute` (None for ungrouped pools)."""
        text = normalize_attribute(attribute)
        return next((g for g, members in self.groups.items() if text in members), None)

    def subset(self, names_or_groups: str | Iterable[str]) -> AttributePool:
        """A smaller pool: each entry is a group name or one attribute of this pool."""
        wanted = [names_or_groups] if isinstance(names_or_groups, str) else list(names_or_groups)
        chosen: set[str] = set()
        groups: dict[str, tuple[str, ...]] = {}
        for entry in wanted:
            if entry in self.groups:
                chosen.update(self.groups[entry])
                groups[entry] = self.groups[entry]
            elif isinstance(entry, str) and normalize_attribute(entry) in self._index:
                chosen.add(normalize_attribute(entry))
            else:
                close = difflib.get_close_matches(str(entry), list(self.groups), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ConfigError(f"{entry!r} is neither a group nor an attribute of pool "
                                  f"{self.name!r}; {hint}groups are: "
                                  f"{', '.join(self.groups) or '(none)'}")
        if not chosen:
            raise ConfigError(f"empty subset of pool {self.name!r}; name at least one group "
                              "or attribute")
        attrs = tuple(a for a in self.attributes if a in chosen)
        loose = len(chosen - {a for members in groups.values() for a in members})
        label = ",".join([*groups, *([f"+{loose} attributes"] if loose else [])])
        return AttributePool(attrs, groups, f"{self.name}[{label}]")


# ---------------------------------------------------------------------------------------------
# Files: YAML and JSON share one document shape; text files are one attribute per line.


def _from_document(data: object, line_of: Callable[[Loc], int | None], shown: str,
                   stem: str) -> AttributePool:
    def fail(msg: str, line: int | None, where: str) -> ChunkyError:
        return InputError(msg, path=shown, line=line, field=where)

    if not isinstance(data, dict):
        raise InputError(f"top level must be a mapping with an 'attributes' field ({_SHAPE}), "
                         f"got {_describe(data)}", path=shown, line=line_of(()))
    for key in data:
        if key not in _TOP_FIELDS:
            close = difflib.get_close_matches(str(key), _TOP_FIELDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise fail(f"unknown field; {hint}valid fields are: {', '.join(_TOP_FIELDS)}",
                       line_of((key,)), clip(str(key)))
    if "version" in data and (data["version"] != 1 or isinstance(data["version"], bool)):
        raise fail(f"unsupported version {data['version']!r}; this release reads version: 1",
                   line_of(("version",)), "version")
    name = data.get("name", stem)
    if not isinstance(name, str) or not name.strip():
        raise fail(f"must be non-empty text, got {_describe(name)}", line_of(("name",)), "name")
    if "attributes" not in data:
        raise fail(f"required field is missing; add 'attributes:' with {_SHAPE}",
                   line_of(()), "attributes")
    raw = data["attributes"]
    entries: list[tuple[object, int | None, str]] = []
    spans: dict[str, tuple[int, int]] = {}
    if isinstance(raw, list):
        entries = [(v, line_of(("attributes", i)), f"attributes[{i}]") for i, v in enumerate(raw)]
    elif isinstance(raw, dict):
        for group, values in raw.items():
            loc = ("attributes", group)
            if not isinstance(group, str) or not group.strip():
                raise fail(f"group names must be non-empty text, got {_describe(group)}",
                           line_of(loc), format_loc(loc))
            if not isinstance(values, list):
                raise fail(f"a group must be a list of attributes (write [] for none), got "
                           f"{_describe(values)}", line_of(loc), format_loc(loc))
            spans[group] = (len(entries), len(entries) + len(values))
            entries += [(v, line_of((*loc, i)), format_loc((*loc, i)))
                        for i, v in enumerate(values)]
    else:
        raise fail(f"must be {_SHAPE}, got {_describe(raw)}", line_of(("attributes",)),
                   "attributes")
    attrs = _check_items(entries, fail)
    if not attrs:
        raise fail("the pool is empty; list at least one attribute", line_of(("attributes",)),
                   "attributes")
    groups = {g: tuple(attrs[a:b]) for g, (a, b) in spans.items()}
    return AttributePool(tuple(attrs), groups, name.strip())


def _yaml_document(text: str, shown: str) -> tuple[object, dict[Loc, int]]:
    return load_yaml_with_lines(text, shown, empty=f"file is empty; write 'attributes:' with "
                                f"{_SHAPE}", empty_field="attributes")


_WS = re.compile(r"[ \t\n\r]*")


def _json_document(text: str, shown: str) -> tuple[object, dict[Loc, int]]:
    if len(text) > MAX_YAML_CHARS:  # the same size budget as a YAML pool
        raise InputError(f"file is {len(text):,} characters, over the {MAX_YAML_CHARS:,} a pool "
                         "file may have here; split it", path=shown)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=shown,
                         line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, or nesting too deep
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"invalid JSON: {printable(problem)[:200]}", path=shown) from None
    # json has no node positions: re-walk the (now known valid) text to map loc -> line.
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    lines: dict[Loc, int] = {}
    decoder = json.JSONDecoder()

    def line_at(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    def skip(pos: int) -> int:
        match = _WS.match(text, pos)
        return match.end() if match else pos

    def walk(pos: int, loc: Loc) -> int:
        pos = skip(pos)
        lines.setdefault(loc, line_at(pos))
        opener = text[pos]
        if opener not in "{[":
            return decoder.raw_decode(text, pos)[1]
        closer, pos, index = ("}" if opener == "{" else "]"), skip(pos + 1), 0
        seen: set[str] = set()
        while text[pos] != closer:
            if opener == "{":
                key, end = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
                if key in seen:
                    raise InputError("duplicate key; keep only one", path=shown,
                                     line=line_at(pos), field=format_loc((*loc, key)))
                seen.add(key)
                lines[(*loc, key)] = line_at(pos)
                pos = walk(skip(end) + 1, (*loc, key))
            else:
                pos = walk(pos, (*loc, index))
                index += 1
            pos = skip(pos)
            if text[pos] == ",":
                pos = skip(pos + 1)
        return pos + 1

    walk(0, ())
    return data, lines


def _text_pool(text: str, shown: str, stem: str) -> AttributePool:
    entries: list[tuple[object, int | None, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            entries.append((stripped, number, f"attributes[{len(entries)}]"))

    def fail(msg: str, line: int | None, where: str) -> ChunkyError:
        return InputError(msg, path=shown, line=line, field=where)

    attrs = _check_items(entries, fail)
    if not attrs:
        raise InputError("the pool is empty; write one attribute per line ('#' starts a "
                         "comment line)", path=shown, line=1, field="attributes")
    return AttributePool(tuple(attrs), {}, stem)


def load_pool(path: str | Path) -> AttributePool:
    """Load a pool from .yaml/.yml/.json (`attributes:` list or groups) or .txt (one per line)."""
    p = Path(path)
    shown = printable(str(path))
    if p.suffix.lower() not in POOL_SUFFIXES:
        raise InputError(f"unsupported attribute pool file type {p.suffix or '(none)'!r}; use "
                         f"{', '.join(POOL_SUFFIXES)}", path=shown)
    p, shown, stat = stat_file(p, "attribute pool file", missing_hint="; check the path",
                               directory_hint="; name one attribute pool file")
    return _load_cached(str(p.resolve()), shown, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _load_cached(resolved: str, shown: str, mtime_ns: int, size: int) -> AttributePool:
    del mtime_ns, size  # only part of the cache key
    p = Path(resolved)
    text = read_text(p, "attribute pool file", shown)
    suffix = p.suffix.lower()
    if suffix == ".txt":
        return _text_pool(text, shown, p.stem)
    data, lines = (_json_document if suffix == ".json" else _yaml_document)(text, shown)

    def line_of(loc: Loc) -> int | None:
        return next((lines[loc[:i]] for i in range(len(loc), -1, -1) if loc[:i] in lines), None)

    return _from_document(data, line_of, shown, p.stem)


@functools.cache
def default_pool() -> AttributePool:
    """The pool shipped with the package, for auditing real models."""
    return load_pool(Path(__file__).parent / "data" / "attributes.yaml")


PoolSource = Callable[[], "AttributePool | Mapping[str, Sequence[str]] | Sequence[str]"]
_NAMED: dict[str, PoolSource] = {}


def register_pool(name: str, source: PoolSource) -> None:
    """Make `name` a pool name (`@chunky.surf(attributes=name)`); extensions call this."""
    _NAMED[name] = source


def pool_names() -> tuple[str, ...]:
    load_extensions()
    return ("default", *sorted(_NAMED))


def _named_pool(name: str) -> AttributePool | None:
    if name not in _NAMED:
        load_extensions()
    source = _NAMED.get(name)
    if source is None:
        return None
    found = source()
    if isinstance(found, AttributePool):
        return found
    if isinstance(found, Mapping):
        return AttributePool.from_groups(found, name=name)
    return AttributePool(tuple(found), {}, name)


def get_pool(spec: str | Path | Sequence[str] | AttributePool | None, *,
             default: str = "default") -> AttributePool:
    """Resolve a pool setting: a built-in name, a pool file path, or explicit attributes."""
    if spec is None:
        spec = default
    if isinstance(spec, AttributePool):
        return spec
    if isinstance(spec, Path):
        return load_pool(spec)
    if not isinstance(spec, str):
        items = list(spec)
        if not items:
            raise ConfigError("the attribute list is empty; give at least one attribute, a "
                              f"pool name ({', '.join(pool_names())}) or a pool file path")
        return AttributePool(tuple(items), {}, "custom")
    if spec == "default":
        return default_pool()
    named = _named_pool(spec)
    if named is not None:
        return named
    p = Path(spec)
    if p.suffix.lower() in POOL_SUFFIXES or p.exists() or "/" in spec or "\\" in spec:
        return load_pool(p)
    close = difflib.get_close_matches(spec, pool_names(), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ConfigError(f"unknown attribute pool {spec!r}; {hint}valid names are: "
                      f"{', '.join(pool_names())}; or pass a path to a "
                      f"{', '.join(POOL_SUFFIXES)} pool file")
