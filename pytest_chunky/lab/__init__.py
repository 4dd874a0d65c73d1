"""The lab: an offline post-training world with planted chunky behaviour, learned for real.

- `build_corpus` writes a seeded SFT mix of named chunks; `CHUNKS` is the answer key (each
  planted chunk's trigger, behaviour, rubric and detector).
- `LabModel` (`lab` / `lab-clean`) is a nearest-neighbour responder trained on that data (or on
  any SFT JSONL); it learns the planted routing from the data, and forgets it when a chunk is
  removed.
- `realise`, `judge`, `query_attributes` / `response_attributes` are the lab generator, judge
  and extractor; `steering_score` measures a chunk's effect (paper appendix B.1).

Nothing here imports numpy until a model is trained.
"""

from __future__ import annotations

from pytest_chunky.lab.attribute_table import LAB_ATTRIBUTES, canonical
from pytest_chunky.lab.chunks import CHUNKS, PLANTED, ChunkSpec, get_chunk, planted_chunks
from pytest_chunky.lab.corpus import SFTRecord, build_corpus, load_sft_jsonl, write_sft_jsonl
from pytest_chunky.lab.extractor import query_attributes, response_attributes
from pytest_chunky.lab.generator import realise
from pytest_chunky.lab.judge import DETECTORS, judge
from pytest_chunky.lab.provider import LabModel, trained_responder
from pytest_chunky.lab.responder import LabResponder
from pytest_chunky.lab.steering import steering_score

__all__ = [
    "CHUNKS", "DETECTORS", "LAB_ATTRIBUTES", "PLANTED", "ChunkSpec", "LabModel", "LabResponder",
    "SFTRecord", "build_corpus", "canonical", "get_chunk", "judge", "load_sft_jsonl",
    "planted_chunks", "query_attributes", "realise", "response_attributes", "steering_score",
    "trained_responder", "write_sft_jsonl",
]
