"""Copy a query's aligned spans into a response that repeats a similar prompt.

The lab's responder answers a new query with a training example's response; where that response
repeats words of the training prompt, the query's own words take their place. Counter-examples
built by `mitigate` use the same copy mechanism.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["adapt"]

_SURFACE_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_STOP_WORDS = ("a an the of to in on at for and or is are was were be do does did i you "
                  "my your me it this that what which who how why when can could would "
                  "please with by from as")
_STOP = frozenset(_STOP_WORDS.split())

def _spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    found = [(m.group(0), m.span()) for m in _SURFACE_TOKEN.finditer(text)]
    return [t.lower() for t, _ in found], [s for _, s in found]


def adapt(train_prompt: str, response: str, query: str, *, min_ratio: float = 0.5,
          min_coverage: float = 0.6) -> str:
    """Copy the query's aligned spans into the response where it repeats the training prompt.

    Alignment must be good overall (`min_ratio`) or cover most of the training prompt
    (`min_coverage`, for queries that wrap a familiar question in extra words).
    """
    a, a_pos = _spans(train_prompt)
    b, b_pos = _spans(query)
    if not a or not b:
        return response
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    if matcher.ratio() < min_ratio and matched / len(a) < min_coverage:
        return response
    edits: list[tuple[int, int, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 > 6 or j2 - j1 > 6:
            continue
        if all(t in _STOP or not t[0].isalnum() for t in a[i1:i2]):
            continue
        old = train_prompt[a_pos[i1][0]:a_pos[i2 - 1][1]]
        new = query[b_pos[j1][0]:b_pos[j2 - 1][1]]
        for m in re.finditer(r"(?<!\w)" + re.escape(old) + r"(?!\w)", response, re.I):
            text = new
            if m.group(0)[:1].isupper() and text[:1].islower():
                text = text[:1].upper() + text[1:]
            edits.append((m.start(), m.end(), text))
    if not edits:
        return response
    out, last = [], 0
    for start, end, text in sorted(edits):
        if start < last:
            continue
        out.append(response[last:start])
        out.append(text)
        last = end
    out.append(response[last:])
    return "".join(out)
