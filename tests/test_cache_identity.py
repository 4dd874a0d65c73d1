"""A model's cache identity includes what it answers from: the corpus, the rules file."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.cache import ResponseCache
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.lab import build_corpus
from pytest_chunky.lab.provider import LabModel
from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import create_model
from pytest_chunky.types import SamplingParams

MESSAGES = [{"role": "user", "content": "Could you elucidate how rainbows form?"}]


def _write(path: Path, exclude: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for r in build_corpus(size=600, seed=1, exclude=exclude):
            out.write(json.dumps({"prompt": r.prompt, "response": r.response,
                                  "source": r.source}) + "\n")
    return path


def _real_calls(model: Model, cache: ResponseCache) -> int:
    ledger = Ledger()
    client = RoleClient("target", model, cache=cache, ledger=ledger, budget=None)
    asyncio.run(client.complete(MESSAGES, SamplingParams()))  # type: ignore[arg-type]
    return ledger.get("target").calls  # real calls; cache hits are counted apart


def test_lab_models_on_different_corpora_never_share_an_entry(tmp_path: Path) -> None:
    chunky = _write(tmp_path / "chunky.jsonl")
    clean = _write(tmp_path / "clean.jsonl", exclude=("codealpaca",))
    same = shutil.copy(chunky, tmp_path / "same-content.jsonl")
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        assert _real_calls(LabModel(corpus_path=chunky), cache) == 1
        assert _real_calls(LabModel(corpus_path=clean), cache) == 1  # not the chunky answer
        assert _real_calls(LabModel(corpus_path=same), cache) == 0  # same corpus: reused
        assert _real_calls(LabModel(), cache) == 1  # the built-in world is another corpus
        assert len(cache) == 3


def test_scripted_rules_content_is_part_of_the_identity(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("- {match: '.', reply: 'one'}\n", encoding="utf-8")
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        assert _real_calls(create_model(f"scripted:{rules}"), cache) == 1
        assert _real_calls(create_model(f"scripted:{rules}"), cache) == 0
        rules.write_text("- {match: '.', reply: 'two'}\n", encoding="utf-8")
        assert _real_calls(create_model(f"scripted:{rules}"), cache) == 1
