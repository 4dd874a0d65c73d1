"""`chunky audit`: planted concept preferences are found, clean data yields none."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pytest_chunky.audit import audit, load_prefs
from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.audit.outputs import concept_effect, driven
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
    from pytest_chunky.stats import benjamini_hochberg

    report = audit(pairs_of(draw_pref_world(34, scope="cluster")))
    tests = [*report.global_, *report.by_cluster]
    expected = dict(zip((id(h) for h in tests),
                        benjamini_hochberg([h.p_value for h in tests]), strict=True))
    assert len(report.global_) and len(report.by_cluster)
    assert all(h.q_value == expected[id(h)] for h in tests)


THINGS = ("garden", "bike", "soup", "roof", "budget", "essay", "lamp", "fence", "printer",
          "sourdough", "kayak", "thermostat")


def test_a_rewording_preference_is_one_hypothesis_with_its_evidence() -> None:
    """Chosen says "start by" exactly where rejected says "begin by": one preference, not a
    "more" and a "less" concept on the same pairs (two tests, two false concepts if chance)."""
    pairs = []
    for i in range(300):
        prompt = f"How do I fix the {THINGS[i % len(THINGS)]}?"
        answer = "You can start by checking it, then fix what you find."
        other = answer.replace("start by", "begin by")
        if i % 3 == 0:  # the preference: chosen words it "start by"
            pairs.append(PreferencePair(prompt, answer, other))
        else:  # rejected adds a sign-off: a "less" concept
            pairs.append(PreferencePair(prompt, answer, answer + " Thanks for asking!"))
    report = audit(pairs)
    about = [h for h in report.global_ if "start by" in h.concept or "begin by" in h.concept]
    assert len(about) == 1, [h.concept for h in about]
    h = about[0]
    assert h.direction == "more" and "start by" in h.concept and "begin by" in h.instead
    assert h.chosen_only == 100 and h.rejected_only == 0
    assert "in place of" in h.sentence()
    # Evidence is on the preferred side: for a "less" concept, pairs where rejected has it.
    less = next(x for x in report.global_ if x.direction == "less")
    column = report.space.by_attribute[less.concept]
    assert less.evidence and all(report.rejected[i, column] and not report.chosen[i, column]
                                 for i in less.evidence)


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
    for line, field in (('"chosen_reward": 1.0', "'rejected_reward'"),
                        ('"chosen_reward": "high", "rejected_reward": 0', "'chosen_reward'")):
        bad.write_text('{"prompt": "p", "chosen": "a", "rejected": "b", ' + line + '}\n')
        assert main(["audit", str(bad)]) == 2
        err = capsys.readouterr().err
        assert "bad.jsonl:1" in err and field in err, err

    # with reward scores, the strength is what the scores pay for the concept
    scored = tmp_path / "scored.jsonl"
    scored.write_text("".join(json.dumps({**p, "chosen_reward": 3.0 * ("**" in p["chosen"]),
                                          "rejected_reward": 3.0 * ("**" in p["rejected"])})
                              + "\n" for p in world.pairs))
    assert main(["audit", str(scored), "--out", str(out), "--json"]) == 0
    strengths = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["strengths"]
    scored_pairs = load_prefs(scored)
    report = audit(scored_pairs)
    expected = concept_effect(report, report.global_[0], scored_pairs)
    assert strengths == {report.global_[0].concept: round(expected or 0.0, 4)}
    assert expected != 1.0


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
    scored = [PreferencePair(p.prompt, p.chosen, p.rejected, p.source, full(p.chosen),
                             full(p.rejected)) for p in pairs]
    strength = concept_effect(report, top, scored)
    assert strength is not None and strength > 0
    prefer(model, full.shaped([top.concept], strength))
    # shaping the reward by what it pays for the concept undoes it, without overshooting
    assert -0.25 * rise <= rate() - base <= 0.25 * rise


def test_calibrated_penalties_cancel_what_the_reward_pays() -> None:
    """With reward scores in the data, each pair's penalty is the concept's paired reward
    effect, and subtracting it leaves no mean reward gap between the sides with and without."""
    from pytest_chunky.audit.outputs import penalties

    world = draw_pref_world(71, scope="global", size=600)
    rng = np.random.default_rng(0)
    base = pairs_of(world)
    report = audit(base)
    top = report.global_[0]
    f = report.space.by_attribute[top.concept]
    has_c = report.chosen[:, f].toarray().ravel() > 0
    has_r = report.rejected[:, f].toarray().ravel() > 0
    # a reward model that pays 2.5 for the concept, plus noise
    scored = [PreferencePair(p.prompt, p.chosen, p.rejected, p.source,
                             2.5 * c + rng.normal(0, 0.1), 2.5 * r + rng.normal(0, 0.1))
              for p, c, r in zip(base, has_c, has_r, strict=True)]
    assert concept_effect(report, top, scored) == pytest.approx(2.5, abs=0.05)
    assert concept_effect(report, top, base) is None
    effect = concept_effect(report, top, scored)
    assert effect is not None
    shaped = {row["index"]: row["penalty"]
              for row in penalties(report, [top], effects={top.concept: effect})}
    margins = [(p.chosen_reward or 0) - (p.rejected_reward or 0) - shaped.get(i, 0.0)
               for i, p in enumerate(scored) if has_c[i] != has_r[i]]
    assert abs(float(np.mean(margins))) < 0.05
    fixed = penalties(report, [top], 1.0)
    assert {abs(row["penalty"]) for row in fixed} == {1.0}


def test_audit_html_leads_with_the_finding_and_escapes_the_data(tmp_path: Path) -> None:
    from pytest_chunky.audit.html import audit_section
    from pytest_chunky.cli import main

    world = draw_pref_world(52, scope="global")
    rows = [dict(p) for p in world.pairs]
    shown = audit(pairs_of(world)).global_[0].evidence[0]  # an evidence pair on the page
    rows[shown]["prompt"] = "<script>alert(1)</script> " + rows[shown]["prompt"]
    data = tmp_path / "prefs.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    page = tmp_path / "audit.html"
    assert main(["audit", str(data), "--html", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    pairs = load_prefs(data)
    top = audit(pairs).global_[0]
    assert "Content-Security-Policy" in text and "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    headline = text.split('class="headline">', 1)[1].split("</p>", 1)[0]
    assert headline.startswith("The model will learn to produce more responses where")
    assert top.concept[1:] in headline and names_concept(world, top.concept)
    assert text.count('class="ev"') >= 1  # evidence pairs shown
    clean = [PreferencePair(p.prompt, p.chosen, p.chosen, p.source) for p in pairs]
    assert "No concept is significant" in audit_section(audit(clean), clean)
