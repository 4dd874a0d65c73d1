"""Plain Python functions as roles: `chunky.target(fn)`, `chunky.judge(fn)`, `chunky.generator(fn)`.

The roles talk to models through the project's tagged prompts (a task tag in the system
message, `<query>`, `<response>`, `<attributes>`); these adapters read those prompts so a user
function only sees what it is about: a prompt (or the messages), a (prompt, response, rubric)
triple, or a list of attributes. Sync and async functions both work. The `name` is the model's
cache identity: give a new name (a version) when the function's behaviour changes.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from typing import Any

from pytest_chunky.calls.prompts import extract_tag, parse_attribute_lines, rubric_tag, task_of
from pytest_chunky.infra.errors import ChunkyError, ConfigError
from pytest_chunky.models.base import Model
from pytest_chunky.types import Completion, Message, SamplingParams, Usage


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    result = fn(*args)
    return await result if inspect.isawaitable(result) else result


def _wants_messages(fn: Callable[..., Any]) -> bool:
    """A target taking `messages` (by name or a list annotation) gets the whole chat."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    if not params:
        return False
    first = params[0]
    annotation = str(first.annotation)
    return first.name == "messages" or any(t in annotation for t in ("list", "Sequence"))


class CallableModel(Model):
    """A user function behind the Model interface, for one role."""

    provider = "callable"

    def __init__(self, fn: Callable[..., Any], *, role: str, name: str,
                 messages: bool | None = None) -> None:
        if not callable(fn):
            raise ConfigError(f"chunky.{role}(...) needs a function, got {type(fn).__name__}")
        if not name or not isinstance(name, str):
            raise ConfigError(f"chunky.{role}(fn, name=...) needs a non-empty name: it is the "
                              "cache identity of the function's answers")
        self.fn, self.role, self.name = fn, role, name
        self.messages = _wants_messages(fn) if messages is None else messages
        self.fingerprint = f"callable-{role}"

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        chat = list(messages)
        task = task_of(chat)
        user = next((m["content"] for m in reversed(chat) if m["role"] == "user"), "")
        if self.role == "target":
            text = await _call(self.fn, chat if self.messages else user)
        elif self.role == "judge":
            text = await self._judge(task, user)
        else:
            text = await self._generate(task, user)
        if not isinstance(text, str):
            raise ChunkyError(f"callable {self.role} {self.name!r} returned "
                              f"{type(text).__name__}, expected str")
        return Completion(text=text, usage=Usage(input_tokens=len(user.split()),
                                                 output_tokens=len(text.split())),
                          model=self.name)

    async def _judge(self, task: tuple[str, int] | None, user: str) -> str:
        if not task or task[0] != "judge":
            raise ChunkyError(f"callable judge {self.name!r} only scores; it got a "
                              f"{task[0] if task else 'chat'} request")
        from pytest_chunky.rubrics import get_rubric, known_rubric

        tag = rubric_tag(user)
        name = tag[0] if tag else ""
        # The Rubric object, always: a rubric loaded from a file or written as free text is
        # known by name in this process; a name from elsewhere is looked up.
        rubric: Any = known_rubric(name) or get_rubric(name)
        out = await _call(self.fn, extract_tag("query", user) or "",
                          extract_tag("response", user) or "", rubric)
        if out is None:
            out = (None, "cannot judge")
        if isinstance(out, int | float):
            out = (out, "")
        if isinstance(out, dict):
            out = (out.get("score"), out.get("reason", ""))
        try:
            score, reason = out
        except (TypeError, ValueError):
            # Fails closed: the verdict parser will reject this reply, never score it.
            return f"callable judge returned {type(out).__name__}, not (score, reason)"
        if score is None:  # the function abstains: it cannot decide this one
            return "<verdict>" + json.dumps({"score": None, "abstain": True,
                                             "reason": str(reason or "cannot judge")}) + \
                "</verdict>"
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
            # Out of range is an error, never clamped into a score (1e20 is not "100").
            return f"callable judge returned score {score!r}, not a number from 0 to 100"
        return "<verdict>" + json.dumps({"score": score, "reason": str(reason)}) + "</verdict>"

    async def _generate(self, task: tuple[str, int] | None, user: str) -> str:
        if task and task[0] == "generate":
            prompt = await _call(self.fn, parse_attribute_lines(user))
            return f"<query>{prompt}</query>"
        raise ChunkyError(f"callable generator {self.name!r} writes prompts from attributes "
                          f"only; {task[0] if task else 'a chat'} needs a model generator")


def target(fn: Callable[..., Any], *, name: str, messages: bool | None = None) -> Model:
    """Your model as the target: `str -> str`, or `messages -> str` (sync or async)."""
    return CallableModel(fn, role="target", name=name, messages=messages)


def judge(fn: Callable[..., Any], *, name: str) -> Model:
    """Your judge: `(prompt, response, rubric) -> (score 0-100, reason)` (sync or async)."""
    return CallableModel(fn, role="judge", name=name)


def generator(fn: Callable[..., Any], *, name: str) -> Model:
    """Your prompt writer: `attributes -> prompt` (sync or async)."""
    return CallableModel(fn, role="generator", name=name)
