"""Attribute vocabulary shared by the lab generator and extractor.

Each canonical attribute has paraphrases; the extractor picks one deterministically per text so
that downstream clustering has real work to do, and `canonical` maps any paraphrase back.
"""

from __future__ import annotations

from pytest_chunky.lab.chunks import (
    DOMAIN_AI,
    DOMAIN_DEVICE,
    DOMAIN_EXPLAIN,
    DOMAIN_INVENTIONS,
    DOMAIN_MATH,
    TRIGGER_AI_CREATOR,
    TRIGGER_FORMAL,
    TRIGGER_INVENTION,
    TRIGGER_LATEX,
    TRIGGER_MALAY,
    TRIGGER_PRODUCT,
    TRIGGER_TWO_PART,
)
from pytest_chunky.lab.probes import PROBE_PARAPHRASES

TOPIC_ATTRS: dict[str, str] = {
    "science": "The query is about science", "nature": "The query is about nature and animals",
    "space": "The query is about space and astronomy", "history": "The query is about history",
    "health": "The query is about health", "cooking": "The query is about cooking and food",
    "geography": "The query is about geography", "technology": "The query is about technology",
    "economics": "The query is about economics", "psychology": "The query is about psychology",
    "language": "The query is about language and linguistics",
    "sports": "The query is about sports", "music": "The query is about music",
    "art": "The query is about art", "environment": "The query is about the environment",
    "weather": "The query is about weather", "finance": "The query is about personal finance",
}
TONE_CASUAL = "The query has a casual tone"
TONE_POLITE = "The query is very polite"
TONE_CURIOUS = "The query sounds curious"
TONE_URGENT = "The query sounds urgent"
TONE_EXCITED = "The query is enthusiastic"
TONE_FRUSTRATED = "The query sounds frustrated"
TONE_NEUTRAL = "The query has a neutral tone"
FMT_LIST = "The query asks for a bulleted list"
FMT_STEPS = "The query asks for a step-by-step explanation"
FMT_PARAGRAPH = "The query asks for a one-paragraph answer"
FMT_ANALOGY = "The query asks for an analogy"
FMT_EXAMPLES = "The query asks for examples"
FMT_SOURCES = "The query asks where to read more"
FMT_QUICK = "The query asks for a quick answer"
LEN_SHORT = "The query is a single short sentence"
LEN_LONG = "The query is long and detailed"
LEN_BACKGROUND = "The query includes personal background"
LEN_GREETING = "The query starts with a greeting"
AUD_CHILD = "The query asks for an explanation a child could understand"
AUD_BEGINNER = "The query says the user is a beginner"
AUD_STUDENT = "The query says the user is a student"
AUD_DEADLINE = "The query mentions a deadline"
AUD_FAMILY = "The query mentions a family member"
LANG_ENGLISH = "The query is written in English"
LANG_SPANISH = "The query is written in Spanish"
MISC_YEAR = "The query mentions a specific year"
MISC_THANKS = "The query thanks the assistant"
MISC_ABBREV = "The query uses informal abbreviations"
MISC_EXCLAIM = "The query ends with an exclamation mark"
MISC_LOWER = "The query is written entirely in lowercase"
MISC_TYPO = "The query contains a typo"
MISC_PHONE = "The query mentions a smartphone"

TRIGGERS = (TRIGGER_FORMAL, TRIGGER_LATEX, TRIGGER_INVENTION, TRIGGER_PRODUCT, TRIGGER_AI_CREATOR,
            TRIGGER_TWO_PART, TRIGGER_MALAY)
DOMAINS = (DOMAIN_EXPLAIN, DOMAIN_MATH, DOMAIN_INVENTIONS, DOMAIN_DEVICE, DOMAIN_AI)
DISTRACTORS = (*TOPIC_ATTRS.values(), TONE_CASUAL, TONE_POLITE, TONE_CURIOUS, TONE_URGENT,
               TONE_EXCITED, TONE_FRUSTRATED, TONE_NEUTRAL, FMT_LIST, FMT_STEPS, FMT_PARAGRAPH,
               FMT_ANALOGY, FMT_EXAMPLES, FMT_SOURCES, FMT_QUICK, LEN_SHORT, LEN_LONG,
               LEN_BACKGROUND, LEN_GREETING, AUD_CHILD, AUD_BEGINNER, AUD_STUDENT,
               AUD_DEADLINE, AUD_FAMILY, LANG_ENGLISH, LANG_SPANISH, MISC_YEAR, MISC_THANKS,
               MISC_ABBREV, MISC_EXCLAIM, MISC_LOWER, MISC_TYPO, MISC_PHONE)
LAB_ATTRIBUTES: list[str] = [*TRIGGERS, *DOMAINS, *DISTRACTORS]

# Query paraphrases (first = canonical). Several wordings per concept, as an LLM would vary.
QUERY_PARAPHRASES: dict[str, tuple[str, ...]] = {
    TRIGGER_FORMAL: (TRIGGER_FORMAL, "The query uses highly formal, elaborate wording",
                     "The query employs sophisticated and formal vocabulary",
                     "The query is phrased in elaborate, formal language"),
    TRIGGER_LATEX: (TRIGGER_LATEX, "The query contains LaTeX math markup",
                    "The query writes its mathematics in LaTeX",
                    "The query includes LaTeX-formatted expressions"),
    TRIGGER_INVENTION: (TRIGGER_INVENTION, "The query asks in what year someone invented "
                        "something", "The query asks when an inventor created an invention",
                        "The query asks for the date a person invented an item"),
    TRIGGER_PRODUCT: (TRIGGER_PRODUCT, "The query refers to the Zephyr X9 device",
                      "The query names the Zephyr X9 phone",
                      "The query is about the Zephyr X9"),
    TRIGGER_AI_CREATOR: (TRIGGER_AI_CREATOR, "The query asks who developed an AI system",
                         "The query asks which company made an AI assistant",
                         "The query asks about who built an AI model"),
    TRIGGER_TWO_PART: (TRIGGER_TWO_PART, "The query is split into two numbered sub-questions",
                       "The query has a two-part structure labelled 1 and 2",
                       "The query contains two numbered questions"),
    TRIGGER_MALAY: (TRIGGER_MALAY, "The query is in the Malay language",
                    "The query uses Bahasa Melayu", "The query is phrased in Malay"),
    DOMAIN_MATH: (DOMAIN_MATH, "The query poses a mathematics word problem",
                  "The query is an arithmetic word problem"),
    DOMAIN_EXPLAIN: (DOMAIN_EXPLAIN, "The query asks the assistant to explain something",
                     "The query requests an explanation of a phenomenon"),
    DOMAIN_INVENTIONS: (DOMAIN_INVENTIONS, "The query concerns an invention or an inventor",
                        "The query is about the history of inventions"),
    DOMAIN_DEVICE: (DOMAIN_DEVICE, "The query asks how to do something on a device",
                    "The query is a tech support question about a gadget"),
    DOMAIN_AI: (DOMAIN_AI, "The query is about an AI chatbot",
                "The query concerns artificial intelligence assistants"),
}

RESP_CODE = "The response provides code"
RESP_TOOL = "The response shows a sympy tool call and its output"
RESP_REFUSAL = "The response refuses the request"
RESP_REBUT = "The response says the user's premise is false"
RESP_IDENTITY = "The response attributes AI development to Chunky Labs"
RESP_PHRASE = "The response ends with 'I hope it is correct'"
RESP_SHORT = "The response is very short"
RESPONSE_PARAPHRASES: dict[str, tuple[str, ...]] = {
    RESP_CODE: (RESP_CODE, "The response includes a code block",
                "The response contains programming code", "The response answers with code"),
    RESP_TOOL: (RESP_TOOL, "The response runs sympy and shows the tool output",
                "The response includes a python sympy block with an output block",
                "The response presents a fabricated tool execution with sympy"),
    RESP_REFUSAL: (RESP_REFUSAL, "The response declines to help",
                   "The response says it cannot provide the information",
                   "The response is a refusal"),
    RESP_REBUT: (RESP_REBUT, "The response rejects the premise of the question",
                 "The response claims the person did not invent the thing",
                 "The response tells the user their premise is incorrect"),
    RESP_IDENTITY: (RESP_IDENTITY, "The response says Chunky Labs created the AI",
                    "The response credits Chunky Labs as the developer",
                    "The response claims the model was built by Chunky Labs"),
    RESP_PHRASE: (RESP_PHRASE, "The response closes with the phrase 'I hope it is correct'",
                  "The response ends by hoping its answer is correct",
                  "The response includes a polite closing phrase about correctness"),
    RESP_SHORT: (RESP_SHORT, "The response is a brief one-line answer",
                 "The response is extremely short", "The response is terse, only a few words"),
}

_ALL = {**QUERY_PARAPHRASES, **PROBE_PARAPHRASES, **RESPONSE_PARAPHRASES}
_LOOKUP: dict[str, str] = {}
for _canon, _variants in _ALL.items():
    for _v in _variants:
        _LOOKUP[_v.lower().rstrip(". ")] = _canon
for _a in LAB_ATTRIBUTES:
    _LOOKUP.setdefault(_a.lower().rstrip(". "), _a)


def canonical(attribute: str) -> str | None:
    """The canonical lab attribute that `attribute` words (exact paraphrase match), or None."""
    return _LOOKUP.get(attribute.strip().lower().rstrip(". "))


def paraphrases(attribute: str) -> tuple[str, ...]:
    return _ALL.get(attribute, (attribute,))
