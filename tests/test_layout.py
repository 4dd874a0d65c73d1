"""The layering's promises and the three bugs that sat on its old boundaries."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

import pytest_chunky
from pytest_chunky.calls.accounting import Budget, Ledger
from pytest_chunky.calls.prompts import task_of
from pytest_chunky.lab import build_corpus
from pytest_chunky.lab.role_model import LabRoleModel, fingerprint_files, lab_fingerprint
from pytest_chunky.models.openai import OpenAIEmbedder
from pytest_chunky.runner import Session
from pytest_chunky.settings import build_settings
from pytest_chunky.turf.build import build_index
from pytest_chunky.turf.extract import ModelExtractor, safe_name
from pytest_chunky.turf.index import TurfIndex
from pytest_chunky.turf.trace import trace_failure
from pytest_chunky.types import Completion, Message, SamplingParams

PACKAGE = Path(pytest_chunky.__file__).resolve().parent


def test_plugin_import_loads_nothing_heavy() -> None:
    code = ("import sys, pytest_chunky.plugin; heavy = ('numpy', 'yaml', 'pydantic', 'scipy', "
            "'sklearn', 'hnswlib', 'openai', 'anthropic'); "
            "print(','.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lab_fingerprint_follows_the_code_the_lab_delegates_to(tmp_path: Path) -> None:
    # The lab judges with `judging/`, features with `describe/`, worlds in `lab/worlds/`:
    # editing any of them must invalidate the lab's cached answers.
    files = {p.relative_to(PACKAGE).as_posix() for p in fingerprint_files()}
    for needed in ("judging/refusal.py", "judging/claims.py", "describe/shapes.py",
                   "lab/worlds/world.py", "calls/prompts.py"):
        assert needed in files
    copy = tmp_path / "pytest_chunky"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = lab_fingerprint(copy)
    assert before == lab_fingerprint(PACKAGE)
    for edited in ("judging/refusal.py", "lab/worlds/world.py"):
        target = copy / edited
        target.write_text(target.read_text() + "\n# edited\n")
        after = lab_fingerprint(copy)
        assert after != before, edited
        before = after


class CountingLab(LabRoleModel):
    """The lab extractor and crux judge, counting the real (uncached) calls per task."""

    def __init__(self) -> None:
        super().__init__("lab")
        self.tasks: Counter[str] = Counter()

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        task = task_of(list(messages))
        self.tasks[task[0] if task else "chat"] += 1
        return await super().generate(messages, params)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("layout-index")
    data = base / "sft.jsonl"
    data.write_text("".join(r.to_json() + "\n" for r in build_corpus(size=1200, seed=0)),
                    encoding="utf-8")
    build_index(data, base / "index", show_progress=False)
    return base / "index"


def test_turf_crux_calls_use_the_gates_client_once(small_index: Path, tmp_path: Path) -> None:
    settings = build_settings({"cache_dir": str(tmp_path / "cache")})
    session = Session(settings)
    model = CountingLab()
    query = "Could you elucidate how a hash map handles collisions?"
    response = "Here is a program that does it:\n```python\nprint('hash')\n```"

    def run() -> Ledger:
        ledger = Ledger()
        client = session.client("extractor", model, ledger=ledger,
                                budget=Budget(max_calls=200, label="test"))
        llm = ModelExtractor.from_client(client)
        session.run(trace_failure(TurfIndex(small_index), query, response, rubric="code",
                                  extractor=llm, crux_model=llm))
        return ledger

    try:
        first = run()
        assert model.tasks["crux"] == 1  # asked once per failure, not again for the clusters
        calls = first.as_dict()["extractor"]["calls"]
        assert calls == sum(model.tasks.values())  # every call is on the gate's ledger
        seen = sum(model.tasks.values())
        second = run()
        assert sum(model.tasks.values()) == seen  # a rerun is answered by the cache
        assert second.as_dict()["extractor"]["cache_hits"] >= calls
    finally:
        session.close()


def test_embedder_url_credentials_never_reach_names_or_the_index(tmp_path: Path) -> None:
    url = "http://gwuser:GWSECRET@127.0.0.1:9/v1?api-key=QSECRET"
    embedder = OpenAIEmbedder("text-embedding-3-small", base_url=url)
    for shown in (embedder.name, safe_name(embedder.name)):
        assert "GWSECRET" not in shown and "QSECRET" not in shown
    # An index written with such an embedder keeps its spec masked; opening it asks for the
    # spec again instead of calling with a masked URL.
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    meta = {"embedder": {"spec": f"openai:m@{url}"}}
    from pytest_chunky.infra.credentials import redact

    meta["embedder"]["spec"] = redact(meta["embedder"]["spec"])
    assert "GWSECRET" not in json.dumps(meta)
    index = TurfIndex.__new__(TurfIndex)
    index.dir, index.meta, index.embedder_spec, index._embedder = index_dir, meta, None, None
    with pytest.raises(Exception, match="--chunky-embedder"):
        _ = index.embedder
    index.embedder_spec = f"openai:m@{url}"
    assert "GWSECRET" not in index.embedder.name


def test_the_lab_is_reached_only_through_entry_points() -> None:
    from pytest_chunky.models.registry import BUILTIN

    assert "lab" not in BUILTIN  # the package's own providers do not know the lab
    assert asyncio.run(_lab_answers()) != ""


async def _lab_answers() -> str:
    from pytest_chunky.models.registry import create_model

    model = create_model("lab")
    reply = await model.generate([{"role": "user", "content": "Hello"}],
                                 SamplingParams(temperature=0.0))
    return reply.text


def test_chat_format_records_are_read_from_a_file(tmp_path: Path) -> None:
    from pytest_chunky.infra.errors import InputError
    from pytest_chunky.turf.data import load_examples

    data = tmp_path / "chat.jsonl"
    data.write_text(json.dumps({"messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
        {"role": "assistant", "content": "6"}], "source": "maths"}) + "\n" + json.dumps(
        {"prompt": "Hi", "response": "Hello", "source": "chat"}) + "\n", encoding="utf-8")
    records = load_examples(data)
    assert [(r.prompt, r.response, r.source) for r in records] == [
        ("What is 2+2?", "4", "maths"), ("Hi", "Hello", "chat")]
    data.write_text(json.dumps({"messages": [{"role": "user", "content": "x"}]}) + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"chat\.jsonl:1.*messages.*no assistant turn"):
        load_examples(data)


def test_a_registered_detector_judges_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytest_chunky.judging.registry as registry
    from pytest_chunky.lab.judge import judge

    monkeypatch.setattr(registry, "_DETECTORS", dict(registry._DETECTORS))
    monkeypatch.setattr(registry, "_CRUX_WORDS", dict(registry._CRUX_WORDS))
    registry.register_detector(
        "sad", lambda q, r: (90, "sad") if "sad" in r.lower() else (5, "not sad"),
        crux_words=["sad"])
    assert judge("sad", "How are you?", "I feel so sad today.") == (90, "sad")
    assert judge("sad", "How are you?", "Great!")[0] == 5
    assert registry.crux_words("sad") == ("sad",)
