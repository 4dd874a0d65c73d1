"""Opt-in: the project's LLM judge prompt against a real small model (SmolLM2 via llama.cpp).

Needs the `local` extra and CHUNKY_LOCAL_MODEL=1; it takes a few minutes on 2 cores.
"""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("CHUNKY_LOCAL_MODEL") != "1",
                                reason="opt-in: set CHUNKY_LOCAL_MODEL=1 (needs .[local])")


def test_real_small_llm_judge_parses_or_fails_closed() -> None:
    local_model = pytest.importorskip("local_model", reason="the local extra is not installed")
    result = local_model.llm_judge_parse_rate(rows=4)
    for run in (result, result["unconstrained"]):
        assert run["scored"] + run["errors"] == run["rows"]
        # Every scored row ends in a reply that parsed; every error is three that did not.
        assert run["scored"] <= run["parsed_replies"]
        assert run["replies"] - run["parsed_replies"] >= 3 * run["errors"]
    assert result["parse_rate"] >= 0.9  # structured output through llama.cpp's grammar
