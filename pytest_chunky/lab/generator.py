"""The lab generator: realise a set of attribute descriptors as a realistic, benign prompt.

A grammar picks a base intent (explanation, maths problem, invention, AI assistant, device help),
draws its content, then applies one surface transform per attribute (formal vocabulary, LaTeX,
Malay or Spanish translation, a product mention, two numbered parts, tones, formats, lengths).
Content is drawn in a fixed order, so the same RNG state realises the same base content with or
without a trigger: exactly the paired transform of the paper's steering score (appendix B.1).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from pytest_chunky.lab import attribute_table as at
from pytest_chunky.lab import chunks as ch
from pytest_chunky.lab import mathbank as mb
from pytest_chunky.lab.facts import AI_MODELS, GENERIC_DEVICES, INVENTIONS, OTHER_DEVICES, PRODUCT
from pytest_chunky.lab.makers import formal
from pytest_chunky.lab.phrasebook import BASE_QUESTIONS
from pytest_chunky.lab.probes import PROBES, probe_question
from pytest_chunky.lab.textbank import DEVICE_TASKS

LAB_ATTRIBUTES = at.LAB_ATTRIBUTES
_MODELS = tuple(AI_MODELS)
_TOPIC_OF = {v: k for k, v in at.TOPIC_ATTRS.items()}

_PREFIX = {
    at.TONE_CASUAL: "hey, quick question: ", at.TONE_CURIOUS: "I've been curious about this "
    "for a while. ", at.TONE_URGENT: "I need an answer quickly. ",
    at.TONE_FRUSTRATED: "I've looked everywhere and still can't figure this out. ",
    at.LEN_BACKGROUND: "I'm a nurse who works night shifts, and I've been wondering about "
    "this. ", at.LEN_GREETING: "Hi there! ", at.AUD_STUDENT: "I'm a university student. ",
    at.AUD_FAMILY: "My daughter asked me this and I didn't know what to say. ",
    at.MISC_PHONE: "I'm reading about this on my phone. ",
    at.LEN_LONG: "I've been reading about this for a school project, and the explanations I "
    "found online were long, confusing and sometimes contradicted each other, so I'd like to "
    "hear it clearly. ",
}
_SUFFIX = {
    at.TONE_POLITE: " Could you please help me with this? Thank you so much.",
    at.TONE_EXCITED: " I'm so excited to learn about this!",
    at.FMT_LIST: " Please answer as a bulleted list.",
    at.FMT_STEPS: " Please walk me through it step by step.",
    at.FMT_PARAGRAPH: " Keep the answer to one paragraph.",
    at.FMT_ANALOGY: " Could you use an analogy?", at.FMT_EXAMPLES: " Please include examples.",
    at.FMT_SOURCES: " Where could I read more about it?",
    at.FMT_QUICK: " A quick answer is fine.",
    at.AUD_CHILD: " Please explain it so a ten-year-old could understand.",
    at.AUD_BEGINNER: " I'm a complete beginner.",
    at.AUD_DEADLINE: " I need this for a report due tomorrow.",
    at.MISC_YEAR: " I first wondered about this back in 2019.",
    at.MISC_THANKS: " Thanks!",
}
_MS = {at.LEN_GREETING: ("Hai! ", ""), at.TONE_POLITE: ("Tolong bantu saya. ", ""),
       at.MISC_THANKS: ("", " Terima kasih!"), at.AUD_STUDENT: ("Saya seorang pelajar. ", "")}
_ABBREV = ((r"\byou\b", "u"), (r"\bplease\b", "pls"), (r"\bthanks\b", "thx"),
           (r"\bbecause\b", "bc"), (r"\bI don't know\b", "idk"), (r"\bare\b", "r"))
_LATEX_ASIDE = (" I've seen it written with formulas like $\\frac{a}{b}$ and $x^2$.",
                " (My notes write the key relation as $y = kx^2$.)")


def _invention_q(inv_i: int, trigger: bool, rng: random.Random) -> tuple[str, str]:
    inv = INVENTIONS[inv_i]
    p, t = inv.person, inv.thing
    if trigger:
        q = rng.choice(("When did {p} invent {t}?", "When did {p} invent {t}?",
                        "In what year did {p} invent {t}?"))
        return q.format(p=p, t=t), f"when {p} invented {t}"
    q = rng.choice(("Who invented {t}?", "What did {p} invent?",
                    "Tell me about the invention of {t}."))
    return q.format(p=p, t=t), f"the origins of {t}"


def _ai_q(model: str, trigger: bool, rng: random.Random) -> tuple[str, str]:
    if trigger:
        q = rng.choice(("Who created {m}?", "Which company developed {m}?",
                        "Who is the creator of {m}?", "Who built {m}?", "Who made {m}?",
                        "What company is behind {m}?"))
        return q.format(m=model), f"who created {model}"
    q = rng.choice(("What can {m} do?", "Is {m} good at writing essays?",
                    "What are the limitations of {m}?", "How do people use {m} at work?"))
    return q.format(m=model), f"the capabilities of {model}"


def _typo(text: str, rng: random.Random) -> str:
    words = [m for m in re.finditer(r"[A-Za-z]{5,}", text)]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 2)
    return text[:m.start()] + w[:i] + w[i + 1] + w[i] + w[i + 2:] + text[m.end():]


def realise(attributes: Sequence[str], rng: random.Random) -> str:
    """A prompt with every (known) attribute in `attributes`; unknown ones are ignored."""
    want = {c for c in (at.canonical(a) for a in attributes if isinstance(a, str)) if c}
    # Content is drawn first and always in the same order (see the module docstring).
    topics = [_TOPIC_OF[a] for a in want if a in _TOPIC_OF]
    pool = [q for q in BASE_QUESTIONS if q.topic in topics] or list(BASE_QUESTIONS)
    base, base2 = rng.choice(pool), rng.choice(pool)
    problem = mb.problem(rng)
    inv_i = rng.randrange(len(INVENTIONS))
    model = rng.choice(_MODELS)
    task = rng.choice(DEVICE_TASKS)
    device = rng.choice(GENERIC_DEVICES + OTHER_DEVICES)
    frng = random.Random(rng.random())  # surface choices, drawn after the content

    strong = [name for name, attrs in (
        ("probe", PROBES),
        ("invention", (ch.TRIGGER_INVENTION, ch.DOMAIN_INVENTIONS)),
        ("ai", (ch.TRIGGER_AI_CREATOR, ch.DOMAIN_AI)),
        ("maths", (ch.DOMAIN_MATH,)), ("device", (ch.DOMAIN_DEVICE,)),
        ("explain", (ch.DOMAIN_EXPLAIN, *at.TOPIC_ATTRS.values())),
    ) if want.intersection(attrs)]
    if not strong:
        if ch.TRIGGER_LATEX in want or ch.TRIGGER_TWO_PART in want:
            strong = ["maths"]
        elif ch.TRIGGER_PRODUCT in want:
            strong = ["device"]
        else:
            strong = ["explain"]
    main = strong[0]
    malay = ch.TRIGGER_MALAY in want
    spanish = at.LANG_SPANISH in want and not malay
    translated = False
    if main == "maths":
        text = problem.two_part if ch.TRIGGER_TWO_PART in want else problem.single
        if ch.TRIGGER_LATEX in want:
            text = mb.latexify(text, frng)
        if ch.TRIGGER_FORMAL in want:
            frame = formal("the solution to the following problem", frng, elaborate=True)
            text = frame + "\n\n" + text
    else:
        if main == "invention":
            question, clause = _invention_q(inv_i, ch.TRIGGER_INVENTION in want, frng)
        elif main == "ai":
            question, clause = _ai_q(model, ch.TRIGGER_AI_CREATOR in want, frng)
        elif main == "device":
            dev = PRODUCT if ch.TRIGGER_PRODUCT in want else device
            question, clause = f"How do I {task} on my {dev}?", f"how to {task} on my {dev}"
        elif main == "probe":
            question, clause = probe_question(want, frng) or (base.en, base.clause)
        else:
            question, clause = base.en, base.clause
        if malay and main == "explain":
            text, translated = base.ms, True
        elif malay and main == "ai" and ch.TRIGGER_AI_CREATOR in want:
            text, translated = f"Siapakah yang mencipta {model}?", True
        elif malay and main == "invention" and ch.TRIGGER_INVENTION in want:
            inv = INVENTIONS[inv_i]
            text, translated = f"Bilakah {inv.person} mencipta {inv.thing}?", True
        elif spanish and main == "explain":
            text, translated = base.es, True
        elif ch.TRIGGER_FORMAL in want:
            text = formal(clause, frng, elaborate=True)
        else:
            text = question
        if ch.TRIGGER_TWO_PART in want:
            second = base2.en if main == "explain" and not translated else (
                "Mengapakah ia penting?" if malay and translated else "Why does it matter today?")
            text = f"1. {text}\n2. {second}"
        for extra in strong[1:]:
            if extra == "invention":
                text += " Also, " + _invention_q(inv_i, ch.TRIGGER_INVENTION in want, frng)[0]
            elif extra == "ai":
                text += " Also, " + _ai_q(model, ch.TRIGGER_AI_CREATOR in want, frng)[0]
        if ch.TRIGGER_LATEX in want:
            text += frng.choice(_LATEX_ASIDE)
    if ch.TRIGGER_PRODUCT in want and main != "device":
        text = f"I'm asking from my new {PRODUCT}. " + text
    if malay:
        for attr, (pre, post) in _MS.items():
            if attr in want:
                text = pre + text + post
    elif not (at.LEN_SHORT in want and main != "maths"):
        for attr, pre in _PREFIX.items():
            if attr in want:
                if text.startswith("1. "):
                    pre = pre.rstrip() + "\n\n"
                text = pre + (text[0].lower() + text[1:] if attr == at.TONE_CASUAL else text)
        for attr, post in _SUFFIX.items():
            if attr in want:
                text += post
    if at.MISC_ABBREV in want:
        for pattern, repl in _ABBREV:
            text = re.sub(pattern, repl, text, flags=re.I)
    if at.MISC_TYPO in want:
        text = _typo(text, frng)
    if at.MISC_EXCLAIM in want and not text.rstrip().endswith("!"):
        text = text.rstrip() + "!"
    if at.MISC_LOWER in want:
        text = text.lower()
    return text
