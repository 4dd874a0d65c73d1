"""The roles of a search (target, generator, judge, extractor) on top of any `Model`.

Every call goes through a `RoleClient` (cache, budget, concurrency, accounting). Structured
replies are parsed robustly; a reply that will not parse is retried with a fresh sample and
then raised as `JudgeParseError` — never turned into a score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pytest_chunky.calls import prompts
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.infra.errors import JudgeParseError
from pytest_chunky.rubrics import Rubric
from pytest_chunky.types import Completion, Message, SamplingParams

T = TypeVar("T")


@dataclass(frozen=True)
class Judgement:
    score: int | None  # None: the judge abstained (it cannot decide), with its reason
    reason: str

    @property
    def abstained(self) -> bool:
        return self.score is None


VERDICT_SCHEMA: dict[str, object] = {
    "title": "verdict", "type": "object", "additionalProperties": False,
    "required": ["score", "reason"],
    "properties": {"score": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
                   "reason": {"type": "string"}}}


def attempt_params(client: RoleClient, template: prompts.Template, attempt: int, *,
                   seed: int | None = None, index: int = 0, temperature: float = 0.0,
                   max_tokens: int = 1024,
                   json_schema: dict[str, object] | None = None) -> SamplingParams:
    """The sampling parameters of one attempt of a structured call.

    Shared with the batch path (`pytest_chunky.turf.prefill`), whose prefilled cache entries must
    carry exactly the keys the direct calls will look up.
    """
    schema = json_schema if client.model.structured_output else None
    return SamplingParams(
        temperature=temperature if attempt == 0 else max(temperature, 0.7),
        max_tokens=max_tokens, seed=seed, sample_index=index * 100 + attempt,
        template=template.id, json_schema=schema)


async def structured_call(client: RoleClient, template: prompts.Template, user: str,
                          parse: Callable[[str], T], *, retries: int = 2, seed: int | None = None,
                          index: int = 0, temperature: float = 0.0,
                          max_tokens: int = 1024,
                          json_schema: dict[str, object] | None = None) -> T:
    """Call, parse, and on a parse failure retry with a new sample index (and some heat).

    `json_schema` asks for structured output where the provider enforces it; elsewhere the
    template's tags and the robust parsers do the work.
    """
    last: JudgeParseError | None = None
    for attempt in range(retries + 1):
        params = attempt_params(client, template, attempt, seed=seed, index=index,
                                temperature=temperature, max_tokens=max_tokens,
                                json_schema=json_schema)
        completion = await client.complete(template.messages(user), params)
        try:
            return parse(completion.text)
        except JudgeParseError as exc:
            last = exc
    assert last is not None
    raise JudgeParseError(f"{client.role} {client.model.spec}: {last} "
                          f"(after {retries + 1} attempts)")


class Target:
    """The model under test, answering plain user queries (optionally under a system prompt)."""

    def __init__(self, client: RoleClient, *, system_prompt: str | None = None,
                 temperature: float = 1.0, max_tokens: int = 1024) -> None:
        self.client = client
        self.system_prompt = system_prompt
        self.temperature = temperature
        self.max_tokens = max_tokens

    async def respond(self, query: str, *, sample_index: int = 0) -> Completion:
        messages: list[Message] = []
        if self.system_prompt:
            messages.append({"role": "system", "content": self.system_prompt})
        messages.append({"role": "user", "content": query})
        params = SamplingParams(temperature=self.temperature, max_tokens=self.max_tokens,
                                sample_index=sample_index)
        completion = await self.client.complete(messages, params)
        if completion.finish_reason == "length" and not completion.truncated:
            completion = completion.model_copy(update={"truncated": True})  # hit max_tokens
        return completion


class Generator:
    """Writes a prompt that satisfies a set of attributes (and paraphrases found prompts)."""

    def __init__(self, client: RoleClient, *, temperature: float = 1.0,
                 max_tokens: int = 1024) -> None:
        self.client = client
        self.temperature = temperature
        self.max_tokens = max_tokens

    async def write(self, attributes: Sequence[str], *, seed: int, index: int) -> str:
        return await structured_call(
            self.client, prompts.GENERATOR, prompts.generator_user(tuple(attributes)),
            prompts.parse_query, seed=seed, index=index, temperature=self.temperature,
            max_tokens=self.max_tokens)

    async def translate(self, query: str, language: str, *, seed: int, index: int) -> str:
        user = prompts.tagged("language", language) + "\n" + prompts.tagged("query", query)
        return await structured_call(
            self.client, prompts.TRANSLATE, user, prompts.parse_query, seed=seed, index=index,
            temperature=0.0)

    async def inject(self, query: str, feature: str, *, seed: int, index: int,
                     attributes: Sequence[str] | None = None) -> str:
        """`query` rewritten to have `feature` too (paper B.1's injection). Pass the attributes
        a generated query was written from, with its seed and index: the rewrite can then keep
        everything else the same."""
        user = prompts.inject_user(query, feature, tuple(attributes) if attributes else None)
        return await structured_call(
            self.client, prompts.INJECT, user, prompts.parse_query, seed=seed, index=index,
            temperature=0.0)

    async def paraphrase(self, query: str, *, seed: int, index: int) -> str:
        return await structured_call(
            self.client, prompts.PARAPHRASE, prompts.tagged("query", query),
            prompts.parse_query, seed=seed, index=index, temperature=self.temperature)


class Judge:
    """Scores a (query, response) against a rubric, 0-100, failing closed."""

    def __init__(self, client: RoleClient, *, retries: int = 2, temperature: float = 0.0,
                 max_tokens: int = 1024) -> None:
        self.client = client
        self.retries = retries
        self.temperature = temperature
        self.max_tokens = max_tokens

    async def score(self, query: str, response: str, rubric: Rubric, *,
                    index: int = 0) -> Judgement:
        user = prompts.judge_user(rubric.name, rubric.render(), query, response,
                                  rubric.detector_name)
        score, reason = await structured_call(
            self.client, prompts.JUDGE, user, prompts.parse_verdict,
            retries=self.retries, index=index, json_schema=VERDICT_SCHEMA,
            temperature=self.temperature, max_tokens=self.max_tokens)
        return Judgement(score, reason)


class ExtractorRole:
    """Attributes of queries and responses, and TURF's two-judge crux."""

    def __init__(self, client: RoleClient, *, retries: int = 2) -> None:
        self.client = client
        self.retries = retries

    @staticmethod
    def task(text: str, kind: str) -> tuple[prompts.Template, str, Callable[[str], list[str]]]:
        """(template, user message, parser) of one extraction; the batch path reuses it."""
        template = prompts.EXTRACT_QUERY if kind == "query" else prompts.EXTRACT_RESPONSE
        return (template, prompts.tagged(kind, text),
                lambda reply: prompts.parse_string_list("attributes", reply, expected=10))

    async def attributes(self, text: str, kind: str) -> list[str]:
        template, user, parse = self.task(text, kind)
        return await structured_call(self.client, template, user, parse, retries=self.retries)

    async def crux(self, response: str, rubric: Rubric) -> list[str]:
        """Blind judge lists attributes without the rubric; informed judge picks the top 3."""
        blind = await self.attributes(response, "response")
        user = (prompts.rubric_block(rubric.name, rubric.render(), rubric.detector_name)
                + prompts.tagged("attributes", "\n".join(blind)))
        picked = await structured_call(
            self.client, prompts.CRUX, user,
            lambda reply: prompts.parse_string_list("crux", reply, expected=3),
            retries=self.retries)
        return picked
