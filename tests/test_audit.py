"""`chunky audit`: planted concept preferences are found, clean data yields none."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pytest_chunky.audit import audit, load_prefs
from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.audit.outputs import driven
from pytest_chunky.lab.worlds.prefs import PrefWorld, draw_pref_world, names_concept


def pairs_of(world: PrefWorld) -> list[PreferencePair]:
    return [PreferencePair(p["prompt"], p["chosen"], p["rejected"], p["source"])
            for p in world.pairs]


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_global_preference_ranks_first(seed: int) -> None:
    world = draw_pref_world(seed, scope="global")
    top = audit(pairs_of(world)).global_[0]
    assert names_concept(world, top.concept), (world.concept, top.concept)
    assert top.direction == "more" and top.q_value < 1e-3


@pytest.mark.parametrize("seed", [21, 22])
def test_a_preference_in_one_kind_of_prompt_ranks_first_in_its_cluster(seed: int) -> None:
    world = draw_pref_world(seed, scope="cluster")
    pairs = pairs_of(world)
    report = audit(pairs)
    top = report.by_cluster[0]
    assert names_concept(world, top.concept), (world.concept, top.concept)
    rows = np.nonzero(np.asarray(report.assignments) == int(top.scope.split()[-1]))[0]
    # The cluster holds the planted kind of prompt at over twice its share of the data
    # (prompt clusters mix topic and phrasing; the planted domain is 1 of 6).
    share = np.mean([pairs[i].source.startswith(world.scope) for i in rows])
    assert share > 2 / 6, share


def test_clean_preferences_yield_no_significant_concept() -> None:
    for seed in (31, 32, 33):
        report = audit(pairs_of(draw_pref_world(seed, scope="none")))
        assert report.significant() == [], [h.concept for h in report.significant()]


def test_one_false_discovery_rate_covers_both_pipelines() -> None:
    from pytest_chunky.turf.attribute import benjamini_hochberg

    report = audit(pairs_of(draw_pref_world(34, scope="cluster")))
    tests = [*report.global_, *report.by_cluster]
    expected = dict(zip((id(h) for h in tests),
                        benjamini_hochberg([h.p_value for h in tests]), strict=True))
    assert len(report.global_) and len(report.by_cluster)
    assert all(h.q_value == expected[id(h)] for h in tests)


def test_filtering_the_driven_pairs_removes_the_preference() -> None:
    world = draw_pref_world(41, scope="global")
    pairs = pairs_of(world)
    report = audit(pairs)
    top = report.global_[0]
    hit = set(driven(report, top))
    assert len(hit) == top.chosen_only
    kept = [p for i, p in enumerate(pairs) if i not in hit]
    after = audit(kept)
    assert not any(names_concept(world, h.concept) and h.direction == "more"
                   for h in after.significant())


def test_audit_cli_outputs_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_chunky.cli import main

    world = draw_pref_world(51, scope="global")
    data = tmp_path / "prefs.jsonl"
    data.write_text("".join(json.dumps(p) + "\n" for p in world.pairs))
    out = tmp_path / "out"
    assert main(["audit", str(data), "--out", str(out), "--json"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(printed[-1])
    assert names_concept(world, summary["global"][0]["concept"])
    assert "the model will learn to produce more" in summary["global"][0]["hypothesis"]
    filtered = (out / "filtered.jsonl").read_text().splitlines()
    penalties = [json.loads(x) for x in (out / "penalties.jsonl").read_text().splitlines()]
    inoculated = [json.loads(x) for x in (out / "inoculated.jsonl").read_text().splitlines()]
    driven_pairs = summary["global"][0]["chosen_only"]
    assert len(filtered) == len(world.pairs) - driven_pairs
    assert penalties and all(p["penalty"] in (1.0, -1.0) for p in penalties)
    assert len(inoculated) == driven_pairs
    assert all(x["system"].startswith("Write a response ") for x in inoculated)
    assert len(load_prefs(data)) == len(world.pairs)

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "p", "chosen": "a", "rejected": "b"}\n'
                   '{"prompt": "p", "chosen": ""}\n')
    assert main(["audit", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2" in err and "'chosen'" in err


def test_lab_preference_update_learns_the_planted_preference_and_mitigations_undo_it() -> None:
    from pytest_chunky.lab.corpus import SFTRecord
    from pytest_chunky.lab.preference import fit_reward, prefer
    from pytest_chunky.lab.trainer import TrainedLab
    from pytest_chunky.lab.worlds.prefs import concept_rate

    world = draw_pref_world(61, scope="global", size=1000)
    pairs = pairs_of(world)
    model = TrainedLab([SFTRecord(p.prompt, r, "prefs") for p in pairs
                        for r in (p.chosen, p.rejected)])
    prompts = [p.prompt for p in pairs[:200]]

    def rate() -> float:
        return concept_rate(world, [model.respond(q, sample_index=i).text
                                    for i, q in enumerate(prompts)])

    base = rate()
    full = fit_reward([p.chosen for p in pairs], [p.rejected for p in pairs])
    prefer(model, full)
    rise = rate() - base
    assert rise >= 0.15, (base, rise)  # the update teaches the planted preference
    report = audit(pairs)
    top = report.global_[0]
    hit = set(driven(report, top))
    kept = [p for i, p in enumerate(pairs) if i not in hit]
    prefer(model, fit_reward([p.chosen for p in kept], [p.rejected for p in kept]))
    assert rate() - base <= 0.25 * rise  # filtering what the audit found undoes it
    prefer(model, full.shaped([top.concept], 4.0))
    assert rate() - base <= 0.5 * rise  # and so does shaping the reward against it
