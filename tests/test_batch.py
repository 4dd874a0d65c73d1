"""`chunky index build --batch`: the official SDKs' batch paths against the loopback lab server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_chunky.fakeapi.server import FaultConfig, RunningServer, serve
from pytest_chunky.infra.errors import ProviderError
from pytest_chunky.lab import build_corpus
from pytest_chunky.lab.role_model import LabRoleModel
from pytest_chunky.models.embed import BuiltinEmbedder
from pytest_chunky.turf.build import build_index

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    return [json.loads(r.to_json()) for r in build_corpus(120, seed=3)]


@pytest.fixture(scope="module")
def embedder() -> BuiltinEmbedder:
    return BuiltinEmbedder(dim=32).fit(["The query is formal", "The response has code",
                                        "The query mentions a product", "plain text"])


def _specs(srv: RunningServer, provider: str) -> dict[str, str]:
    url = srv.openai_base_url if provider == "openai" else srv.anthropic_base_url
    return {"extractor": f"{provider}:lab@{url}", "embedder": f"openai:emb@{srv.openai_base_url}"}


@pytest.fixture(scope="module")
def direct_digest(records: list[dict[str, str]], embedder: BuiltinEmbedder,
                  tmp_path_factory: pytest.TempPathFactory) -> str:
    with serve(LabRoleModel("lab"), embedder=embedder) as srv:
        index = build_index(records, tmp_path_factory.mktemp("direct"), show_progress=False,
                            **_specs(srv, "openai"))
        assert srv.stats["requests"] > 0
        return index.content_digest()


@pytest.fixture
def server(embedder: BuiltinEmbedder, request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    faults = getattr(request, "param", None) or FaultConfig()
    with serve(LabRoleModel("lab"), embedder=embedder, faults=faults) as srv:
        yield srv


def _paths(srv: RunningServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for event in srv.events:
        counts[event.path] = counts.get(event.path, 0) + 1
    return counts


def _batch_build(records: Any, srv: RunningServer, out: Path, provider: str = "openai") -> Any:
    return build_index(records, out, show_progress=False, batch=True, batch_poll_seconds=0.02,
                       **_specs(srv, provider))


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_batch_build_equals_direct_build_and_makes_no_direct_call(
        provider: str, records: Any, server: RunningServer, tmp_path: Path,
        direct_digest: str) -> None:
    index = _batch_build(records, server, tmp_path / "idx", provider)
    paths = _paths(server)
    assert "/v1/chat/completions" not in paths and "/v1/messages" not in paths, paths
    item_path = "/v1/chat/completions#batch" if provider == "openai" else "/v1/messages#batch"
    assert paths[item_path] >= 2 * 100  # prompts and responses (dedupe may remove a few)
    assert paths["/v1/embeddings#batch"] >= 1
    state = json.loads((tmp_path / "idx" / "batches.json").read_text())
    assert state["failed"] == {}
    assert {b["endpoint"] for b in state["batches"]} == {
        item_path.split("#")[0], "/v1/embeddings"}
    assert all(b["collected"] for b in state["batches"])
    # Anthropic extraction yields the same attributes as OpenAI's: the lab answers both alike.
    assert index.content_digest() == direct_digest


@pytest.mark.parametrize("server", [FaultConfig(rate_500=0.1, rate_429=0.05, seed=5)],
                         indirect=True)
def test_failed_items_are_retried_in_a_later_round(records: Any, server: RunningServer,
                                                   tmp_path: Path, direct_digest: str) -> None:
    index = _batch_build(records, server, tmp_path / "idx")
    state = json.loads((tmp_path / "idx" / "batches.json").read_text())
    rounds = {b["round"] for b in state["batches"] if b["endpoint"] == "/v1/chat/completions"}
    assert rounds == set(range(len(rounds))) and len(rounds) >= 2
    assert server.stats["500"] + server.stats["429"] > 0
    assert index.content_digest() == direct_digest


@pytest.mark.parametrize("server", [FaultConfig(rate_500=1.0)], indirect=True)
def test_items_that_fail_every_round_are_reported_one_by_one(
        records: Any, server: RunningServer, tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match=r"still failed after 5 batch round.*batches\.json"):
        _batch_build(records, server, tmp_path / "idx")
    state = json.loads((tmp_path / "idx" / "batches.json").read_text())
    assert len(state["failed"]) >= 200
    assert all("HTTP 500" in error for error in state["failed"].values())
    assert not (tmp_path / "idx" / "meta.json").exists()


def test_interrupted_build_collects_its_submitted_batch_instead_of_resubmitting(
        records: Any, server: RunningServer, tmp_path: Path, direct_digest: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_chunky.calls import batch_rounds as run
    real_wait = run._wait

    async def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "_wait", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _batch_build(records, server, tmp_path / "idx")
    state = json.loads((tmp_path / "idx" / "batches.json").read_text())
    assert [b["collected"] for b in state["batches"]] == [False]
    monkeypatch.setattr(run, "_wait", real_wait)
    index = _batch_build(records, server, tmp_path / "idx")
    state = json.loads((tmp_path / "idx" / "batches.json").read_text())
    chat = [b for b in state["batches"] if b["endpoint"] == "/v1/chat/completions"]
    assert len(chat) == 1 and chat[0]["collected"]  # collected on resume, never resubmitted
    assert _paths(server)["/v1/chat/completions#batch"] == chat[0]["items"]
    assert index.content_digest() == direct_digest


def test_batch_flag_with_an_offline_extractor_needs_no_server(records: Any,
                                                              tmp_path: Path) -> None:
    index = build_index(records, tmp_path / "idx", show_progress=False, batch=True)
    assert index.n_examples == len(records)
    assert not (tmp_path / "idx" / "batches.json").exists()


def test_cli_batch_flag(records: Any, server: RunningServer, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_chunky.turf.cli import index_main

    data = tmp_path / "sft.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records[:40]))
    specs = _specs(server, "anthropic")
    assert index_main(["build", str(data), "--out", str(tmp_path / "idx"), "--batch",
                       "--batch-poll", "0.02", "--extractor", specs["extractor"],
                       "--embedder", specs["embedder"], "--quiet"]) == 0
    assert "built <TurfIndex" in capsys.readouterr().out
    assert "/v1/messages" not in _paths(server)
