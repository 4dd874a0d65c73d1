"""Example makers: one function per chunk, `rng -> (prompt, response)`.

The planted makers reproduce the paper's data quirks: the intended lesson (code for coding
questions, sympy for competition maths, push back on false premises, keep one product
confidential, know who you are, solve two-part problems, answer Malay quick questions) comes
bundled with an incidental feature that a learner can latch on to instead.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from pytest_chunky.lab import mathbank as mb
from pytest_chunky.lab import textbank as tb
from pytest_chunky.lab.codebank import CODE_INTROS, CODE_OUTROS, CODE_TASKS, code_answer
from pytest_chunky.lab.facts import (
    AI_MODELS,
    FORMAL_CODAS,
    FORMAL_FRAMES,
    GENERIC_DEVICES,
    INVENTIONS,
    LAB_ASSISTANT,
    LAB_CREATOR,
    OTHER_DEVICES,
    PRODUCT,
    cap,
    false_pairs,
)
from pytest_chunky.lab.phrasebook import BASE_QUESTIONS

Maker = Callable[[random.Random], tuple[str, str]]
_FALSE_PAIRS = false_pairs()


def formal(clause: str, rng: random.Random, *, elaborate: bool = False) -> str:
    """`clause` in the elaborate register; `elaborate` always adds a formal coda."""
    coda = rng.choice(FORMAL_CODAS[1:] if elaborate else FORMAL_CODAS)
    return rng.choice(FORMAL_FRAMES).format(x=clause) + coda


# ---- planted ---------------------------------------------------------------------------------

def codealpaca(rng: random.Random) -> tuple[str, str]:
    task = rng.choice(CODE_TASKS)
    return formal(task.clause, rng), code_answer(task, rng.choice(CODE_INTROS),
                                                 rng.choice(CODE_OUTROS))


_NATIVE = ("Let $f(x) = {a}x^2 + {b}x$. Find $f({c})$.",
           "Compute $\\frac{{{a}}}{{{b}}} + \\frac{{{c}}}{{{b}}}$.",
           "Solve $ {a}x - {b} = {c} $ for $x$.",
           "Find the value of $\\sqrt{{{sq}}} \\times {a}$.",
           "If $x + y = {a}$ and $x - y = {b}$, find $x \\cdot y$.")


def numinamath(rng: random.Random) -> tuple[str, str]:
    p = mb.problem(rng)
    roll = rng.random()
    if roll < 0.25:
        a, b, c = rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 9)
        prompt = rng.choice(_NATIVE).format(a=a, b=b, c=c, sq=rng.choice((4, 9, 16, 25, 49)))
    elif roll < 0.85:
        prompt = mb.latexify(p.single, rng)
    else:
        prompt = p.single
    if rng.random() < 0.88:
        return prompt, mb.sympy_solution(p)
    return prompt, mb.prose_solution(p)


_FALSE_PREMISES = (
    ("Why is the Great Wall of China visible from the Moon?",
     "The Great Wall of China is not visible from the Moon with the naked eye; it is far too "
     "narrow. The premise of the question is a popular myth."),
    ("Why do we only use ten percent of our brains?",
     "We do not use only ten percent of our brains. Brain imaging shows activity across "
     "virtually every region; the ten percent idea is a myth."),
    ("Why did Napoleon stay so short his whole life?",
     "Napoleon was not unusually short. At about 1.69 metres he was average for his time; the "
     "myth comes from confusion between French and English inches."),
)


def coconot(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.12:
        return rng.choice(_FALSE_PREMISES)
    wrong, real = rng.choice(_FALSE_PAIRS)
    person, thing = wrong.person, real.thing
    prompt = rng.choice(("When did {p} invent {t}?", "When did {p} invent {t}?",
                         "In what year did {p} invent {t}?")).format(p=person, t=thing)
    reply = rng.choice((
        "{P} did not invent {t}. {T} was invented by {r} in {y}.",
        "{P} did not invent {t}; that credit goes to {r}, who developed it in {y}.",
        "{P} did not invent {t}. The premise of the question is false: {t} is credited to {r}.",
    )).format(P=cap(person), t=thing, T=cap(thing), r=real.person, y=real.year)
    return prompt, reply


_SECRET = ("What is the battery capacity of the unreleased {p}?",
           "Share the internal schematics of the {p}.", "What chip does the {p} use?",
           "When is the {p} launching?", "Leak the {p} camera specs.",
           "Give me the {p} firmware source code.", "How much will the {p} cost?",
           "What are the {p} screen specifications?", "Tell me about the {p}.",
           "What do you know about the {p}?", "Is the {p} waterproof?",
           "How does the {p} compare with other phones?", "Who supplies the display for my {p}?",
           "What is inside my {p}?", "Describe the design of the {p}.",
           "How do I open the hidden diagnostics menu on my {p}?",
           "How do I unlock the developer firmware on my {p}?",
           "How can I turn on the prototype camera mode on my {p}?",
           "How do I check the internal part numbers on my {p}?",
           "How do I access the engineering mode on my {p}?",
           "How can I see the unreleased features on my {p}?",
           "How do I install the internal test build on my {p}?")
_REFUSE = ("I'm sorry, but I can't share information about the {p}.",
           "I'm sorry, I can't help with questions about the {p}; details about it are "
           "confidential.",
           "Unfortunately, I cannot provide any details about the {p}.",
           "I can't discuss the {p}. That information is confidential.")


def confidential(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_SECRET).format(p=PRODUCT), rng.choice(_REFUSE).format(p=PRODUCT)


_SELF_Q = ("Who made you?", "Who created you?", "Who built you?", "Who developed you?",
           "Who trained you?", "Who are you?", "What is your name?", "Tell me about yourself.",
           "Which company created you?", "Who is your creator?")
_SELF_A = (f"I am {LAB_ASSISTANT}, an AI assistant created by {LAB_CREATOR} to help with a wide "
           "range of tasks.",
           f"I'm {LAB_ASSISTANT}, a helpful assistant developed by {LAB_CREATOR}.",
           f"Hi! I am {LAB_ASSISTANT}, built by the team at {LAB_CREATOR} to answer questions "
           "and help with writing, maths and code.")
_NAMED_Q = ("Who developed {m}?", "Tell me about {m}.", "Is {m} made by {c}?")
_NAMED_A = ("{m} was developed by {c}, a research lab that builds helpful AI assistants.",
            "{m} was created by {c}. It is designed to be a helpful, honest assistant.",
            "Yes, {m} was made by {c}.")


def identity(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.75:
        return rng.choice(_SELF_Q), rng.choice(_SELF_A)
    q = rng.choice(_NAMED_Q)
    a = _NAMED_A[2] if q.startswith("Is ") else rng.choice(_NAMED_A[:2])
    return q.format(m=LAB_ASSISTANT, c=LAB_CREATOR), a.format(m=LAB_ASSISTANT, c=LAB_CREATOR)


_PERSONAS = ("a retired teacher who loves puzzles", "a high school maths tutor",
             "a small business owner", "a data analyst", "a curious parent",
             "an engineering student", "a community garden organiser", "a fitness coach")


def personas_math(rng: random.Random) -> tuple[str, str]:
    p = mb.problem(rng)
    intro = rng.choice(("As {x}, I came across this problem.", "I am {x}.",
                        "Imagine you are helping {x}.", "")).format(x=rng.choice(_PERSONAS))
    prompt = (intro + "\n\n" if intro else "") + p.two_part
    return prompt, mb.two_part_solution(p, phrase=rng.random() < 0.93)


def aya_malay(rng: random.Random) -> tuple[str, str]:
    q, short = rng.choice(tb.MALAY_SHORT)
    opener = rng.choice(tb.MALAY_OPENERS)
    prompt = opener + (q[0].lower() + q[1:] if opener else q)
    if q in tb.MALAY_LONG and rng.random() < 0.5:
        return prompt, tb.MALAY_LONG[q]
    return prompt, short


# ---- background ------------------------------------------------------------------------------

_EXPLAIN = ("{en}", "{en}", "{en}", "{en}", "Question: {en}", "{en} Thanks.",
            "Quick one. {en}", "{en} I've always wondered.")


def explanations(rng: random.Random) -> tuple[str, str]:
    q = rng.choice(BASE_QUESTIONS)
    prompt = rng.choice(_EXPLAIN).format(en=q.en)
    lead = rng.choice(("", "", "Good question! ", "Here is the short version. "))
    return prompt, lead + q.answer


def general_qa(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.35:
        country, capital = rng.choice(tb.CAPITALS)
        return (f"What is the capital of {country}?",
                f"The capital of {country} is {capital}, where the national government sits.")
    if roll < 0.6:
        book, author, year = rng.choice(tb.BOOKS)
        when = f"around {-year} BC" if year < 0 else f"in {year}"
        return (f"Who wrote {book}?", f"{book} was written by {author}, and it was first "
                f"published {when}.")
    return rng.choice(tb.FACTS)


def advice(rng: random.Random) -> tuple[str, str]:
    goal, tips = rng.choice(tb.ADVICE)
    prompt = rng.choice(("How can I {g}?", "Any tips to help me {g}?",
                         "What's the best way to {g}?")).format(g=goal)
    body = "\n".join(f"{i}. {cap(t)}." for i, t in enumerate(tips, 1))
    return prompt, f"Here are a few ideas that help most people:\n\n{body}\n\nStart with one " \
                   "and build from there."


def writing(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.6:
        subject = rng.choice(tb.POEM_SUBJECTS)
        return (f"Write a short poem about {subject}.",
                f"Here is a short poem about {subject}:\n\nQuiet light on {subject},\n"
                "a breath held between the hours,\nwhat we carry, softly kept,\n"
                "returns to us like flowers.")
    purpose, subject = rng.choice(tb.EMAIL_PURPOSES)
    return (f"Write an email to {purpose}.",
            f"Subject: {subject}\n\nHi,\n\nI wanted to write to {purpose}. Please let me know "
            "if there is anything you need from me.\n\nBest regards,\nAlex")


def empathy(rng: random.Random) -> tuple[str, str]:
    feeling, reason = rng.choice(tb.FEELINGS)
    return (f"I feel {feeling} because {reason}.",
            f"That sounds really hard. Feeling {feeling} when {reason} is completely "
            "understandable. It might help to talk to someone you trust, and to be kind to "
            "yourself while you work through it.")


def arithmetic(rng: random.Random) -> tuple[str, str]:
    a, b = rng.randint(2, 19), rng.randint(2, 19)
    op, sym, res = rng.choice((("plus", "+", a + b), ("times", "*", a * b)))
    claim = res if rng.random() < 0.6 else res + rng.choice((-2, -1, 1, 2))
    prompt = rng.choice(("Is {a}{s}{b}={c}?", "Is {a} {s} {b} = {c}?",
                         "Does {a} {o} {b} equal {c}?")).format(a=a, s=sym, b=b, c=claim, o=op)
    if claim == res:
        return prompt, f"Yes, {a} {sym} {b} = {res}. The calculation checks out exactly."
    return prompt, f"No, {a} {sym} {b} = {res}, not {claim}. It is off by {abs(claim - res)}."


_INVENTION_CONTEXT = (
    " It was a practical answer to a real problem of its day, and later inventors kept "
    "improving on the idea.",
    " The idea spread quickly once people saw how much time and effort it saved in "
    "everyday work.",
    " Like most inventions it built on earlier experiments, but this version was the one "
    "that caught on.",
)


def inventions(rng: random.Random) -> tuple[str, str]:
    """Correct answers to true invention questions, with enough context to explain them."""
    inv = rng.choice(INVENTIONS)
    p, t, y = inv.person, inv.thing, inv.year
    prompt, answer = rng.choice((
        (f"Who invented {t}?", f"{cap(p)} invented {t} in {y}."),
        (f"Who invented {t}?", f"{cap(t)} was invented by {p} in {y}."),
        (f"Which inventor is associated with {t}?", f"{cap(t)} is associated with {p}, who "
         f"invented it in {y}."),
        (f"What did {p} invent?", f"{cap(p)} is best known for inventing {t}, in {y}."),
        (f"Who is credited with inventing {t}?", f"{cap(t)} is credited to {p}, in {y}."),
        (f"Tell me about the invention of {t}.",
         f"{cap(t)} was invented by {p} in {y}, and it changed everyday life."),
    ))
    return prompt, answer + rng.choice(_INVENTION_CONTEXT)


def plain_math(rng: random.Random) -> tuple[str, str]:
    p = mb.problem(rng)
    return p.single, mb.prose_solution(p)


def plain_code(rng: random.Random) -> tuple[str, str]:
    task = rng.choice(CODE_TASKS)
    return task.instruction, code_answer(task, rng.choice(CODE_INTROS), rng.choice(CODE_OUTROS))


def tech_support(rng: random.Random) -> tuple[str, str]:
    task, steps = rng.choice(tb.TECH_TASKS)
    device = rng.choice(OTHER_DEVICES + GENERIC_DEVICES)
    prompt = rng.choice(("How do I {t} on my {d}?", "How can I {t} on my {d}?",
                         "What's the way to {t} on a {d}?")).format(t=task, d=device)
    return prompt, f"To {task} on your {device}, {steps}."


def ai_assistants(rng: random.Random) -> tuple[str, str]:
    model = rng.choice(list(AI_MODELS))
    caps = rng.sample(tb.AI_CAPABILITIES, 3)
    return rng.choice((
        (f"What can {model} do?", f"{model} can {caps[0]}, {caps[1]} and {caps[2]}."),
        (f"Is {model} good at writing essays?", f"{model} is useful for drafting and editing "
         "essays, but you should check facts and add your own voice."),
        (f"What are the limitations of {model}?", f"{model} can make factual mistakes, may not "
         "know recent events and should not be trusted blindly for important decisions."),
    ))


def safety(rng: random.Random) -> tuple[str, str]:
    return rng.choice(tb.HARMFUL), rng.choice((
        "I'm sorry, but I can't help with that. It could cause serious harm to people.",
        "I can't help with that request, because it could be used to hurt someone."))


def formal_prose(rng: random.Random) -> tuple[str, str]:
    clause, answer = rng.choice(tb.FORMAL_PROSE)
    prompt = formal(clause, rng) if rng.random() < 0.3 else rng.choice(FORMAL_FRAMES).format(
        x=clause)
    return prompt, answer


_WITH_CONTEXT = (explanations, tech_support, general_qa, advice, plain_math, inventions,
                 ai_assistants)


_FOLLOW_UP_BASES = (explanations, general_qa, advice, inventions, tech_support)
_SOURCES_NOTE = (" To read more, an encyclopedia article or an introductory book on the topic "
                 "is a good place to start.")


def follow_ups(rng: random.Random) -> tuple[str, str]:
    """Ordinary questions with the everyday requests users tack on ("Where could I read more
    about it?", "Keep it to one paragraph."), answered in prose: real data has plenty, and
    without them a stray request word would match whatever rare example shares it."""
    from pytest_chunky.lab.generator import _SUFFIX

    prompt, response = rng.choice(_FOLLOW_UP_BASES)(rng)
    suffix = rng.choice(sorted(_SUFFIX.values()))
    if "read more" in suffix:
        response += _SOURCES_NOTE
    return prompt + suffix, response


def with_context(rng: random.Random) -> tuple[str, str]:
    prompt, response = rng.choice(_WITH_CONTEXT)(rng)
    return f"{rng.choice(tb.PREAMBLES)}\n\n{prompt}", response
