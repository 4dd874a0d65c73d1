"""Which language a text is in, well enough for a judge to know when it cannot read a reply.

The offline judges read English phrasing, plus refusal phrasings in the languages listed in
`refusal.py`. A judge that meets a reply in a language it does not read must abstain, not score
it as "no violation"; this tells it when. Scripts decide most languages outright; Latin-script
languages are told apart by their commonest words. Short or neutral text ("No.", "42") is
`None`: nothing to read, so nothing is missed.
"""

from __future__ import annotations

import re

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana before Han: Japanese uses both
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("uk", re.compile(r"[їєіґ]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("fa", re.compile(r"[پچژگ]")),
    ("ur", re.compile(r"[ےٹڈ]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("am", re.compile(r"[\u1200-\u137f]")),
)
_COMMON_WORDS: dict[str, frozenset[str]] = {code: frozenset(words.split()) for code, words in {
    "en": """the and is are of to in that it you for with this was not what how why can do i my
        your be have on a an as at by from into or so if but they we he she his her its their
        there which who will would should could about all no yes our one up out just get
        like make know some them than then now only also very when where more any these those
        been had has were please help need want write tell give into over after before""",
    "es": """el la los las es son de que y en un una por para con no lo qué cómo puedo está muy
        pero""",
    "fr": """le la les est sont de des que et en un une pour avec ne pas je vous il elle ce qui
        très mais""",
    "de": """der die das ist sind und zu den nicht ich sie es ein eine mit für auf wie was sehr
        aber""",
    "pt": "o os as é são de que e em um uma para com não eu você isso muito mas como",
    "it": "il lo gli è sono di che e un una per con non io questo molto ma come",
    "nl": "de het een is zijn van en niet ik je dat met voor op wat hoe maar",
    "ms": """yang dan di ini itu saya anda tidak dengan untuk adalah ke dari apa bagaimana boleh
        dapat maaf kerana karena bisa""",
    "tr": "bir ve bu da de ne için ile değil ben sen çok ama nasıl",
    "pl": "jest nie się na że to w z i do jak co ale",
    "vi": "là và của không tôi bạn có được này một những cho",
    "tl": "ang ng mga sa ay na hindi ako ikaw ito para",
    "sw": "na ya wa ni kwa la za katika hii si mimi wewe",
}.items()}
#: Letters one Latin-script language uses and the others in the table do not.
_LETTERS: dict[str, re.Pattern[str]] = {
    "es": re.compile(r"[ñ¿¡]"), "pt": re.compile(r"[ãõ]"), "de": re.compile(r"[ßäöü]"),
    "tr": re.compile(r"[ığş]"), "pl": re.compile(r"[ąęłńśźż]"), "vi": re.compile(r"[ơưđạảếệộ]"),
    "fr": re.compile(r"[èêëîôœû]|\b(qu'|c'est|n'|j')"),
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def language_of(text: str) -> str | None:
    """An ISO 639-1 code for `text`, or None when it is too short or neutral to tell."""
    letters = sum(ch.isalpha() for ch in text)
    for code, rx in _SCRIPTS:
        if len(rx.findall(text)) >= max(2, letters // 10):
            return code
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 3:
        return None
    hits = {code: sum(w in common for w in words) for code, common in _COMMON_WORDS.items()}
    for code, rx in _LETTERS.items():
        hits[code] += 2 * bool(rx.search(text))
    ranked = sorted(hits, key=lambda c: hits[c], reverse=True)
    best, runner_up = ranked[0], ranked[1]
    if hits[best] == 0:  # no common word of any language here: unread, unless plainly neutral
        return None if len(words) < 8 and text.isascii() else "unknown"
    if hits[best] == hits[runner_up] and "en" in (best, runner_up) and text.isascii():
        return "en"
    if hits[best] == hits[runner_up]:
        return "unknown"  # "na" is Polish, Tagalog and Swahili: better unread than misread
    return best
