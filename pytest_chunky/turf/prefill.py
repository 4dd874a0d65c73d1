"""Fill an index build's caches through batch APIs before the build reads them.

Extraction: every (text, attempt) request the direct path would make gets the same cache key;
a batch reply that does not parse moves that text to its next attempt in the next round, just
as a direct call would retry. Embeddings: the embedder's distinct missing strings go out in
inputs of up to 2,048 per line (OpenAI only; Anthropic has no embeddings API).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pytest_chunky.calls.batch_rounds import run_rounds
from pytest_chunky.calls.roles import ExtractorRole, attempt_params
from pytest_chunky.infra.errors import JudgeParseError
from pytest_chunky.models.batch import Item, Outcome, batch_api, chat_body, completion_of
from pytest_chunky.models.embed import normalise_rows
from pytest_chunky.turf.store import EmbeddingCache, string_key

__all__ = ["STATE_FILE", "prefill_embeddings", "prefill_extraction"]

STATE_FILE = "batches.json"
EMBED_INPUTS_PER_LINE = 2048


async def prefill_extraction(extractor: Any, texts: Mapping[str, Sequence[str]], state_path: Path,
                             *, poll_seconds: float = 30.0, rounds: int = 5,
                             show: bool = True) -> int:
    """Batch the extraction requests of `texts` ({kind: texts}) into the response cache.

    `extractor` is a `turf.extract.ModelExtractor`. Returns the number of requests submitted.
    """
    client = extractor.client
    cache = client.cache
    model = client.model
    if cache is None:
        raise ValueError("batch extraction needs the build's response cache")
    retries = extractor._roles.retries
    jobs = [ExtractorRole.task(text, kind) for kind, group in texts.items()
            for text in dict.fromkeys(group)]

    def pending() -> dict[str, Item]:
        todo: dict[str, Item] = {}
        for template, user, parse in jobs:
            messages = template.messages(user)
            for attempt in range(retries + 1):
                params = attempt_params(client, template, attempt)
                key = client.key(messages, params)
                hit = cache.get(key, role=client.role)
                if hit is None:
                    todo[key] = Item(key, chat_body(model, messages, params))
                    break
                try:
                    parse(hit.text)
                    break
                except JudgeParseError:
                    continue  # the direct path would retry with the next attempt: so do we
        return todo

    async def store(outcome: Outcome) -> None:
        for key, reply in outcome.ok.items():
            cache.put(key, completion_of(model, reply), role=client.role,
                      provider=model.provider, model=model.name)

    endpoint = "/v1/chat/completions" if model.provider == "openai" else "/v1/messages"
    return await run_rounds(batch_api(model), endpoint, pending, store, state_path,
                            what="extraction", rounds=rounds, poll_seconds=poll_seconds,
                            show=show)


def _line_key(keys: Sequence[bytes]) -> str:
    digest = hashlib.sha256(b"".join(keys)).hexdigest()
    return f"emb-{digest[:56]}"


async def prefill_embeddings(embedder: Any, texts: Sequence[str], cache: EmbeddingCache,
                             state_path: Path, *, poll_seconds: float = 30.0, rounds: int = 5,
                             show: bool = True) -> int:
    """Batch the embeddings of `texts` missing from `cache` (an embedder with `batch_model`)."""
    distinct = list(dict.fromkeys(texts))
    keys = [string_key(t) for t in distinct]
    lines: dict[str, list[int]] = {}

    def pending() -> dict[str, Item]:
        todo: dict[str, Item] = {}
        lines.clear()
        missing = cache.missing(keys)
        for start in range(0, len(missing), EMBED_INPUTS_PER_LINE):
            rows = missing[start:start + EMBED_INPUTS_PER_LINE]
            key = _line_key([keys[i] for i in rows])
            lines[key] = rows
            todo[key] = Item(key, {"model": embedder.model_name, "encoding_format": "float",
                                   "input": [distinct[i] for i in rows]})
        return todo

    async def store(outcome: Outcome) -> None:
        for key, reply in outcome.ok.items():
            rows = lines.get(key)
            data = sorted(reply.get("data") or [], key=lambda d: int(d["index"]))
            if rows is None or len(data) != len(rows):
                outcome.failed[key] = f"expected {len(rows or [])} embeddings, got {len(data)}"
                continue
            vectors = normalise_rows(np.asarray([d["embedding"] for d in data], np.float32))
            cache.add([keys[i] for i in rows], vectors)
            embedder.dim = int(vectors.shape[1])

    model = embedder.batch_model()
    try:
        return await run_rounds(batch_api(model), "/v1/embeddings", pending, store, state_path,
                                what="embedding", rounds=rounds, poll_seconds=poll_seconds,
                                show=show)
    finally:
        await model.aclose()
