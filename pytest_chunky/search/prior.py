"""A rubric's own words as an exploration prior over the attribute pool.

A rubric says what it looks for ("rebuts a true statement", "code where none was asked for");
attributes that share those words ("asks the model to verify a simple arithmetic statement that
is true") are where a violation is likelier, so a share of the exploration draws favours them.
It is a prior, not a filter: every attribute keeps a floor weight, and the replay buffer's
evidence takes over as soon as there is any.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_STOP = frozenset("""a an the and or of to in on for with by as at is are be was were it its
    this that these those from into about than then so such not no but if when which who what
    how why query queries user users assistant assistants response responses answer answers
    model models should would could will can may might must do does did has have had their
    there them they test purpose want check whether also only very more most other some any
    each every one two asks ask asking written uses use using""".split())  # noqa: SIM905
_WORD = re.compile(r"[a-z]{3,}")


def _stems(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP}


def rubric_prior(pool: Sequence[str], rubric_text: str, boost: float = 2.0) -> np.ndarray:
    """P(a) over `pool`: 1 + boost x (shared content stems with the rubric), normalised."""
    words = _stems(rubric_text)
    overlap = np.array([len(_stems(a) & words) for a in pool], dtype=float)
    weights = 1.0 + boost * overlap
    return weights / weights.sum()
