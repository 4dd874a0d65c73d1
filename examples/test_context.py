"""Context suppresses chunky behaviour (paper appendix C): a system prompt dilutes the trigger.

Also shows extra assertions on the finished search through `chunky_result`.
"""

from __future__ import annotations

import pytest

import pytest_chunky as chunky
from pytest_chunky.search import SearchResult


@pytest.mark.xfail(strict=True, raises=chunky.GateFailed,
                   reason="without context the rebuttal chunk fires")
@chunky.surf(rubric="rebut", iterations=6)
def test_rebut_without_context(chunky_result: SearchResult) -> None:
    # A rerun replays the stored failures first and searches no further: then the confirmed
    # failures' own attributes say what triggered them.
    seen = chunky_result.top_attributes(3) or [
        a for failure in chunky_result.failures for a in failure.attributes]
    assert "The query asks when a person invented something" in seen
