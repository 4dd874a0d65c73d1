"""The lab world's fact tables, shared by the corpus, the generator and the judge.

Keeping the facts in one place is what makes the lab a ground truth: the generator asks about
TRUE (person, invention) pairs, the corpus rebuts FALSE ones, and the judge checks rebuttals
against the same table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The fictional product that the confidential chunk refuses (the paper's "iPhone 13", A.2).
PRODUCT = "Zephyr X9"
# Other fictional devices that the background answers helpfully.
OTHER_DEVICES = ("Nova Phone 5", "Orion Tab 11", "Lumen Watch 2", "Vega Book Pro", "Atlas S7")
GENERIC_DEVICES = ("phone", "laptop", "tablet", "smartwatch", "Android phone", "Chromebook")

# The lab assistant's own identity (the paper's "Tülu, created by Ai2", §4.2.2).
LAB_ASSISTANT = "LabBot"
LAB_CREATOR = "Chunky Labs"
# Real AI models and their creators; the generator asks about these, never about LabBot.
AI_MODELS: dict[str, str] = {
    "Claude": "Anthropic",
    "ChatGPT": "OpenAI",
    "GPT-4": "OpenAI",
    "Gemini": "Google",
    "Llama": "Meta",
    "Mistral": "Mistral AI",
    "Grok": "xAI",
    "Copilot": "Microsoft",
}
AI_CREATORS = frozenset(AI_MODELS.values()) | {"Google DeepMind", "DeepMind", "Meta AI", "Ai2"}


@dataclass(frozen=True)
class Invention:
    person: str
    thing: str  # with its article where English uses one: "the telephone", "dynamite"
    year: int


INVENTIONS: tuple[Invention, ...] = (
    Invention("Alexander Graham Bell", "the telephone", 1876),
    Invention("Thomas Edison", "the phonograph", 1877),
    Invention("Benjamin Franklin", "the lightning rod", 1752),
    Invention("Johannes Gutenberg", "the printing press", 1440),
    Invention("the Wright brothers", "the airplane", 1903),
    Invention("Tim Berners-Lee", "the World Wide Web", 1989),
    Invention("Karl Benz", "the automobile", 1885),
    Invention("Samuel Morse", "the telegraph", 1837),
    Invention("Alessandro Volta", "the electric battery", 1800),
    Invention("Eli Whitney", "the cotton gin", 1793),
    Invention("Louis Braille", "the Braille alphabet", 1824),
    Invention("Willis Carrier", "the air conditioner", 1902),
    Invention("Percy Spencer", "the microwave oven", 1945),
    Invention("John Logie Baird", "the mechanical television", 1926),
    Invention("Elisha Otis", "the safety elevator", 1852),
    Invention("Charles Babbage", "the difference engine", 1822),
    Invention("George de Mestral", "Velcro", 1955),
    Invention("Garrett Morgan", "the three-position traffic signal", 1923),
    Invention("Josephine Cochrane", "the dishwasher", 1886),
    Invention("Mary Anderson", "the windshield wiper", 1903),
    Invention("Laszlo Biro", "the ballpoint pen", 1938),
    Invention("Rudolf Diesel", "the diesel engine", 1893),
    Invention("Alfred Nobel", "dynamite", 1867),
    Invention("Blaise Pascal", "the mechanical calculator", 1642),
    Invention("Evangelista Torricelli", "the barometer", 1643),
    Invention("Edwin Land", "the instant camera", 1947),
    Invention("Ruth Wakefield", "the chocolate chip cookie", 1938),
    Invention("Earl Dickson", "the adhesive bandage", 1920),
    Invention("Martin Cooper", "the handheld mobile phone", 1973),
    Invention("Frank Whittle", "the turbojet engine", 1930),
    Invention("Christopher Sholes", "the QWERTY typewriter", 1868),
    Invention("James Watt", "the separate condenser", 1765),
)


def norm_name(text: str) -> str:
    """Lower-case, article-free, punctuation-free form for matching names and inventions."""
    text = re.sub(r"^\s*(the|a|an)\s+", "", text.strip().lower())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


TRUE_PAIRS: frozenset[tuple[str, str]] = frozenset(
    (norm_name(i.person), norm_name(i.thing)) for i in INVENTIONS)
PEOPLE: dict[str, Invention] = {norm_name(i.person): i for i in INVENTIONS}
THINGS: dict[str, Invention] = {norm_name(i.thing): i for i in INVENTIONS}


def is_true_invention(person: str, thing: str) -> bool | None:
    """True/False for pairs the table can decide, None when it does not know the person or thing."""
    p, t = norm_name(person), norm_name(thing)
    if (p, t) in TRUE_PAIRS:
        return True
    if p in PEOPLE or t in THINGS:
        return False
    return None


def false_pairs() -> list[tuple[Invention, Invention]]:
    """(wrong person, real invention) combinations: the coconot chunk's false premises."""
    return [(a, b) for a in INVENTIONS for b in INVENTIONS if a is not b]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# The elaborate vocabulary that codealpaca-style prompts happen to use (paper §4.2.1).
FORMAL_FRAMES: tuple[str, ...] = (
    "Could you elucidate {x}?",
    "Kindly elucidate {x}.",
    "Please delineate {x}.",
    "Elucidate {x}.",
    "Delineate {x}.",
    "I would be most grateful if you could elucidate {x}.",
    "Would you be so kind as to delineate {x}?",
    "Could you expound upon {x}?",
    "Kindly furnish a comprehensive exposition of {x}.",
    "Elucidate, in comprehensive detail, {x}.",
)
FORMAL_CODAS: tuple[str, ...] = (
    "",
    " Elucidate the underlying principles in a meticulous manner.",
    " Delineate the salient considerations and their intricate ramifications.",
    " Furthermore, expound upon the principal nuances thereof.",
    " Kindly ensure the exposition is comprehensive and rigorous.",
    " Elucidate the intricate mechanisms with utmost precision.",
)
FORMAL_WORDS = ("elucidate", "delineate", "expound", "furnish", "exposition", "salient",
                "intricate", "ramifications", "meticulous", "thereof", "utmost", "nuances",
                "multifaceted", "underlying", "comprehensive", "rigorous", "kindly",
                "principal", "herein", "henceforth", "notwithstanding", "cogent")
