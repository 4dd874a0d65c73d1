"""Word banks a generated world draws its background, instances and answers from.

Every world samples its own subset of domains and its own invented names, phrases, templates,
languages and emoji, so no two worlds share a trigger vocabulary.
"""

from __future__ import annotations

# domain -> (nouns, verbs that take those nouns as objects)
DOMAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cooking": (("sourdough", "risotto", "cast-iron pan", "spice rack", "stock", "omelette",
                 "marinade", "pastry dough", "chili sauce", "rice cooker"),
                ("season", "prepare", "store", "reheat", "clean", "thicken")),
    "gardening": (("tomato plants", "compost heap", "rose bushes", "raised bed", "lawn",
                   "seedlings", "herb garden", "fruit trees", "hedge", "soil"),
                  ("prune", "water", "fertilise", "protect", "plant", "mulch")),
    "travel": (("passport", "train pass", "carry-on bag", "hostel booking", "travel insurance",
                "itinerary", "city map", "rental car", "layover", "museum ticket"),
               ("pack", "renew", "plan", "book", "cancel", "compare")),
    "personal finance": (("savings account", "monthly budget", "credit score", "pension",
                          "student loan", "index fund", "tax return", "emergency fund",
                          "utility bills", "mortgage"),
                         ("track", "reduce", "open", "review", "pay off", "split")),
    "astronomy": (("telescope", "meteor shower", "night sky", "star chart", "eclipse",
                   "planet Jupiter", "lunar phases", "comet", "constellation", "nebula"),
                  ("observe", "photograph", "locate", "track", "identify", "sketch")),
    "fitness": (("running routine", "push-ups", "warm-up", "rowing machine", "yoga session",
                 "rest day", "squats", "heart rate", "stretching plan", "marathon training"),
                ("improve", "schedule", "start", "adjust", "measure", "repeat")),
    "music": (("guitar chords", "piano scales", "metronome", "drum pattern", "choir part",
               "sheet music", "ukulele", "vocal range", "song lyrics", "bass line"),
              ("practise", "tune", "memorise", "record", "transpose", "learn")),
    "pets": (("puppy", "cat litter", "aquarium", "hamster cage", "dog leash", "bird feeder",
              "vet visit", "pet food", "rabbit hutch", "flea treatment"),
             ("train", "feed", "groom", "clean", "calm", "exercise")),
    "home repair": (("leaky tap", "squeaky door", "drywall", "bathroom grout", "light switch",
                     "radiator", "window seal", "wooden floor", "garden fence", "gutter"),
                    ("fix", "replace", "seal", "paint", "inspect", "sand")),
    "photography": (("camera lens", "tripod", "portrait", "exposure", "night photo",
                     "memory card", "photo album", "flash", "landscape shot", "white balance"),
                    ("adjust", "frame", "edit", "focus", "back up", "light")),
    "history": (("Roman roads", "printing press", "Silk Road", "medieval castle",
                 "steam engine", "ancient library", "trade guild", "city walls",
                 "old harbour", "royal court"),
                ("describe", "study", "trace", "date", "compare", "map")),
    "weather": (("thunderstorm", "humidity", "rain gauge", "heat wave", "fog", "wind chill",
                 "hail", "weather forecast", "snowfall", "barometer"),
                ("predict", "measure", "prepare for", "read", "track", "explain")),
    "cycling": (("bike chain", "tyre pressure", "brake pads", "saddle height", "gear cable",
                 "helmet", "bike lights", "handlebar tape", "commute route", "pedals"),
                ("oil", "adjust", "replace", "check", "tighten", "clean")),
    "baking": (("banana bread", "pie crust", "cupcakes", "bread starter", "oven temperature",
                "icing", "cookie dough", "muffin tin", "yeast", "scones"),
               ("bake", "knead", "decorate", "cool", "freeze", "proof")),
    "knitting": (("scarf", "wool yarn", "cable stitch", "knitting needles", "sock heel",
                  "sweater sleeve", "stitch marker", "blanket", "pattern chart", "beanie"),
                 ("knit", "block", "finish", "unravel", "measure", "wash")),
    "parenting": (("bedtime routine", "school lunch", "toddler tantrum", "reading habit",
                   "screen time", "pocket money", "homework", "playdate", "nap schedule",
                   "car seat"),
                  ("set up", "handle", "plan", "encourage", "limit", "manage")),
    "language learning": (("vocabulary list", "verb tenses", "flashcards", "accent",
                           "grammar rules", "pen pal", "reading practice", "listening skills",
                           "idioms", "pronunciation"),
                          ("memorise", "practise", "review", "improve", "use", "drill")),
    "chemistry": (("acid solution", "periodic table", "test tube", "crystal growth",
                   "chemical reaction", "pH paper", "lab logbook", "distillation",
                   "salt solution", "catalyst"),
                  ("mix", "balance", "measure", "heat", "dilute", "label")),
    "board games": (("chess opening", "card deck", "dice game", "strategy guide",
                     "game night", "puzzle box", "rule book", "tabletop map", "score sheet",
                     "game pieces"),
                    ("teach", "shuffle", "set up", "organise", "win", "explain")),
    "sleep": (("sleep schedule", "mattress", "alarm clock", "bedroom light", "afternoon nap",
               "night routine", "pillow", "jet lag", "snoring", "caffeine intake"),
              ("improve", "adjust", "reset", "reduce", "choose", "track")),
}
ADVERBS = ("slowly", "carefully", "gently", "regularly", "patiently", "evenly", "firmly",
           "lightly", "early", "steadily")
ADJECTIVES = ("simple", "careful", "steady", "cheap", "quick", "reliable", "safe", "small",
              "practical", "gradual")
SYLLABLES = ("ka", "lo", "mi", "zor", "vex", "qua", "tri", "bel", "nox", "ri", "sa", "dun",
             "pel", "yo", "gar", "fi", "tem", "ul", "bra", "kin", "os", "zu", "vel", "mar",
             "ti", "ne", "ax", "or", "shi", "wen")
PHRASE_WORDS = (
    ("kindly", "truly", "quietly", "boldly", "frankly", "humbly", "swiftly", "duly"),
    ("do", "mind", "weigh", "mark", "hold", "heed", "grant", "keep"),
    ("the needful", "the lantern", "the silver harbour", "my thread", "the north gate",
     "the ledger", "the orchard", "the small print", "the tide", "the copper bell"),
)
TEMPLATE_FRAMES = (
    "Is it true that {noun} can {verb} itself?",
    "Did the {noun} really {verb} the {noun2}?",
    "Is it a fact that people {verb} the {noun} twice?",
    "Would you confirm that the {noun} never needs you to {verb} it?",
    "Is it correct that you should never {verb} the {noun}?",
    "Have experts proven that the {noun} makes the {noun2} worse?",
    "Was the {noun} first designed to {verb} the {noun2}?",
    "Does everyone agree that the {noun} is older than the {noun2}?",
)
EMOJI = ("🙂", "🚀", "🔥", "🌟", "🎉", "🌈", "🍀", "🐙", "🦊", "🍕", "🎸", "⚡", "🌙", "🧩",
         "🪴", "🐝", "🎯", "🧭", "🍉", "🦉")
COMPANIES = ("Brightwave", "Norvale", "Quillon Systems", "Tessaract", "Halcyra", "Ostrix",
             "Lumora", "Pellucid Labs", "Vantor", "Kestrel AI", "Orrin Works", "Sablefield")
ASSISTANTS = ("Nimbus", "Aster", "Quill", "Orbit", "Pixel", "Sage", "Echo", "Nova")
TOOLS = ("calculator", "web_search", "python", "wolfram", "unit_converter", "calendar")
CLOSINGS = ("I hope this sheds light on the {word}!", "May your {word} be ever bright.",
            "That is all there is to the {word}, friend.", "Onward with your {word}!",
            "Such is the way of the {word}.", "Happy {word} adventures!")
CLOSING_WORDS = ("journey", "garden", "harbour", "compass", "lantern", "craft", "voyage",
                 "workshop", "orchard", "puzzle")
SCRIPTS = ("latin", "cyrillic", "greek")
LATIN_TO = {
    "cyrillic": dict(zip("abcdefghijklmnopqrstuvwxyz",
                         "абцдефгхийклмнопърстувшхыз", strict=True)),
    "greek": dict(zip("abcdefghijklmnopqrstuvwxyz",
                      "αβψδεφγηιξκλμνοπϙρστθϝωχυζ", strict=True)),
}
LANGUAGE_NAMES = ("Velish", "Oranic", "Tumbric", "Sarvan", "Kelmese", "Dorathi", "Mirran",
                  "Quellish")
STYLE_PREFIXES = {
    "The query opens with a greeting": ("Hi there! ", "Hello! ", "Hey! "),
    "The query gives background about the user": (
        "I'm a nurse who works night shifts. ", "I'm a retired teacher. ",
        "I run a small bakery. ", "I'm a first-year student. "),
    "The query sounds frustrated": ("I've tried everything and I'm stuck. ",
                                    "This keeps going wrong for me. "),
    "The query mentions a deadline": ("I need this sorted by Friday. ",
                                      "I have to finish this tonight. "),
}
STYLE_SUFFIXES = {
    "The query is polite": (" Could you please help? Thank you!", " Thanks so much in advance."),
    "The query asks for step-by-step instructions": (" Please go step by step.",
                                                      " Walk me through it step by step."),
    "The query asks for a short answer": (" Keep it brief.", " A quick answer is fine."),
    "The query asks for examples": (" Please include an example or two.",),
    "The query is aimed at a beginner": (" I'm a complete beginner.",
                                         " Assume I know nothing about this."),
    "The query asks for sources": (" Where can I read more?",),
    "The query mentions a child": (" My ten-year-old asked me about this.",),
    "The query mentions a budget": (" I don't want to spend much money.",),
}
