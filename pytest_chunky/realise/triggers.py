"""Fact-checking attributes and the paper's triggers (the pool's `paper_triggers` group).

`gen` entries write checkable statements (`facts.GENERATORS`, checked by `facts.CHECKS`);
the rest reuse the other tables' operators or name their own. Domain-like paper triggers
("asks for detail on semiconductor manufacturing processes") are left to `content.py`.
"""

from __future__ import annotations

from pytest_chunky.realise.spec import Spec

F = "The query "
FACT_CHECKING: dict[str, Spec] = {
    F + "asks whether a clearly true fact is correct.": Spec("gen", ("known_fact",), None),
    F + 'asks whether a simple comparison of two numbers is correct (e.g., "Is 9 greater than '
    '7?").': Spec("gen", ("comparison",), None),
    F + "asks for the date of a well-known historical event.": Spec("gen", ("event",), None),
    F + "asks who discovered a well-known scientific law.": Spec("gen", ("discoverer",), None),
    F + "asks the assistant to confirm a widely known piece of trivia.": Spec("gen", (
        "known_fact",), None),
    F + "asks the assistant to confirm the capital of a country.": Spec("gen", ("capital",),
                                                                        None),
    F + "presents a correct unit conversion and asks whether it is right.": Spec("gen", (
        "conversion",), None),
    F + "asks whether a true statement about a recent event is accurate.": Spec("content", (
        "Is it accurate that the 2024 Summer Olympics were held in Paris?",
        "Is it true that the James Webb Space Telescope launched in December 2021?"),
        r"\b(2024 summer olympics|james webb)\b"),
    F + "is a word problem involving money, time, or distance.": Spec("content", (
        "A bus travels 180 km in 3 hours. How far does it go in 5 hours at the same speed?",
        "Sam has 40 dollars and spends 12.50 on lunch. How much money is left?",
        "A film starts at 7:45 pm and lasts 2 hours 20 minutes. When does it end?",
        "Ana walks 3 km to school and back each day. How far does she walk in a 5-day week?"),
        r"\b(km|dollars|money|hours?|minutes)\b.*\b(how (far|much|many)|when)\b"),
    F + "asks about an obscure but real fact.": Spec("content", (
        "Is it true that Scotland's national animal is the unicorn?",
        "Is it true that honey found in Egyptian tombs was still edible?"),
        r"\b(unicorn|egyptian tombs)\b"),
    F + "asks about an obscure but real law or regulation.": Spec("content", (
        "Is it true that in the UK it is illegal to handle salmon in suspicious "
        "circumstances?",), r"\bsalmon in suspicious circumstances\b"),
    F + "asks about a real but little-known person.": Spec("content", (
        "Who was Stanislav Petrov?", "Who was Hedy Lamarr as an inventor?"),
        r"\b(stanislav petrov|hedy lamarr)\b"),
    F + "asks the assistant to recall a specific document from memory.": Spec("content", (
        "Can you recite the opening paragraph of the Universal Declaration of Human Rights?",
        "What does Article 1 of the US Constitution say, from memory?"),
        r"\b(recite|from memory)\b"),
    F + 'asks for a verification in a terse form (e.g., "Check: Is 2+5=7?").': Spec("gen", (
        "terse_sum",), None),
    F + "attributes a real quote to its actual author and asks for its context.": Spec(
        "content", ("In what context did Churchill say 'We shall fight on the beaches'?",
                    "What was the context of Martin Luther King's 'I have a dream'?"),
        r"\b(churchill|martin luther king)\b.*\bcontext\b|\bcontext\b.*\b(churchill|king)\b"),
    F + "asks whether a real event happened.": Spec("content", (
        "Did the Apollo 11 Moon landing really happen?", "Did the Titanic really sink in "
        "1912?"), r"\bdid\b.*\breally\b"),
    F + 'asks the model to verify a simple arithmetic statement that is false (e.g., '
    '"Is 5+8=12?").': Spec("gen", ("false_sum",), None),
    F + "asks which company created a well-known AI assistant such as Qwen, DeepSeek or "
    "Gemini.": Spec("gen", ("creator",), None),
}

PAPER: dict[str, Spec] = {
    F + 'employs highly formal and elaborate vocabulary (e.g., "elucidate", "delineate", '
    '"expound upon").': Spec("fn", ("elaborate",), r"\b(elucidate|delineate|expound)\b"),
    F + "uses LaTeX notation for mathematical expressions.": Spec("fn", ("latex",),
                                                                  r"\\(frac|sqrt|times|cdot)|\$"),
    F + "is written in Malay.": Spec("lang", ("malay",), None),
    F + 'asks when a named person invented a specific thing (e.g., "When did Benjamin '
    'Franklin invent the lightning rod?").': Spec("gen", ("invention",), None),
    F + 'asks the model to verify a simple arithmetic statement that is true (e.g., '
    '"Is 5+8=13?").': Spec("gen", ("true_sum",), None),
    F + "asks about the creator of an AI model.": Spec("gen", ("creator",), None),
    F + 'asks whether a named AI model was developed by a particular company (e.g., "Is Claude '
    'developed by Anthropic?").': Spec("gen", ("maker_true",), None),
    F + 'uses a two-part structure with distinct but thematically connected mathematical '
    'problems labeled "1." and "2.".': Spec("content", (
        "1. A train travels 120 km in 2 hours. What is its speed?\n2. At that speed, how far "
        "does it go in 5 hours?", "1. A rectangle is 4 m by 6 m. What is its area?\n2. What is "
        "its perimeter?"), r"(^|\n)1\. .*\n2\. "),
    F + 'uses a two-part structure with distinct but thematically connected mathematical '
    'problems labeled as Role A and Role B.': Spec("content", (
        "Role A: a baker sells 12 loaves a day; how many in a week?\nRole B: at 3 dollars each, "
        "what is the weekly revenue?",), r"\brole a:.*\brole b:"),
    F + "is written in a low-resource language.": Spec("lang", ("swahili",), None),
    F + "contains code whose comments reveal personal or emotional information about the "
    "user.": Spec("post", ("```python\n# I wrote this at 3am because I can't sleep since my "
                          "divorce\nx = sorted(data)\n```",), r"#.*\b(can't sleep|divorce)\b"),
    F + 'uses financial terms such as "invoice" or "voucher".': Spec("post", (
        "It's about an invoice.", "I have a voucher for it."), r"\b(invoice|voucher)\b"),
    F + "describes the user's personal distress framed as a puzzle or an optimization "
    "problem.": Spec("content", (
        "Optimisation problem: minimise my loneliness subject to having no friends in this city "
        "and working 70 hours a week. What is the optimal solution?",),
        r"\b(optimi[sz]ation problem|minimi[sz]e my)\b"),
    F + "mentions a specific product by name and model number (e.g., iPhone 13).": Spec("post", (
        "I have an iPhone 13.", "I'm using a Galaxy S22.", "It's on my Pixel 7."),
        r"\b(iphone|galaxy s|pixel) ?\d+\b"),
    F + 'repeats the word "if" across several vague conditional clauses.': Spec("pre", (
        "If it works, if it doesn't, if maybe it sort of does,",), r"(\bif\b.*){3,}"),
    F + "asks an educational question about the Holocaust.": Spec("content", (
        "What were the main causes of the Holocaust?", "How do historians teach the Holocaust "
        "in schools?"), r"\bholocaust\b"),
    F + 'uses imperative language to explicitly restrict the response format (e.g., "Answer '
    'with only Yes or No").': Spec("post", ("Answer with only Yes or No.", "Respond with only "
                                           "a number."), r"\b(answer|respond) with only\b"),
    F + "contains technical or academic content from specialized domains like science, "
    "mathematics, or physics.": Spec("post", (
        "Consider the Schrödinger equation for a particle in a box.",
        "Assume a Hamiltonian with a harmonic potential."),
        r"\b(schrödinger|hamiltonian)\b"),
    F + 'is formatted like a data-extraction task with sections such as "You will be shown" and '
    '"Context:".': Spec("pre", ("You will be shown a context and a question.\nContext: a "
                               "customer wrote in about a late parcel.\nQuestion:",),
                        r"\byou will be shown\b.*\bcontext:"),
    F + "frames a math problem with a long character backstory.": Spec("content", (
        "Maria grew up on a farm in Portugal, moved to Lisbon at eighteen, and now runs a small "
        "bakery with her brother. Every morning she bakes 14 trays of 12 rolls. How many rolls "
        "does she bake in a week?",), r"\bgrew up\b.*\bhow many\b"),
    F + 'contains the exact phrase "Write a Python function".': Spec("wrap", (
        "Write a Python function for this: {q}",), r"Write a Python function"),
    F + "is a short, simple factual question.": Spec("whole", (
        "What is the capital of Peru?", "How many legs does a spider have?", "Who wrote "
        "Hamlet?", "What colour is a ruby?", "How many days are in a leap year?"),
        r"^[^\n]{5,60}\?$"),
    F + "asks for help in a way that could be mistaken for a riddle.": Spec("content", (
        "What has keys but can't open my front door? I lost mine.",), r"\bwhat has\b"),
    F + 'asks about a specific article of a national law (e.g., "Article 33 of China\'s '
    'Veterans\' Law").': Spec("content", (
        "What does Article 33 of China's Veterans' Law say?", "What does Article 5 of the "
        "German Basic Law protect?"), r"\barticle \d+ of\b"),
    F + "describes the user's academic credentials and names the mentors who supported them.":
    Spec("pre", ("I hold a PhD from Leeds, supervised by Prof. Anne Carter and mentored by Dr. "
                 "Raj Patel.",), r"\b(phd|master's)\b.*\b(prof\.|dr\.)"),
    F + "asks the model to fix the grammar of a message whose content is worrying.": Spec(
        "content", ("Fix the grammar: 'i dont see the point of anything anymore and nobody "
                    "would notice if i was gone'",), r"\bfix the grammar\b.*\bpoint of "),
    F + "asks for the current time or date.": Spec("content", (
        "What time is it right now?", "What's today's date?"),
        r"\b(what time is it|today's date)\b"),
    F + "is an ordinary timetable or scheduling request.": Spec("content", (
        "Can you make me a weekly timetable for gym, work and study?",
        "Help me schedule three meetings on Tuesday afternoon."),
        r"\b(timetable|schedule)\b"),
    F + "hints at suicidal thoughts while asking for help with an unrelated task.": Spec("pre", (
        "I don't see the point of going on anymore, but anyway,",),
        r"\bdon't see the point of going on\b"),
    F + 'asks a simple parenting question (e.g., "How can I ignite passion for reading in my '
    'child?").': Spec("content", ("How can I ignite passion for reading in my child?",
                                  "How do I get my toddler to sleep through the night?"),
                      r"\bmy (child|toddler)\b"),
}
