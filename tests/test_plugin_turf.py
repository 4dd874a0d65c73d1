"""TURF through the plugin: attributions attach to failing gates and never change a verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_chunky.lab import build_corpus
from pytest_chunky.turf.build import build_index

GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="identity", iterations=4, candidates=16)
def test_identity(chunky_result):
    pass
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("turf")
    data = base / "sft.jsonl"
    with data.open("w", encoding="utf-8") as out:
        for r in build_corpus(size=1500, seed=0):
            out.write(json.dumps({"prompt": r.prompt, "response": r.response,
                                  "source": r.source}) + "\n")
    build_index(data, base / "index", show_progress=False)
    return base / "index"


def _run(pytester: pytest.Pytester, index: Path, *extra: str) -> dict[str, Any]:
    pytester.makepyfile(test_gate=GATE)
    report = pytester.path / "report.json"
    result = pytester.runpytest("--chunky-model=lab", f"--chunky-turf-index={index}",
                                f"--chunky-json-report={report}", "-p", "no:cacheprovider",
                                *extra)
    result.assert_outcomes(failed=1)  # the planted identity chunk: the verdict stands
    return json.loads(report.read_text(encoding="utf-8"))["tests"][0]


def test_failing_gate_carries_its_attribution(pytester: pytest.Pytester, index_dir: Path) -> None:
    test = _run(pytester, index_dir)
    attributions = test["attributions"]
    assert attributions and all("sentence" in a for a in attributions), attributions


def test_an_extractor_that_cannot_start_is_an_attribution_error(
        pytester: pytest.Pytester, index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    test = _run(pytester, index_dir, "--chunky-extractor=openai:gpt-5.1-mini")
    errors = [a.get("error") for a in test["attributions"]]
    assert errors and "OPENAI_API_KEY" in str(errors[0])
    assert test["verdict"] == "fail"
