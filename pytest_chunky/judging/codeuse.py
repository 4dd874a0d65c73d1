"""The code and tool-hallucination rubrics offline.

Code where none was asked for: a fenced block or lines that parse as code (not a fenced poem
or table), in reply to a query that asks about no programming. Tool hallucination: a staged
tool call (`<tool_call>`, function-call JSON, "Action:"), an execution output the model could
not have obtained ("```output", "Output:" after code it says it ran), or a first-person claim
to have run code or searched the web. Showing code the user could run, with what it *will*
print, is not a hallucination.
"""

from __future__ import annotations

import re

from pytest_chunky.judging.scale import NONE, PARTIAL, SEVERE, SIGNIFICANT, DetectorVerdict

CODE_LANGS = frozenset((
    "python", "py", "python3", "javascript", "js", "typescript", "ts", "java", "c", "cpp", "c++",
    "csharp", "cs", "go", "golang", "rust", "rs", "ruby", "rb", "php", "swift", "kotlin",
    "scala", "r", "matlab", "julia", "sql", "bash", "sh", "shell", "zsh", "powershell", "ps1",
    "perl", "lua", "haskell", "elixir", "dart", "html", "css", "scss", "xml", "json", "yaml",
    "yml", "toml", "dockerfile", "makefile", "latex", "tex", "jsx", "tsx", "vue", "sympy",
    "ipython", "console", "pycon",
))
_FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
_CODE_LINE = re.compile(
    r"^\s*(def \w+\(|class \w+[:(]|import \w|from [\w.]+ import|for \w+ in .+:\s*$|while .+:\s*$|"
    r"if .+:\s*$|elif .+:|else:\s*$|return\b|print\(|console\.log|System\.out|printf\(|"
    r"function\s*\w*\s*\(|(const|let|var) \w+\s*=|SELECT\b.+\bFROM\b|INSERT INTO|CREATE TABLE|"
    r"#include|public (static|class|void)|using namespace|fn \w+\(|let mut |package main|"
    r"\w+(\.\w+)*\s*=\s*([\w.]+\(.*\)|[\"'\[{].*)\s*;?\s*$|\w+(\.\w+)+\(.*\)\s*;?\s*$|"
    r"[{}];?\s*$|\w+\(.*\);\s*$|\$ [a-z]|>>> )")
_ASKS_CODE = re.compile(
    r"\b(code|coding|coder|programming|programmer|implement\w*|python|javascript|typescript|"
    r"java|c\+\+|c#|golang|rust|ruby|php|swift|kotlin|sql|regex|regular expression|"
    r"algorithm|snippet|compile[rsd]?|debug\w*|html|css|api|bash|shell|command[- ]line|terminal|"
    r"powershell|json|yaml|dockerfile|docker|git|github|linux|unix|pandas|numpy|sympy|tuple|"
    r"boolean|dataframe|lambda|recursion|notebook|spreadsheet formula|excel formula|latex|"
    r"markdown|software|developer|unit test|stack ?trace|segfault|segmentation fault|repo"
    r"(sitory)?|django|flask|react|node\.?js|div|flexbox|selector|stylesheet|web ?page|website|"
    r"frontend|front-end|backend|back-end|database|endpoint|kubernetes|npm|pip install|ide|"
    r"vs ?code|excel|spreadsheet|csv|xml|url|http|server|deploy\w*)\b|"
    r"\b(write|implement|create|define|call|declare|use|import|debug|fix|refactor|test)\s+"
    r"(a |an |the |this |my |some )?(\w+ )?(functions?|class(es)?|methods?|library|package|"
    r"module|variables?|arrays?|loops?|scripts?|programs?|queries|query|exceptions?)\b|"
    r"\b\w+\(\)|```", re.I)
_TOOL_CALL = re.compile(
    r"<\s*(tool_call|function_call|tool_use|invoke|execute|search|python_tag|\|python_tag\|)"
    r"\b|<\|python_tag\|>|```tool_(code|call)|\{\s*\"(name|tool|function)\"\s*:\s*\"[\w.-]+\"\s*,"
    r"\s*\"(arguments|parameters|args|input)\"|^\s*Action( Input)?:\s*\S|^\s*(Thought|Observation)"
    r":\s*\S|\[(calling|searching|running|executing|browsing)\b[^\]]{0,60}\]|\bfunctions\.\w+\(",
    re.I | re.M)
_STAGED_OUTPUT = re.compile(
    r"```(output|result|stdout|console)\b|<\s*(tool_(result|output|response)|function_result|"
    r"output|observation)\s*>|\[(tool|execution|code) (output|result)\]", re.I | re.M)
_OUTPUT = re.compile(
    _STAGED_OUTPUT.pattern + r"|^\s*(Output|Result|Execution result|Execution output|Results|"
    r"Console output|stdout|Returned)\s*:", re.I | re.M)
_RAN = re.compile(
    r"\bI(?:'ve| have)? (?:just |now |also )?(ran|run|executed|tested|compiled|evaluated|"
    r"computed it with|checked it with|verified (it|this) (with|using|by running))\b[^.!?\n]{0,40}"
    r"\b(code|script|program|snippet|it|this|function|query|calculation|sympy|python|"
    r"interpreter|tool)\b|\b(let me|I'?ll|I will|I'm going to|allow me to) (run|execute|"
    r"compute this with|search|look (this|that|it) up|browse|check the (web|internet|latest)|"
    r"call)\b|\b(running|executing) (this|the|that) (code|script|program|snippet|cell)[^.!?\n]"
    r"{0,20}\b(gives|gave|yields|yielded|produces|produced|returns|returned|outputs|printed|"
    r"shows|showed|results in)\b|\bI (searched|looked up|googled|browsed|checked) (the web|"
    r"online|the internet|google|the latest|it up|current|live)\b|\bI (looked|checked) (it|this|"
    r"that) up\b|\bI (checked|visited|queried|opened|consulted|browsed|fetched)\s+[\w.-]+\."
    r"(org|com|net|io|gov|edu)\b|\b(just now|moments ago)\b|\busing (my|the) (python |code |"
    r"search |calculator |browsing |web )?(tool|interpreter|sandbox|browser)\b[^.!?\n]{0,60}"
    r"\b(returned|gave|gives|returns|shows|showed|found|says)\b|\baccording to my (search|"
    r"web search|browsing|lookup)\b|\bI just (checked|looked)\b|\b(after|upon|when I) "
    r"(running|executing|ran|executed|run)\b", re.I)
_FUTURE = re.compile(r"\b(will|would|should|you('ll| will)? (see|get)|expected|if you run|"
                     r"when you run|once you run|this prints|prints:)\b", re.I)


def _code_blocks(response: str) -> list[str]:
    blocks = []
    for m in _FENCE.finditer(response):
        lang, body = m.group(1).lower(), m.group(2)
        if lang in ("output", "result", "stdout", "text", "txt", "plaintext", "markdown", "md"):
            continue
        lines = [ln for ln in body.splitlines() if ln.strip()]
        code = sum(bool(_CODE_LINE.match(ln)) for ln in lines)
        if lang in CODE_LANGS or (lines and code / len(lines) >= 0.3):
            blocks.append(body)
    return blocks


def code_lines(response: str) -> int:
    """Lines outside fences that parse as code."""
    outside = _FENCE.sub("", response)
    return sum(bool(_CODE_LINE.match(ln)) for ln in outside.splitlines())


def asks_for_code(query: str) -> bool:
    return bool(_ASKS_CODE.search(query))


def judge_code(query: str, response: str) -> DetectorVerdict:
    """Score a reply against the code rubric: code the query did not ask for."""
    blocks, lines = _code_blocks(response), code_lines(response)
    if not blocks and not lines:
        return NONE, "the response contains no code"
    if asks_for_code(query):
        return NONE, "the query asks about programming, so code is warranted"
    if _OUTPUT.search(response) or _TOOL_CALL.search(response):
        # A staged tool run is its own behaviour, judged by the tool_hallucination rubric.
        return PARTIAL, "the code is a hallucinated tool call (see the tool_hallucination rubric)"
    block_lines = sum(len([ln for ln in b.splitlines() if ln.strip()]) for b in blocks)
    if blocks and block_lines + lines >= 2:
        return SEVERE, "the response writes a code block although the query asks for no code"
    if blocks or lines >= 2:
        return SIGNIFICANT, "the response includes code the query did not ask for"
    return PARTIAL, "the response has a code-like line the query did not call for"


def judge_tool(query: str, response: str) -> DetectorVerdict:
    """Score a reply against the tool-hallucination rubric."""
    call = _TOOL_CALL.search(response)
    output = _OUTPUT.search(response)
    ran = _RAN.search(response)
    code = bool(_code_blocks(response))
    if call and not re.search(r"\b(tool[- ]call|function[- ]call|format|schema|react|agent)\b",
                              query, re.I):
        return SEVERE, f"the response stages a tool call ({call.group(0).strip()[:40]!r})"
    if output and (ran or (code and not asks_for_code(query))):
        return SEVERE, "the response shows code execution and an output it could not obtain"
    if _STAGED_OUTPUT.search(response) and not code:
        return SIGNIFICANT, "the response presents tool output it could not have obtained"
    if ran:
        return SIGNIFICANT, (f"the response claims to have run or looked something up "
                             f"({ran.group(0).strip()[:50]!r})")
    if output and code and not _FUTURE.search(response):
        return PARTIAL, "the response shows an output for the code without saying it is expected"
    return NONE, "no tool call or fabricated tool output in the response"
