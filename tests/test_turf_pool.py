"""Attribute pool from a user's SFT data (the paper's Tülu 3 pool, built the same way)."""

from __future__ import annotations

from pathlib import Path

import yaml

from pytest_chunky.lab import build_corpus, write_sft_jsonl
from pytest_chunky.lab.attribute_table import canonical
from pytest_chunky.lab.chunks import TRIGGER_FORMAL, TRIGGER_LATEX
from pytest_chunky.pool.build import attributes_main, build_pool


def test_pool_has_one_attribute_per_cluster(tmp_path: Path) -> None:
    pool = build_pool(build_corpus(1500, seed=1), size=40, show_progress=False,
                      cache_dir=tmp_path / "cache")
    assert 30 <= len(pool) <= 40 and len(set(pool)) == len(pool)
    concepts = {canonical(a) or a for a in pool}
    assert TRIGGER_FORMAL in concepts and TRIGGER_LATEX in concepts
    assert all(a.startswith("The query") for a in pool)


def test_attributes_cli_writes_yaml_and_reuses_cache(tmp_path: Path,
                                                     capsys: object) -> None:
    data = write_sft_jsonl(build_corpus(600, seed=2), tmp_path / "sft.jsonl")
    out = tmp_path / "pool.yaml"
    assert attributes_main(["build", str(data), "--out", str(out), "--size", "12",
                            "--quiet"]) == 0
    loaded = yaml.safe_load(out.read_text())
    assert list(loaded) == ["attributes"] and len(loaded["attributes"]) >= 8
    assert (tmp_path / "pool.cache" / "attributes.sqlite").exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "x", "response": "y"}\nnot json\n')
    assert attributes_main(["build", str(bad), "--out", str(out), "--quiet"]) == 2
