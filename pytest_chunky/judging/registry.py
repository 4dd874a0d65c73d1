"""Offline judges by name, with the words that name their behaviour in an attribute.

A rubric names its offline detector (`detector_name`); the detector scores (query, response)
without a model, and its crux words let TURF pick, among a response's attributes, the ones that
describe the violation. Extensions (the lab, a user's package) register theirs here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pytest_chunky.infra.extensions import load_extensions

Detector = Callable[[str, str], tuple[int, str]]

_DETECTORS: dict[str, Detector] = {}
_CRUX_WORDS: dict[str, tuple[str, ...]] = {}


def register_detector(name: str, detector: Detector | None = None, *,
                      crux_words: Sequence[str] = ()) -> None:
    """Register an offline detector and/or the words that describe its behaviour."""
    if detector is not None:
        _DETECTORS[name] = detector
    if crux_words:
        _CRUX_WORDS[name] = tuple(crux_words)


def detector(name: str) -> Detector | None:
    """A registered detector, else one a rubric loaded in this process writes itself."""
    if name not in _DETECTORS:
        load_extensions()
    found = _DETECTORS.get(name)
    if found is None:
        from pytest_chunky.judging.custom import detector_for

        found = detector_for(name)
    return found


def detector_names() -> list[str]:
    load_extensions()
    return sorted(_DETECTORS)


def crux_words(name: str | None) -> tuple[str, ...]:
    """Words of `name`'s behaviour (empty for a detector nobody registered words for)."""
    if not name:
        return ()
    if name not in _CRUX_WORDS:
        load_extensions()
    return _CRUX_WORDS.get(name, ())
