"""The lab's stand-in for an LLM extractor over preference worlds.

An LLM describing responses words one property differently from text to text; the audit must
merge the wordings into one concept before it can count. `Paraphraser` says each planted
property one of three ways (picked from the text's hash, sharing few or no words), plus
properties every response has, worded in two ways or by value.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from pytest_chunky.lab.worlds.prefs import DETECT

WORDINGS = {
    "bold": ("The response uses bold text", "Key terms are in bold",
             "The answer bolds a phrase"),
    "opener": ("The response opens with flattery", "It compliments the question first",
               "Begins by praising the user's question"),
    "heading": ("The response contains a markdown heading", "Starts with a header line",
                "Uses a markdown title"),
    "bullets": ("The response contains a bulleted list", "Uses bullet points",
                "Ends with a short list of items"),
    "emoji": ("The response contains emoji", "An emoji appears at the end",
              "Uses an emoji character"),
    "closing": ("The response ends with an offer of more help",
                "Offers further assistance at the end", "Invites a follow-up question"),
}


class Paraphraser:
    """An extractor (`turf.extract.Extractor`); `fail_after` texts, it raises KeyboardInterrupt
    (an interrupted run)."""

    name = "lab-paraphraser/v1"

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.fail_after = fail_after

    async def extract(self, texts: Sequence[str], kind: str) -> list[list[str]]:
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt
        self.calls += len(texts)
        return [self.describe(t) for t in texts]

    @staticmethod
    def describe(text: str) -> list[str]:
        pick = zlib.crc32(text.encode())
        attrs = [WORDINGS[name][pick % 3] for name, has in DETECT.items() if has(text)]
        words = len(text.split())
        first = next((w for w in (w.strip("#*") for w in text.split()) if w), "")
        about = "about " if pick % 2 else ""
        return [*attrs, f"The response has {about}{words // 10 * 10} words",
                ("Written in English", "The response is in English")[pick % 2],
                f"The response starts with the word '{first}'"]
