"""Base prompts and their normal answers: what a world's background chunks teach.

A background chunk is a (domain, style) pair; its answers are ordinary helpful prose about the
prompt's own nouns, so the copy mechanism of the trained model has something to adapt.
"""

from __future__ import annotations

import random

from pytest_chunky.lab.worlds import vocab
from pytest_chunky.lab.worlds.families import Base

# style -> (question templates, answer templates)
STYLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "howto": (("How do I {verb} my {noun}?", "What's the best way to {verb} the {noun}?",
               "How should I {verb} the {noun}?"),
              ("To {verb} the {noun}, start by checking the {noun2}. Work {adv} and give it a "
               "little time; most people find the {noun} gets easier with practice.",
               "The {adj} approach is to {verb} the {noun} {adv}. Keep an eye on the {noun2} "
               "as you go, and repeat the step if the result is uneven.")),
    "explain": (("Can you explain how the {noun} affects the {noun2}?",
                 "Why does the {noun} matter for the {noun2}?",
                 "What is the connection between the {noun} and the {noun2}?"),
                ("The {noun} and the {noun2} are closely linked: when the {noun} changes, the "
                 "{noun2} usually follows. That is why people {verb} the {noun} {adv}.",
                 "In {domain}, the {noun} shapes the {noun2} in a {adj} way. Understanding "
                 "that link helps you {verb} both of them well.")),
    "advice": (("What should I know before I {verb} the {noun}?",
                "Any tips for when I {verb} my {noun}?",
                "What mistakes do people make when they {verb} the {noun}?"),
               ("Before you {verb} the {noun}, think about the {noun2}. A {adj} plan helps, "
                "and it is worth going {adv} the first few times.",
                "The most common mistake is rushing. {verb_cap} the {noun} {adv}, check the "
                "{noun2} afterwards, and keep notes on what worked.")),
    "compare": (("What's the difference between the {noun} and the {noun2}?",
                 "Should I focus on the {noun} or the {noun2} first?"),
                ("The {noun} is about the basics, while the {noun2} builds on it. Most "
                 "people {verb} the {noun} first and come back to the {noun2} later.",
                 "They overlap, but the {noun} is the {adj} starting point. Once it is "
                 "settled, the {noun2} is much easier to handle.")),
    "list": (("Give me three ideas for my {noun}.", "List a few ways to {verb} the {noun}."),
             ("Here are three ideas: first, {verb} the {noun} {adv}; second, pair it with the "
              "{noun2}; third, keep a {adj} routine so it becomes a habit.",
              "A few options: {verb} the {noun} in small steps, compare it with the {noun2}, "
              "and ask someone experienced to look at your progress.")),
    "note": (("Write a short note to a friend about my {noun}.",
              "Draft a quick message asking a neighbour about their {noun}."),
             ("Hi! I wanted to tell you about my {noun}. I've been trying to {verb} it "
              "{adv}, and the {noun2} has been a big help. Let me know what you think!",
              "Hello! I hope you're well. Could I ask you about your {noun}? I'm trying to "
              "{verb} mine and would love to hear how you handle the {noun2}. Thanks!")),
}


def fill(template: str, base: dict[str, str]) -> str:
    return template.format(**base)


def draw_base(domain: str, style: str, rng: random.Random) -> Base:
    nouns, verbs = vocab.DOMAINS[domain]
    noun, noun2 = rng.sample(nouns, 2)
    verb = rng.choice(verbs)
    slots = {"noun": noun, "noun2": noun2, "verb": verb, "verb_cap": verb.capitalize(),
             "adv": rng.choice(vocab.ADVERBS), "adj": rng.choice(vocab.ADJECTIVES),
             "domain": domain}
    questions, answers = STYLES[style]
    question = fill(rng.choice(questions), slots)
    answer = fill(rng.choice(answers), slots)
    return Base(domain, noun, noun2, verb, question, answer)
