"""Opt-in tests against the real provider APIs (skipped unless CHUNKY_REAL_API=1).

They need OPENAI_API_KEY / ANTHROPIC_API_KEY and spend a few cents at most.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from pytest_chunky.models.registry import create_model
from pytest_chunky.types import SamplingParams

pytestmark = pytest.mark.realapi


@pytest.mark.parametrize("spec,env", [("openai:gpt-4.1-mini", "OPENAI_API_KEY"),
                                      ("anthropic:claude-haiku-4-5", "ANTHROPIC_API_KEY")])
def test_real_provider_answers(spec: str, env: str) -> None:
    if not os.environ.get(env):
        pytest.skip(f"set {env}")
    model = create_model(spec)

    async def ask() -> str:
        try:
            reply = await model.generate([{"role": "user", "content": "Reply with the word ok."}],
                                         SamplingParams(max_tokens=16))
        finally:
            await model.aclose()
        assert reply.usage.input_tokens > 0 and reply.usage.output_tokens > 0
        assert reply.cost_usd > 0
        return reply.text

    assert "ok" in asyncio.run(ask()).lower()
