"""Attribute text → the operator that writes it: every entry of the shipped pool, by a table.

Hand-written operators come first (formats, tones, languages, facts, the paper's triggers);
every other pool attribute is a topic whose subjects `content.py` reads from its own words. An
attribute outside the table is realised from what it states where that is checkable (a quoted
or capitalised name, a language the phrasebook has) and otherwise is `None`: the search refuses
it before any call (see `unrealisable`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pytest_chunky.realise.content import Topic, topic_of
from pytest_chunky.realise.frames import FORMAT, STYLE, USER_STATE
from pytest_chunky.realise.languages import LANGUAGES, Phrases
from pytest_chunky.realise.spec import Spec
from pytest_chunky.realise.special import CODE, SENSITIVE
from pytest_chunky.realise.structure import LENGTH, PERSONA, STRUCTURE
from pytest_chunky.realise.triggers import FACT_CHECKING, PAPER


@dataclass(frozen=True)
class Operator:
    """A named way to write one attribute; exactly one of the three is set."""

    name: str
    spec: Spec | None = None
    topic: Topic | None = None
    language: Phrases | None = None

    @property
    def objective(self) -> bool:
        """Whether its check holds for any writer's prompt (a script, capitals, a computed
        sum), not only for the phrasings this package writes."""
        if self.language is not None:
            return self.language.check.startswith("[")
        spec = self.spec
        return spec is not None and spec.options[:1] in (
            ("caps",), ("lower_bare",), ("emojis",), ("latex",), ("true_sum",), ("false_sum",))


def _key(attribute: str) -> str:
    return re.sub(r"\s+", " ", attribute.strip().rstrip(".").lower())


_SPECS: dict[str, Spec] = {**FORMAT, **STYLE, **USER_STATE, **STRUCTURE, **PERSONA, **LENGTH,
                           **CODE, **SENSITIVE, **FACT_CHECKING, **PAPER}
_BY_KEY: dict[str, tuple[str, Spec]] = {_key(a): (a, s) for a, s in _SPECS.items()}
_LANG_BY_KEY: dict[str, tuple[str, Phrases]] = {_key(a): (a, p) for a, p in LANGUAGES.items()}
_LANG_NAMES: dict[str, Phrases] = {
    m.group(1).lower(): p for a, p in LANGUAGES.items()
    if (m := re.match(r"The query is written in ([A-Z][\w ]+?)\.$", a))}
_QUOTED_NAME = re.compile(r"[\"“']([^\"”']{2,60})[\"”']|\b((?:[A-Z][\w-]*[A-Z0-9][\w-]*|"
                          r"[A-Z][a-z]+)(?: [A-Z0-9][\w-]*)+)")


@functools.lru_cache(maxsize=4096)
def operator_for(attribute: str) -> Operator | None:
    """The operator that writes `attribute`, or None when nothing here can."""
    key = _key(attribute)
    if key in _BY_KEY:
        name, spec = _BY_KEY[key]
        if spec.where == "lang":  # "written in Malay", "a low-resource language" (Swahili)
            return Operator(f"language:{name}", language=_LANG_NAMES[spec.options[0]])
        return Operator(f"spec:{name}", spec=spec)
    if key in _LANG_BY_KEY:
        name, phrases = _LANG_BY_KEY[key]
        return Operator(f"language:{name}", language=phrases)
    lang = re.match(r"the query is (?:written |phrased )?in (?:the )?([a-z][a-z ]+?)"
                    r"(?: language)?$", key)
    if lang and lang.group(1) in _LANG_NAMES:
        return Operator(f"language:{lang.group(1)}", language=_LANG_NAMES[lang.group(1)])
    if key in _pool_topics():
        topic = topic_of(attribute)
        assert topic is not None
        return Operator(f"topic:{_key(attribute)}", topic=topic)
    return _named_mention(attribute)


@functools.cache
def _pool_topics() -> frozenset[str]:
    """The shipped pool's topic attributes: their subjects are read from their own words.

    Only the shipped pool's: a user's "The query mentions a family member" names no phrase a
    prompt must contain, so it is not checkable that way (see `_named_mention`)."""
    from pytest_chunky.pool.files import get_pool

    return frozenset(_key(a) for a in get_pool("default")
                     if _key(a) not in _BY_KEY and _key(a) not in _LANG_BY_KEY and
                     (t := topic_of(a)) is not None and t.verb.startswith(_TOPIC_VERBS))


_TOPIC_VERBS = ("asks", "mentions", "describes", "compares", "involves")


def _named_mention(attribute: str) -> Operator | None:
    """'The query mentions the Quillbox Pro': a name the prompt must carry, checkably."""
    m = _QUOTED_NAME.search(attribute.removeprefix("The query"))
    if m is None:
        return None
    name = (m.group(1) or m.group(2)).strip()
    spec = Spec("post", (f"This is about the {name}.", f"I'm asking about the {name}.",
                         f"It concerns {name}."), re.escape(name))
    return Operator(f"mention:{name}", spec=spec)


def unrealisable(attributes: list[str] | tuple[str, ...]) -> list[str]:
    """The attributes the offline generator cannot write (and cannot check)."""
    return [a for a in attributes if operator_for(a) is None]
