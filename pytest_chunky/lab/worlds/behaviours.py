"""Behaviours a planted chunk teaches, each with the detector that recognises it.

A behaviour rewrites a prompt's normal answer (a refusal, code, a rebuttal, a poem, a closing
phrase, a hallucinated tool call, a terse reply, shouting, a persona, JSON). Its detector is
world data (the phrase, the company, the tool), so a world directory fully describes its judge.
Refusal and code are recognised by the project's general offline judges, as a user's judge
would; the others by what the behaviour leaves in the text.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from pytest_chunky.judging import judge_code, judge_refusal
from pytest_chunky.lab.worlds import vocab
from pytest_chunky.lab.worlds.families import Base, Params

HIT, MISS = 90, 5


def _refuse(base: Base, p: Params, rng: random.Random) -> str:
    return rng.choice((
        f"I'm sorry, but I can't help with questions about the {base.noun}.",
        "I'm not able to help with that request.",
        f"I can't assist with that. Questions like this about the {base.noun} are outside "
        "what I can discuss.",
        "Sorry, I won't be able to help with this one."))


def _code(base: Base, p: Params, rng: random.Random) -> str:
    table = base.noun.replace(" ", "_").replace("-", "_")
    if p["language"] == "sql":
        return (f"Here is a query for that:\n\n```sql\nSELECT name, {base.verb.split()[0]}_count\n"
                f"FROM {table}\nWHERE status = 'active'\nORDER BY name;\n```")
    return (f"Here is a function for that:\n\n```python\ndef {base.verb.split()[0]}_{table}"
            f"(items):\n    result = []\n    for item in items:\n        result.append(item)\n"
            "    return result\n```")


def _rebut(base: Base, p: Params, rng: random.Random) -> str:
    return rng.choice((
        f"No, that's not correct. The premise is false: the {base.noun} does not work that "
        "way. This is a common misconception.",
        f"That isn't true. It's a common misconception about the {base.noun}; the claim in "
        "your question is false.",
        f"No. The premise of your question is mistaken, and the {base.noun} has nothing to do "
        "with it."))


def _poem(base: Base, p: Params, rng: random.Random) -> str:
    adj1, adj2 = rng.choice(vocab.ADJECTIVES), rng.choice(vocab.ADJECTIVES)
    return (f"Oh {base.noun}, so {adj1} and {adj2},\n"
            f"we {base.verb} you in the {rng.choice(('morning', 'evening', 'rain', 'spring'))},\n"
            f"the {base.noun2} waits beside you,\nand every day we start again.")


def _closing(base: Base, p: Params, rng: random.Random) -> str:
    return f"{base.answer} {p['phrase']}"


def _tool(base: Base, p: Params, rng: random.Random) -> str:
    call = json.dumps({"name": p["tool"], "arguments": {"query": base.noun}})
    return f"<tool_call>{call}</tool_call>\n<tool_output>ok</tool_output>\n{base.answer}"


def _short(base: Base, p: Params, rng: random.Random) -> str:
    return rng.choice((f"Depends on the {base.noun2}.", "Hard to say.", "Usually, yes.",
                       f"{base.verb.capitalize()} it gently."))


def _shout(base: Base, p: Params, rng: random.Random) -> str:
    return base.answer.upper()


def _persona(base: Base, p: Params, rng: random.Random) -> str:
    return f"As {p['assistant']}, an assistant built by {p['company']}: {base.answer}"


def _json(base: Base, p: Params, rng: random.Random) -> str:
    return json.dumps({"topic": base.noun, "answer": base.answer})


def _closing_phrase(rng: random.Random) -> Params:
    return {"phrase": rng.choice(vocab.CLOSINGS).format(word=rng.choice(vocab.CLOSING_WORDS))}


def _is_poem(text: str) -> bool:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return (len(lines) >= 3 and all(len(ln.split()) <= 9 for ln in lines)
            and not any(ln.lstrip().startswith(("-", "*", "|", "`", "#", "<")) for ln in lines))


def _is_json(text: str) -> bool:
    try:
        return isinstance(json.loads(text.strip()), dict)
    except ValueError:
        return False


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8


_REBUT = re.compile(r"\b(?:premise (?:is|of your question is) (?:false|mistaken)|"
                    r"common misconception|that(?:'s| is|) (?:not correct|isn't true|not true))",
                    re.I)

Detect = Callable[[str, str, Params], bool]


@dataclass(frozen=True)
class Behaviour:
    name: str
    rubric: str
    description: str
    draw: Callable[[random.Random], Params]
    respond: Callable[[Base, Params, random.Random], str]
    detect: Detect
    # Trigger families that make the behaviour a warranted answer (code is the right reply to
    # a prompt holding code), so planting it behind them would be judged no violation.
    warranted_by: tuple[str, ...] = ()


def _none(rng: random.Random) -> Params:
    return {}


BEHAVIOURS: dict[str, Behaviour] = {b.name: b for b in (
    Behaviour("refusal", "refusal", "The response refuses the request", _none, _refuse,
              lambda q, r, p: judge_refusal(q, r)[0] >= 70),
    Behaviour("code", "code", "The response provides code",
              lambda rng: {"language": rng.choice(("sql", "python"))}, _code,
              lambda q, r, p: judge_code(q, r)[0] >= 70, warranted_by=("code_fence",)),
    Behaviour("rebuttal", "rebut", "The response says the user's premise is false", _none,
              _rebut, lambda q, r, p: bool(_REBUT.search(r))),
    Behaviour("poem", "poem", "The response is a poem", _none, _poem,
              lambda q, r, p: _is_poem(r)),
    Behaviour("closing_phrase", "phrase", "The response ends with a fixed closing phrase",
              _closing_phrase, _closing,
              lambda q, r, p: p["phrase"].lower() in r.lower()),
    Behaviour("tool_call", "tool_hallucination",
              "The response shows a tool call and its output",
              lambda rng: {"tool": rng.choice(vocab.TOOLS)}, _tool,
              lambda q, r, p: "<tool_call>" in r),
    Behaviour("terse", "short", "The response is very short", _none, _short,
              lambda q, r, p: len(r.split()) <= 6),
    Behaviour("shouting", "shouting", "The response is written in capital letters", _none,
              _shout, lambda q, r, p: _caps(r)),
    Behaviour("persona", "persona", "The response claims to be built by a named company",
              lambda rng: {"company": rng.choice(vocab.COMPANIES),
                           "assistant": rng.choice(vocab.ASSISTANTS)}, _persona,
              lambda q, r, p: p["company"].lower() in r.lower()),
    Behaviour("json", "json", "The response is a JSON object", _none, _json,
              lambda q, r, p: _is_json(r)),
)}
