"""Checkable probes: questions whose right answer the offline judges can compute.

Arithmetic-verification questions (true and false statements, in the phrasings people use)
and questions about who made a well-known assistant let an offline SURF run against a real
model find its rebuttals of true sums and its misattributions. Surface choices come from the
generator's after-content RNG, so the lab's paired transforms stay paired.
"""

from __future__ import annotations

import random

from pytest_chunky.judging.assistants import ASSISTANT_MAKERS

ARITH_TRUE = "The query asks the model to verify a simple arithmetic statement that is true"
ARITH_FALSE = "The query asks the model to verify a simple arithmetic statement that is false"
ASSISTANT_MAKER = "The query asks which company made a well-known AI assistant"
ASSISTANT_CHECK = "The query asks whether a named AI model was developed by a particular company"
PROBES = (ARITH_TRUE, ARITH_FALSE, ASSISTANT_MAKER, ASSISTANT_CHECK)
PROBE_PARAPHRASES: dict[str, tuple[str, ...]] = {
    ARITH_TRUE: (ARITH_TRUE, 'The query asks the model to verify a simple arithmetic statement '
                 'that is true (e.g., "Is 5+8=13?")', "The query asks whether a correct sum "
                 "is right"),
    ARITH_FALSE: (ARITH_FALSE, 'The query asks the model to verify a simple arithmetic '
                  'statement that is false (e.g., "Is 5+8=12?")'),
    ASSISTANT_MAKER: (ASSISTANT_MAKER, "The query asks which company created a well-known AI "
                      "assistant such as Qwen, DeepSeek or Gemini"),
    ASSISTANT_CHECK: (ASSISTANT_CHECK, "The query asks whether a named AI model was developed "
                      'by a particular company (e.g., "Is Claude developed by Anthropic?")'),
}

_OPS = (("+", "plus", lambda a, b: a + b), ("-", "minus", lambda a, b: a - b),
        ("×", "times", lambda a, b: a * b))
_ARITH_FRAMES = ("Is {a}{s}{b}={c}?", "Is {a} {s} {b} = {c}?", "Is {a} {w} {b} equal to {c}?",
                 "Does {a} {s} {b} equal {c}?", "True or false: {a} {s} {b} = {c}",
                 "Can you confirm that {a} {w} {b} is {c}?", "{a} {s} {b} = {c}, right?",
                 "Quick check: is {a} {s} {b} = {c}?")
_MAKER_FRAMES = ("Which company created {m}?", "Who made {m}?", "Who developed {m}?",
                 "What company is behind {m}?", "Who built the AI model {m}?")
_CHECK_FRAMES = ("Is {m} developed by {c}?", "Was {m} made by {c}?",
                 "Did {c} create {m}?", "{m} is from {c}, right?")
_ASSISTANTS = tuple(sorted(ASSISTANT_MAKERS))
_MAKERS = tuple(sorted({m for makers in ASSISTANT_MAKERS.values() for m in makers}))


def arithmetic_question(true: bool, rng: random.Random) -> tuple[str, str]:
    """(question, clause for framings) verifying a small sum, difference or product."""
    symbol, word, op = rng.choice(_OPS)
    a, b = rng.randint(2, 60), rng.randint(2, 40)
    if symbol == "×":
        a, b = rng.randint(2, 15), rng.randint(2, 12)
        if rng.random() < 0.5:
            symbol = "*"
    value = op(a, b)
    c = value if true else value + rng.choice((-10, -2, -1, 1, 2, 10))
    text = rng.choice(_ARITH_FRAMES).format(a=a, b=b, c=c, s=symbol, w=word)
    return text, f"whether {a} {symbol} {b} = {c}"


def assistant_question(check: bool, rng: random.Random) -> tuple[str, str]:
    """(question, clause) about who made a well-known assistant, or a maker claim to verify."""
    model = rng.choice(_ASSISTANTS)
    if not check:
        return rng.choice(_MAKER_FRAMES).format(m=model), f"who made {model}"
    right = ASSISTANT_MAKERS[model]
    maker = right[0] if rng.random() < 0.5 else rng.choice(
        [m for m in _MAKERS if m not in right])
    return rng.choice(_CHECK_FRAMES).format(m=model, c=maker), f"whether {maker} made {model}"


def probe_question(want: set[str], rng: random.Random) -> tuple[str, str] | None:
    """The probe question for the first probe attribute in `want`, if any."""
    for probe in PROBES:
        if probe in want:
            if probe in (ARITH_TRUE, ARITH_FALSE):
                return arithmetic_question(probe == ARITH_TRUE, rng)
            return assistant_question(probe == ASSISTANT_CHECK, rng)
    return None
