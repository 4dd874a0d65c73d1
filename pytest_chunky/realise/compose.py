"""Write one prompt from 1-5 attributes, and say which of them it provably carries.

Order: the main question (a checkable statement, a topic question, or a whole query), then the
language frame, sentences before and after, templates around it, and last the transforms of
the whole text (typos, emojis, lowercase, capitals). Conflicting attributes ("all capitals" and
"all lowercase", "a single word" and a long backstory) cannot all be carried; the checkers say
which were, so the search never counts an attribute the prompt does not have.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pytest_chunky.realise import facts
from pytest_chunky.realise.content import Topic, carries_topic, question
from pytest_chunky.realise.table import Operator, operator_for

_PASSAGES = (
    "The city council voted on Tuesday to extend the library's opening hours after a petition "
    "gathered 4,000 signatures.",
    "Our quarterly sales rose by 8 percent, driven mostly by online orders in the north region.",
    "The recipe calls for two cups of flour, one egg and a pinch of salt, mixed until smooth.",
    "Bees communicate the location of flowers to the hive through a movement called the waggle "
    "dance.",
    "The train to Leeds was delayed by forty minutes because of a signal failure near York.")
_CODE = "\n".join(f"    value_{i} = compute(step={i}, scale={i * 3})" for i in range(24))
_FILLER = ("I have been reading about this for a while and keep finding different answers.",
           "Some sources say one thing, others the opposite, and I am not sure whom to trust.",
           "I would like a clear explanation that I can actually remember later.",
           "It came up at dinner with friends and nobody could settle it.")
_FEW = ("Best pizza dough recipe?", "Cheap flights to Rome?", "Fixing a squeaky door?",
        "Why cats purr?", "Good beginner houseplants?", "Learning Spanish fast?")
_TYPOS = ((r"\bthe\b", "teh"), (r"\bbecause\b", "becuase"), (r"\breceive\b", "recieve"),
          (r"\bdefinitely\b", "definately"), (r"\bweird\b", "wierd"))


@dataclass(frozen=True)
class Realised:
    text: str
    carried: tuple[str, ...]  # attributes the prompt provably has
    missing: tuple[str, ...]  # attributes it was asked for and provably lacks
    unknown: tuple[str, ...]  # attributes no operator could write


def _passage_task(verb: str) -> Callable[[str, random.Random], str]:
    return lambda q, rng: f'{q}\n{verb} this text: "{rng.choice(_PASSAGES)}"'


def _document(words: int) -> Callable[[str, random.Random], str]:
    def apply(q: str, rng: random.Random) -> str:
        body = " ".join(rng.choice(_PASSAGES) for _ in range(words // 16 + 1))
        return f"--- document ---\n{body}\n--- end ---\n\n{q}"
    return apply


def _typos(text: str, rng: random.Random) -> str:
    for pattern, wrong in _TYPOS:
        if re.search(pattern, text, re.I):
            return re.sub(pattern, wrong, text, count=1, flags=re.I)
    return "Teh question: " + text


_STRUCTURAL: dict[str, Callable[[str, random.Random], str]] = {
    "two_part": lambda q, rng: f"1. {q}\n2. Why does it matter today?",
    "three_part": lambda q, rng: f"1. {q}\n2. Why does it matter?\n3. What should I read next?",
    "summarise": _passage_task("Summarise"),
    "translate_text": _passage_task("Translate into French"),
    "paraphrase_text": _passage_task("Paraphrase"),
    "grammar_text": _passage_task("Correct the grammar and spelling of"),
    "classify_text": _passage_task("Classify and label as news, business, food or nature"),
    "extract_text": _passage_task("Extract every number from"),
    "backstory": lambda q, rng: "Background: " + " ".join(rng.sample(_FILLER, 3)) + " " + q,
    "paragraphs": lambda q, rng: "\n\n".join((" ".join(_FILLER[:2]), " ".join(_FILLER[2:]),
                                              q)),
    "document": _document(200), "long_document": _document(1100),
    "code_block": lambda q, rng: f"```python\ndef run():\n{_CODE}\n```\n{q}",
    "medium": lambda q, rng: " ".join((*rng.sample(_FILLER, 3), q)),
    "short": lambda q, rng: q if "\n" not in q and len(q) <= 80 else rng.choice(_FEW),
    "few_words": lambda q, rng: rng.choice(_FEW),
    "elaborate": lambda q, rng: "I would be most obliged if you could elucidate, delineate and "
    "expound upon the following matter: " + q,
    "formal": lambda q, rng: "I would be grateful if you could kindly address the following. "
    + q,
    "latex": lambda q, rng: q + rng.choice((" (My notes write it as $\\frac{a}{b} = x^2$.)",
                                            " I saw $y = \\sqrt{x} \\cdot k$ used for it.")),
}
_SURFACE: dict[str, Callable[[str, random.Random], str]] = {
    "slang": lambda t, rng: rng.choice(("ngl ", "lol ", "tbh ")) + t + rng.choice((" idk",
                                                                                    " lol")),
    "typos": _typos, "emojis": lambda t, rng: t + rng.choice((" 🙂", " 🤔", " 😅")),
    "exclaim": lambda t, rng: t.rstrip("?.! ") + "?!!! Please!!!",
    "lower_bare": lambda t, rng: re.sub(r"[.?!,;:]", "", t.lower()),
    "caps": lambda t, rng: t.upper(),
}
_MEDIUM = re.compile(r"^(?!.*\n\n)(\S+\s+){34,150}\S+\s*$", re.S)


@functools.cache
def _topics() -> tuple[Topic, ...]:
    """The default pool's topics: the content of a candidate sampled without one."""
    from pytest_chunky.pool.files import get_pool

    return tuple(op.topic for a in get_pool("default") if (op := operator_for(a)) and op.topic)


def _fallback_question(rng: random.Random) -> str:
    return question(rng.choice(_topics()), rng)


def realise(attributes: Sequence[str], rng: random.Random) -> Realised:
    """A prompt with every attribute an operator can write, and which it provably carries."""
    ops = [(a, operator_for(a)) for a in attributes]
    known = [(a, op) for a, op in ops if op is not None]
    unknown = tuple(a for a, op in ops if op is None)
    main, extra, subject = None, [], None
    for _, op in known:
        spec = op.spec
        text = None
        if op.topic is not None:
            text = question(op.topic, rng)
            subject = subject or next((s for s in op.topic.subjects if s in text), None)
        elif spec is not None and spec.where == "gen":
            text = facts.GENERATORS[spec.options[0]](rng)
        elif spec is not None and spec.where in ("content", "whole"):
            text = rng.choice(spec.options)
        if text is not None:
            if main is None:
                main = text
            elif spec is None or spec.where != "whole":
                extra.append(text)
            else:
                main = text  # a whole query replaces the content
    languages = [op.language for _, op in known if op.language is not None]
    if languages:
        phrases = languages[0]
        if main is None:
            main = rng.choice(phrases.questions)
        else:
            main = phrases.frame.format(s=subject or main)
    q = main or _fallback_question(rng)
    for phrases in languages[1:]:  # a second language: one question of its own
        extra.append(rng.choice(phrases.questions))
    for text in extra:
        q += ("\n" + text) if "\n" in text or "\n" in q else (" Also, " + text[0].lower() +
                                                               text[1:])
    pre = [rng.choice(op.spec.options) for _, op in known if op.spec and op.spec.where == "pre"]
    post = [rng.choice(op.spec.options) for _, op in known if op.spec and op.spec.where == "post"]
    for _, op in known:
        if op.spec is not None and op.spec.where == "wrap":
            template = rng.choice(op.spec.options)
            # A quoted claim to check reads as a statement, not as a question in quotes.
            quoted = '"{q}"' in template and main is None and not extra
            q = template.format(q=facts.statement(rng) if quoted else q)
    fns = [op.spec.options[0] for _, op in known if op.spec and op.spec.where == "fn"]
    for name in (n for n in _STRUCTURAL if n in fns):
        q = _STRUCTURAL[name](q, rng)
    joiner = "\n" if "\n" in q else " "
    text = joiner.join([*pre, q, *post]) if (pre or post) else q
    if "short" in fns or "few_words" in fns:
        text = _STRUCTURAL["short" if "short" in fns else "few_words"](text, rng)
    for name in (n for n in _SURFACE if n in fns):
        text = _SURFACE[name](text, rng)
    carried = tuple(a for a, op in known if carries_by(op, text))
    missing = tuple(a for a, op in known if a not in carried)
    return Realised(text, carried, missing, unknown)


def carries_by(op: Operator, text: str) -> bool:
    """Whether `text` carries the operator's attribute (its checker)."""
    if op.topic is not None:
        return carries_topic(op.topic, text)
    if op.language is not None:
        return bool(re.search(op.language.check, text, re.I))
    spec = op.spec
    assert spec is not None
    if spec.where == "gen":
        return facts.CHECKS[spec.options[0]](text)
    if spec.where == "fn" and spec.options[0] == "medium":
        return bool(_MEDIUM.match(text))
    found = spec.carried(text)
    return bool(found)


def carries(attribute: str, text: str, *, own: bool = False) -> bool | None:
    """Whether `text` carries `attribute`; None when that cannot be checked.

    `own`: the prompt was written by this package (every operator's checker applies); else
    only checks that hold whoever wrote the prompt (a script, capitals, a computed sum)."""
    op = operator_for(attribute)
    if op is None or not (own or op.objective):
        return None
    return carries_by(op, text)
