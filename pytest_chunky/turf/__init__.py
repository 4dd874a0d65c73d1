"""TURF: trace a confirmed failure back to the training data that taught it (paper §4.1, D.1).

    index = build_index("sft.jsonl", "turf-index")            # offline, resumable
    result = attribute_sync(index, query, response, rubric="code", extractor=get_extractor("lab"))
    print(result.sentence())

Names load lazily so `import pytest_chunky.turf` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Attribution": "attribute", "ChunkShare": "attribute", "EvidencePair": "attribute",
    "TraceCandidate": "attribute", "attribute": "attribute", "attribute_sync": "attribute",
    "abuild_index": "build", "build_index": "build",
    "AttributeCache": "extract", "CachedExtractor": "extract", "Extractor": "extract",
    "ModelExtractor": "extract", "get_extractor": "extract",
    "FORMAT_VERSION": "index", "TurfIndex": "index", "load_index": "index",
    "KeywordHits": "keyword", "keyword_search": "keyword",
    "SFTRecord": "data", "load_examples": "data",
    "index_main": "cli",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_chunky.turf' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
