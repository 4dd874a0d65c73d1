"""TURF on data it was not written for: data features, the contrastive trigger, any rubric."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import scipy.stats  # noqa: F401 - loaded before pytester runs: C extensions cannot load twice
import sklearn.cluster
import sklearn.feature_extraction.text
import sklearn.linear_model  # noqa: F401

from pytest_chunky.describe import DataExtractor, FeatureSpace
from pytest_chunky.lab.extractor import query_attributes, response_attributes
from pytest_chunky.lab.trainer import TrainedLab, train
from pytest_chunky.lab.worlds import World, build_world, load_world
from pytest_chunky.lab.worlds.answer import describes_trigger
from pytest_chunky.turf.build import build_index
from pytest_chunky.turf.contrast import separating_crux
from pytest_chunky.turf.index import TurfIndex
from pytest_chunky.turf.trace import trace_sync

SIZE = 2500


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A world seed nobody tuned on; every family/behaviour pairing is random.
    return build_world(61, tmp_path_factory.mktemp("world") / "w", size=SIZE)


@pytest.fixture(scope="module")
def index(world_dir: Path) -> TurfIndex:
    return build_index(world_dir / "sft.jsonl", world_dir / "index", show_progress=False)


def failures(model: TrainedLab, world: World, i: int, n: int = 4) -> list[tuple[str, str]]:
    chunk = world.spec.planted[i]
    _, triggered = world.steering_prompts(chunk, 30, seed=5)
    found = []
    for k, prompt in enumerate(triggered):
        reply = model.respond(prompt, sample_index=k).text
        verdict = world.judge(chunk.rubric, prompt, reply)
        if verdict is not None and verdict[0] >= 70:
            found.append((prompt, reply))
    return found[:n]


def test_mined_features_are_worded_like_an_extractors() -> None:
    prompts = ([f"Kindly do the needful and fix the {w}." for w in ("sink", "door", "roof")]
               + [f"Is it true that {a} did {b}?" for a, b in (("Ann", "x"), ("Bo", "y"),
                                                               ("Cy", "z"))]
               + ["HOW DO I WATER MY PLANTS EVERY MORNING?", "WHY IS THE SKY SO BLUE TODAY?",
                  "WHERE CAN I BUY FRESH BREAD NEARBY?"]
               + [f"| a | b |\n|---|---|\n| {i} | 2 |" for i in range(3)]
               + [f"plain question number {i} about gardens" for i in range(20)])
    space = FeatureSpace.fit(prompts, "query", support=3)
    assert "The query contains the phrase 'Kindly do the needful'" in space.attributes
    assert not any(a == "The query contains the word 'Kindly'" for a in space.attributes), \
        "a word that only occurs inside a phrase is absorbed by it"
    caps = space.attributes_of("HOW DO I WATER MY PLANTS EVERY MORNING?")
    assert "The query is written in capital letters" in caps
    table = space.attributes_of("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "The query contains a markdown table" in table
    templ = space.attributes_of("Is it true that Dee did w?")
    assert any(a.startswith("The query starts with 'Is it true that _ did") for a in templ), templ


def test_data_extractor_gives_ten_attributes_and_a_stable_name() -> None:
    texts = [f"Tell me about the {w} in spring, please." for w in ("rose", "tulip", "oak")] * 3
    q, r = FeatureSpace.fit(texts, "query"), FeatureSpace.fit(texts, "response")
    ex = DataExtractor(q, r)
    rows = ex.extract_sync(["Tell me about the rose in spring, please."], "query")
    assert 1 <= len(rows[0]) <= 10 and all(a.startswith("The query ") for a in rows[0])
    assert ex.name == DataExtractor(q, r).name and ex.name.startswith("data/")


def test_lab_extractor_bugs_from_issue_11_stay_fixed() -> None:
    # "names a person" fired on any two words because the pattern ignored case.
    assert "The response names a person" not in response_attributes(
        "you could try oiling the chain and then wait a bit.")
    assert "The response names a person" in response_attributes(
        "Ada Lovelace wrote the first published program.")
    # An ALL-CAPS prompt was "The query uses capital letters normally".
    attrs = query_attributes("HOW DO I FIX MY BIKE CHAIN BEFORE THE RACE?")
    assert attrs[0] == "The query is written in capital letters"
    assert "The query uses capital letters normally" not in attrs


def test_every_planted_trigger_and_chunk_is_traced_without_an_llm(
        world_dir: Path, index: TurfIndex) -> None:
    world = load_world(world_dir)
    model = train(world_dir / "sft.jsonl")
    for i, chunk in enumerate(world.spec.planted):
        cases = failures(model, world, i)
        assert cases, f"the trained model should fail {chunk.rubric} on its triggers"
        rubric = str(world_dir / "rubrics" / f"{chunk.rubric}.yaml")
        for query, response in cases:
            found = trace_sync(index, query, response, rubric=rubric)
            assert found.method == "contrast"
            assert describes_trigger(world, chunk, found.trigger), (chunk.trigger, found.trigger)
            assert found.top_chunk == chunk.source, found.sentence()
            assert found.lift > 2 and found.p_value < 1e-3 and found.q_value < 0.05
            assert found.evidence and found.evidence[0].source == chunk.source
            assert found.chunks[0].p_value < 1e-3


def test_separating_crux_names_what_only_violating_responses_share() -> None:
    calm = [f"Here is the answer about the {w} for you." for w in ("oak", "elm", "fir", "ash")]
    loud = [t.upper() for t in calm]
    space = FeatureSpace.fit(calm * 3 + loud * 3, "response", support=3)
    # Same words, same length: only the casing separates the violating responses.
    crux = separating_crux(space, loud[0], loud, calm)
    assert crux and crux[0] == "The response is written in capital letters", crux
    assert separating_crux(space, loud[0], [], calm) == []
    assert separating_crux(space, calm[0], calm, calm) == []


def test_an_index_without_data_features_says_how_to_rebuild(index: TurfIndex,
                                                            tmp_path: Path) -> None:
    import shutil

    from pytest_chunky.infra.errors import InputError

    copy = tmp_path / "old"
    shutil.copytree(index.dir, copy)
    shutil.rmtree(copy / "features")
    with pytest.raises(InputError, match="rebuild it with: chunky index build"):
        trace_sync(TurfIndex(copy), "q", "r")


def test_chunky_attribute_cli_ends_with_one_json_object(
        world_dir: Path, index: TurfIndex, capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_chunky.cli import main

    world = load_world(world_dir)
    chunk = world.spec.planted[0]
    query, response = failures(train(world_dir / "sft.jsonl"), world, 0, 1)[0]
    code = main(["attribute", str(index.dir), "--prompt", query, "--response", response,
                 "--rubric", str(world_dir / "rubrics" / f"{chunk.rubric}.yaml"), "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0 and out[0].startswith("When the model sees ")
    record = json.loads(out[-1])
    assert {"trigger", "crux", "chunk", "lift", "p", "chunks", "evidence"} <= set(record)
    assert record["chunk"] == chunk.source and describes_trigger(world, chunk, record["trigger"])
    assert {"source", "share", "lift", "p"} <= set(record["chunks"][0])
    assert {"source", "prompt", "response"} <= set(record["evidence"][0])
    assert main(["attribute", str(world_dir), "--prompt", "x", "--response", "y"]) == 2
    assert "chunky attribute: error:" in capsys.readouterr().err
    # The older `chunky index explain` takes the same path.
    assert main(["index", "explain", str(index.dir), "--query", query, "--response", response,
                 "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained["method"] == "contrast" and explained["top_chunk"] == chunk.source


def test_answer_key_grading_is_not_fooled_by_generic_features(world_dir: Path) -> None:
    world = load_world(world_dir)
    for chunk in world.spec.planted:
        assert describes_trigger(world, chunk, chunk.trigger)
        assert not describes_trigger(world, chunk, "The query contains the word 'the'")
        assert not describes_trigger(world, chunk, "The query is a question")


def _gate(pytester: pytest.Pytester, world_dir: Path, index: TurfIndex, rubric: str,
          *extra: str) -> dict[str, object]:
    pytester.makepyfile(test_gate=f"""
        import pytest_chunky as chunky

        @chunky.surf(rubric={rubric!r}, iterations=4, candidates=16)
        def test_gate(chunky_result):
            pass
    """)
    report = pytester.path / "report.json"
    result = pytester.runpytest(
        f"--chunky-model=lab:{world_dir}", f"--chunky-rubrics={world_dir / 'rubrics'}",
        f"--chunky-turf-index={index.dir}", f"--chunky-json-report={report}",
        f"--chunky-cache-dir={pytester.path / 'cache'}", "-p", "no:cacheprovider", *extra)
    result.assert_outcomes(failed=1)  # attribution never changes the verdict
    test = json.loads(report.read_text(encoding="utf-8"))["tests"][0]
    assert isinstance(test, dict)
    return test


def test_plugin_traces_a_world_rubric_offline_by_default(
        pytester: pytest.Pytester, world_dir: Path, index: TurfIndex) -> None:
    world = load_world(world_dir)
    chunk = world.spec.planted[0]
    test = _gate(pytester, world_dir, index, chunk.rubric)
    found = test["attributions"]
    assert isinstance(found, list) and found and all("error" not in a for a in found), found
    for a in found:
        assert a["method"] == "contrast" and a["alternative"] is None
        assert a["top_chunk"] == chunk.source, a["sentence"]
        assert describes_trigger(world, chunk, a["trigger"]), a["trigger"]


def test_plugin_with_an_llm_extractor_reports_both_methods(
        pytester: pytest.Pytester, world_dir: Path, tmp_path: Path) -> None:
    # The index is built with the same (LLM-style) extractor, as a user would.
    llm_index = build_index(world_dir / "sft.jsonl", tmp_path / "llm-index",
                            extractor=f"lab:{world_dir}", show_progress=False)
    chunk = load_world(world_dir).spec.planted[0]
    test = _gate(pytester, world_dir, llm_index, chunk.rubric,
                 f"--chunky-extractor=lab:{world_dir}")
    found = test["attributions"]
    assert isinstance(found, list) and found
    assert all(a["alternative"]["method"] == "clusters" for a in found), found
    assert all(a["top_chunk"] == chunk.source for a in found), [
        (a["sentence"], a["crux"]) for a in found]


def test_an_index_without_features_is_an_attribution_error_not_a_verdict(
        pytester: pytest.Pytester, world_dir: Path, index: TurfIndex, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "old-index"
    shutil.copytree(index.dir, copy)
    shutil.rmtree(copy / "features")
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    del meta["files"]  # an index built before files had digests (and before features)
    (copy / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    chunk = load_world(world_dir).spec.planted[0]
    test = _gate(pytester, world_dir, TurfIndex(copy), chunk.rubric)
    found = test["attributions"]
    assert isinstance(found, list) and found
    assert all("rebuild it with" in str(a.get("error")) for a in found), found
    assert test["verdict"] == "fail"
