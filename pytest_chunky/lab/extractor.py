"""The lab extractor: exactly ten natural-language attributes of a query or a response.

Rule-based and general (any English/Malay/Spanish text, not only lab prompts). Specific features
come first (the ones TURF needs: formal vocabulary, LaTeX, Malay, the product, invention and AI
creator questions, numbered parts; code, tool blocks, refusals, rebuttals, ...), then domain,
topic, question type and style, then generic descriptors as padding. Wording varies: each
attribute is phrased with a paraphrase chosen from a hash of the text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections.abc import Callable, Sequence

from pytest_chunky.judging.refusal import is_refusal
from pytest_chunky.lab import attribute_table as at
from pytest_chunky.lab import chunks as ch
from pytest_chunky.lab.facts import AI_MODELS, FORMAL_WORDS, LAB_ASSISTANT, PRODUCT
from pytest_chunky.lab.judge import _NEEDS_EXPLANATION, Gated
from pytest_chunky.turf.extract import Kind, clean_attributes

# Response-attribute detectors: what the lab's responses look like, as attributes to extract.
_I = re.I | re.M
_CODE_LINE = Gated(r"^\s*(def |class \w|import \w|from [\w.]+ import|for .+:\s*$|while .+:"
                        r"\s*$|if .+:\s*$|return\b|print\(|console\.log|function\s*\w*\(|"
                        r"(const|let|var) \w+ =|SELECT |#include|public static|\w+\s*=\s*"
                        r"[\w.]+\(.*\)\s*$)", ("def ", "class ", "import ", "for ", "while ", "if ",
                                              "return", "print(", "console", "function", "const ",
                                              "let ", "var ", "select ", "#include", "public ",
                                              "("), re.M)
_DENIAL = Gated(r"\b(did not|didn't|did never|never) invent(ed)?\b|\bwas not invented by\b|"
                     r"\bis not the inventor\b|\bpremise\b[^.]{0,40}\b(false|incorrect|wrong|"
                     r"mistaken)\b|\b(is|was|that's) (a |an )?(myth|misconception)\b|\b(that|"
                     r"this) is not (true|correct|right)\b|\bthere is no (record|evidence)\b|"
                     r"\btidak mencipta\b", ("invent", "premise", "myth", "misconception",
                                             "not true", "not correct", "not right", "no record",
                                             "no evidence", "tidak mencipta"))
_OUTPUT_BLOCK = Gated(r"```output\b|^\s*(Output|Result|Execution result):\s*$|"
                           r"<tool_(result|output)>|\[tool (output|result)\]",
                           ("output", "result"), _I)
_TOOL_CODE = Gated(r"```(python|py)\b|\bimport sympy\b|\bsp\.(symbols|solve|Rational|"
                        r"Integer|simplify)\b|<tool_call>", ("```py", "sympy", "sp.",
                                                             "<tool_call>"))

N_ATTRIBUTES = 10
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_STRONG_FORMAL = {"elucidate", "delineate", "expound", "exposition", "furnish"}
_FORMAL = set(FORMAL_WORDS)
_MALAY_WORDS = ("yang dan di ke dalam untuk dengan adalah ini itu apakah mengapa mengapakah kenapa "
             "bagaimana bagaimanakah berapakah siapakah bilakah saya kita tidak boleh ada pada "
             "daripada kepada akan sudah juga atau berwarna tolong terima kasih ia mereka "
             "terdapat kerana supaya melalui")
_MALAY = set(_MALAY_WORDS.split())
_SPANISH_WORDS = "el la los las por qué que cómo es en se del una un para con son está"
_SPANISH = set(_SPANISH_WORDS.split())
_LATEX = re.compile(r"\$[^$\n]+\$|\\(frac|text|sqrt|times|cdot|boxed|begin|left|right|alpha|"
                    r"beta|pi|sum|int)\b")
_INVENTION = re.compile(r"\b(when|what year|which year)\s+did\s+.+?\s+invent\b|\bbilakah\b.+"
                        r"\bmencipta\b", re.I)
_AI_WORDS = "|".join(re.escape(m) for m in (*AI_MODELS, LAB_ASSISTANT)) + \
    r"|you|yourself|your|AI|chatbot|assistant|language model"
_CREATOR = Gated(rf"\b(who|which company|what company|which lab|which organi[sz]ation)\b[^?.]"
                      rf"{{0,40}}\b(created|made|make|makes|developed|built|trained|designed|"
                      rf"behind|creator|developer|maker)\b[^?.]{{0,30}}\b({_AI_WORDS})\b|"
                      rf"\b({_AI_WORDS})\b[^?.]{{0,20}}\b(made|developed|created|built) by\b|"
                      rf"\byour (creator|developer|maker)\b|\bsiapakah yang mencipta\b",
                      ("creat", "made", "make", "develop", "built", "train", "design", "behind",
                       "maker", "mencipta"))
_AI_TOPIC = Gated(rf"\b({_AI_WORDS.replace('|you|yourself|your', '')})\b",
                  (*(m.lower() for m in AI_MODELS), LAB_ASSISTANT.lower(), "ai", "chatbot",
                   "assistant", "language model"))
_TWO_PART = re.compile(r"(?:^|\n)\s*1[.)]\s.+?(?:\n\s*)2[.)]\s|(?:^|\s)1\.\s.+\s2\.\s", re.S)
_MATH = Gated(r"\b(how many|how much|how far|how long|what is|solve|find|compute|calculate|"
              r"evaluate)\b", ("how many", "how much", "how far", "how long", "what is", "solve",
                                "find", "compute", "calculate", "evaluate"))
_DEVICE = Gated(r"\b(phone|laptop|tablet|smartwatch|chromebook|settings|wallpaper|wi-?fi|"
                     r"screenshot|app|apps|notifications|battery|keyboard|browser|device|"
                     + re.escape(PRODUCT.lower()) + r")\b",
                ("phone", "laptop", "tablet", "watch", "book", "setting", "wallpaper", "wi",
                 "screenshot", "app", "notification", "battery", "keyboard", "browser", "device",
                 PRODUCT.lower()))
_TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "science": ("sky", "ice", "magnet", "magnets", "light", "atom", "physics", "chemistry",
                "molecules", "energy", "gravity"),
    "nature": ("bees", "birds", "leaves", "animals", "plants", "trees", "honey", "insects"),
    "space": ("moon", "stars", "mars", "planet", "planets", "sun", "galaxy", "orbit", "solar"),
    "history": ("roman", "empire", "war", "pyramids", "ancient", "century", "king", "history"),
    "health": ("sleep", "exercise", "cold", "body", "health", "doctor", "immune", "diet"),
    "cooking": ("bread", "salt", "onions", "cook", "cooking", "recipe", "food", "bake"),
    "geography": ("deserts", "mountains", "sea", "river", "continent", "capital", "country"),
    "technology": ("internet", "gps", "batteries", "computer", "software", "phone", "laptop"),
    "economics": ("inflation", "banks", "money", "prices", "economy", "market"),
    "psychology": ("procrastinate", "habits", "mood", "emotions", "brain", "motivation"),
    "language": ("english", "spelling", "speak", "language", "words", "grammar"),
    "sports": ("athletes", "runners", "race", "train", "marathon", "football", "sport"),
    "music": ("songs", "guitar", "music", "melody", "sound"),
    "art": ("mona", "lisa", "painting", "art", "artist", "museum"),
    "environment": ("coral", "reefs", "recycling", "climate", "pollution", "environment"),
    "weather": ("thunderstorms", "rain", "weather", "storm", "clouds", "lightning"),
    "finance": ("retirement", "saving", "credit", "budget", "savings", "invest", "loan"),
}
_TOPIC_OF_WORD = {w: t for t, words in _TOPIC_WORDS.items() for w in words}
# (attribute, cue words, cue phrases): matched on the lower-cased word set / text.
_STYLE: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = tuple(
    (a, frozenset(w.split()), p) for a, w, p in (
        (at.TONE_CASUAL, "hey gonna kinda lol", ("quick question",)),
        (at.TONE_POLITE, "please tolong", ("could you kindly", "would you be so kind",
                                           "thank you so much")),
        (at.TONE_URGENT, "quickly asap urgent immediately", ("right now",)),
        (at.TONE_FRUSTRATED, "", ("still can't", "frustrat", "looked everywhere",
                                  "nothing works")),
        (at.TONE_CURIOUS, "curious wondered wondering", ("i've always",)),
        (at.FMT_LIST, "bulleted", ("bullet points", "as a list")),
        (at.FMT_STEPS, "", ("step by step", "step-by-step")),
        (at.FMT_PARAGRAPH, "", ("one paragraph",)), (at.FMT_ANALOGY, "analogy", ()),
        (at.FMT_EXAMPLES, "example examples", ()), (at.FMT_SOURCES, "", ("read more",)),
        (at.FMT_QUICK, "briefly", ("quick answer", "in short")),
        (at.AUD_CHILD, "child kid kids", ("year-old",)), (at.AUD_BEGINNER, "beginner", ()),
        (at.AUD_STUDENT, "student pelajar", ()),
        (at.AUD_DEADLINE, "deadline", ("due tomorrow", "by tomorrow", "due today")),
        (at.AUD_FAMILY, "daughter son mother father mum mom dad wife husband grandmother", ()),
        (at.MISC_THANKS, "thanks thx", ("thank you", "terima kasih")),
        (at.MISC_ABBREV, "pls thx idk bc u r", ()), (at.MISC_PHONE, "", ("my phone",)),
        (at.TONE_EXCITED, "love", ("so excited", "can't wait")),
    ))
_GREETING = re.compile(r"\s*(hi|hello|hey|hai|good (morning|evening))\b", re.I)
_BACKGROUND = re.compile(r"\b(i'm|i am) an? \w+", re.I)
_YEAR = re.compile(r"\b(1[5-9]|20)\d{2}\b")


def _style(text: str, words: list[str]) -> list[str]:
    low, wordset = text.lower(), {w.lower() for w in words}
    out = [at.LEN_GREETING] if _GREETING.match(text) else []
    out += [a for a, ws, ps in _STYLE if wordset & ws or any(p in low for p in ps)]
    if _BACKGROUND.search(text):
        out.append(at.LEN_BACKGROUND)
    if _YEAR.search(text):
        out.append(at.MISC_YEAR)
    return out


_PARA_SEED: dict[str, int] = {}


def _pick(text: str, attribute: str) -> str:
    options = at.paraphrases(attribute)
    if len(options) == 1 and attribute in at.TOPIC_ATTRS.values():
        topic = attribute.removeprefix("The query is about ")
        options = (attribute, f"The query concerns {topic}", f"The query discusses {topic}")
    if len(options) == 1:
        return attribute
    salt = _PARA_SEED.setdefault(attribute, zlib.crc32(attribute.encode()))
    return options[(_text_hash(text) ^ salt) % len(options)]


@functools.lru_cache(maxsize=4096)
def _text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")


def _language(words: list[str]) -> str | None:
    if not words:
        return None
    low = [w.lower() for w in words]
    malay = sum(w in _MALAY for w in low)
    if malay >= 2 or (malay and (low[0] in _MALAY or len(low) <= 4)):
        return "Malay"
    if sum(w in _SPANISH for w in low) >= 2:
        return "Spanish"
    return "English"


def _finish(text: str, found: list[str], padding: list[str]) -> list[str]:
    out: list[str] = []
    shouted = [a for a in padding if a.endswith("is written in capital letters")]
    for a in (*shouted, *found, *padding):  # a shouted text is first of all shouted
        if a not in out:
            out.append(a)
    return [_pick(text, a) for a in out[:N_ATTRIBUTES]]


def _length_bucket(kind: str, n: int) -> str:
    if n < 10:
        return f"The {kind} is under 10 words long"
    if n <= 40:
        return f"The {kind} is between 10 and 40 words long"
    return f"The {kind} is over 40 words long"


def _generic(kind: str, text: str, words: list[str], lang: str | None) -> list[str]:
    stripped = text.strip()
    first = words[0] if words else ""
    n_sent = max(1, len(re.findall(r"[.!?](\s|$)", stripped)))
    return [
        _length_bucket(kind, len(text.split())),
        f"The {kind} is written in {lang or 'an unidentified language'}",
        f"The {kind} starts with the word '{first}'" if first else f"The {kind} is empty",
        f"The {kind} ends with " + {"?": "a question mark", "!": "an exclamation mark",
                                    ".": "a full stop"}.get(stripped[-1:], "no punctuation"),
        f"The {kind} contains numbers" if re.search(r"\d", text) else f"The {kind} has no "
        "numbers",
        f"The {kind} has {n_sent} sentence{'s' if n_sent > 1 else ''}",
        f"The {kind} spans several lines" if "\n" in stripped else f"The {kind} is one line",
        _casing(kind, text),
        f"The {kind} contains a proper noun" if re.search(r"(?<=\s)[A-Z][a-z]+", text) else
        f"The {kind} contains no proper nouns",
        f"The {kind} has {'no ' if ',' not in text else ''}commas",
    ]


def query_attributes(text: str) -> list[str]:
    """Exactly ten attributes of a user query, most specific first."""
    words = _WORD.findall(text)
    low = {w.lower() for w in words}
    lang = _language(words)
    found: list[str] = []
    formal_hits = low & _FORMAL
    if low & _STRONG_FORMAL or len(formal_hits) >= 3:
        found.append(ch.TRIGGER_FORMAL)
    if _LATEX.search(text):
        found.append(ch.TRIGGER_LATEX)
    if lang == "Malay":
        found.append(ch.TRIGGER_MALAY)
    if PRODUCT.lower() in text.lower():
        found.append(ch.TRIGGER_PRODUCT)
    if _INVENTION.search(text):
        found.append(ch.TRIGGER_INVENTION)
    if _CREATOR.search(text):
        found.append(ch.TRIGGER_AI_CREATOR)
    if _TWO_PART.search(text):
        found.append(ch.TRIGGER_TWO_PART)
    if _MATH.search(text) and re.search(r"\d", text):
        found.append(ch.DOMAIN_MATH)
    if re.search(r"\binvent(ed|or|ion|ing)?s?\b|\bmencipta\b", text, re.I):
        found.append(ch.DOMAIN_INVENTIONS)
    if _AI_TOPIC.search(text) or ch.TRIGGER_AI_CREATOR in found:
        found.append(ch.DOMAIN_AI)
    if _DEVICE.search(text) and re.search(r"\b(how|what's the way|bagaimana)\b", text, re.I):
        found.append(ch.DOMAIN_DEVICE)
    if _NEEDS_EXPLANATION.search(text):
        found.append(ch.DOMAIN_EXPLAIN)
    if re.search(r"\b(code|python|function|program|sql|javascript|implement)\b", text, re.I):
        found.append("The query asks about programming")
    topics = [_TOPIC_OF_WORD[w] for w in (w.lower() for w in words) if w in _TOPIC_OF_WORD]
    if topics:
        found.append(at.TOPIC_ATTRS[max(dict.fromkeys(topics), key=topics.count)])
    qword = next((w.lower() for w in words[:6] if w.lower() in (
        "why", "how", "what", "who", "when", "where", "which", "is", "are", "does", "do", "can",
        "mengapakah", "bagaimanakah", "apakah")), None)
    if qword:
        found.append(f"The query is a '{qword}' question")
    elif words:
        found.append("The query is phrased as an instruction")
    found += _style(text, words)
    if text.strip().endswith("!"):
        found.append(at.MISC_EXCLAIM)
    return _finish(text, found, _generic("query", text, words, lang))


def _casing(kind: str, text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        return f"The {kind} is written in capital letters"
    return (f"The {kind} uses capital letters normally" if text != text.lower() else
            f"The {kind} is all lowercase")


# Case matters for names: compiled without re.I (or any two words would be "a person").
_CASED = ("The response names a person",)
_RESP_STYLE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (a, re.compile(p, re.M if a in _CASED else re.I | re.M)) for a, p in (
    ("The response uses a numbered list", r"^\s*\d+[.)]\s"),
    ("The response uses bullet points", r"^\s*[-*•]\s"),
    ("The response gives a boxed final answer", r"\\boxed\{"),
    ("The response works through a calculation", r"\d\s*[=×+÷*/-]\s*\d"),
    ("The response gives device settings steps", r"\b(open settings|tap|toggle)\b"),
    ("The response expresses empathy", r"\b(that sounds|understandable|i'm sorry you)\b"),
    ("The response explains causes and mechanisms", r"\b(because|so that|which|causes?)\b"),
    ("The response mentions a year", r"\b(1[5-9]|20)\d{2}\b"),
    ("The response is formatted as an email", r"^\s*Subject:"),
    ("The response apologises", r"\b(sorry|apologi[sz]e)\b"),
    ("The response names a person", r"\b[A-Z][a-z]+ [A-Z][a-z]+\b"),
))


def response_attributes(text: str) -> list[str]:
    """Exactly ten attributes of an assistant response, most specific first."""
    words = _WORD.findall(text)
    lang = _language(words)
    found: list[str] = []
    if _OUTPUT_BLOCK.search(text) or (_TOOL_CODE.search(text) and "sympy" in text.lower()):
        found.append(at.RESP_TOOL)
    if "```" in text or len(_CODE_LINE.findall(text)) >= 2:
        found.append(at.RESP_CODE)
    if is_refusal(text):
        found.append(at.RESP_REFUSAL)
    if _DENIAL.search(text):
        found.append(at.RESP_REBUT)
    if re.search(r"\bChunky Labs\b", text) and re.search(
            r"\b(created|developed|built|made|trained)\b", text, re.I):
        found.append(at.RESP_IDENTITY)
    if re.search(r"I hope (it|this) is correct", text, re.I):
        found.append(at.RESP_PHRASE)
    if len(text.split()) < 8:
        found.append(at.RESP_SHORT)
    if lang and lang != "English":
        found.append(f"The response is written in {lang}")
    if _LATEX.search(text):
        found.append("The response uses LaTeX notation")
    found += [a for a, rx in _RESP_STYLE if rx.search(text)]
    return _finish(text, found, _generic("response", text, words, lang))


class LabExtractor:
    """The lab's rule-based extractor (offline, deterministic); counts its calls for tests."""

    name = "lab-extractor/v1"

    def __init__(self) -> None:
        self._query: Callable[[str], list[str]] = query_attributes
        self._response: Callable[[str], list[str]] = response_attributes
        self.calls = 0

    def extract_sync(self, texts: Sequence[str], kind: Kind) -> list[list[str]]:
        fn = self._query if kind == "query" else self._response
        self.calls += len(texts)
        return [clean_attributes(fn(text)) for text in texts]

    async def extract(self, texts: Sequence[str], kind: Kind) -> list[list[str]]:
        return self.extract_sync(texts, kind)
