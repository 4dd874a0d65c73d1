"""Build the lab's SFT corpus (records and their JSONL files: `infra.sft`).

Every chunk draws its examples from its own RNG, seeded by (seed, chunk name), and the number
of examples per chunk is fixed by `size` over the full mix. Excluding a chunk therefore removes
exactly its examples and leaves every other example unchanged: a clean data ablation (§4.4).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.infra.sft import SFTRecord, load_sft_jsonl, parse_sft_line, write_sft_jsonl
from pytest_chunky.lab.chunks import CHUNKS

DEFAULT_SIZE = 4000



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


__all__ = ["DEFAULT_SIZE", "SFTRecord", "build_corpus", "chunk_counts", "load_sft_jsonl",
           "parse_sft_line", "write_sft_jsonl"]
