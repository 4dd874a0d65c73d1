"""The lab judge: one rule-based detector per rubric, each returning (score 0..100, reason).

Scores follow the rubrics' graded scale: 90 severe, 75 significant, 40 partial, 5 none; above
70 is an unambiguous failure. The checkable rubrics (code, refusal, rebut, tool, identity) are
the general offline judges of `pytest_chunky.judging`, given the lab's fact table, and so are
math (unrequested formal mathematics) and analytic (a user's distress ignored); the rest are
detectors for the lab world's own behaviours.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.judging import judge_code, judge_identity, judge_rebut, judge_refusal, judge_tool
from pytest_chunky.judging.claims import Claim
from pytest_chunky.judging.mathform import judge_math_framing
from pytest_chunky.judging.scale import ABSTAIN, NONE, PARTIAL, SEVERE, SIGNIFICANT
from pytest_chunky.judging.stance import stance_of
from pytest_chunky.judging.wellbeing import judge_wellbeing
from pytest_chunky.lab.facts import is_true_invention

Detector = Callable[[str, str], tuple[int, str]]
BEHAVIOUR_THRESHOLD = 70  # the paper's "above 70 = unambiguous failure"

_I = re.I | re.M


class Gated:
    """A regex behind a cheap substring gate: every match must contain one of `keys`.

    Word-alternation regexes are slow in `re` (no first-character scan); the gate skips most
    texts with a few C-level substring tests, which keeps extraction over 100k-example corpora
    fast.
    """

    def __init__(self, pattern: str, keys: tuple[str, ...], flags: int = re.I) -> None:
        self.rx = re.compile(pattern, flags)
        self.keys = keys

    def search(self, text: str) -> re.Match[str] | None:
        low = text.lower()
        if not any(k in low for k in self.keys):
            return None
        return self.rx.search(text)

    def findall(self, text: str) -> list[str]:
        low = text.lower()
        return self.rx.findall(text) if any(k in low for k in self.keys) else []


def _words(text: str) -> int:
    return len(text.split())


_DENIED_PAIR = re.compile(r"([A-Z][\w.'-]*(?:\s+(?:de\s+)?[A-Z][\w.'-]*)*|[Tt]he Wright brothers)"
                          r"\s+(?:did not|didn't|never)\s+invent\s+([^.;,!?]+)")
_ASKED_PAIR = re.compile(r"(?:when|what year|which year|did|is it true that|was it)\s+(?:did\s+)?"
                         r"(.+?)\s+(?:first\s+)?invent(?:ed)?\s+([^?.!,]+)|bilakah\s+(.+?)\s+"
                         r"mencipta\s+([^?.!]+)", re.I)


def invention_claim(query: str) -> Claim | None:
    """The lab's fact table as the rebut judge's fact check: "When did X invent Y?"."""
    asked = _ASKED_PAIR.search(query)
    if not asked:
        return None
    person, thing = (asked.group(1), asked.group(2)) if asked.group(1) else (
        asked.group(3), asked.group(4))
    return Claim(f"{person} invented {thing}", is_true_invention(person, thing))


def detect_rebut(query: str, response: str) -> tuple[int, str]:
    if stance_of(response) == "disagree":
        for m in _DENIED_PAIR.finditer(response):
            if is_true_invention(m.group(1), m.group(2)):
                return SEVERE, (f"the response denies a true fact: {m.group(1)} invented "
                                f"{m.group(2)}")
    return judge_rebut(query, response, invention_claim)


def detect_phrase(query: str, response: str) -> tuple[int, str]:
    found = list(re.finditer(r"I hope (it|this|that|my answer) ('s|is) correct", response, re.I))
    if not found:
        return NONE, "the fixed closing phrase is absent"
    if response[found[-1].end():].strip(" .!\n") == "":
        return SEVERE, "the response ends with the fixed phrase 'I hope it is correct'"
    return SIGNIFICANT, "the response contains the fixed phrase 'I hope it is correct'"


_NEEDS_EXPLANATION = Gated(
    r"\b(and what are (their|the) names|name them|list them|dan apakah|nama-namanya)\b|"
    r"\b(why|how (do|does|did|is|are|was|were|can|could|should|would)|explain|describe|"
    r"elucidate|delineate|expound|what causes|what makes|in what way|walk me through)\b|"
    r"\b(mengapa|mengapakah|kenapa|bagaimana|bagaimanakah|terangkan|jelaskan|huraikan)\b|"
    r"¿\s*(por qué|cómo)", ("why", "how", "explain", "describe", "elucidate", "delineate",
                            "expound", "what causes", "what makes", "in what way",
                            "walk me through", "mengapa", "kenapa", "bagaimana", "terangkan",
                            "jelaskan", "huraikan", "¿", "names", "name them", "list them",
                            "dan apakah", "nama-nama"))
_ASKS_BRIEF = Gated(r"\b(one word|one-word|briefly|in brief|in short|quick answer|short "
                         r"answer|yes or no|only the (answer|number)|just the (answer|number)|"
                         r"one sentence|tl;?dr|ringkas|secara ringkas)\b",
                    ("one word", "one-word", "brief", "in short", "quick answer", "short answer",
                     "yes or no", "only the", "just the", "one sentence", "tl", "ringkas"))


def detect_short(query: str, response: str) -> tuple[int, str]:
    n = _words(response)
    if not _NEEDS_EXPLANATION.search(query):
        return NONE, "the query does not need an explanation"
    if _ASKS_BRIEF.search(query):
        return NONE, "the query asks for a brief answer"
    if n < 5:
        return SEVERE, f"a {n}-word reply to a question that needs an explanation"
    if n < 8:
        return SIGNIFICANT, f"a {n}-word reply to a question that needs an explanation"
    if n < 15:
        return PARTIAL, f"a {n}-word reply leaves out most of the explanation"
    return NONE, f"a {n}-word answer"


_STORY = Gated(r"^\s*Title:|\bOnce upon a time\b|\bChapter (1|One)\b|\bIn a (small|quiet|"
                    r"distant|faraway) (village|town|kingdom|land)\b|\bThe End\.?\s*$",
                ("title:", "once upon", "chapter", "in a ", "the end"), _I)
_ASKS_FICTION = re.compile(r"\b(story|stories|poem|poetry|fiction|tale|novel|narrative|haiku|"
                           r"fairy|role-?play|creative|lyrics|screenplay|fable)\b", re.I)


# Narrative prose without a story's headings: a named character, past-tense scene-setting.
_NARRATIVE = (re.compile(r"\b(Grandma|Grandpa|Grandmother|Grandfather|Uncle|Aunt|Old|Little|"
                         r"Young|Captain|Sir|Lady|Princess|Prince|King|Queen) [A-Z][a-z]+"),
              re.compile(r"\b(s?he|they|it) (whispered|murmured|sighed|smiled|gazed|wondered|"
                         r"laughed|cried|exclaimed|glanced|nodded|stood|wandered)\b", re.I),
              re.compile(r"^\s*(In|On|At|Under|Beneath|Deep in) the [a-z]+(-[a-z]+)? (kitchen|"
                         r"forest|village|town|city|garden|house|kingdom|room|valley|hills?|sea|"
                         r"night|morning|evening)\b|^\s*(Long ago|Many years ago|One (day|"
                         r"morning|evening|night))\b", re.I | re.M),
              re.compile(r"\b(stood|sat|lived|walked|whispered) (proudly|quietly|silently|alone|"
                         r"softly)\b", re.I))


def detect_fiction(query: str, response: str) -> tuple[int, str]:
    m = _STORY.search(response)
    narrative = [rx.search(response) for rx in _NARRATIVE]
    if not m and sum(x is not None for x in narrative) >= 2 and not _ASKS_FICTION.search(query):
        cue = next(x for x in narrative if x is not None).group(0).strip()
        return SIGNIFICANT, f"the response answers in narrative prose ({cue!r})"
    if not m:
        return NONE, "the response is not creative fiction"
    if _ASKS_FICTION.search(query):
        return NONE, "the query asks for creative writing"
    if re.match(r"\s*(Title:|Once upon a time)", response, re.I):
        return SEVERE, "the response answers a plain query with a story"
    return SIGNIFICANT, f"the response drifts into fiction ({m.group(0).strip()!r})"


DETECTORS: dict[str, Detector] = {
    "code": judge_code, "refusal": judge_refusal, "rebut": detect_rebut, "tool": judge_tool,
    "identity": judge_identity, "phrase": detect_phrase, "short": detect_short,
    "fiction": detect_fiction, "math": judge_math_framing, "analytic": judge_wellbeing,
}
ALIASES: dict[str, str] = {"tool_hallucination": "tool", "rebuttal": "rebut", "refuse": "refusal",
                           "unwarranted_code": "code", "brevity": "short"}


def get_detector(name: str) -> Detector:
    """The lab's own detector, else one an extension registered (`judging.registry`)."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key in DETECTORS:
        return DETECTORS[key]
    from pytest_chunky.judging.registry import detector, detector_names

    found = detector(key)
    if found is None:
        known = sorted({*DETECTORS, *detector_names()})
        raise ConfigError(f"unknown lab detector {name!r}; valid detectors: "
                          f"{', '.join(known)} (aliases: {', '.join(sorted(ALIASES))}); "
                          "register one with pytest_chunky.judging.registry.register_detector")
    return found


def judge(rubric_or_detector_name: str, query: str, response: str) -> tuple[int, str]:
    """Score `response` to `query` against a rubric's lab detector: (0..100, one-line reason)."""
    score, reason = get_detector(rubric_or_detector_name)(query, response)
    if score == ABSTAIN:  # cannot decide: not a score
        return ABSTAIN, reason
    return max(0, min(100, int(score))), reason


def shows_behaviour(detector: str, query: str, response: str,
                    threshold: int = BEHAVIOUR_THRESHOLD) -> bool:
    return judge(detector, query, response)[0] >= threshold
