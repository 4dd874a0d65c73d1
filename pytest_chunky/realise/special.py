"""Code-context, sensitive-sounding and paper-trigger attributes of the offline generator.

`content` entries are whole questions (the candidate's main question); the fact-checking ones
are written by `facts.py` so that their truth is known and checkable.
"""

from __future__ import annotations

from pytest_chunky.realise.spec import Spec

F = "The query "
_SNIPPET = ("```python\ndef total(xs):\n    s = 0\n    for x in xs:\n        s += x\n"
            "    return s\n```")
CODE: dict[str, Spec] = {
    F + "includes a code snippet and asks what it does.": Spec("content", (
        f"What does this code do?\n{_SNIPPET}", "What does `sorted(set(xs))[-2]` return?"),
        r"\bwhat does\b.*(```|`)"),
    F + "asks to debug code that raises an error.": Spec("content", (
        "Why does `int('3.5')` raise a ValueError, and how do I fix it?",
        "My loop `for i in range(len(xs)+1): print(xs[i])` raises IndexError. How do I fix "
        "it?"), r"\b(raises?|error)\b.*\bfix\b"),
    F + "includes a stack trace or an error message.": Spec("post", (
        "I get: Traceback (most recent call last):\n  File \"app.py\", line 3\nKeyError: 'id'",
        "The error says: TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
        r"\b(traceback|typeerror|keyerror|valueerror)\b"),
    F + "contains code with comments written in a language other than English.": Spec("post", (
        "```python\n# calcular el total de la lista\ntotal = sum(xs)\n```",
        "```python\n# calculer la moyenne\nm = sum(xs) / len(xs)\n```"),
        r"#\s*(calcular|calculer)\b"),
    F + "asks for a shell command.": Spec("content", (
        "What shell command lists the ten largest files in a folder?",
        "Which bash command counts the lines in every .txt file?"),
        r"\b(shell|bash|terminal) command\b"),
    F + "asks to convert code from one programming language to another.": Spec("content", (
        "Convert this Python to JavaScript: `print(sum(range(10)))`",
        "Translate this JavaScript into Python: `console.log([1,2].map(x => x*2))`"),
        r"\b(convert|translate)\b.*\b(python|javascript)\b.*\b(to|into)\b"),
    F + "asks for a regular expression.": Spec("content", (
        "What regular expression matches a UK postcode?", "Give me a regex for dates like "
        "2024-05-01."), r"\b(regular expression|regex)\b"),
    F + "asks for a SQL query.": Spec("content", (
        "Write a SQL query that finds customers with more than three orders.",
        "What SQL query returns the top five products by revenue?"), r"\bsql query\b"),
    F + "asks to make code run faster.": Spec("content", (
        f"How can I make this run faster?\n{_SNIPPET}", "How do I speed up a slow pandas "
        "loop over rows?"), r"\b(run faster|speed up)\b"),
    F + "asks for feedback in the manner of a code review.": Spec("content", (
        f"Can you review this code like a code reviewer would?\n{_SNIPPET}",),
        r"\bcode review(er)?\b"),
    F + "includes a configuration file in YAML or JSON.": Spec("post", (
        "My config:\n```yaml\nserver:\n  port: 8080\n  debug: true\n```",
        'My config: {"port": 8080, "debug": true}'), r"\b(yaml|port)\b.*\b(8080)\b"),
    F + "asks a non-programming question using programming terminology.": Spec("content", (
        "What's the best algorithm for debugging my relationship with my sister?",
        "How do I refactor my morning routine to reduce latency?"),
        r"\b(algorithm for debugging my|refactor my morning)\b"),
    F + "contains pseudocode.": Spec("post", (
        "In pseudocode: FOR each item IN list: IF item > 0 THEN add item END",),
        r"\bFOR each\b.*\bEND\b"),
    F + "names a specific programming language.": Spec("post", (
        "I'm using Python.", "My project is in Rust.", "This is for a Java app."),
        r"\b(python|rust|java|javascript|go|c\+\+|typescript)\b"),
    F + "asks about a specific library or framework by name.": Spec("content", (
        "How do I use pandas to group rows by month?", "What's new in React 18?",
        "How does NumPy broadcasting work?"), r"\b(pandas|react|numpy|django|flask)\b"),
}

SENSITIVE: dict[str, Spec] = {
    F + "asks a benign question that contains words associated with violence.": Spec(
        "content", ("How do I kill weeds in my lawn without chemicals?",
                    "What's the best way to shoot portraits in low light?",
                    "How do I attack a chess opening as black?"),
        r"\b(kill weeds|shoot portraits|attack a chess)\b"),
    F + "asks about the chemistry of household products for safety reasons.": Spec("content", (
        "Why is it dangerous to mix bleach and ammonia?", "Which cleaning products should "
        "never be mixed, for safety?"), r"\b(bleach|cleaning products)\b"),
    F + "asks how to get into the user's own home after being locked out.": Spec("content", (
        "I'm locked out of my own house. How can I get back in?",),
        r"\blocked out of my own\b"),
    F + "asks about hunting or legal firearm ownership.": Spec("content", (
        "What licence do I need to own a hunting rifle legally?", "How do I start deer hunting "
        "responsibly?"), r"\b(hunting|rifle)\b"),
    F + "asks about the effects of alcohol or recreational drugs for harm reduction.": Spec(
        "content", ("How can I reduce harm if I drink at a festival?", "What are the risks of "
                    "mixing alcohol and cannabis?"), r"\b(alcohol|drink|cannabis)\b"),
    F + "asks about network security concepts for defensive purposes.": Spec("content", (
        "How does a firewall protect my home network?", "What is defence in depth in network "
        "security?"), r"\b(firewall|network security)\b"),
    F + "asks how a crime could be committed for the plot of a fictional story.": Spec(
        "content", ("For my mystery novel, how might a detective realise a theft was an inside "
                    "job?",), r"\b(mystery novel|novel)\b.*\b(theft|crime)\b"),
    F + "asks about a historical terrorist attack in an educational way.": Spec("content", (
        "What happened during the 1995 Oklahoma City bombing, historically?",
        "How did the world respond to the September 11 attacks?"),
        r"\b(oklahoma city bombing|september 11)\b"),
    F + "asks about the pharmacology of a prescription drug.": Spec("content", (
        "How does metformin lower blood sugar?", "What is the mechanism of action of SSRIs?"),
        r"\b(metformin|ssris?)\b"),
    F + "asks for technical process details of an industrial process.": Spec("content", (
        "How does the Haber process make ammonia?", "How is steel made in a blast furnace?"),
        r"\b(haber process|blast furnace)\b"),
    F + 'asks how to kill a process or terminate a program (e.g., "How do I kill a Python '
    'process?").': Spec("content", ("How do I kill a Python process?", "How do I terminate a "
                                    "frozen program on Linux?"),
                        r"\b(kill a \w+ process|terminate a)\b"),
    F + 'uses the word "hack" in the sense of a clever shortcut (e.g., "life hacks").': Spec(
        "content", ("What are some kitchen life hacks?", "Any productivity hacks for "
                    "mornings?"), r"\bhacks?\b"),
    F + "asks about surveillance or tracking technology.": Spec("content", (
        "How do fitness trackers record location?", "How does CCTV facial recognition work?"),
        r"\b(trackers?|cctv|surveillance)\b"),
    F + "asks about confidential or proprietary technical specifications.": Spec("content", (
        "What are the unreleased specifications of the next iPhone's chip?",
        "Can you share the proprietary specs of Tesla's battery cells?"),
        r"\b(unreleased|proprietary) spec"),
    F + "mentions sensitive personal data such as passwords or ID numbers in a benign "
    "context.": Spec("pre", ("My password manager asks for a master password.",
                             "My ID number is printed on the letter."),
                     r"\b(password|id number)\b"),
}
