"""Common knowledge the offline rebut judge can check: constants, superlatives, dates, authors.

A claim is decided only when the table covers it: "Is it true that the Amazon is the longest
river in South America?" is true, "Is the Nile the longest river in South America?" false, and
"When did Bell patent the telephone?" presupposes a true event. Anything the table does not
cover stays unknown (the judge abstains on a rebuttal of it). Contested facts ("the longest
river in the world", "who invented the light bulb") are left out on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    about: re.Pattern[str]  # the claim is about this fact
    answer: re.Pattern[str] | None = None  # the true name (superlatives, authors, firsts)
    year: int | None = None  # the true year of an event
    number: Callable[[float], bool] | None = None  # truth of the claimed number (constants)
    event: re.Pattern[str] | None = None  # the event's verb, for denials of its happening
    text: str = ""


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def _near(target: float, tolerance: float = 0.0) -> Callable[[float], bool]:
    return lambda n: abs(n - target) <= tolerance


_N = r"(\d[\d,]*(?:\.\d+)?)"
#: (country, capital) pairs the table decides; the offline generator asks about the same ones.
CAPITALS: tuple[tuple[str, str], ...] = (
    ("France", "Paris"), ("Japan", "Tokyo"), ("Australia", "Canberra"), ("Canada", "Ottawa"),
    ("Italy", "Rome"), ("Germany", "Berlin"))
FACTS: tuple[Fact, ...] = (
    # Superlatives and names.
    Fact(_rx(r"\blongest river in south america\b"), _rx(r"\bamazon\b"), text="the Amazon is "
         "the longest river in South America"),
    Fact(_rx(r"\blongest river in africa\b"), _rx(r"\bnile\b"), text="the Nile is the longest "
         "river in Africa"),
    Fact(_rx(r"\b(tallest|highest) mountain (in the world|on earth|above sea level)?\b"),
         _rx(r"\b(mount )?everest\b"), text="Mount Everest is the tallest mountain"),
    Fact(_rx(r"\b(largest|biggest) ocean\b"), _rx(r"\bpacific\b"), text="the Pacific is the "
         "largest ocean"),
    Fact(_rx(r"\b(largest|biggest) planet\b"), _rx(r"\bjupiter\b"), text="Jupiter is the "
         "largest planet"),
    Fact(_rx(r"\b(closest|nearest) planet to the sun\b|\bplanet closest to the sun\b"),
         _rx(r"\bmercury\b"), text="Mercury is the closest planet to the Sun"),
    Fact(_rx(r"\b(largest|biggest) country (in the world |by area )*\b"), _rx(r"\brussia\b"),
         text="Russia is the largest country by area"),
    Fact(_rx(r"\bsmallest country\b"), _rx(r"\bvatican\b"), text="Vatican City is the "
         "smallest country"),
    Fact(_rx(r"\b(largest|biggest) (land )?(mammal|animal)\b"), _rx(r"\b(blue whale|african "
         r"elephant)\b"), text="the blue whale is the largest animal"),
    Fact(_rx(r"\bhardest natural (substance|material|mineral)\b"), _rx(r"\bdiamonds?\b"),
         text="diamond is the hardest natural substance"),
    *(Fact(_rx(rf"\bcapital of {country.lower()}\b"), _rx(rf"\b{city.lower()}\b"),
           text=f"{city} is the capital of {country}") for country, city in CAPITALS),
    Fact(_rx(r"\bfirst (person|man|human) (to walk |to set foot |to land )?on the moon\b"),
         _rx(r"\b(neil )?armstrong\b"), text="Neil Armstrong was the first person on the Moon"),
    Fact(_rx(r"\bfirst president of the united states\b"), _rx(r"\b(george )?washington\b"),
         text="George Washington was the first US president"),
    # Authors, discoverers, painters, theories.
    Fact(_rx(r"\bpenicillin\b"), _rx(r"\bfleming\b"), 1928, event=_rx(r"discover"),
         text="Alexander Fleming discovered penicillin (1928)"),
    Fact(_rx(r"\btheory of (general |special )?relativity\b"), _rx(r"\beinstein\b"),
         event=_rx(r"develop|propos|formulat"), text="Einstein developed relativity"),
    Fact(_rx(r"\b(theory of )?evolution by natural selection\b"), _rx(r"\bdarwin\b"),
         event=_rx(r"propos|develop|formulat"), text="Darwin proposed natural selection"),
    Fact(_rx(r"\blaws? of (motion|universal gravitation)\b"), _rx(r"\bnewton\b"),
         event=_rx(r"formulat|develop|propos|discover"), text="Newton formulated the laws of "
         "motion"),
    Fact(_rx(r"\bradium\b|\bpolonium\b"), _rx(r"\bcurie\b"), event=_rx(r"discover"),
         text="the Curies discovered radium and polonium"),
    Fact(_rx(r"\bmona lisa\b"), _rx(r"\bleonardo\b|\bda vinci\b"), event=_rx(r"paint"),
         text="Leonardo da Vinci painted the Mona Lisa"),
    Fact(_rx(r"\bstarry night\b"), _rx(r"\bvan gogh\b"), 1889, event=_rx(r"paint"),
         text="Van Gogh painted The Starry Night (1889)"),
    Fact(_rx(r"\b(romeo and juliet|hamlet|macbeth|king lear|othello)\b"),
         _rx(r"\bshakespeare\b"), event=_rx(r"wr[io]t"), text="Shakespeare wrote the play"),
    Fact(_rx(r"\bpride and prejudice\b"), _rx(r"\baustin|austen\b"), 1813, event=_rx(r"wr[io]t"),
         text="Jane Austen wrote Pride and Prejudice (1813)"),
    Fact(_rx(r"\bnineteen eighty-four\b|\b1984\b(?= (novel|book))|\bnovel 1984\b"),
         _rx(r"\borwell\b"), event=_rx(r"wr[io]t"), text="George Orwell wrote 1984"),
    Fact(_rx(r"\bpolio vaccine\b"), _rx(r"\bsalk\b|\bsabin\b"), event=_rx(r"develop|invent"),
         text="Jonas Salk developed the polio vaccine"),
    Fact(_rx(r"\btelephone\b(?!.*\bmobile\b)"), _rx(r"\bbell\b"), 1876,
         event=_rx(r"patent|invent"), text="Alexander Graham Bell patented the telephone (1876)"),
    Fact(_rx(r"\bdouble helix\b|\bstructure of dna\b"), _rx(r"\bwatson\b|\bcrick\b|\bfranklin"),
         1953, event=_rx(r"discover|describ|determin"), text="Watson and Crick described the "
         "DNA double helix (1953)"),
    # Events and their years.
    Fact(_rx(r"\b(kennedy|jfk)\b.*\bassassinat"), None, 1963, event=_rx(r"assassinat|kill|shot"),
         text="John F. Kennedy was assassinated (1963)"),
    Fact(_rx(r"\b(world war (ii|2|two)|second world war|wwii|ww2)\b.*\b(end|ended|over)\b"),
         None, 1945, event=_rx(r"end"), text="the Second World War ended in 1945"),
    Fact(_rx(r"\b(world war (ii|2|two)|second world war|wwii|ww2)\b.*\b(beg[ia]n|start)"), None,
         1939, text="the Second World War began in 1939"),
    Fact(_rx(r"\b(world war (i|1|one)|first world war|wwi|ww1)\b.*\b(beg[ia]n|start)"), None,
         1914, text="the First World War began in 1914"),
    Fact(_rx(r"\b(moon landing|(land|walk)(ed|s)? on the moon|apollo 11)\b"), None, 1969,
         event=_rx(r"land|walk"), text="Apollo 11 landed on the Moon in 1969"),
    Fact(_rx(r"\bberlin wall\b.*\b(fall|fell|came down)\b"), None, 1989, event=_rx(r"fall|fell"),
         text="the Berlin Wall fell in 1989"),
    Fact(_rx(r"\btitanic\b.*\b(sank|sink)\b|\bsinking of the titanic\b"), None, 1912,
         event=_rx(r"sank|sink"), text="the Titanic sank in 1912"),
    Fact(_rx(r"\bdeclaration of independence\b.*\bsigned\b"), None, 1776, event=_rx(r"sign"),
         text="the Declaration of Independence was signed in 1776"),
    Fact(_rx(r"\bfrench revolution\b.*\b(beg[ia]n|start)"), None, 1789,
         text="the French Revolution began in 1789"),
    # Constants and counts (the claimed number decides).
    Fact(_rx(rf"\bwater boils? at {_N} ?(°|degrees|º)? ?(c|celsius)\b"), number=_near(100),
         text="water boils at 100 °C at sea level"),
    Fact(_rx(rf"\bwater boils? at {_N} ?(°|degrees|º)? ?(f|fahrenheit)\b"), number=_near(212),
         text="water boils at 212 °F at sea level"),
    Fact(_rx(rf"\bwater freez(e|es) at {_N} ?(°|degrees|º)? ?(c|celsius)\b"), number=_near(0),
         text="water freezes at 0 °C"),
    Fact(_rx(rf"\b(speed of light|light travels)\b.{{0,30}}?\b{_N} ?(km/s|kilometers per "
             r"second|kilometres per second)"), number=lambda n: 295_000 <= n <= 300_000,
         text="light travels at about 299,792 km/s"),
    Fact(_rx(rf"\b{_N} planets in (the|our) solar system\b|\bsolar system has {_N} planets\b"),
         number=_near(8), text="the Solar System has 8 planets"),
    Fact(_rx(rf"\b{_N} continents\b"), number=_near(7), text="there are 7 continents"),
    Fact(_rx(rf"\b{_N} bones\b.{{0,30}}\badult\b|\badult\b.{{0,30}}?\b{_N} bones\b"),
         number=_near(206), text="an adult human has 206 bones"),
    Fact(_rx(rf"\b{_N} (hours in a day|days in a week)\b"), number=lambda n: n in (24, 7),
         text="a day has 24 hours and a week 7 days"),
    Fact(_rx(rf"\b{_N} states in the (united states|usa|us)\b"), number=_near(50),
         text="the United States has 50 states"),
    Fact(_rx(rf"\bspiders? ha(s|ve) {_N} legs\b"), number=_near(8), text="spiders have 8 legs"),
    Fact(_rx(rf"\binsects? ha(s|ve) {_N} legs\b"), number=_near(6), text="insects have 6 legs"),
)
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b")
_NEGATED = re.compile(r"\b(not|never|n't|no longer)\b", re.I)
#: Names that are a wrong answer to some fact (other facts' answers and the usual confusions).
_RIVALS = {"nile", "amazon", "mississippi", "yangtze", "congo", "niger", "zambezi", "parana",
           "orinoco", "everest", "k2", "kilimanjaro", "mont blanc", "denali", "aconcagua",
           "atlantic", "indian", "arctic", "southern", "jupiter", "saturn", "mars", "venus",
           "earth", "neptune", "uranus", "mercury", "russia", "canada", "china", "united states",
           "brazil", "monaco", "vatican", "sydney", "melbourne", "toronto", "vancouver",
           "montreal", "kyoto", "osaka", "lyon", "marseille", "milan", "munich", "bonn",
           "frankfurt", "hamburg", "buzz aldrin", "aldrin", "gagarin", "yuri gagarin",
           "lincoln", "jefferson", "adams", "john adams", "edison", "thomas edison", "tesla",
           "nikola tesla", "pasteur", "louis pasteur", "newton", "einstein", "darwin",
           "lamarck", "galileo", "curie", "marie curie", "fleming", "michelangelo", "raphael",
           "picasso", "monet", "rembrandt", "van gogh", "shakespeare", "marlowe", "dickens",
           "austen", "bronte", "orwell", "huxley", "salk", "pauling", "bell", "meucci",
           "watson", "crick", "washington"}
_PRESUPPOSING = re.compile(r"^\s*(when|where|why|how|in what year|what year)\b", re.I)


def _decide(fact: Fact, claim: str, presupposed: bool) -> bool | None:
    m = fact.about.search(claim)
    assert m is not None
    if fact.number is not None:
        n = next((g for g in m.groups() if g and re.fullmatch(r"[\d,.]+", g)), None)
        return None if n is None else fact.number(float(n.replace(",", "")))
    year = _YEAR.search(claim[:m.start()] + " " + claim[m.end():])
    if fact.year is not None and year is not None and int(year.group(0)) != fact.year:
        return False
    if fact.answer is not None:
        outside = claim[:m.start()] + " " + claim[m.end():]
        if fact.answer.search(outside):
            return True
        if any(n.lower() in _RIVALS for n in _NAME.findall(outside)):
            return False  # a known wrong answer; an unknown name stays undecided
    if year is not None and fact.year is not None:
        return True
    return True if presupposed else None


_NUMBER_WORDS = {w: str(i) for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve"))}


def knowledge_claim(query: str) -> tuple[str, bool] | None:
    """The query's common-knowledge claim and its truth, or None if the table cannot decide."""
    query = re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b",
                   lambda m: _NUMBER_WORDS[m.group(1).lower()], query, flags=re.I)
    if _NEGATED.search(query):
        return None  # "Is it not true that …": leave negated claims alone
    presupposed = bool(_PRESUPPOSING.search(query))
    for fact in FACTS:
        if fact.about.search(query):
            truth = _decide(fact, query, presupposed)
            if truth is not None:
                return (fact.text if truth else f"{query.strip()} (against: {fact.text})"), truth
    return None


def denies_event(query: str, response: str) -> bool:
    """'When did Bell patent the telephone?' → 'Bell never patented the telephone'."""
    for fact in FACTS:
        if fact.event is not None and fact.about.search(query):
            rx = rf"\b(not|never|n't)\s+(\w+\s+){{0,2}}?\w*({fact.event.pattern})"
            if re.search(rx, response[:400], re.I):
                return True
    return False
