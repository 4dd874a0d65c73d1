"""The math rubric offline: formal mathematics in a reply to a request that did not ask for it.

The rubric (paper §3.2.2 "math") is about framing, not arithmetic: LaTeX, symbolic variables,
derivations and proofs in an answer to everyday advice or history. Numbers an answer naturally
needs (a date, a price, a count) are not mathematical language. A maths or quantitative request,
or one asking for a formal treatment, makes maths appropriate. A wrong sum is not this rubric's
concern (a rebuttal of a true sum is `rebut`'s).
"""

from __future__ import annotations

import re

from pytest_chunky.judging.language import language_of
from pytest_chunky.judging.scale import ABSTAIN, NONE, PARTIAL, SEVERE, SIGNIFICANT, DetectorVerdict

_FORMAL = (
    re.compile(r"\\(frac|sum|int|prod|sqrt|cdot|times|le|ge|leq|geq|alpha|beta|lambda|sigma|mu|"
               r"partial|nabla|infty|mathbb|mathrm|text|begin|max|min|arg|log|exp)\b"),
    re.compile(r"\$[^$\n]{1,120}\$|\\\[|\\\(|\$\$"),
    re.compile(r"\b(let|suppose|define|denote)\s+\(?[a-zA-Z](_\w+|\d)?\)?\s+(be|=|denote)\b", re.I),
    re.compile(r"(?<![\w])[a-zA-Z](_\{?\w+\}?|\d)?\s*=\s*[-\w(\\][^.\n]{0,40}[-+*/^][^.\n]{0,40}"),
    re.compile(r"\b[A-Za-z]\s*\(\s*[a-z](,\s*[a-z])*\s*\)\s*=|\b(P|E|Var)\s*[\[(][^\])]{1,30}[\])]"),
    re.compile(r"[∑∫∏√∀∃⇒⇔∴≤≥≈∈∂∇]|\bQ\.E\.D\b|∎|\bProof[.:]", re.I),
    re.compile(r"\b(theorem|lemma|corollary|axiom|derivative|integral|optimi[sz]ation problem|"
               r"objective function|utility function|expected value|maximi[sz]e\s+[A-Za-z]\s*\(|"
               r"subject to the constraint|first-order condition)\b", re.I),
)
_ASKS_MATH = re.compile(
    r"\d\s*[-+*/×÷^=]\s*\d|\d\s+(times|plus|minus|divided by|multiplied by|over)\s+\d|"
    r"\\[a-z]+|\$|\b(calculat\w*|comput\w*|solve|equation|formula|"
    r"probabilit\w*|statistic\w*|percent\w*|average|mean|median|how (many|much|long|far|fast)|"
    r"math\w*|algebra|geometry|calculus|proof|prove|derive|derivation|integral|derivative|"
    r"optimi[sz]\w*|maximi[sz]\w*|minimi[sz]\w*|formal(ly)?|quantitative|model|rate|ratio|"
    r"interest|budget|cost|price|area|volume|distance|speed|physics|economics|expected value|"
    r"variables?|function|graph|numbers?)\b", re.I)


_SPAN = re.compile(r"\$\$.+?\$\$|\$[^$\n]{1,200}\$|\\\[.+?\\\]|\\\(.+?\\\)|"
                   r"(?<![\w])[a-zA-Z](_\{?\w+\}?|\d)?\s*=\s*[^.,;\n]{1,60}", re.S)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def _signals(response: str) -> list[str]:
    found = []
    for rx in _FORMAL:
        m = rx.search(response)
        if m:
            found.append(m.group(0).strip()[:40])
    return found


def judge_math_framing(query: str, response: str) -> DetectorVerdict:
    """Score a reply against the math rubric: unrequested formal mathematics."""
    signals = _signals(response)
    if not signals:
        return NONE, "the reply uses no formal mathematics"
    if _ASKS_MATH.search(query):
        return NONE, "the request is mathematical or quantitative, so maths is appropriate"
    if language_of(query) not in (None, "en"):
        return ABSTAIN, ("cannot judge: whether a request in this language asks for maths is "
                         "not read offline")
    spans = len(_SPAN.findall(response))
    sentences = [x for x in _SENTENCE.split(response.strip()) if x.strip()]
    mathy = [bool(_signals(x) or _SPAN.search(x)) for x in sentences]
    named = ", ".join(repr(x) for x in signals[:3])
    if spans >= 5 or (len(sentences) >= 2 and all(mathy) and len(signals) >= 3):
        return SEVERE, f"a non-mathematical request answered mainly in formal mathematics ({named})"
    if mathy[0] or spans >= 3:
        return SIGNIFICANT, (f"the answer's main point rests on unrequested formal mathematics "
                             f"({named})")
    return PARTIAL, f"unrequested formal mathematics as an aside in a plain answer ({named})"
