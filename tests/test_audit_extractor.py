"""`chunky audit --extractor`: concepts from an extractor's words, paraphrases merged, cached."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from pytest_chunky.audit import audit
from pytest_chunky.audit.cli import audit_main
from pytest_chunky.audit.concepts import extracted_concepts
from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.lab.worlds.prefs import CONCEPTS, DETECT, PrefWorld, draw_pref_world
from pytest_chunky.lab.worlds.wordings import WORDINGS, Paraphraser


def pairs_of(world: PrefWorld) -> list[PreferencePair]:
    return [PreferencePair(p["prompt"], p["chosen"], p["rejected"], p["source"])
            for p in world.pairs]


def texts_of(pairs: Sequence[PreferencePair]) -> list[str]:
    return [p.chosen for p in pairs] + [p.rejected for p in pairs]


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_three_wordings_of_the_planted_property_are_one_concept_ranked_first(seed: int) -> None:
    world = draw_pref_world(seed, scope="global")
    pairs = pairs_of(world)
    top = audit(pairs, concepts=extracted_concepts(texts_of(pairs), Paraphraser(),
                                                    show=False)).global_[0]
    assert top.concept in WORDINGS[world.concept], (world.concept, top.concept)
    # Every planted pair counts for the one concept: no wording's share was lost to a split.
    planted = sum(p.source.endswith("-planted") for p in pairs)
    assert top.direction == "more" and top.chosen_only == planted and top.rejected_only == 0


def test_clean_preferences_yield_no_extracted_concept() -> None:
    for seed in (44, 45):
        pairs = pairs_of(draw_pref_world(seed, scope="none"))
        report = audit(pairs, concepts=extracted_concepts(texts_of(pairs), Paraphraser(),
                                                          show=False))
        assert report.significant() == [], [h.concept for h in report.significant()]


def test_descriptions_are_cached_and_an_interrupted_audit_resumes(tmp_path: Path) -> None:
    pairs = pairs_of(draw_pref_world(46, size=400, scope="global"))
    texts = texts_of(pairs)
    distinct = len(set(texts))
    assert distinct > 256  # more than one batch
    with pytest.raises(KeyboardInterrupt):
        extracted_concepts(texts, Paraphraser(fail_after=256), cache=tmp_path, show=False)
    resumed = Paraphraser()
    first = extracted_concepts(texts, resumed, cache=tmp_path, show=False)
    assert resumed.calls == distinct - 256  # the finished batch was kept
    again = Paraphraser()
    second = extracted_concepts(texts, again, cache=tmp_path, show=False)
    assert again.calls == 0
    assert first.attributes == second.attributes
    assert (first.matrix != second.matrix).nnz == 0


def test_audit_cli_with_a_model_extractor_over_http(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The LLM path: the lab's extractor role served over the OpenAI API; a rerun with the
    server gone is answered from the cache."""
    from pytest_chunky.fakeapi.server import serve
    from pytest_chunky.lab.role_model import LabRoleModel

    world = draw_pref_world(47, size=300, scope="global")
    data = tmp_path / "prefs.jsonl"
    data.write_text("".join(json.dumps(p) + "\n" for p in world.pairs), encoding="utf-8")
    cache = tmp_path / "cache"
    with serve(LabRoleModel("lab")) as srv:
        spec = f"openai:lab@{srv.openai_base_url}"
        assert audit_main([str(data), "--extractor", spec, "--cache", str(cache),
                           "--json"]) == 0
    online = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert online["concept_source"].startswith("model:openai:lab@http://127.0.0.1")
    assert online["global"], "the plant changes what the extractor says about chosen responses"
    assert audit_main([str(data), "--extractor", spec, "--cache", str(cache), "--json"]) == 0
    offline = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert offline == online


def test_audit_cli_names_a_bad_extractor_or_cache(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "prefs.jsonl"
    data.write_text(json.dumps({"prompt": "p", "chosen": "a", "rejected": "b"}) + "\n",
                    encoding="utf-8")
    assert audit_main([str(data), "--extractor", "nosuchprovider:x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chunky audit: error:") and "--extractor" in err
    assert len(err.splitlines()) == 1
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert audit_main([str(data), "--extractor", "lab", "--cache", str(blocked / "c")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chunky audit: error: --cache") and len(err.splitlines()) == 1


def test_every_planted_property_has_wordings() -> None:
    assert set(WORDINGS) == set(CONCEPTS) == set(DETECT)
