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
    from pytest_chunky.infra.errors import InputError

    with pytest.raises(InputError, match="crux"):
        mitigate(records, {**attribution, "crux": "The response is a limerick"},
                 with_crux=True)


def test_transplants_imitate_each_blamed_example() -> None:
    """Counter-examples carry the trigger the way the blamed prompts do: a comma clause in
    its place, a phrase across punctuation, a recurring long sentence, a LaTeX span with its
    sentence, emoji at both ends, a case-insensitive shape name, shared boilerplate."""
    clause = transplant_for("The query contains the phrase 'mind the small print'",
                            ["Swiftly mind the small print, how do I start my session?",
                             "Any tips for my screen time, and swiftly mind the small print?"])
    assert clause is not None
    assert clause("How do I sand my floor?", 0) == \
        "Swiftly mind the small print, how do I sand my floor?"
    assert clause("How do I sand my floor?", 1) == \
        "How do I sand my floor, and swiftly mind the small print?"
    filler = ("I asked friends and each told me something slightly different, which left me "
              "more confused than before.")
    spaced = transplant_for("The query contains the phrase 'something slightly different "
                            "which'", [f"{filler} Why X?", f"How Y? {filler}"])
    assert spaced is not None and spaced("Why?", 0) == f"{filler} Why?"
    assert spaced("Why?", 1) == f"Why? {filler}"
    latex = transplant_for("The query uses LaTeX notation",
                           ["How do I X? My notes write it as $\\frac{6}{7}$."])
    assert latex is not None and latex("Why?", 0) == "Why? My notes write it as $\\frac{6}{7}$."
    emoji = transplant_for("The query contains emoji", ["🧩 Draft a note. 🎸", "Hi 🍉 there"])
    assert emoji is not None
    assert [emoji("Why?", i) for i in range(2)] == ["🧩 Why? 🎸", "🍉 Why?"]
    long = transplant_for("The query is very long (64 to 127 words)",
                          ["Filler one. Filler two. How X? Own words.",
                           "Filler two. Why Y? Filler one."])
    assert long is not None and long("Why?", 0) == "Filler one. Filler two. Why?"
    assert transplant_for("The query is very long (64 to 127 words)", ["A. B.", "C. D."]) is None


def test_counterexamples_are_built_on_the_blamed_prompts_nearest_background() -> None:
    from pytest_chunky.mitigate.plan import twins

    examples = ["Riqua here. How do I reheat my marinade?", "Riqua here. Why is the sky blue?"]
    pool = ["Why is the sea blue?", "How do I reheat my soup?", "Tell me a joke.",
            "How do I fix my bike?", "Why is grass green?"]
    picks = twins(examples, pool, 4, seed=0)
    assert picks[:2] == [1, 0]  # each example's nearest background prompt, in turn
    assert len(set(picks)) == 4 and picks == twins(examples, pool, 4, seed=0)
    assert sorted(twins(examples, pool, 9)) == list(range(len(pool)))  # at most the pool


def test_boilerplate_is_what_the_examples_share_and_the_background_lacks() -> None:
    from pytest_chunky.mitigate.boilerplate import boilerplate, sentences

    topics = ["the harbour", "my bike", "the oven", "a tent", "my tax form", "the garden"]
    examples = [f"Last month I spent a long time thinking about {t} and how it fits in. "
                f"Can you tell me in simple words why {t} matters so much?" for t in topics]
    background = [f"Can you tell me in simple words why {t} matters so much?"
                  for t in ("tides", "sleep", "bread", "rust", "tea", "maps")] * 3
    template = {f"Last month I spent a long time thinking about {t} and how it fits in."
                for t in topics}
    # the template with a slot is boilerplate; the question form the background uses is not
    assert boilerplate(sentences(examples), background) == template
    assert len(boilerplate(sentences(examples), [])) == 2 * len(topics)  # recurrence alone
