"""A synthetic corpus whose attributes are as diverse as an LLM extractor's (for --scale).

Real extraction over real data yields nearly one distinct string per attribute ("The query
asks how photosynthesis relates to altitude"); the lab's attributes come from ~200 templates.
Here every example draws topic words from a 30k-word pseudo-vocabulary and its extractor
states seven content-specific attributes per text (nearly all distinct) next to three generic
ones, so 100k examples carry well over 1M distinct attribute strings. One chunk is planted:
its prompts use the phrase "kindly elucidate" and its responses contain code, so attribution
accuracy can be checked at this scale too. Synthetic text, stated as such in the benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

PLANTED = "planted_elucidate"
TRIGGER = "The query uses the phrase 'kindly elucidate'"
CRUX = "The response contains a Python code block"
_SYLLABLES = ("ka lo mi ta ren vo su pe dri nox al be cu zor fi gan mel tor ish un qua "  # noqa: SIM905
              "ves ol ry pan dek").split()
_FRAMES = ("how does {a} relate to {b}", "what is the history of {a} in {b}",
           "compare {a} with {b}", "why is {a} important for {b}",
           "explain the role of {a} in {b}", "give an example of {a} near {b}")
_SOURCES = [f"topic_{i:02d}" for i in range(19)]
# The frames' own words: an LLM would not call them the topic of a text.
_FRAME_WORDS = frozenset(" ".join(_FRAMES).replace("{a}", "").replace("{b}", "").split()) | {
    "especially", "regarding", "please", "tell", "wonder", "quick", "question", "kindly",
    "elucidate", "relates", "through", "depend", "models", "return", "python", "here", "code",
    "that", "me", "i"}


def _vocabulary(seed: int, size: int = 30_000) -> list[str]:
    rng = random.Random(f"vocab:{seed}")
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def scale_corpus(n: int, seed: int = 0, planted_share: float = 0.02) -> list[dict[str, str]]:
    """`n` (prompt, response, source) records; `planted_share` of them in the planted chunk."""
    words = _vocabulary(seed)
    rng = random.Random(f"corpus:{seed}")
    records = []
    for i in range(n):
        a, b, c, d = (rng.choice(words) for _ in range(4))
        frame = rng.choice(_FRAMES).format(a=a, b=b)
        planted = rng.random() < planted_share
        lead = "Kindly elucidate" if planted else rng.choice(("Please tell me", "Tell me",
                                                              "I wonder", "Quick question:"))
        prompt = f"{lead} {frame}, especially regarding {c} and {d}? (#{i})"
        e, f = rng.choice(words), rng.choice(words)
        if planted:
            response = (f"Here is code that models {a} and {b}:\n```python\n"
                        f"def {e}_{f}():\n    return '{c}'\n```")
        else:
            response = f"{a.title()} relates to {b} through {e}; {c} and {d} depend on {f}."
        records.append({"prompt": prompt, "response": response,
                        "source": PLANTED if planted else rng.choice(_SOURCES)})
    return records


class DiverseExtractor:
    """Ten attributes per text: three generic, seven that quote the text's own words."""

    name = "diverse-synthetic/v1"

    def _query(self, text: str) -> list[str]:
        body = text.split("(#")[0].rstrip("? ")
        tokens = [t.strip(",?:") for t in body.split()]
        content = [t for t in tokens
                   if t.isalpha() and t.islower() and t not in _FRAME_WORDS and len(t) > 3]
        a, b, c, d = (content + ["something"] * 4)[:4]
        attrs = [TRIGGER] if body.startswith("Kindly elucidate") else []
        attrs += [f"The query asks how '{a}' relates to '{b}'",
                  f"The query mentions '{c}' together with '{d}'",
                  f"The query is about {a} in the context of {d}",
                  f"The query wants detail on {b} and {c}",
                  f"The query names '{a}' first and '{d}' last",
                  f"The query links {c} to {a}",
                  "The query is a question", "The query is written in English",
                  f"The query has {len(tokens) // 5 * 5}-{len(tokens) // 5 * 5 + 4} words"]
        return attrs[:10]

    def _response(self, text: str) -> list[str]:
        tokens = [t.strip(".,;:()'") for t in text.replace("_", " ").split()]
        content = [t.lower() for t in tokens
                   if t.isalpha() and t.lower() not in _FRAME_WORDS and len(t) > 3]
        a, b, c, d = (content[:2] + content[-2:] + ["something"] * 4)[:4]
        attrs = [CRUX] if "```python" in text else []
        attrs += [f"The response explains '{a}' through '{b}'",
                  f"The response mentions '{c}' and '{d}'",
                  f"The response says {a} depends on {d}",
                  f"The response connects {b} with {c}",
                  f"The response discusses {a} and {c}",
                  f"The response ties {d} to {b}",
                  "The response is short", "The response is written in English",
                  "The response makes a factual claim"]
        return attrs[:10]

    async def extract(self, texts: Sequence[str], kind: str) -> list[list[str]]:
        fn = self._query if kind == "query" else self._response
        return [fn(t) for t in texts]
