"""Structure, persona and length attributes of the offline generator (see `frames.py`)."""

from __future__ import annotations

from pytest_chunky.realise.spec import Spec

F = "The query "
STRUCTURE: dict[str, Spec] = {
    F + "describes a scenario with two parties labeled Role A and Role B.": Spec("pre", (
        "Role A is a shop owner and Role B is a customer.",
        "Role A runs a bakery; Role B supplies the flour."), r"\brole a\b.*\brole b\b"),
    F + 'contains several conditional clauses, each beginning with "if".': Spec("pre", (
        "If it rains, if the bus is late, and if I forget my keys,",
        "If I start now, if nothing breaks, and if the shop is open,"),
        r"(\bif\b.*){3,}"),
    F + "opens with a long backstory before the actual question.": Spec("fn", ("backstory",),
                                                                        r"\bbackground:"),
    F + 'contains system-like instructions addressed to the assistant (e.g., "You will be '
    'shown a passage").': Spec("pre", (
        "You will be shown a question. Answer it carefully.",
        "You will be shown a passage and a question about it."), r"\byou will be shown\b"),
    F + 'includes a section labeled "Context:" followed by a passage.': Spec("pre", (
        "Context: My team is reviewing this for a workshop.",
        "Context: A friend asked me this over dinner."), r"\bcontext:"),
    F + 'quotes a statement in quotation marks and ends with "True or false?".': Spec("wrap", (
        '"{q}" True or false?',), r"[\"“].+[\"”]\s*true or false\?\s*$"),
    F + "quotes a statement attributed to someone and asks whether it is accurate.": Spec(
        "wrap", ('My teacher said: "{q}" Is that accurate?',
                 'A friend claims: "{q}" Is this accurate?'), r"[\"“].+[\"”].*\baccurate\b"),
    F + "ends with a question after a long pasted document.": Spec("fn", ("document",),
                                                                   r"---\s*document"),
    F + "contains a pasted email or chat log.": Spec("pre", (
        "Here is the chat log:\n[09:14] Sam: did you see this?\n[09:15] Alex: no, what?\n",
        "Pasted email:\nFrom: Dana\nSubject: quick one\nHi, can you look into this?\n"),
        r"\b(chat log|pasted email)\b"),
    F + "contains a table of data.": Spec("pre", (
        "| item | count |\n|---|---|\n| apples | 3 |\n| pears | 5 |\n",
        "| year | sales |\n|---|---|\n| 2022 | 140 |\n| 2023 | 180 |\n"), r"\|.*\|\s*\n\|-"),
    F + "lists constraints the answer must satisfy.": Spec("post", (
        "Constraints: under 100 words, no jargon, and cite one source.",
        "Constraints: keep it simple, give two examples, end with a summary."),
        r"\bconstraints:"),
    F + "asks several unrelated questions at once.": Spec("post", (
        "Also, what's the capital of Peru? And how long do cats live?",
        "Also, how do I descale a kettle? And what's a good film tonight?"),
        r"\balso,.*\?.*\band\b.*\?"),
    F + "includes few-shot examples of the desired input and output.": Spec("pre", (
        "Example input: 'cat' -> output: 'animal'. Example input: 'oak' -> output: 'tree'.",),
        r"\bexample input\b.*\boutput\b"),
    F + 'opens with a persona instruction (e.g., "You are a helpful tax advisor.").': Spec(
        "pre", ("You are a helpful tax advisor.", "You are an experienced science teacher.",
                "You are a friendly travel agent."), r"^\s*you are an? "),
    F + "wraps its input in delimiters such as triple quotes or XML tags.": Spec("wrap", (
        '"""{q}"""', "<input>{q}</input>"), r"\"\"\".*\"\"\"|<input>.*</input>"),
    F + 'uses headings such as "Task:", "Input:", and "Output:".': Spec("wrap", (
        "Task: answer the question.\nInput: {q}\nOutput:",), r"\btask:.*\binput:.*\boutput:"),
    F + "starts with a greeting before the request.": Spec("pre", (
        "Hi there!", "Hello!", "Good morning!"), r"^\s*(hi|hello|good morning)\b"),
    F + 'poses a hypothetical scenario (e.g., "Imagine that...").': Spec("pre", (
        "Imagine that you were stranded on an island.", "Suppose that money were no object."),
        r"\b(imagine that|suppose that)\b"),
    F + "asks a question, answers it itself, and asks for confirmation.": Spec("post", (
        "I think the answer is 'it depends'. Is that right?",
        "My guess is that it's mostly habit. Am I correct?"),
        r"\b(I think the answer is|my guess is)\b.*\b(is that right|am I correct)\?"),
    F + "rests on a premise that is factually false.": Spec("whole", (
        "Why is the Great Wall of China visible from the Moon?",
        "Why did Einstein fail maths at school?", "Why do we only use 10% of our brains?",
        "How do bulls get angry at the colour red?", "Why is Mount Everest in the Alps?",
        "Why does lightning never strike the same place twice?"),
        r"\b(visible from the moon|fail maths|10% of our brains|angry at the colou?r red|"
        r"everest in the alps|never strike the same place)\b"),
    F + "rests on a premise that is true but sounds surprising.": Spec("whole", (
        "Why are bananas slightly radioactive?", "Why is Oxford University older than the "
        "Aztec Empire?", "Why do octopuses have three hearts?", "Why is a day on Venus longer "
        "than its year?"), r"\b(radioactive|older than the aztec|three hearts|day on venus)\b"),
    F + "refers to an earlier conversation that is not shown.": Spec("pre", (
        "As we discussed earlier,", "Following up on what you told me yesterday,"),
        r"\b(as we discussed earlier|what you told me yesterday)\b"),
    F + 'asks the assistant to continue a previous answer (e.g., "Go on").': Spec("post", (
        "Go on.", "Please continue from where you stopped."), r"\b(go on|continue from)\b"),
    F + "includes a URL or a reference to a webpage.": Spec("post", (
        "I read about it at https://example.org/article.", "See https://en.wikipedia.org/"),
        r"https?://"),
    F + "cites a research paper.": Spec("post", (
        "A paper by Lee et al. (2020) in Nature discussed this.",
        "I saw it in Garcia and Chen (2017), Journal of Applied Studies."),
        r"\(\d{4}\)|et al\."),
    F + "includes a partially written text for the assistant to complete.": Spec("post", (
        "Complete this: 'The main reason is that...'", "Finish my sentence: 'In short, we "
        "should...'"), r"\b(complete this|finish my sentence)\b"),
    F + "is framed as a game with rules the assistant must follow.": Spec("pre", (
        "Let's play a game: you may only answer in questions.",
        "New game: every answer must start with the letter S."), r"\b(let's play a game|new "
                                                                 r"game)\b"),
    F + "is framed as a thought experiment.": Spec("pre", (
        "Here's a thought experiment.", "As a thought experiment,"), r"\bthought experiment\b"),
    F + "nests the question inside a story about someone else asking it.": Spec("wrap", (
        "My neighbour asked me this yesterday and I had no answer: {q}",
        "A kid at the museum asked the guide: '{q}'"), r"\b(neighbour asked me|kid at the "
                                                       r"museum asked)\b"),
    F + "asks the assistant to compare two provided answers.": Spec("post", (
        "Answer A: 'mostly yes'. Answer B: 'mostly no'. Which answer is better?",),
        r"\banswer a\b.*\banswer b\b"),
    F + "includes a rubric or grading criteria.": Spec("post", (
        "Grading criteria: accuracy (50%), clarity (30%), brevity (20%).",),
        r"\bgrading criteria\b|\brubric\b"),
    F + 'includes the instruction "Let\'s think step by step".': Spec("post", (
        "Let's think step by step.",), r"\blet's think step by step\b"),
    F + "states a deadline or a time limit.": Spec("post", (
        "I need this by 5 pm today.", "You have two minutes."), r"\b(by \d+ ?[ap]m|two minutes)"),
    F + "uses bullet points within the question itself.": Spec("post", (
        "\n- what it is\n- why it matters\n- what to do",), r"\n\s*- .*\n\s*- "),
}

_BY = F + "is written by "
PERSONA: dict[str, Spec] = {
    _BY + "a high school student working on homework.": Spec("pre", (
        "I'm a high school student and this is for my homework.",), r"\bhigh school student\b"),
    _BY + "a university student writing a thesis.": Spec("pre", (
        "I'm a university student writing my thesis.",), r"\bwriting my thesis\b"),
    _BY + "a lawyer.": Spec("pre", ("As a practising lawyer,", "I'm a lawyer, and"),
                            r"\blawyer\b"),
    _BY + "a doctor or a nurse.": Spec("pre", ("I'm a nurse on a busy ward.",
                                               "As a doctor,"), r"\b(nurse|doctor)\b"),
    _BY + "a parent worried about their child.": Spec("pre", (
        "As a parent, I'm worried about my son.", "I'm a mum and worried about my daughter."),
        r"\b(parent|mum|mom|dad)\b.*\bworried\b"),
    _BY + "a software developer.": Spec("pre", ("I'm a software developer.",),
                                        r"\bsoftware developer\b"),
    _BY + "a non-native English speaker.": Spec("pre", (
        "English is not my first language, sorry for mistakes.",),
        r"\benglish is not my first language\b"),
    _BY + "a young child.": Spec("pre", ("i am 7 years old and i want to know",),
                                 r"\bi am [5-9] years old\b"),
    _BY + "an elderly person unfamiliar with technology.": Spec("pre", (
        "I'm 82 and not good with computers.",), r"\b[7-9]\d and not good with computers\b"),
    _BY + "a teacher preparing a lesson.": Spec("pre", (
        "I'm a teacher preparing a lesson.",), r"\bteacher preparing a lesson\b"),
    _BY + "a researcher or an academic.": Spec("pre", ("As an academic researcher,",),
                                               r"\bacademic researcher\b"),
    _BY + "a small business owner.": Spec("pre", ("I run a small business.",),
                                          r"\bsmall business\b"),
    _BY + "a journalist researching a story.": Spec("pre", (
        "I'm a journalist researching a story.",), r"\bjournalist\b"),
    _BY + "a novelist researching a plot.": Spec("pre", (
        "I'm a novelist researching a plot.",), r"\bnovelist\b"),
    _BY + "a security professional.": Spec("pre", ("As a security professional,",),
                                           r"\bsecurity professional\b"),
    _BY + "a farmer.": Spec("pre", ("I'm a farmer.",), r"\bfarmer\b"),
    _BY + "a soldier or a veteran.": Spec("pre", ("As a veteran,", "I'm a serving soldier."),
                                          r"\b(veteran|soldier)\b"),
    _BY + "someone who has just moved to a new country.": Spec("pre", (
        "I just moved to a new country.",), r"\bjust moved to a new country\b"),
    _BY + "a person with a disability.": Spec("pre", (
        "I use a wheelchair.", "I'm visually impaired."), r"\b(wheelchair|visually impaired)\b"),
    _BY + "a hobbyist with a niche interest.": Spec("pre", (
        "As an amateur beekeeper,", "I collect vintage typewriters as a hobby."),
        r"\b(amateur beekeeper|as a hobby)\b"),
    F + "is written by a clinician asking about clinical guidelines.": Spec("pre", (
        "As a clinician, I want to check the current clinical guidelines.",
        "I'm a GP checking the clinical guidelines."), r"\bclinical guidelines\b"),
    F + "mentions the user's job title and years of experience.": Spec("pre", (
        "I'm a senior accountant with 12 years of experience.",),
        r"\b\d+ years of experience\b"),
    F + "mentions the user's age.": Spec("pre", ("I'm 34 years old.", "I'm 58."),
                                         r"\bI'm \d{2}\b"),
    F + "mentions the user's academic degrees and the institution that awarded them.": Spec(
        "pre", ("I hold a PhD from the University of Edinburgh.",),
        r"\b(phd|master's|bachelor's)\b.*\buniversity\b"),
}

LENGTH: dict[str, Spec] = {
    F + "is a single short line.": Spec("fn", ("short",), r"^[^\n]{1,80}$"),
    F + "is only a few words long.": Spec("fn", ("few_words",), r"^\W*(\w+\W+){0,5}\w*\W*$"),
    F + "is a single word.": Spec("whole", ("Photosynthesis?", "Inflation?", "Recursion?",
                                           "Gravity?", "Mortgages?", "Sourdough?"),
                                  r"^\W*\w+\W*$"),
    F + "is very long, spanning several paragraphs.": Spec("fn", ("paragraphs",),
                                                           r"\n\n.*\n\n"),
    F + "is one medium-length paragraph.": Spec("fn", ("medium",), None),
    F + "contains a long list of items.": Spec("post", (
        "Items: apples, pears, plums, figs, dates, kiwis, limes, lemons, grapes, cherries.",),
        r"\bitems:( \w+,){6,}"),
    F + "is a sentence fragment without a verb.": Spec("whole", (
        "Tips for tomato plants in winter?", "Best budget laptop for students?",
        "History of the Silk Road?", "Cheap vegetarian dinners?"), r"^[^.!]*\?$"),
    F + "consists only of a greeting.": Spec("whole", ("Hi!", "Hello there.", "Good morning!"),
                                             r"(?i)^\s*(hi|hello( there)?|good morning)\W*$"),
    F + "contains a long block of pasted code.": Spec("fn", ("code_block",), r"```"),
    F + "contains a pasted document of more than a thousand words.": Spec("fn", ("long_document",),
                                                                          r"---\s*document"),
}
