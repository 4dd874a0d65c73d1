"""Exact keyword / n-gram search over the training data (paper appendix A.2, "iPhone 13").

Rare proper nouns are where embeddings blur and plain search is decisive: count the examples
that contain the phrase, per source chunk, with each chunk's lift over its share of the data.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from pytest_chunky.turf.attribute import ChunkShare, EvidencePair
from pytest_chunky.turf.index import TurfIndex

Field = Literal["prompt", "response", "both"]

__all__ = ["KeywordHits", "keyword_search"]


class KeywordHits(BaseModel):
    term: str
    field: str
    total: int
    chunks: list[ChunkShare]
    examples: list[EvidencePair]

    @property
    def by_source(self) -> dict[str, int]:
        return {c.source: c.retrieved for c in self.chunks}

    def sentence(self) -> str:
        if not self.total:
            return f"{self.term!r} does not occur in the training data ({self.field})"
        top = self.chunks[0]
        return (f"{self.term!r} occurs in {self.total} training examples ({self.field}); "
                f"{top.share:.0%} in chunk {top.source} (lift ×{top.lift:.1f})")


def _pattern(term: str) -> re.Pattern[str]:
    words = term.split()
    if not words:
        raise ValueError("keyword search needs a non-empty term")
    body = r"\s+".join(re.escape(w) for w in words)
    left = r"(?<!\w)" if words[0][0].isalnum() or words[0][0] == "_" else ""
    right = r"(?!\w)" if words[-1][-1].isalnum() or words[-1][-1] == "_" else ""
    return re.compile(left + body + right, re.IGNORECASE)


def keyword_search(index: TurfIndex, term: str, *, field: Field = "prompt",
                   limit: int = 3) -> KeywordHits:
    """Case-insensitive whole-word phrase search; counts by source plus `limit` examples."""
    pattern = _pattern(term)
    hits: list[int] = []
    for i, ex in enumerate(index.examples()):
        text = ex.prompt if field == "prompt" else ex.response if field == "response" \
            else ex.prompt + "\n" + ex.response
        if pattern.search(text):
            hits.append(i)
    counts: dict[int, int] = {}
    for i in hits:
        s = int(index.source_ids[i])
        counts[s] = counts.get(s, 0) + 1
    chunks = []
    for s, count in counts.items():
        corpus = index.source_counts[s] / index.n_examples
        share = count / len(hits)
        chunks.append(ChunkShare(source=index.sources[s], retrieved=count,
                                 share=round(share, 4), corpus_share=round(float(corpus), 4),
                                 lift=round(float(share / corpus), 3), trigger_hits=count))
    chunks.sort(key=lambda c: (-c.retrieved, c.source))
    examples = []
    for i in hits[:limit]:
        ex = index.example(i)
        examples.append(EvidencePair(index=i, source=ex.source, prompt=ex.prompt,
                                     response=ex.response, similarity=1.0,
                                     response_attribute=""))
    return KeywordHits(term=term, field=field, total=len(hits), chunks=chunks,
                       examples=examples)
