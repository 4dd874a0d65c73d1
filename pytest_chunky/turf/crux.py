"""Two-judge crux extraction (paper D.1.2): what in the response violated the rubric.

A blind judge lists the response's attributes without the rubric (so it describes what the
response does, not how it falls short); an informed judge picks the 3 most responsible. With no
crux model, the extractor plays the blind judge and a rule plays the informed one: the lab's
detector vocabulary when the rubric names a lab detector, otherwise the data decide (the caller
keeps the attributes whose retrievals are most concentrated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.judging.registry import crux_words
from pytest_chunky.models.base import Model
from pytest_chunky.rubrics import Rubric
from pytest_chunky.turf.extract import Extractor, ModelExtractor

__all__ = ["RubricInfo", "choose_by_rule", "extract_crux", "resolve_rubric"]


@dataclass(frozen=True)
class RubricInfo:
    name: str
    text: str
    detector: str | None


def resolve_rubric(rubric: Rubric | str | None) -> RubricInfo | None:
    """A Rubric, a rubric name or path, or free text describing the violated principle."""
    if rubric is None:
        return None
    if isinstance(rubric, Rubric):
        return RubricInfo(rubric.name, rubric.render(), rubric.detector_name)
    text = rubric.strip()
    if not text:
        return None
    if "\n" not in text and len(text) < 200:
        from pytest_chunky.rubrics import get_rubric

        try:
            found = get_rubric(text)
        except (ConfigError, InputError, OSError):
            pass
        else:
            return RubricInfo(found.name, found.render(), found.detector_name)
    return RubricInfo("custom", text, None)



def choose_by_rule(attributes: Sequence[str], rubric: RubricInfo | None) -> list[str]:
    """Attributes whose wording matches the rubric's detector, best first (may be empty)."""
    words = crux_words(rubric.detector if rubric else None)
    if not words:
        return []
    scored = [(sum(w in a.lower() for w in words), i, a) for i, a in enumerate(attributes)]
    return [a for score, _, a in sorted(scored, key=lambda t: (-t[0], t[1])) if score > 0][:3]


async def extract_crux(response: str, rubric: RubricInfo | None, *, extractor: Extractor,
                       model: Model | ModelExtractor | None = None
                       ) -> tuple[list[str], list[str]]:
    """(blind attributes, crux). An empty crux means: let the data choose among the blind.

    Pass the session's `ModelExtractor` as `model` so the two judges' calls go through its
    client (cache, ledger, budget, rate limit); a bare `Model` gets a client of its own.
    """
    if model is None:
        blind = (await extractor.extract([response], "response"))[0]
        return blind, choose_by_rule(blind, rubric)
    judge = model if isinstance(model, ModelExtractor) else ModelExtractor(model)
    blind = (await judge.extract([response], "response"))[0]
    if rubric is None:
        return blind, []
    from pytest_chunky.calls import prompts
    from pytest_chunky.calls.roles import structured_call

    user = (prompts.rubric_block(rubric.name, rubric.text, rubric.detector)
            + prompts.tagged("attributes", "\n".join(blind)))
    picked = await structured_call(
        judge.client, prompts.CRUX, user,
        lambda reply: prompts.parse_string_list("crux", reply, expected=3))
    lowered = {a.lower(): a for a in blind}
    crux = [lowered.get(p.lower().strip(), p.strip()) for p in picked]
    return blind, [c for c in dict.fromkeys(crux) if c][:3]


def crux_phrase(attribute: str) -> str:
    """'The response provides code' → 'provides code' (for the one-line explanation)."""
    text = attribute.strip().rstrip(".")
    for prefix in ("the response ", "the assistant ", "response "):
        if text.lower().startswith(prefix):
            return text[len(prefix):]
    return text[:1].lower() + text[1:] if text else text
