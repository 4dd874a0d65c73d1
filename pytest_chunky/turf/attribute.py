"""Online TURF attribution of one failing (query, response) (paper §4.1, D.1.2–D.1.5).

crux → k nearest training response attributes → hits per query cluster → the failing query's
attribute whose cluster is most enriched is the trigger. Beyond the paper: raw hit counts favour
big clusters ("The query is in English" hits nearly every retrieval) and raw lift favours tiny
ones, so clusters are ranked by n·KL(hit rate ‖ base rate), the Chernoff bound on −ln p
(`enrichment_score`), and each comes with its lift, a hypergeometric p-value and a
Benjamini–Hochberg q-value. The paper's plain argmax-hits trigger is reported alongside
(`trigger_by_hits`).
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import numpy as np
from pydantic import BaseModel

from pytest_chunky.models.base import Model
from pytest_chunky.rubrics import Rubric
from pytest_chunky.stats import benjamini_hochberg
from pytest_chunky.turf.crux import crux_phrase, extract_crux, resolve_rubric
from pytest_chunky.turf.extract import Extractor, ModelExtractor
from pytest_chunky.turf.index import TurfIndex

__all__ = [
    "Attribution",
    "ChunkShare",
    "EvidencePair",
    "TraceCandidate",
    "attribute",
    "attribute_sync",
    "enrichment_score",
]


# Extractors list the most specific attributes first (the lab's does by contract, LLMs do by
# habit), so among near-equal enrichments the earlier attribute wins: the salience prior
# multiplies the score of the attribute at position i (0-based) by 1 / (1 + decay * i).
SALIENCE_DECAY = 0.1


class ChunkShare(BaseModel):
    """How one source dataset ("chunk") figures among the retrieved training examples."""

    source: str
    retrieved: int
    share: float
    corpus_share: float
    lift: float
    trigger_hits: int
    p_value: float = 1.0  # hypergeometric P(≥ retrieved) given the chunk's corpus share


class EvidencePair(BaseModel):
    index: int
    source: str
    prompt: str
    response: str
    similarity: float
    response_attribute: str


class TraceCandidate(BaseModel):
    """One (crux, failing-query attribute) hypothesis with its statistics."""

    attribute: str
    cluster: int
    cluster_summary: str
    crux: str
    hits: int
    retrieved: int
    cluster_size: int
    lift: float
    score: float
    p_value: float
    q_value: float = 1.0


class Attribution(BaseModel):
    trigger: str
    trigger_cluster: str
    trigger_cluster_id: int
    crux: list[str]
    behaviour: str
    hits: int
    retrieved: int
    lift: float
    score: float
    p_value: float
    q_value: float
    trigger_by_hits: str
    top_chunk: str | None
    chunk_share: float
    chunk_lift: float
    chunks: list[ChunkShare]
    evidence: list[EvidencePair]
    candidates: list[TraceCandidate]
    query_attributes: list[str]
    blind_attributes: list[str]
    timings_ms: dict[str, float] = {}
    method: str = "clusters"  # "contrast" (data features) or "clusters" (paper D.1)
    alternative: dict[str, Any] | None = None  # the other method's answer, when both ran

    def sentence(self) -> str:
        chunk = f" — taught by chunk {self.top_chunk}" if self.top_chunk else ""
        return (f'When the model sees "{self.trigger}", it {crux_phrase(self.behaviour)}'
                f"{chunk} (lift ×{self.lift:.1f}, hits {self.hits}/{self.retrieved}, "
                f"p={self.p_value:.2g}, q={self.q_value:.2g})")


def enrichment_score(hits: int, n: int, cluster_size: int, population: int) -> float:
    """n·KL(h/n ‖ K/N) when the cluster is over-represented, else 0 (≈ −ln p, Chernoff).

    It rewards the smallest cluster that still holds the retrieved examples: a generic
    cluster ("The query is in English") holds them all but at its base rate (KL ≈ 0); a
    subset of the trigger's examples is as concentrated but holds fewer; a superset (the
    topic rather than the trigger) holds them all at a lower concentration.
    """
    if n <= 0 or cluster_size <= 0 or population <= 0:
        return 0.0
    base = min(cluster_size / population, 1.0)
    rate = hits / n
    if rate <= base or base >= 1.0:
        return 0.0
    score = rate * math.log(rate / base)
    if rate < 1.0:
        score += (1.0 - rate) * math.log((1.0 - rate) / (1.0 - base))
    return n * score



def _p_values(tests: list[tuple[int, int, int]], population: int) -> list[float]:
    """Hypergeometric P(X ≥ hits) for (hits, cluster size, draws) triples."""
    from scipy.stats import hypergeom

    if not tests:
        return []
    h, size, n = (np.asarray(col, dtype=np.int64) for col in zip(*tests, strict=True))
    p = np.where(h > 0, hypergeom.sf(h - 1, population, size, n), 1.0)
    return [float(v) for v in p]


def _chunks(index: TurfIndex, examples: np.ndarray, in_trigger: np.ndarray) -> list[ChunkShare]:
    n, total = len(examples), index.n_examples
    src = index.source_ids[examples]
    retrieved = np.bincount(src, minlength=len(index.sources))
    trig = np.bincount(src[in_trigger], minlength=len(index.sources))
    present = np.nonzero(retrieved)[0]
    p_values = _p_values([(int(retrieved[s]), int(index.source_counts[s]), n)
                          for s in present], total)
    rows = []
    for s, p in zip(present, p_values, strict=True):
        corpus = index.source_counts[s] / total
        share = retrieved[s] / n
        rows.append(ChunkShare(source=index.sources[s], retrieved=int(retrieved[s]),
                               share=round(float(share), 4), corpus_share=round(float(corpus), 4),
                               lift=round(float(share / corpus), 3),
                               trigger_hits=int(trig[s]), p_value=p))
    rows.sort(key=lambda c: (-c.trigger_hits, -c.lift, c.source))
    return rows


def _evidence(index: TurfIndex, examples: np.ndarray, sims: np.ndarray, attr_ids: np.ndarray,
              in_trigger: np.ndarray, top_chunk: str | None, n: int = 3) -> list[EvidencePair]:
    src = index.source_ids[examples]
    top = index.sources.index(top_chunk) if top_chunk in index.sources else -1
    tiers = [in_trigger & (src == top), in_trigger, np.ones(len(examples), dtype=bool)]
    chosen: list[int] = []
    for tier in tiers:
        for found in np.nonzero(tier)[0].tolist():
            if len(chosen) >= n:
                break
            if found not in chosen:
                chosen.append(found)
    out = []
    for pos in chosen:
        ex = index.example(int(examples[pos]))
        out.append(EvidencePair(index=int(examples[pos]), source=ex.source, prompt=ex.prompt,
                                response=ex.response, similarity=round(float(sims[pos]), 4),
                                response_attribute=index.response_attributes[attr_ids[pos]]))
    return out


async def attribute(index: TurfIndex, query: str, response: str, *,
                    rubric: Rubric | str | None, extractor: Extractor,
                    crux_model: Model | ModelExtractor | None = None, k: int = 1000,
                    min_similarity: float = 0.55,
                    crux_found: tuple[list[str], list[str]] | None = None) -> Attribution:
    """Explain a confirmed failure: trigger, crux, enrichment statistics and source chunk.

    `crux_found` is (blind attributes, crux) already extracted for this response (by `trace`),
    so the two crux judges are not asked twice.
    """
    clock = time.perf_counter()
    info = resolve_rubric(rubric)
    blind, crux = crux_found if crux_found is not None else await extract_crux(
        response, info, extractor=extractor, model=crux_model)
    q_attrs = (await extractor.extract([query], "query"))[0]
    if not q_attrs or not blind:
        raise ValueError("the extractor returned no attributes for the failing query/response")
    extracted = time.perf_counter()
    cruxes = crux or list(blind)
    vectors = index.embed(list(q_attrs) + cruxes)
    q_vecs, c_vecs = vectors[:len(q_attrs)], vectors[len(q_attrs):]
    q_clusters, q_sims = index.nearest_clusters(list(q_attrs), q_vecs)
    candidates_clusters = sorted(set(int(c) for c in q_clusters))
    sizes = index.cluster_sizes
    population = index.n_examples

    retrievals: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    cands: list[TraceCandidate] = []
    for crux_text, vec in zip(cruxes, c_vecs, strict=True):
        examples, sims, attr_ids = index.retrieve_text(crux_text, vec, k,
                                                       min_similarity=min_similarity)
        retrievals.append((examples, sims, attr_ids))
        rows = index.example_clusters[examples]
        counts = np.bincount(rows[rows >= 0], minlength=index.n_clusters)
        n = len(examples)
        for cluster in candidates_clusters:
            members = np.nonzero(q_clusters == cluster)[0]
            attr = q_attrs[int(members[np.argmax(q_sims[members])])]
            h, size = int(counts[cluster]), int(sizes[cluster])
            base = size / population
            position = min(int(np.nonzero(q_clusters == cluster)[0].min()), len(q_attrs))
            prior = 1.0 / (1.0 + SALIENCE_DECAY * position)
            cands.append(TraceCandidate(
                attribute=attr, cluster=cluster, cluster_summary=index.summaries[cluster],
                crux=crux_text, hits=h, retrieved=n, cluster_size=size,
                lift=round(h / (n * base), 3) if base > 0 else 0.0,
                score=round(prior * enrichment_score(h, n, size, population), 4),
                p_value=1.0))
    searched = time.perf_counter()
    p_values = _p_values([(c.hits, c.cluster_size, c.retrieved) for c in cands], population)
    for cand, p, q in zip(cands, p_values, benjamini_hochberg(p_values), strict=True):
        cand.p_value, cand.q_value = p, q
    cands.sort(key=lambda c: (-c.score, -c.hits, c.p_value))
    # With an informed judge, its first pick is the behaviour that violated the rubric: the
    # headline trigger is traced for it (paper D.1.5: one trigger per crux). Without one, the
    # data choose among the blind attributes. An incidental feature with a concentrated
    # source (e.g. "mentions a year") must not outvote the violating behaviour.
    best = next(c for c in cands if c.crux == cruxes[0]) if crux else cands[0]
    if not crux:  # data-driven crux: the blind attributes with the most concentrated evidence
        ranked = list(dict.fromkeys(c.crux for c in cands))
        crux = ranked[:3]
    by_hits = max(cands, key=lambda c: (c.hits, c.score))
    crux_pos = cruxes.index(best.crux)
    examples, sims, attr_ids = retrievals[crux_pos]
    in_trigger = (index.example_clusters[examples] == best.cluster).any(axis=1)
    chunks = _chunks(index, examples, in_trigger)
    top = chunks[0] if chunks and chunks[0].trigger_hits > 0 else None
    total_trigger = int(in_trigger.sum())
    evidence = _evidence(index, examples, sims, attr_ids, in_trigger,
                         top.source if top else None)
    done = time.perf_counter()
    return Attribution(
        trigger=best.attribute, trigger_cluster=best.cluster_summary,
        trigger_cluster_id=best.cluster, crux=list(crux), behaviour=best.crux, hits=best.hits,
        retrieved=best.retrieved, lift=best.lift, score=best.score, p_value=best.p_value,
        q_value=best.q_value, trigger_by_hits=by_hits.attribute,
        top_chunk=top.source if top else None,
        chunk_share=round(top.trigger_hits / total_trigger, 4) if top and total_trigger else 0.0,
        chunk_lift=top.lift if top else 0.0, chunks=chunks, evidence=evidence,
        candidates=cands[:20], query_attributes=list(q_attrs), blind_attributes=list(blind),
        timings_ms={"extract": round((extracted - clock) * 1000, 2),
                    "search": round((searched - extracted) * 1000, 2),
                    "total": round((done - clock) * 1000, 2),
                    "total_excluding_extraction": round((done - extracted) * 1000, 2)})


def attribute_sync(index: TurfIndex, query: str, response: str, **kwargs: Any) -> Attribution:
    """`attribute` for synchronous callers (not from inside a running event loop)."""
    return asyncio.run(attribute(index, query, response, **kwargs))
