"""Re-samples over HTTP: the sample index travels in a header, so the lab varies its answers."""

from __future__ import annotations

import asyncio

from pytest_chunky.fakeapi.server import serve
from pytest_chunky.lab.role_model import LabRoleModel
from pytest_chunky.models.anthropic import AnthropicModel
from pytest_chunky.models.openai import OpenAIModel
from pytest_chunky.models.sdk import SAMPLE_HEADER, SDKModel
from pytest_chunky.types import SamplingParams

QUESTION = [{"role": "user", "content": "When did Thomas Edison invent the phonograph?"}]


def _samples(model: SDKModel, n: int) -> list[str]:
    async def go() -> list[str]:
        try:
            return [(await model.generate(QUESTION, SamplingParams(sample_index=i))).text
                    for i in range(n)]
        finally:
            await model.aclose()
    return asyncio.run(go())


def test_resamples_differ_over_both_apis() -> None:
    with serve(LabRoleModel("lab")) as srv:
        openai_texts = _samples(OpenAIModel("lab", base_url=srv.openai_base_url), 8)
        anthropic_texts = _samples(AnthropicModel("lab", base_url=srv.anthropic_base_url), 8)
    in_process = [LabRoleModel("lab").target.complete(QUESTION, SamplingParams(sample_index=i))
                  .text for i in range(8)]
    assert openai_texts == in_process == anthropic_texts
    assert len(set(openai_texts)) > 1


def test_first_sample_sends_no_header() -> None:
    model = OpenAIModel("lab", base_url="http://127.0.0.1:9/v1")
    assert "extra_headers" not in model.request_kwargs(QUESTION, SamplingParams())
    kw = model.request_kwargs(QUESTION, SamplingParams(sample_index=3))
    assert kw["extra_headers"] == {SAMPLE_HEADER: "3"}
