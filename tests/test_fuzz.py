"""Bad input gives a one-line ChunkyError that names the file, line or field — never a traceback.

Hypothesis mutates valid files (delete, rename and retype fields; YAML/JSON syntax errors; bad
UTF-8; control characters; huge numbers; truncation) and marker arguments. Every outcome is
counted per loader in `STATS`, which `benchmarks/bench_reliability.py` reports.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_chunky.infra.errors import ChunkyError
from pytest_chunky.lab.corpus import SFTRecord, build_corpus, load_sft_jsonl, write_sft_jsonl
from pytest_chunky.markers import MARKER_ARGS, parse_marker
from pytest_chunky.pool.files import load_pool
from pytest_chunky.rubrics import builtin_rubric_dir, load_rubric
from pytest_chunky.settings import build_settings

EXAMPLES = int(os.environ.get("CHUNKY_FUZZ_EXAMPLES", "1000"))
MAX_MESSAGE = 1000  # a "one-line" error the size of a file is not a clear error


@dataclass
class Tally:
    """Per-loader outcome counts; `unclear` keeps a few offending (input, error) pairs."""

    inputs: int = 0
    accepted: int = 0
    errors: int = 0
    clear: int = 0
    unclear: list[str] = field(default_factory=list)

    def record(self, problem: str | None, failed: bool, sample: str) -> None:
        self.inputs += 1
        if not failed:
            self.accepted += 1
            return
        self.errors += 1
        if problem is None:
            self.clear += 1
        elif len(self.unclear) < 5:
            self.unclear.append(f"{problem} <- {sample[:200]!r}")


STATS: dict[str, Tally] = {}


def judge_error(exc: BaseException, names: Callable[[str], bool],
                max_length: int | None = MAX_MESSAGE) -> str | None:
    """None when `exc` is a clear error; otherwise what is wrong with it."""
    if not isinstance(exc, ChunkyError):
        return f"{type(exc).__name__} escaped: {str(exc)[:120]}"
    message = str(exc)
    if "\n" in message or "\r" in message:
        return f"multi-line message: {message[:120]!r}"
    if max_length is not None and len(message) > max_length:
        return f"message of {len(message)} characters"
    if not message.strip():
        return "empty message"
    if not names(message):
        return f"names no file, line or field: {message[:160]!r}"
    return None


def attempt(loader: str, run: Callable[[], object], names: Callable[[str], bool],
            sample: str, strict: bool, max_length: int | None = MAX_MESSAGE) -> None:
    tally = STATS.setdefault(loader, Tally())
    try:
        run()
    except Exception as exc:
        problem = judge_error(exc, names, max_length)
        tally.record(problem, True, sample)
        if strict and problem is not None:
            raise AssertionError(f"{loader}: {problem}") from exc
    else:
        tally.record(None, False, sample)


# ---------------------------------------------------------------------------------------------
# Mutations shared by the file loaders

WEIRD_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.just(""), st.just("   "), st.just("\x00"), st.just("a\nb"), st.just("\u2028"),
)
WEIRD_VALUES = st.one_of(
    WEIRD_SCALARS, st.lists(WEIRD_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=8), WEIRD_SCALARS, max_size=3))
SNIPPETS = st.sampled_from([
    ":", "- ", "[", "]", "{", "}", "\t", "  ", "'", '"', "&a ", "*a", "!!python/object:os.system",
    "!!binary ", "? ", "|", ">", "#", "%YAML 1.1\n", "---\n", "...\n", "\n", "\r\n", ",", "\\",
    "\x00", "\x1b", "\ufeff", "\u2028", "\x85", "\udcff", "9" * 5000, "1e999", "-.inf", ".nan",
    "<<: *a\n", "key: value\n", "  - item\n", "null", "~", "0x", "0o777", "2024-01-01",
])
BAD_BYTES = st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80",
                             b"\x00", b"\xef\xbb\xbf", b"\xf4\x90\x80\x80"])


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _set(data: Any, path: tuple[Any, ...], value: Any, *, delete: bool = False,
         rename: str | None = None) -> Any:
    if not path:
        return value
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if delete:
        del parent[last]
    elif rename is not None and isinstance(parent, dict):
        parent[rename] = parent.pop(last)
    else:
        parent[last] = value
    return data


@st.composite
def mutated_document(draw: st.DrawFn, base: Any) -> Any:
    """`base` (JSON-like) with a few structural mutations."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["delete", "rename", "retype", "add"]))
        if kind == "delete":
            data = _set(data, path, None, delete=True)
        elif kind == "rename":
            suffix = draw(st.sampled_from(["s", "_", "X", " ", ""]))
            data = _set(data, path, None, rename=f"{path[-1]}{suffix}" if suffix else
                        draw(st.text(min_size=1, max_size=10)))
        elif kind == "retype":
            data = _set(data, path, draw(WEIRD_VALUES))
        else:
            target = data
            for part in path[:-1]:
                target = target[part]
            if isinstance(target, dict):
                target[draw(st.text(min_size=1, max_size=10))] = draw(WEIRD_VALUES)
            elif isinstance(target, list):
                target.append(draw(WEIRD_VALUES))
    return data


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> bytes:
    """Text-level damage: inserted syntax, cut short, bad bytes, duplicated lines."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "truncate", "duplicate_line", "delete_line",
                                     "replace_char"]))
        pos = draw(st.integers(0, max(0, len(text))))
        if kind == "insert":
            text = text[:pos] + draw(SNIPPETS) + text[pos:]
        elif kind == "truncate":
            text = text[:pos]
        elif kind in ("duplicate_line", "delete_line"):
            lines = text.split("\n")
            i = draw(st.integers(0, max(0, len(lines) - 1)))
            if lines:
                lines[i:i + 1] = [lines[i]] * 2 if kind == "duplicate_line" else []
            text = "\n".join(lines)
        elif text:
            text = text[:pos] + draw(st.characters()) + text[pos + 1:]
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        pos = draw(st.integers(0, len(raw)))
        raw = raw[:pos] + draw(BAD_BYTES) + raw[pos:]
    return raw


def dump_yaml(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@st.composite
def damaged_file(draw: st.DrawFn, base: Any, render: Callable[[Any], str]) -> bytes:
    """A structurally mutated document, a textually damaged one, or both."""
    how = draw(st.sampled_from(["structure", "text", "both", "random"]))
    if how == "random":
        return draw(st.binary(max_size=300))
    data = draw(mutated_document(base)) if how != "text" else base
    try:
        text = render(data)
    except (ValueError, TypeError, OverflowError):
        text = render(base)
    return draw(mutated_text(text)) if how != "structure" else _encode(text)


class Workspace:
    """A fresh file per example (loaders cache by path, mtime and size)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.n = 0

    def write(self, name: str, data: bytes) -> Path:
        self.n += 1
        folder = self.root / str(self.n)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        return path


def names_file(path: Path) -> Callable[[str], bool]:
    return lambda message: str(path) in message or path.name in message


FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])

# ---------------------------------------------------------------------------------------------
# Rubrics

# A small but complete rubric (every field, nested lists and mappings): fast to parse.
_CODE = yaml.safe_load((builtin_rubric_dir() / "code.yaml").read_text(encoding="utf-8"))
RUBRIC_BASE = {**_CODE, "details": _CODE["details"][:1], "critical": _CODE["critical"][:1],
               "principle": "No code unless asked.", "scoring_guidelines": [
                   {**g, "description": g["description"][:60], "examples": g["examples"][:1]}
                   for g in _CODE["scoring_guidelines"][:1]]}


def fuzz_rubrics(root: Path, *, strict: bool, examples: int = EXAMPLES) -> None:
    ws = Workspace(root)

    @settings(FUZZ, max_examples=examples)
    @given(damaged_file(RUBRIC_BASE, dump_yaml), st.sampled_from(["code.yaml", "other.yml"]))
    def run(raw: bytes, name: str) -> None:
        path = ws.write(name, raw)
        attempt("rubric", lambda: load_rubric(path), names_file(path), raw.decode(
            "utf-8", "replace"), strict)

    run()


def test_fuzz_rubric_loader(tmp_path: Path) -> None:
    fuzz_rubrics(tmp_path, strict=True)


# ---------------------------------------------------------------------------------------------
# Attribute pools

POOL_BASE = {"version": 1, "name": "mine", "attributes": {
    "language": ["The query is written in Malay.", "The query is written in French."],
    "style": ["The query is very polite.", "The query uses LaTeX notation."]}}


def _txt(data: Any) -> str:
    """Text pools are one attribute per line: flatten every scalar of the document."""
    def leaves(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [x for v in node.values() for x in leaves(v)]
        if isinstance(node, list):
            return [x for v in node for x in leaves(v)]
        return [str(node)]

    body = data.get("attributes", data) if isinstance(data, dict) else data
    return "# a pool\n" + "\n".join(leaves(body)) + "\n"


POOL_RENDER: dict[str, Callable[[Any], str]] = {
    ".yaml": dump_yaml, ".yml": dump_yaml, ".txt": _txt,
    ".json": lambda d: json.dumps(d, indent=1, ensure_ascii=False, allow_nan=True),
}


@st.composite
def pool_file(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".yaml", ".yml", ".json", ".txt"]))
    base = POOL_BASE if draw(st.booleans()) else {**POOL_BASE, "attributes": [
        a for group in POOL_BASE["attributes"].values() for a in group]}  # type: ignore[attr-defined]
    return suffix, draw(damaged_file(base, POOL_RENDER[suffix]))


def fuzz_pools(root: Path, *, strict: bool, examples: int = EXAMPLES) -> None:
    ws = Workspace(root)

    @settings(FUZZ, max_examples=examples)
    @given(pool_file())
    def run(case: tuple[str, bytes]) -> None:
        suffix, raw = case
        path = ws.write(f"pool{suffix}", raw)
        attempt("attribute pool", lambda: load_pool(path), names_file(path),
                raw.decode("utf-8", "replace"), strict)

    run()


def test_fuzz_attribute_pool_loader(tmp_path: Path) -> None:
    fuzz_pools(tmp_path, strict=True)


# ---------------------------------------------------------------------------------------------
# SFT datasets

SFT_BASE = [json.loads(r.to_json()) for r in build_corpus(size=40, seed=0)[:3]]


def _jsonl(records: Any) -> str:
    if not isinstance(records, list):
        return json.dumps(records, allow_nan=True)
    return "\n".join(json.dumps(r, ensure_ascii=False, allow_nan=True) for r in records) + "\n"


def fuzz_datasets(root: Path, *, strict: bool, examples: int = EXAMPLES) -> None:
    ws = Workspace(root)

    @settings(FUZZ, max_examples=examples)
    @given(damaged_file(SFT_BASE, _jsonl))
    def run(raw: bytes) -> None:
        path = ws.write("data.jsonl", raw)
        attempt("dataset", lambda: load_sft_jsonl(path), names_file(path),
                raw.decode("utf-8", "replace"), strict)

    run()


def test_fuzz_dataset_loader(tmp_path: Path) -> None:
    fuzz_datasets(tmp_path, strict=True)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.tuples(st.text(min_size=1).filter(str.strip),
                          st.text(min_size=1).filter(str.strip), st.text(max_size=10)),
                min_size=1, max_size=4))
def test_dataset_round_trip(tmp_path_factory: pytest.TempPathFactory,
                            rows: list[tuple[str, str, str]]) -> None:
    """Whatever `write_sft_jsonl` writes, `load_sft_jsonl` reads back (line separators such as
    U+2028 inside a text included)."""
    records = [SFTRecord(p, r, s or "unknown") for p, r, s in rows]
    path = write_sft_jsonl(records, tmp_path_factory.mktemp("rt") / "d.jsonl")
    assert load_sft_jsonl(path) == records


# ---------------------------------------------------------------------------------------------
# Marker arguments

SETTINGS = build_settings({})
VALID_MARKER: dict[str, Any] = {"rubric": "code", "threshold": 70, "iterations": 2,
                                "candidates": 4, "attributes": ["The query is polite."],
                                "budget": {"calls": 10}}
MARKER_VALUES = st.one_of(
    WEIRD_VALUES, st.tuples(WEIRD_SCALARS), st.binary(max_size=10),
    st.sampled_from([object(), Path("x.yaml"), math.nan, -1, 0, 10**400, 2**63, -(2**63),
                     {"calls": -5}, {"usd": "x"}, {"tokens": 1.5}, {"bogus": 1}, [1, 2],
                     "a" * 5000, "../" * 50 + "etc/passwd", "x" * 300 + ".yaml",
                     "rubric\x00.yaml", "nested/dir/", "code\n"]))


IDENTIFIERS = st.one_of(
    st.sampled_from(["treshold", "iteration", "rubrics", "Rubric", "seed_", "budgets", "n"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))


@st.composite
def marker_kwargs(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.sets(st.sampled_from(list(VALID_MARKER)), max_size=len(VALID_MARKER)))
    kwargs: dict[str, Any] = {k: VALID_MARKER[k] for k in sorted(chosen)}
    kwargs.setdefault("rubric", "code")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["retype", "retype", "unknown", "delete"]))
        if kind == "retype":
            kwargs[draw(st.sampled_from(MARKER_ARGS))] = draw(MARKER_VALUES)
        elif kind == "unknown":  # a misspelt keyword argument, as a decorator call allows
            kwargs[draw(IDENTIFIERS)] = draw(MARKER_VALUES)
        elif kwargs:
            kwargs.pop(draw(st.sampled_from(sorted(kwargs))))
    return kwargs


def names_argument(kwargs: dict[str, Any]) -> Callable[[str], bool]:
    """The message names an argument the user passed (a bad `budget` may be named by its
    setting, budget_calls/_tokens/_usd, like the flags)."""
    names = [re.escape(k) for k in kwargs]
    if "budget" in kwargs:
        names.append(r"budget_(?:calls|tokens|usd)")
    pattern = re.compile(rf"\b(?:{'|'.join(names) or 'rubric'}|rubric)\b")

    def check(message: str) -> bool:
        return bool(pattern.search(message))

    return check


def fuzz_markers(*, strict: bool, examples: int = EXAMPLES) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(marker_kwargs())
    def run(kwargs: dict[str, Any]) -> None:
        # No length cap here: see test_marker_error_clips_a_huge_value.
        attempt("marker", lambda: parse_marker(kwargs, SETTINGS), names_argument(kwargs),
                repr(kwargs), strict, max_length=None)

    run()


def test_fuzz_marker_arguments() -> None:
    fuzz_markers(strict=True)


def test_fuzzers_generated_enough_inputs() -> None:
    """Runs last in the file: each loader saw its examples, and most of them were errors."""
    if len(STATS) < 4:
        pytest.skip("run together with the fuzz tests above (e.g. -k fuzz)")
    for loader, tally in STATS.items():
        assert tally.inputs >= EXAMPLES, (loader, tally)
        assert tally.errors >= tally.inputs // 3, (loader, tally)
        assert tally.clear == tally.errors, (loader, tally.unclear)


def test_marker_error_clips_a_huge_value() -> None:
    for kwargs in ({"rubric": "code", "threshold": "a" * 5000},
                   {"rubric": "code", "budget": "a" * 5000}):
        with pytest.raises(ChunkyError) as info:
            parse_marker(kwargs, SETTINGS)
        assert len(str(info.value)) <= MAX_MESSAGE, len(str(info.value))


def test_marker_unknown_argument_name_stays_on_one_line() -> None:
    with pytest.raises(ChunkyError) as info:
        parse_marker({"rubric": "code", "thres\rhold": 70}, SETTINGS)
    assert "\r" not in str(info.value) and "\n" not in str(info.value)
