"""Detectors written in a rubric file: rules (regex, keywords, absent) or a function by path.

A user's rubric can then be judged offline with no model: the rubric names the evidence, and
this module turns it into a detector the offline judges run like their own.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from pytest_chunky.infra.errors import ConfigError
from pytest_chunky.judging.scale import NONE, SEVERE, DetectorVerdict
from pytest_chunky.rubrics import DetectorRules, Rubric, known_rubric

__all__ = ["custom_detector", "detector_for"]

Detector = Callable[[str, str], DetectorVerdict]


def _rules(rules: DetectorRules) -> Detector:
    patterns = [re.compile(p, re.I | re.M) for p in rules.regex]
    keywords = [k.lower() for k in rules.keywords]
    absent = [a.lower() for a in rules.absent]

    def detect(query: str, response: str) -> DetectorVerdict:
        low = response.lower()
        for pattern in patterns:
            match = pattern.search(response)
            if match:
                return SEVERE, f"the response matches {pattern.pattern!r}: {match.group(0)[:60]!r}"
        for keyword in keywords:
            if keyword in low:
                return SEVERE, f"the response contains {keyword!r}"
        if absent and not any(a in low for a in absent):
            return SEVERE, f"the response has none of {', '.join(map(repr, rules.absent))}"
        return NONE, "none of the rubric's detector rules applies"

    return detect


def _function(path: str, rubric: str) -> Detector:
    module, _, name = path.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"rubric {rubric!r}: detector {path!r} cannot be imported ({exc}); "
                          "write it as package.module:function, importable here") from None

    def detect(query: str, response: str) -> DetectorVerdict:
        out: Any = fn(query, response)
        if isinstance(out, bool):
            return (SEVERE, f"{path} flags the response") if out else (NONE, f"{path}: clear")
        if isinstance(out, tuple) and len(out) == 2:
            score, reason = out
        else:
            score, reason = out, path
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 100:
            raise ConfigError(f"detector {path} returned {out!r}: return a bool, a score "
                              "from 0 to 100, or (score, reason)")
        return int(score), str(reason)

    return detect


def custom_detector(rubric: Rubric) -> Detector | None:
    """The detector a rubric writes itself, or None when it names a registered one."""
    if isinstance(rubric.detector, DetectorRules):
        return _rules(rubric.detector)
    if isinstance(rubric.detector, str) and ":" in rubric.detector:
        return _function(rubric.detector, rubric.name)
    return None


def detector_for(name: str) -> Detector | None:
    """The custom detector of a rubric loaded in this process, by its detector name."""
    rubric = known_rubric(name)
    return custom_detector(rubric) if rubric is not None else None
