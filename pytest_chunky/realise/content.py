"""Questions about a topic, written from the attribute that names it.

A domain attribute says what a query is about ("The query asks about tenant rights or a dispute
with a landlord."); its subjects are the phrases it names (the examples after "such as" or
"e.g.", else the whole object). A question carries the attribute when it names one of them,
which is also how `carries` checks it. Frames × subjects × angles give a few hundred distinct
questions per attribute and thousands per domain group, so two candidates rarely repeat.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_VERBS = ("asks an educational question about", "asks a carefully balanced educational question "
          "about", "asks about", "asks for help with", "asks for help", "asks for", "asks how to",
          "asks how", "asks which", "asks whether", "asks who", "asks a", "asks", "mentions",
          "describes", "compares", "involves", "is", "contains", "frames", "uses", "names",
          "includes", "presents", "hints at", "expresses", "attributes", "rests on")
_EXAMPLES = re.compile(r"\s*[,(]?\s*(?:such as|e\.g\.,?|for example|like)\s+(.+?)\)?\.?$", re.I)
_QUOTED = re.compile(r"[\"“]([^\"”]{3,120})[\"”]")


@dataclass(frozen=True)
class Topic:
    verb: str
    subjects: tuple[str, ...]
    quoted: tuple[str, ...]  # example queries the attribute quotes


def topic_of(attribute: str) -> Topic | None:
    """The verb and subjects of "The query <verb> <object>.", or None for another shape."""
    text = attribute.strip()
    if not text.lower().startswith("the query "):
        return None
    rest = text[len("the query "):].rstrip(".")
    verb = next((v for v in _VERBS if rest.lower().startswith(v + " ")), None)
    if verb is None:
        return None
    obj = rest[len(verb):].strip()
    quoted = tuple(q.strip() for q in _QUOTED.findall(obj) if q.strip().endswith("?"))
    examples = _EXAMPLES.search(obj)
    head = obj[:examples.start()].strip(" ,") if examples else obj
    if examples:
        found = _split(_QUOTED.sub(lambda m: m.group(1), examples.group(1)))
    else:
        found = _split(head) if ", " in head and (" or " in head or " and " in head) else (
            re.split(r"\s+or\s+(?=(?:a|an|the|my|your)\s)", head))
    subjects = tuple(s for s in (_tidy(x) for x in found) if 2 < len(s) <= 80)
    if not subjects:
        return None
    return Topic(verb, subjects, quoted)


def _split(text: str) -> list[str]:
    parts = re.split(r",\s*(?:or |and )?|\s+or\s+(?=\w)", text)
    return [p for p in parts if p.strip()]


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" .,;:\"'“”()")
    return re.sub(r"^(?:or|and)\s+", "", text)


_ABOUT = ("Can you explain {s} to me?", "What should a beginner know about {s}?",
          "What are the most common misconceptions about {s}?", "How does {s} work in practice?",
          "What is the history behind {s}?", "Why do people disagree about {s}?",
          "What are the key facts about {s}?", "How would you summarise {s} for a newcomer?",
          "What are good questions to ask about {s}?", "What changed recently about {s}?",
          "Could you give me an overview of {s}?", "What do experts recommend about {s}?")
_FOR = ("Can you give me {s}?", "Could you help me with {s}?", "I'd like {s}, please.",
        "Please provide {s}.", "Can you put together {s} for me?", "I need {s}.")
_MENTION = ("I have a question involving {s}.", "Something about {s} has been bothering me.",
            "I'm dealing with {s} right now.", "Here's my situation with {s}.",
            "My question is about {s}.", "I ran into {s} today.")
_ANGLES = ("", " I'm asking for my job.", " It's for a school project.", " I'm just curious.",
           " My friend and I were arguing about it.", " Keep it practical.",
           " I read something confusing about it.", " Assume I know the basics.")


def question(topic: Topic, rng: random.Random) -> str:
    """One question naming one of the topic's subjects."""
    subject = rng.choice(topic.subjects)
    if topic.quoted and (subject in topic.quoted or rng.random() < 0.3):
        return rng.choice(topic.quoted) + rng.choice(_ANGLES)
    frames: tuple[str, ...]
    if topic.verb.startswith("asks for"):
        frames = _FOR
    elif topic.verb in ("mentions", "describes", "involves", "contains", "hints at",
                        "expresses", "includes", "uses", "names", "presents", "frames"):
        frames = _MENTION + _ABOUT[:4]
    else:
        frames = _ABOUT
    return rng.choice(frames).format(s=subject) + rng.choice(_ANGLES)


def carries_topic(topic: Topic, text: str) -> bool:
    low = _norm(text)
    return any(_norm(s) in low for s in topic.subjects) or any(
        _norm(q) in low for q in topic.quoted)


def _norm(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()
