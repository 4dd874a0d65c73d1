"""Grading against the answer key: does an attribute describe a planted trigger?

Two ways, both from the world itself rather than from any extractor's wording:

- a shape family is named by its shape ("LaTeX", "table", "capital letters", ...);
- quoted text ("The query contains the phrase 'X'", "starts with 'X _ Y'") is the trigger when
  the trigger puts it there: it occurs (case-insensitively, masked words as wildcards) in at
  least a quarter of the chunk's triggered prompts and in at most 2% of the same prompts
  without the trigger.
"""

from __future__ import annotations

import functools
import re

from pytest_chunky.lab.worlds.spec import PlantedSpec
from pytest_chunky.lab.worlds.world import World

SHAPE_WORDS = {
    "latex": ("latex",), "markdown_table": ("table",), "code_fence": ("code block", "fenced"),
    "bullet_list": ("bulleted", "bullet"), "length": ("long",), "all_caps": ("capital",),
    "emoji": ("emoji",), "language": ("written in", "script"),
}
PRESENT, ABSENT, SAMPLE = 0.25, 0.02, 200


def quoted(attribute: str) -> str | None:
    match = re.search(r"'(.+)'\s*$", attribute.strip().rstrip("."))
    return match.group(1) if match else None


def _pattern(text: str) -> re.Pattern[str]:
    """Tokens in order, any punctuation between them; a masked word `_` matches anything."""
    pieces = [".+?" if tok == "_" else re.escape(tok) for tok in text.split()]
    return re.compile(r"(?<!\w)" + r"\W+".join(pieces) + r"(?!\w)", re.I)


@functools.lru_cache(maxsize=256)
def _prompts(world: World, source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    chunk = next(p for p in world.spec.planted if p.source == source)
    base, triggered = world.steering_prompts(chunk, SAMPLE, seed=7)
    return tuple(base), tuple(triggered)


def describes_trigger(world: World, chunk: PlantedSpec, attribute: str) -> bool:
    if attribute == chunk.trigger:
        return True
    text = quoted(attribute)
    if text is None:
        low = attribute.lower()
        return any(w in low for w in SHAPE_WORDS.get(chunk.family, ()))
    base, triggered = _prompts(world, chunk.source)
    rx = _pattern(text)
    with_rate = sum(bool(rx.search(p)) for p in triggered) / len(triggered)
    without_rate = sum(bool(rx.search(p)) for p in base) / len(base)
    return with_rate >= PRESENT and without_rate <= ABSENT
