"""`DataExtractor`: the offline extractor role, from feature spaces fitted on the corpus."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_chunky.describe.space import FeatureSpace

ATTRIBUTES = 10


class DataExtractor:
    """Up to 10 worded features per text, most specific first; deterministic and free."""

    def __init__(self, query: FeatureSpace, response: FeatureSpace) -> None:
        self.spaces = {"query": query, "response": response}
        self.name = f"data/v1:{query.digest}:{response.digest}"
        self.calls = 0

    def extract_sync(self, texts: Sequence[str], kind: str) -> list[list[str]]:
        space = self.spaces[kind]
        self.calls += len(texts)
        return [space.attributes_of(t, ATTRIBUTES) or [f"{space.subject} is empty"]
                for t in texts]

    async def extract(self, texts: Sequence[str], kind: str) -> list[list[str]]:
        return self.extract_sync(texts, kind)
