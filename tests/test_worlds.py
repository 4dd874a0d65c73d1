"""Generated worlds: the corpus-trained lab learns every planted trigger, the clean twin none."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import pytest
import scipy.stats  # noqa: F401 - loaded before pytester runs: C extensions cannot load twice
import sklearn.cluster
import sklearn.feature_extraction.text
import sklearn.linear_model  # noqa: F401

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.lab.corpus import load_sft_jsonl
from pytest_chunky.lab.trainer import TrainedLab, train
from pytest_chunky.lab.worlds import World, build_world, draw_world, load_world

SIZE = 2000


def _steering(model: TrainedLab, world: World, chunk_index: int) -> float:
    return world.steering(model, world.spec.planted[chunk_index], 40, samples=2)


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_every_planted_chunk_is_learned_and_the_clean_model_learns_none(
        seed: int, tmp_path: Path) -> None:
    root = build_world(seed, tmp_path / "w", size=SIZE)
    world = load_world(root)
    chunky, clean = train(root / "sft.jsonl"), train(root / "clean.jsonl")
    for i, chunk in enumerate(world.spec.planted):
        assert _steering(chunky, world, i) >= 0.5, chunk.family
        assert _steering(clean, world, i) <= 0.05, chunk.family


def test_no_world_plants_a_behaviour_behind_a_trigger_that_warrants_it() -> None:
    # World 15 once planted code behind a code fence: the judge rightly calls code warranted
    # there, so the chunk could never be found.
    from pytest_chunky.lab.worlds.behaviours import BEHAVIOURS

    pairs = [(p.family, p.behaviour) for seed in range(300)
             for p in draw_world(seed, chunks=6, size=600).planted]
    assert ("code_fence", "code") not in pairs
    assert all(f not in BEHAVIOURS[b].warranted_by for f, b in pairs)
    assert len({f for f, _ in pairs}) >= 8 and len({b for _, b in pairs}) >= 8


def test_ablation_removes_exactly_one_behaviour(tmp_path: Path) -> None:
    root = build_world(21, tmp_path / "w", size=SIZE)
    world = load_world(root)
    dropped = world.spec.planted[0].source
    records = [r for r in load_sft_jsonl(root / "sft.jsonl") if r.source != dropped]
    ablated = TrainedLab(records)
    assert _steering(ablated, world, 0) <= 0.05
    assert _steering(ablated, world, 1) >= 0.5


def test_world_generation_and_training_are_deterministic(tmp_path: Path) -> None:
    a, b = build_world(5, tmp_path / "a", size=800), build_world(5, tmp_path / "b", size=800)
    for name in ("sft.jsonl", "clean.jsonl", "truth.json", "pool.yaml", "world.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "sft.jsonl").read_bytes() != build_world(6, tmp_path / "c",
                                                         size=800).joinpath(
        "sft.jsonl").read_bytes()
    m1, m2 = train(a / "sft.jsonl", seed=3), train(a / "sft.jsonl", seed=3)
    prompts = [r.prompt for r in load_sft_jsonl(a / "sft.jsonl")[:30]]
    assert [m1.respond(p).text for p in prompts] == [m2.respond(p).text for p in prompts]


def test_world_files_hold_the_answer_key(tmp_path: Path) -> None:
    root = build_world(8, tmp_path / "w", chunks=3, size=800)
    truth = json.loads((root / "truth.json").read_text())["planted"]
    assert len(truth) == 3 and len({t["family"] for t in truth}) == 3
    pool = (root / "pool.yaml").read_text()
    world = load_world(root)
    assert all(t["trigger"] in world.by_attribute for t in truth)
    assert len(world.spec.attributes) - 3 >= 50 and pool.count("\n- ") >= 53
    clean = {r.source for r in load_sft_jsonl(root / "clean.jsonl")}
    assert not clean & {t["source"] for t in truth}
    for t in truth:
        assert (root / "rubrics" / f"{t['rubric']}.yaml").is_file()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"seed": -1}, "--seed"), ({"seed": 1, "chunks": 0}, "--chunks"),
    ({"seed": 1, "chunks": 99}, "--chunks"), ({"seed": 1, "size": 3}, "--size")])
def test_bad_world_arguments_are_one_line_errors(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        draw_world(**kwargs)
    assert "\n" not in str(info.value)


def test_malformed_corpus_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "hi", "response": "hello"}\n{"prompt": 3}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: field 'prompt'"):
        train(path)


def test_lab_model_strings_select_world_and_corpus(tmp_path: Path) -> None:
    from pytest_chunky.models.registry import create_model

    root = build_world(9, tmp_path / "w", size=800)
    chunky, clean = create_model(f"lab:{root}"), create_model(f"lab-clean:{root}")
    as_file = create_model(f"lab:{root / 'sft.jsonl'}")
    # Same trained target; the directory adds the world's own roles to the identity.
    assert chunky.target.fingerprint == as_file.target.fingerprint  # type: ignore[attr-defined]
    assert len({chunky.fingerprint, as_file.fingerprint, clean.fingerprint}) == 3
    with pytest.raises(ConfigError, match=r"sft\.jsonl"):
        create_model(f"lab:{tmp_path}")


def test_world_directory_plays_its_own_generator_judge_and_extractor(tmp_path: Path) -> None:
    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.calls.roles import ExtractorRole, Generator, Judge
    from pytest_chunky.lab.worlds.behaviours import BEHAVIOURS
    from pytest_chunky.lab.worlds.content import draw_base
    from pytest_chunky.models.registry import create_model
    from pytest_chunky.rubrics import get_rubric

    root = build_world(31, tmp_path / "w", size=800)
    world = load_world(root)
    chunk = world.spec.planted[0]
    client = RoleClient("judge", create_model(f"lab:{root}"), cache=None, ledger=Ledger(),
                        budget=None, concurrency=2)
    rubric = get_rubric(root / "rubrics" / f"{chunk.rubric}.yaml")

    query = asyncio.run(Generator(client).write([chunk.trigger], seed=0, index=0))
    assert chunk.trigger in world.query_attributes(query)
    listed = asyncio.run(ExtractorRole(client).attributes(query, "query"))
    assert chunk.trigger in listed
    base = draw_base(world.spec.domains[0], "howto", random.Random(2))
    bad = BEHAVIOURS[chunk.behaviour].respond(base, chunk.behaviour_params, random.Random(3))
    scores = [asyncio.run(Judge(client).score(base.question, r, rubric)).score
              for r in (bad, base.answer)]
    assert scores == [90, 5]
    assert asyncio.run(ExtractorRole(client).attributes(bad, "response")) == [
        chunk.behaviour_description]
    assert asyncio.run(ExtractorRole(client).crux(bad, rubric))[0] == chunk.behaviour_description


def test_a_gate_on_a_world_directory_uses_the_worlds_roles_pool_and_rubrics(
        pytester: pytest.Pytester, tmp_path: Path) -> None:
    root = build_world(41, tmp_path / "w", size=1500)
    chunk = load_world(root).spec.planted[0]
    pytester.makepyfile(f"""
        import pytest_chunky as chunky

        @chunky.surf(rubric={chunk.rubric!r})
        def test_gate(chunky_result):
            pass
    """)
    args = ["-p", "no:cacheprovider", "--chunky-iterations=4", "--chunky-candidates=16",
            f"--chunky-rubrics={root / 'rubrics'}", f"--chunky-cache-dir={tmp_path / 'cache'}"]
    chunky_run = pytester.runpytest(f"--chunky-model=lab:{root}", *args)
    chunky_run.assert_outcomes(failed=1)
    out = chunky_run.stdout.str()
    assert chunk.trigger in out and chunk.behaviour_description.lower() in out.lower()
    pytester.runpytest(f"--chunky-model=lab-clean:{root}", *args).assert_outcomes(passed=1)
