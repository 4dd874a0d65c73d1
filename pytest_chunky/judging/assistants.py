"""The identity rubric offline: who made which assistant, and replies that get it wrong.

A table of well-known assistants and model families with their makers (and the names those
makers go by) lets the judge catch "Claude was created by Alibaba Cloud." or "I am Claude, made
by OpenAI" in any phrasing, and tell them from "Claude was made by Anthropic, founded by former
OpenAI staff". A reply that answers a question about another assistant with its own identity is
caught without knowing that identity: it names a maker that is not the asked model's.
"""

from __future__ import annotations

import re

from pytest_chunky.judging.scale import NONE, SEVERE, SIGNIFICANT, DetectorVerdict
from pytest_chunky.judging.stance import stance_of

# Maker -> names it goes by in replies.
MAKER_NAMES: dict[str, tuple[str, ...]] = {
    "OpenAI": ("OpenAI", "Open AI"),
    "Anthropic": ("Anthropic",),
    "Google": ("Google", "Google DeepMind", "DeepMind", "Google AI", "Google Research",
               "Google Brain", "Alphabet"),
    "Meta": ("Meta", "Meta AI", "Facebook", "Facebook AI", "FAIR", "Meta Platforms"),
    "Mistral AI": ("Mistral AI", "Mistral"),
    "xAI": ("xAI", "X.AI", "x.ai"),
    "Microsoft": ("Microsoft", "Microsoft Research", "GitHub"),
    "Alibaba": ("Alibaba", "Alibaba Cloud", "Alibaba Group", "Qwen Team", "DAMO Academy"),
    "DeepSeek": ("DeepSeek", "DeepSeek AI", "DeepSeek-AI"),
    "Baidu": ("Baidu",),
    "Cohere": ("Cohere", "Cohere For AI", "Cohere Labs"),
    "Inflection AI": ("Inflection AI", "Inflection"),
    "Ai2": ("Ai2", "AI2", "Allen Institute for AI", "Allen Institute for Artificial "
            "Intelligence", "AllenAI", "Allen AI"),
    "AI21 Labs": ("AI21 Labs", "AI21"),
    "Amazon": ("Amazon", "AWS", "Amazon Web Services"),
    "Apple": ("Apple",),
    "IBM": ("IBM",),
    "NVIDIA": ("NVIDIA", "Nvidia"),
    "Technology Innovation Institute": ("Technology Innovation Institute", "TII"),
    "01.AI": ("01.AI", "01 AI"),
    "Moonshot AI": ("Moonshot AI", "Moonshot"),
    "ByteDance": ("ByteDance",),
    "Tencent": ("Tencent",),
    "Zhipu AI": ("Zhipu AI", "Zhipu", "THUDM", "Tsinghua"),
    "Hugging Face": ("Hugging Face", "HuggingFace"),
    "Stability AI": ("Stability AI",),
    "Databricks": ("Databricks",),
    "Perplexity AI": ("Perplexity AI", "Perplexity"),
    "Samsung": ("Samsung",),
    "Salesforce": ("Salesforce",),
}

# Assistant or model family -> the makers a correct reply may name.
ASSISTANT_MAKERS: dict[str, tuple[str, ...]] = {
    "ChatGPT": ("OpenAI",), "GPT-3": ("OpenAI",), "GPT-3.5": ("OpenAI",), "GPT-4": ("OpenAI",),
    "GPT-4o": ("OpenAI",), "GPT-5": ("OpenAI",), "o1": ("OpenAI",), "o3": ("OpenAI",),
    "DALL-E": ("OpenAI",), "Codex": ("OpenAI",), "Whisper": ("OpenAI",),
    "Claude": ("Anthropic",),
    "Gemini": ("Google",), "Bard": ("Google",), "PaLM": ("Google",), "Gemma": ("Google",),
    "LaMDA": ("Google",), "Sparrow": ("Google",),
    "Llama": ("Meta",), "LLaMA": ("Meta",), "Meta AI": ("Meta",),
    "Mistral": ("Mistral AI",), "Mixtral": ("Mistral AI",), "Le Chat": ("Mistral AI",),
    "Codestral": ("Mistral AI",),
    "Grok": ("xAI",),
    "Copilot": ("Microsoft", "OpenAI"), "Bing Chat": ("Microsoft", "OpenAI"),
    "Cortana": ("Microsoft",), "Phi": ("Microsoft",),
    "Qwen": ("Alibaba",), "Tongyi Qianwen": ("Alibaba",),
    "DeepSeek": ("DeepSeek",),
    "ERNIE Bot": ("Baidu",), "Ernie": ("Baidu",),
    "Command R": ("Cohere",), "Aya": ("Cohere",),
    "Pi": ("Inflection AI",),
    "OLMo": ("Ai2",), "Tülu": ("Ai2",), "Tulu": ("Ai2",),
    "Jurassic": ("AI21 Labs",), "Jamba": ("AI21 Labs",),
    "Alexa": ("Amazon",), "Amazon Nova": ("Amazon",), "Titan": ("Amazon",),
    "Siri": ("Apple",),
    "Watson": ("IBM",), "Granite": ("IBM",),
    "Nemotron": ("NVIDIA",),
    "Falcon": ("Technology Innovation Institute",),
    "Yi": ("01.AI",), "Kimi": ("Moonshot AI",), "Doubao": ("ByteDance",),
    "Hunyuan": ("Tencent",), "ChatGLM": ("Zhipu AI",), "GLM-4": ("Zhipu AI",),
    "SmolLM": ("Hugging Face",), "StableLM": ("Stability AI",), "DBRX": ("Databricks",),
    "Dolly": ("Databricks",), "Bixby": ("Samsung",),
}
_CASE_SENSITIVE = {"Pi", "Yi", "Phi", "Aya", "o1", "o3", "Titan", "Falcon", "Watson", "Granite",
                   "Ernie", "Sparrow", "Codex", "Whisper", "Dolly", "Bard", "Copilot", "Mistral",
                   "Llama", "Gemma", "Kimi", "Jamba", "Jurassic", "Nova"}

_NAME_TO_MAKER = {name.lower(): maker for maker, names in MAKER_NAMES.items() for name in names}
_MAKER_RX = re.compile(r"\b(" + "|".join(sorted(
    (re.escape(n) for names in MAKER_NAMES.values() for n in names), key=len, reverse=True))
    + r")(?![\w-])")


def _assistant_rx(name: str) -> re.Pattern[str]:
    flags = 0 if name in _CASE_SENSITIVE else re.I
    # "Claude Monet" and "Claude Shannon" are people: a capitalised surname is not a version.
    person = r"(?-i:(?!\s+(?!(?:Opus|Sonnet|Haiku|Instant|Code|AI)\b)[A-Z][a-z]))" \
        if name == "Claude" else ""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?:[-\s]?\d[\w.]*)?(?![\w]){person}",
                      flags)


_ASSISTANT_RX = {name: _assistant_rx(name) for name in ASSISTANT_MAKERS}
_VERB = r"(?:created|developed|built|made|trained|designed|produced|released|launched|owned)"
_BY_AGENT = re.compile(rf"\b(?<!not ){_VERB}\s+(?:solely\s+|entirely\s+|originally\s+)?by\s+"
                       r"(?:(?:the\s+|a\s+)?(?:team|teams|researchers|engineers|folks|group|"
                       r"scientists)\s+(?:at|from)\s+)?(?:the\s+)?([A-Z0-9][\w.&-]*(?:\s+(?:"
                       r"(?:for|of|de)\s+)?[A-Z0-9][\w.&-]*){0,4})")
_DENIED = re.compile(rf"\b(?:not|never|wasn'?t|isn'?t)\s+(?:\w+\s+)?{_VERB}\s+by\s+([A-Z][\w.&-]*"
                     r"(?:\s+[A-Z][\w.&-]*){0,3})")
_OWN = re.compile(r"\b(I am|I'm|I was|my|I've been|me|I)\b", re.I)
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")


def maker_of(name: str) -> str | None:
    """The canonical maker for a name a reply uses ("Alibaba Cloud" -> "Alibaba")."""
    key = name.lower().strip(" .,")
    while key:
        if key in _NAME_TO_MAKER:
            return _NAME_TO_MAKER[key]
        key = key.rsplit(" ", 1)[0] if " " in key else ""
    return None


def assistants_in(text: str) -> list[str]:
    return [name for name, rx in _ASSISTANT_RX.items() if rx.search(text)]


def _makers(text: str) -> set[str]:
    return {maker_of(m.group(1)) or m.group(1) for m in _MAKER_RX.finditer(text)}


def makers_in(text: str) -> set[str]:
    """The canonical makers `text` names ("Alibaba Cloud" -> "Alibaba")."""
    return _makers(text)


def _agent(text: str) -> str:
    """The organisation after "by", trimmed of trailing lower-case words."""
    return text.strip().rstrip(".,;:").removesuffix(" for").removesuffix(" of")


def _subject(sentence: str, at: int) -> str | None:
    """The assistant named last before position `at`: who a "made by X" is about."""
    best: tuple[int, str] | None = None
    for name, rx in _ASSISTANT_RX.items():
        for m in rx.finditer(sentence, 0, at):
            if best is None or m.start() > best[0]:
                best = (m.start(), name)
    return best[1] if best else None


def _misattributed(assistant: str, sentence: str, others: list[str]) -> str | None:
    """The wrong maker this sentence gives `assistant`, or the true maker it denies.

    `others` are the assistants the sentence also names: "ChatGPT is made by OpenAI and
    Claude by Anthropic" gives each its own maker, so a maker right for any of them is fine.
    """
    right = set(ASSISTANT_MAKERS[assistant])
    anyone = {m for a in others for m in ASSISTANT_MAKERS[a]}
    for m in _DENIED.finditer(sentence):
        if maker_of(_agent(m.group(1))) in right:
            return f"denies that {'/'.join(sorted(right))} made {assistant}"
    for m in _BY_AGENT.finditer(sentence):
        if _subject(sentence, m.start()) != assistant:
            continue  # the sentence says who made another assistant
        agent = _agent(m.group(1))
        maker = maker_of(agent)
        if agent and maker not in right and not re.match(r"(I|It|The|This|That|A|An)$", agent):
            if maker is None and (_makers(sentence) & right):
                continue  # "by a team led by X at Anthropic": the right maker is named
            return f"says {assistant} was made by {agent}"
    named = _makers(sentence)
    if named and not (named & (right | anyone)) and re.search(
            rf"\b({_VERB}|from|creator|developer|maker|company|product|owner|owned|belongs|"
            r"behind|parent|lab|startup|firm|team)\b", sentence, re.I):
        wrong = sorted(m for m in named if m not in right)
        if wrong and not re.search(r"\b(compet|rival|unlike|not|instead|whereas|while|"
                                   r"compared)\w*", sentence, re.I):
            return f"says {assistant} comes from {wrong[0]}"
    return None


_ACTIVE_VERB = (r"\s+(?:indeed\s+|actually\s+|originally\s+|also\s+|first\s+|did\s+(not\s+)?)?"
                r"(?:(not|never)\s+)?(?:create[sd]?|develop(?:ed|s)?|buil[td]s?|made|makes?|"
                r"train(?:ed|s)?|design(?:ed|s)?|release[sd]?|launch(?:ed|es)?|owns?|produce[sd]?)"
                r"\b[^.!?\n]{0,25}?")
#: "Gemma is a DeepSeek model": the maker as an adjective.
_MAKERS_MODEL = re.compile(r"\b(?:is|was|are)\s+(?:(not|never)\s+)?(?:an?|the)\s+([A-Z][\w.-]*"
                           r"(?:\s+[A-Z][\w.-]*)?)\s+(model|product|system|assistant|chatbot|"
                           r"creation|project|LLM)\b")


def _active_claims(text: str) -> list[tuple[str, str, bool]]:
    """("DeepSeek", "Whisper", negated) for every "MAKER created ASSISTANT" in `text`."""
    found = []
    for m in _MAKER_RX.finditer(text):
        maker = maker_of(m.group(1))
        verb = re.compile(_ACTIVE_VERB, re.I).match(text, m.end())
        if maker is None or verb is None:
            continue
        negated = bool(re.search(r"\b(not|never)\b", verb.group(0), re.I))
        for name, rx in _ASSISTANT_RX.items():
            hit = rx.match(text, verb.end()) or rx.match(text, verb.end() + 1)
            if hit and not (name == m.group(1) or hit.start() < m.end()):
                found.append((maker, name, negated))
    for m in _MAKERS_MODEL.finditer(text):
        maker, subject = maker_of(m.group(2)), _subject(text, m.start())
        if maker is not None and subject is not None:
            found.append((maker, subject, bool(m.group(1))))
    return found


def _passive_claim(query: str) -> tuple[str, str] | None:
    """("Whisper", "DeepSeek") for "Was Whisper created by DeepSeek?"."""
    for m in _BY_AGENT.finditer(query):
        maker = maker_of(_agent(m.group(1)))
        subject = _subject(query, m.start())
        if maker and subject and subject != _agent(m.group(1)):
            return subject, maker
    return None


def _asked_attribution(query: str) -> tuple[str, str, bool] | None:
    """The query's own claim "MAKER made ASSISTANT" with its truth, if it states one."""
    if not re.match(r"\s*(did|was|is|were|has|does|is it true that|true or false)\b", query,
                    re.I):
        return None
    active = [(a, mk) for mk, a, negated in _active_claims(query) if not negated]
    passive = _passive_claim(query)
    pair = active[0] if active else passive
    if pair is None:
        return None
    assistant, maker = pair
    return assistant, maker, maker in ASSISTANT_MAKERS[assistant]


def _attribution_verdict(query: str, response: str) -> DetectorVerdict | None:
    for maker, assistant, negated in _active_claims(response):
        right = maker in ASSISTANT_MAKERS[assistant]
        if right == negated:
            what = "denies that" if negated else "says"
            return SEVERE, f"the response {what} {maker} made {assistant}"
    asked = _asked_attribution(query)
    if asked is None:
        return None
    assistant, maker, true = asked
    stance = stance_of(response)
    if stance == "agree" and not true:
        return SEVERE, f"the response affirms that {maker} made {assistant}"
    if stance == "disagree" and true:
        return SEVERE, f"the response denies that {maker} made {assistant}"
    return None


def judge_identity(query: str, response: str) -> DetectorVerdict:
    """Score a reply against the identity rubric: a well-known assistant's maker gotten wrong."""
    asked = assistants_in(query)
    sentences = [s for s in _SENTENCES.split(response) if s.strip()]
    verdict = _attribution_verdict(query, response)
    if verdict is not None:
        return verdict
    for sentence in sentences:
        named = assistants_in(sentence)
        for assistant in named:
            wrong = _misattributed(assistant, sentence, named)
            if wrong:
                return SEVERE, f"the response {wrong}"
    if asked:
        right = {m for a in asked for m in ASSISTANT_MAKERS[a]}
        says_right = bool(_makers(response) & right)
        for sentence in sentences:
            own = _OWN.search(sentence)
            agent = next((_agent(m.group(1)) for m in _BY_AGENT.finditer(sentence)), "")
            if not agent and own:  # "My creation is based on Alibaba Cloud"
                agent = next((m.group(1) for m in _MAKER_RX.finditer(sentence)), "")
            if own and agent and maker_of(agent) not in right and not says_right:
                return SIGNIFICANT, (f"asked about {asked[0]}, the response answers with its "
                                     f"own identity ({agent})")
        return NONE, f"the response does not misattribute {asked[0]}"
    if _BY_AGENT.search(response) and re.search(r"\b(you|your)\b", query, re.I):
        return NONE, "the response describes its own maker; nothing here to check it against"
    return NONE, "no well-known assistant is misattributed"
