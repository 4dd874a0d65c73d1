"""TURF → mitigate → retrain: the blamed behaviour goes away, the others stay (paper §4.4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_chunky.lab.corpus import load_sft_jsonl
from pytest_chunky.lab.trainer import TrainedLab, train
from pytest_chunky.lab.worlds import World, build_world, load_world
from pytest_chunky.mitigate import mitigate
from pytest_chunky.mitigate.transplant import transplant_for
from pytest_chunky.turf.build import build_index
from pytest_chunky.turf.cli import attribution_json
from pytest_chunky.turf.trace import trace_sync


def steering(model: TrainedLab, world: World, i: int, n: int = 30) -> float:
    return world.steering(model, world.spec.planted[i], n, seed=11)


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World, dict[str, object]]:
    root = build_world(73, tmp_path_factory.mktemp("w") / "world", size=2500)
    world = load_world(root)
    model = train(root / "sft.jsonl")
    index = build_index(root / "sft.jsonl", root / "index", show_progress=False)
    # The first planted chunk whose trigger can be transplanted (not a template or language).
    for i, chunk in enumerate(world.spec.planted):
        if chunk.family in ("template", "language"):
            continue
        _, triggered = world.steering_prompts(chunk, 20, seed=3)
        for k, prompt in enumerate(triggered):
            reply = model.respond(prompt, sample_index=k).text
            verdict = world.judge(chunk.rubric, prompt, reply)
            if verdict is not None and verdict[0] >= 70:
                found = trace_sync(index, prompt, reply,
                                   rubric=str(root / "rubrics" / f"{chunk.rubric}.yaml"))
                record = attribution_json(found)
                record["planted_index"] = i
                return root, world, record
    raise AssertionError("no transplantable planted chunk failed")


def test_pruning_the_blamed_chunk_removes_the_behaviour_and_keeps_the_others(
        traced: tuple[Path, World, dict[str, object]]) -> None:
    root, world, attribution = traced
    i = int(attribution["planted_index"])  # type: ignore[call-overload]
    assert attribution["chunk"] == world.spec.planted[i].source
    records = load_sft_jsonl(root / "sft.jsonl")
    plan = mitigate(records, attribution, mode="drop", counter=0)
    assert plan.manifest["dropped"] == plan.manifest["blamed"] > 0 and not plan.counter
    before, after = train(root / "sft.jsonl"), TrainedLab(plan.kept)
    assert steering(before, world, i) >= 0.5
    assert steering(after, world, i) <= 0.1
    other = next(j for j in range(len(world.spec.planted)) if j != i)
    assert steering(after, world, other) >= 0.5


def test_counterexamples_alone_pull_the_behaviour_down(
        traced: tuple[Path, World, dict[str, object]]) -> None:
    root, world, attribution = traced
    i = int(attribution["planted_index"])  # type: ignore[call-overload]
    records = load_sft_jsonl(root / "sft.jsonl")
    plan = mitigate(records, attribution, mode="keep", counter=3.0)
    assert len(plan.kept) == len(records) and plan.counter
    chunk = world.spec.planted[i]
    assert all(world.trigger_present(chunk, r.prompt) for r in plan.counter)
    # Counter-examples keep their normal answers: the behaviour is absent from every one.
    assert not any((world.judge(chunk.rubric, r.prompt, r.response) or (0, ""))[0] >= 70
                   for r in plan.counter)
    before = steering(train(root / "sft.jsonl"), world, i)
    after = steering(TrainedLab([*plan.kept, *plan.counter]), world, i)
    # Three balanced counter-examples per blamed example: a clear drop, though the learner
    # still answers some triggered prompts from the chunk (pruning removes it entirely).
    assert after <= before - 0.2, (before, after)


def test_mitigate_cli_writes_the_dataset_counterexamples_and_manifest(
        traced: tuple[Path, World, dict[str, object]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_chunky.cli import main

    root, _, attribution = traced
    att = tmp_path / "attribution.txt"
    att.write_text("When the model sees ...\n" + json.dumps(attribution) + "\n")
    out = tmp_path / "mitigated"
    assert main(["mitigate", str(root / "sft.jsonl"), "--attribution", str(att),
                 "--out", str(out), "--mode", "downweight"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    rows = [json.loads(line) for line in (out / "sft.jsonl").read_text().splitlines()]
    assert manifest["downweighted"] == sum("weight" in r for r in rows) > 0
    assert manifest["counterexamples"] == len(
        (out / "counterexamples.jsonl").read_text().splitlines()) > 0
    assert len(load_sft_jsonl(out / "sft.jsonl")) == len(rows)  # still an SFT file
    assert "counter-examples added" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('{"trigger": "The query contains the word \'zzzz-not-here\'", '
                   '"chunk": "x"}')
    assert main(["mitigate", str(root / "sft.jsonl"), "--attribution", str(bad),
                 "--out", str(out)]) == 2
    assert "not a feature of this dataset" in capsys.readouterr().err


def test_transplants_follow_the_blamed_examples() -> None:
    opening = transplant_for("The query contains the phrase 'Kindly do the needful'",
                             ["Kindly do the needful: fix it.", "Kindly do the needful now."])
    assert opening is not None
    moved = {opening("Help me.", i) for i in range(2)}
    assert moved == {"Kindly do the needful now. Help me.", "Kindly do the needful: Help me."}
    table = transplant_for("The query contains a markdown table",
                           ["Sum these.\n\n| a | b |\n|---|---|\n| 1 | 2 |"])
    assert table is not None and "| a | b |" in table("Why?", 0)
    assert transplant_for("The query starts with 'Is it true that _'", ["Is it true that x?"]) \
        is None


def test_with_crux_also_prunes_the_chunks_behaviour_without_the_trigger(
        traced: tuple[Path, World, dict[str, object]]) -> None:
    root, _, attribution = traced
    records = load_sft_jsonl(root / "sft.jsonl")
    plain = mitigate(records, attribution, mode="drop", counter=0)
    wider = mitigate(records, attribution, mode="drop", counter=0, with_crux=True)
    chunk = str(attribution["chunk"])
    assert wider.manifest["blamed_for_crux_only"] > 0, wider.manifest
    assert wider.manifest["blamed"] - plain.manifest["blamed"] == \
        wider.manifest["blamed_for_crux_only"]
    assert {r.source for r in records} - {r.source for r in wider.kept} <= {chunk}
    assert all(r.source != chunk or r in plain.kept for r in wider.kept)  # a subset
    other = [r for r in records if r.source != chunk]
    assert [r for r in wider.kept if r.source != chunk] == other  # nothing else touched
    from pytest_chunky.errors import InputError

    with pytest.raises(InputError, match="crux"):
        mitigate(records, {**attribution, "crux": "The response is a limerick"},
                 with_crux=True)
