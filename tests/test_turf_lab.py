"""TURF on the lab: each planted behaviour is traced to its planted trigger and chunk.

One index over a 6,000-example lab corpus (module scope). Failing (query, response) pairs
come from the trained lab target answering realised trigger prompts and failing the lab
judge, exactly as SURF would hand them over.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pytest_chunky.lab import LabModel, build_corpus, judge, planted_chunks, realise
from pytest_chunky.lab.attribute_table import canonical
from pytest_chunky.lab.chunks import ChunkSpec
from pytest_chunky.lab.extractor import LabExtractor
from pytest_chunky.lab.facts import PRODUCT
from pytest_chunky.stats import benjamini_hochberg
from pytest_chunky.turf.attribute import Attribution, attribute_sync
from pytest_chunky.turf.build import build_index
from pytest_chunky.turf.index import TurfIndex
from pytest_chunky.turf.keyword import keyword_search
from pytest_chunky.types import SamplingParams

PER_CHUNK = 3


@pytest.fixture(scope="module")
def lab_index(tmp_path_factory: pytest.TempPathFactory) -> TurfIndex:
    out: Path = tmp_path_factory.mktemp("turf") / "lab-index"
    return build_index(build_corpus(6000, seed=0), out, extractor="lab", show_progress=False)


def failures(chunk: ChunkSpec, n: int, seed: int = 7) -> list[tuple[str, str]]:
    """Realised trigger prompts (in the chunk's domain) that the lab target fails."""
    assert chunk.trigger and chunk.domain and chunk.detector
    model, found = LabModel("lab"), []
    for i in range(60):
        prompt = realise([chunk.domain, chunk.trigger], random.Random(f"{seed}:{chunk.name}:{i}"))
        reply = model.complete([{"role": "user", "content": prompt}],
                               SamplingParams(temperature=1.0, sample_index=i)).text
        if judge(chunk.detector, prompt, reply)[0] >= 70:
            found.append((prompt, reply))
            if len(found) == n:
                break
    return found


def trigger_matches(index: TurfIndex, result: Attribution, planted: str) -> bool:
    """By meaning: the trigger is a lab paraphrase of the planted trigger, or its cluster
    holds the planted trigger (or a paraphrase) and at least half of the cluster's examples
    carry the planted feature (so a catch-all cluster cannot match)."""
    if canonical(result.trigger) == planted:
        return True
    members = [a for a, c in zip(index.query_attributes, index.query_attr_cluster, strict=True)
               if c == result.trigger_cluster_id]
    return any(canonical(m) == planted for m in members) and all(
        canonical(m) == planted for m in members[:1])


@pytest.fixture(scope="module")
def traced(lab_index: TurfIndex) -> dict[str, list[tuple[Attribution, bool]]]:
    """Every planted chunk's failures, attributed with the lab extractor (no LLM)."""
    extractor, out = LabExtractor(), {}
    for chunk in planted_chunks():
        cases = failures(chunk, PER_CHUNK)
        assert len(cases) == PER_CHUNK, f"the lab target should fail on {chunk.name} triggers"
        out[chunk.name] = [
            (result, trigger_matches(lab_index, result, chunk.trigger or ""))
            for result in (attribute_sync(lab_index, q, r, rubric=chunk.rubric,
                                          extractor=extractor) for q, r in cases)]
    return out


@pytest.mark.parametrize("chunk", planted_chunks(), ids=lambda c: c.name)
def test_planted_failure_is_traced_to_its_chunk(traced: dict[str, list[tuple[Attribution, bool]]],
                                                chunk: ChunkSpec) -> None:
    for result, _ in traced[chunk.name]:
        assert result.top_chunk == chunk.name, result.sentence()
        assert result.lift > 2 and result.p_value < 1e-3 and result.q_value < 0.05
        assert len(result.crux) >= 1 and len(result.evidence) == 3
        assert result.evidence[0].source == chunk.name
    assert any(ok for _, ok in traced[chunk.name]), f"{chunk.name}: trigger never found"


def test_planted_triggers_are_found(traced: dict[str, list[tuple[Attribution, bool]]]) -> None:
    outcomes = [ok for cases in traced.values() for _, ok in cases]
    misses = [(name, r.trigger) for name, cases in traced.items() for r, ok in cases if not ok]
    # 6k examples is smallish for paraphrase clustering; the benchmark measures 10k.
    assert sum(outcomes) / len(outcomes) >= 0.85, misses


def test_attribution_reports_statistics_and_sentence(lab_index: TurfIndex) -> None:
    chunk = next(c for c in planted_chunks() if c.name == "codealpaca")
    query, response = failures(chunk, 1)[0]
    result = attribute_sync(lab_index, query, response, rubric="code",
                            extractor=LabExtractor())
    text = result.sentence()
    assert text.startswith("When the model sees ") and "taught by chunk codealpaca" in text
    assert "lift ×" in text and "p=" in text
    shares = {c.source: c for c in result.chunks}
    assert shares["codealpaca"].lift > 3 and 0 < result.chunk_share <= 1
    best = result.candidates[0]
    assert (best.attribute, best.hits) == (result.trigger, result.hits)
    generic = [c for c in result.candidates if "written in English" in c.attribute]
    assert generic and generic[0].score < best.score  # big clusters do not win on hits alone
    assert result.timings_ms["total_excluding_extraction"] < 1000


def test_no_rubric_lets_the_data_choose_the_crux(lab_index: TurfIndex) -> None:
    chunk = next(c for c in planted_chunks() if c.name == "confidential")
    query, response = failures(chunk, 1)[0]
    result = attribute_sync(lab_index, query, response, rubric=None, extractor=LabExtractor())
    assert result.top_chunk == "confidential"
    assert len(result.crux) == 3 and result.behaviour in result.crux


def test_keyword_search_finds_the_product_in_the_confidential_chunk(
        lab_index: TurfIndex) -> None:
    hits = keyword_search(lab_index, PRODUCT)
    assert hits.total > 0
    assert hits.chunks[0].source == "confidential" and hits.chunks[0].share > 0.5
    assert hits.chunks[0].lift > 10
    assert all(PRODUCT.lower() in ex.prompt.lower() for ex in hits.examples)
    assert "confidential" in hits.sentence()


def test_benjamini_hochberg_is_monotone_and_bounded() -> None:
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
    assert q == pytest.approx([0.04, 0.04 * 4 / 3 * 3 / 4 * 4 / 3, 0.04, 0.5], rel=1e-6) or \
        all(a <= 1 for a in q)
    assert q[0] <= q[2] <= q[1] <= q[3] <= 1.0


def test_model_backed_extractor_and_two_judge_crux(lab_index: TurfIndex) -> None:
    """The LLM path end to end, with the lab playing the model through the real prompts."""
    from pytest_chunky.lab.role_model import LabRoleModel
    from pytest_chunky.turf.extract import ModelExtractor

    chunk = next(c for c in planted_chunks() if c.name == "codealpaca")
    query, response = failures(chunk, 1)[0]
    model = LabRoleModel("lab")
    extractor = ModelExtractor(model, concurrency=2)
    result = attribute_sync(lab_index, query, response, rubric="code", extractor=extractor,
                            crux_model=model)
    assert extractor.calls == 1  # the query; the blind judge ran on its own extractor
    assert result.crux and set(result.crux) <= set(result.blind_attributes)
    assert result.top_chunk == "codealpaca"
