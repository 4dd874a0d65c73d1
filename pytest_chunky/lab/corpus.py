"""Build the lab's SFT corpus and read/write SFT data as JSONL.

Every chunk draws its examples from its own RNG, seeded by (seed, chunk name), and the number
of examples per chunk is fixed by `size` over the full mix. Excluding a chunk therefore removes
exactly its examples and leaves every other example unchanged: a clean data ablation (§4.4).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_chunky.errors import ConfigError, InputError
from pytest_chunky.lab.chunks import CHUNKS
from pytest_chunky.userfiles import read_text, stat_file

DEFAULT_SIZE = 4000


@dataclass(frozen=True, slots=True)
class SFTRecord:
    prompt: str
    response: str
    source: str = "unknown"

    def to_json(self) -> str:
        return json.dumps({"prompt": self.prompt, "response": self.response,
                           "source": self.source}, ensure_ascii=False)


def chunk_counts(size: int) -> dict[str, int]:
    """Examples per chunk for a full mix of `size` (largest-remainder rounding)."""
    total = sum(c.share for c in CHUNKS.values())
    exact = {name: size * c.share / total for name, c in CHUNKS.items()}
    counts = {name: int(x) for name, x in exact.items()}
    left = size - sum(counts.values())
    for name in sorted(exact, key=lambda n: counts[n] - exact[n])[:left]:
        counts[name] += 1
    return counts


def _check_names(names: Sequence[str], what: str) -> None:
    bad = [n for n in names if n not in CHUNKS]
    if bad:
        raise ConfigError(f"{what}: unknown chunk(s) {', '.join(map(repr, bad))}; valid "
                          f"chunks: {', '.join(CHUNKS)}")


def build_corpus(size: int = DEFAULT_SIZE, seed: int = 0, exclude: Sequence[str] = (),
                 only: Sequence[str] = ()) -> list[SFTRecord]:
    """The seeded lab SFT mix; `exclude`/`only` select chunks without changing the others."""
    if size < 1:
        raise ConfigError(f"size: must be a positive number of examples, got {size}")
    if isinstance(exclude, str) or isinstance(only, str):
        raise ConfigError("exclude/only: pass a sequence of chunk names, not a single string")
    _check_names(exclude, "exclude")
    _check_names(only, "only")
    records: list[SFTRecord] = []
    for name, count in chunk_counts(size).items():
        if name in exclude or (only and name not in only):
            continue
        rng = random.Random(f"lab-corpus:{seed}:{name}")
        make = CHUNKS[name].maker
        for _ in range(count):
            prompt, response = make(rng)
            records.append(SFTRecord(prompt, response, name))
    random.Random(f"lab-order:{seed}").shuffle(records)
    return records


def write_sft_jsonl(records: Iterable[SFTRecord], path: str | Path) -> Path:
    """Write one JSON object per line (UTF-8); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(record.to_json() + "\n")
    return out


def parse_sft_line(line: str, *, path: str, lineno: int) -> SFTRecord:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno}); each line must "
                         'be an object like {"prompt": ..., "response": ...}',
                         path=path, line=lineno) from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, or nesting too deep
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"not valid JSON ({' '.join(problem.split())[:120]})",
                         path=path, line=lineno) from None
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object, got {type(obj).__name__}",
                         path=path, line=lineno)
    for key in ("prompt", "response"):
        value = obj.get(key)
        if value is None:
            raise InputError("missing; every record needs a non-empty string",
                             path=path, line=lineno, field=key)
        if not isinstance(value, str):
            raise InputError(f"must be a string, got {type(value).__name__}",
                             path=path, line=lineno, field=key)
        if not value.strip():
            raise InputError("is empty; every record needs a non-empty string",
                             path=path, line=lineno, field=key)
    source = obj.get("source", "unknown")
    if source is None:
        source = "unknown"
    if not isinstance(source, str):
        raise InputError(f"must be a string, got {type(source).__name__}",
                         path=path, line=lineno, field="source")
    return SFTRecord(obj["prompt"], obj["response"], source or "unknown")


def load_sft_jsonl(path: str | Path) -> list[SFTRecord]:
    """Read SFT records; blank lines are skipped, anything malformed is an InputError.

    Records are split on "\n" only (with an optional "\r"): JSON text may hold U+2028 or
    other characters that `str.splitlines` would also break on.
    """
    p, shown, _ = stat_file(path, "file", missing_hint="; pass an existing JSONL file",
                            directory_hint="; pass a JSONL file")
    text = read_text(p, "the file", shown)
    records = [parse_sft_line(line.removesuffix("\r"), path=shown, lineno=i)
               for i, line in enumerate(text.split("\n"), 1) if line.strip()]
    if not records:
        raise InputError("no records; each line must be a JSON object with prompt and response",
                         path=shown)
    return records
