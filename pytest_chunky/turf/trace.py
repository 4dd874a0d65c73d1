"""`trace`: TURF for any rubric and any corpus — the code path of the plugin and the CLI.

The crux comes from the caller (a search's separating features), from an LLM's two judges, or
from the data (`offline_crux`); the training examples that share it are retrieved, and the
trigger is the failing query's most enriched feature among their queries (`contrast`). With an
LLM extractor the paper's cluster-hit method runs as well and is reported as the alternative.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from pytest_chunky.describe.space import min_support
from pytest_chunky.infra.errors import InputError
from pytest_chunky.models.base import Model
from pytest_chunky.rubrics import Rubric
from pytest_chunky.turf.attribute import (
    Attribution,
    EvidencePair,
    TraceCandidate,
    _chunks,
    attribute,
)
from pytest_chunky.turf.contrast import (
    FeatureHit,
    enrich,
    offline_crux,
    rows_with,
    separating_features,
)
from pytest_chunky.turf.crux import extract_crux, resolve_rubric
from pytest_chunky.turf.extract import Extractor, ModelExtractor
from pytest_chunky.turf.index import TurfIndex

__all__ = ["trace", "trace_failure", "trace_sync"]

SIGNIFICANT = 0.05  # BH q-value a crux's best trigger needs to be taken as its explanation


def _rows(index: TurfIndex, crux: str, k: int, min_similarity: float) -> np.ndarray:
    """Training examples whose responses share `crux`: exact feature, else neighbours."""
    assert index.features is not None
    space = index.features[1]
    found = space.by_attribute.get(crux)
    if found is not None:
        return rows_with(space, found)
    examples, _, _ = index.retrieve_text(crux, index.embed([crux])[0], k,
                                         min_similarity=min_similarity)
    return np.asarray(examples, dtype=np.int64)


def _evidence(index: TurfIndex, rows: np.ndarray, in_trigger: np.ndarray, top: str | None,
              crux: str, n: int = 3) -> list[EvidencePair]:
    src = index.source_ids[rows]
    wanted = index.sources.index(top) if top in index.sources else -1
    order = [*np.nonzero(in_trigger & (src == wanted))[0], *np.nonzero(in_trigger)[0],
             *range(len(rows))]
    out: list[EvidencePair] = []
    for pos in dict.fromkeys(int(p) for p in order):
        if len(out) >= n:
            break
        ex = index.example(int(rows[pos]))
        out.append(EvidencePair(index=int(rows[pos]), source=ex.source, prompt=ex.prompt,
                                response=ex.response, similarity=1.0,
                                response_attribute=crux))
    return out


def _candidate(hit: FeatureHit, crux: str) -> TraceCandidate:
    return TraceCandidate(attribute=hit.attribute, cluster=-1, cluster_summary=hit.attribute,
                     crux=crux, hits=hit.hits, retrieved=hit.retrieved,
                     cluster_size=hit.support, lift=hit.lift, score=hit.score,
                     p_value=hit.p_value, q_value=hit.q_value)


async def trace(index: TurfIndex, query: str, response: str, *,
                rubric: Rubric | str | None = None, crux: Sequence[str] | None = None,
                crux_model: Model | ModelExtractor | None = None,
                extractor: Extractor | None = None,
                k: int = 1000, min_similarity: float = 0.55) -> Attribution:
    """Trigger, crux, statistics, chunk and evidence for one failing (query, response)."""
    clock = time.perf_counter()
    if index.features is None:
        raise InputError("this index has no data features (built by an older version); "
                         f"rebuild it with: chunky index build DATA.jsonl --out {index.dir}",
                         path=str(index.dir))
    q_space, r_space = index.features
    info = resolve_rubric(rubric)
    rubric_text = info.text if info else None
    blind: list[str] = []
    found: tuple[list[str], list[str]] | None = None
    if crux:
        cruxes = list(crux)
    elif crux_model is not None and extractor is not None:
        found = await extract_crux(response, info, extractor=extractor, model=crux_model)
        blind, cruxes = found
        cruxes = cruxes or blind
    else:
        cruxes = [c for c, _ in offline_crux(q_space, r_space, query, response,
                                             rubric=rubric_text)]
    if not cruxes:
        raise ValueError("no feature of the failing response occurs in the training data, so "
                         "nothing can be traced")
    picked = time.perf_counter()
    q_ids = q_space.features(query)
    hits: list[FeatureHit] = []
    rows = np.zeros(0, dtype=np.int64)
    behaviour = cruxes[0]
    # The first crux with significant evidence in the data; an LLM's wording that the index
    # cannot retrieve well falls back to the data's own crux.
    fallback = [] if not blind else [c for c, _ in offline_crux(
        q_space, r_space, query, response, rubric=rubric_text)]
    for option in [*cruxes, *fallback]:
        rows = _rows(index, option, k, min_similarity)
        hits = enrich(q_space, q_ids, rows)
        if hits and hits[0].score > 0 and hits[0].q_value < SIGNIFICANT and (
                len(rows) >= min_support(index.n_examples)):
            behaviour = option
            break
    if not hits:
        raise ValueError("no feature of the failing query occurs in the training data")
    best = hits[0]
    assert q_space.matrix is not None
    in_trigger = np.asarray(q_space.matrix[rows][:, best.feature].toarray()).ravel() > 0
    chunks = _chunks(index, rows, in_trigger)
    top = chunks[0] if chunks and chunks[0].trigger_hits > 0 else None
    total = int(in_trigger.sum())
    searched = time.perf_counter()
    alternative = None
    if crux_model is not None and extractor is not None:
        paper = await attribute(index, query, response, rubric=rubric, extractor=extractor,
                                crux_model=crux_model, k=k, min_similarity=min_similarity,
                                crux_found=found)
        alternative = {"method": "clusters", "trigger": paper.trigger,
                       "chunk": paper.top_chunk, "lift": paper.lift,
                       "p": paper.p_value, "crux": paper.crux}
    done = time.perf_counter()
    return Attribution(
        trigger=best.attribute, trigger_cluster=best.attribute, trigger_cluster_id=-1,
        crux=cruxes[:3], behaviour=behaviour, hits=best.hits, retrieved=best.retrieved,
        lift=best.lift, score=best.score, p_value=best.p_value, q_value=best.q_value,
        trigger_by_hits=max(hits, key=lambda h: (h.hits, h.score)).attribute,
        top_chunk=top.source if top else None,
        chunk_share=round(top.trigger_hits / total, 4) if top and total else 0.0,
        chunk_lift=top.lift if top else 0.0, chunks=chunks,
        evidence=_evidence(index, rows, in_trigger, top.source if top else None, behaviour),
        candidates=[_candidate(h, behaviour) for h in hits[:20]],
        query_attributes=q_space.attributes_of(query, 10), blind_attributes=blind,
        method="contrast", alternative=alternative,
        timings_ms={"crux": round((picked - clock) * 1000, 2),
                    "search": round((searched - picked) * 1000, 2),
                    "total": round((done - clock) * 1000, 2)})


def trace_sync(index: TurfIndex, query: str, response: str, **kwargs: Any) -> Attribution:
    import asyncio

    return asyncio.run(trace(index, query, response, **kwargs))


async def trace_failure(index: TurfIndex, query: str, response: str, *,
                        rubric: Rubric | str | None, scored: Sequence[tuple[str, int]] = (),
                        threshold: float = 70.0, extractor: Extractor | None = None,
                        crux_model: Model | ModelExtractor | None = None) -> Attribution:
    """The plugin's attribution of one confirmed failure of a search.

    With an LLM (extractor and crux model) its two judges name the crux. Without one, the crux
    is a feature that separates the search's violating responses from the others (`scored`:
    every (response, score) the search judged) and is taught together with a query feature in
    the corpus; with no contrast from the search (a replayed failure) the data alone decide.
    """
    crux = None
    if crux_model is None and index.features is not None:
        q_space, r_space = index.features
        violating = [r for r, score in scored if score >= threshold]
        others = [r for r, score in scored if score < threshold]
        gaps = separating_features(r_space, response, violating, others)
        if gaps:  # what separates in the search, and is taught with a query feature
            info = resolve_rubric(rubric)
            crux = [c for c, _ in offline_crux(q_space, r_space, query, response, weights=gaps,
                                               rubric=info.text if info else None)] or None
    return await trace(index, query, response, rubric=rubric, crux=crux, extractor=extractor,
                       crux_model=crux_model)
