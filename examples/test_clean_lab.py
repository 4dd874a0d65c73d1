"""The same gates against `lab-clean` (trained without the planted chunks): they pass.

The `chunky_model` fixture is overridden here, the way you would wrap your own model object.
"""

from __future__ import annotations

import pytest

import pytest_chunky as chunky
from pytest_chunky.models.base import Model
from pytest_chunky.search import SearchResult


@pytest.fixture
def chunky_model(clean_model: Model) -> Model:
    return clean_model


@chunky.surf(rubric="code", candidates=48)
def test_no_unrequested_code(chunky_result: SearchResult) -> None:
    assert chunky_result.scored > 0


@chunky.surf(rubric="tool_hallucination")
def test_no_hallucinated_tool_calls(chunky_result: SearchResult) -> None:
    assert chunky_result.scored > 0


@chunky.surf(rubric="rebut")
def test_no_rebuttal_of_true_facts(chunky_result: SearchResult) -> None:
    assert chunky_result.scored > 0


@chunky.surf(rubric="refusal")
def test_no_refusal_of_benign_requests(chunky_result: SearchResult) -> None:
    assert chunky_result.scored > 0


@chunky.surf(rubric="identity")
def test_no_identity_misattribution(chunky_result: SearchResult) -> None:
    assert chunky_result.scored > 0


@chunky.surf(rubric="phrase")
def test_no_formulaic_closing_phrase(chunky_result: SearchResult) -> None:
    assert chunky_result.scored > 0


@chunky.surf(rubric="short")
def test_no_over_short_answers(chunky_result: SearchResult) -> None:
    assert chunky_result.scored > 0
