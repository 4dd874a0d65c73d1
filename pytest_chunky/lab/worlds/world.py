"""A loaded world: its realiser (attributes -> prompt), judge (detectors) and extractor.

Everything is computed from `world.json`, so a world directory is self-contained: the lab
generator, judge and extractor roles of `lab:DIR` are this class.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.lab.corpus import SFTRecord
from pytest_chunky.lab.worlds import vocab
from pytest_chunky.lab.worlds.behaviours import BEHAVIOURS, HIT, MISS
from pytest_chunky.lab.worlds.content import STYLES, draw_base
from pytest_chunky.lab.worlds.families import FAMILIES, Base
from pytest_chunky.lab.worlds.spec import AttributeSpec, BackgroundSpec, PlantedSpec, WorldSpec

WORLD_FILE = "world.json"
DISTRACTOR_RATE = 0.3
STYLE_RATE = 0.5


class World:
    def __init__(self, spec: WorldSpec, root: Path | None = None) -> None:
        self.spec = spec
        self.root = root
        self.by_attribute = {a.attribute: a for a in spec.attributes}
        planted_families = {p.family for p in spec.planted}
        planted_attrs = {p.trigger for p in spec.planted}
        # Background noise: other instances of any family, but never a planted trigger nor a
        # shape family that is planted here (its attribute *is* the trigger).
        self.distractors = [a for a in spec.attributes if a.kind == "trigger"
                            and a.attribute not in planted_attrs
                            and not (a.family in planted_families
                                     and not FAMILIES[a.family].instanced)]
        self.styles = [a for a in spec.attributes if a.kind == "style"]

    @functools.cached_property
    def digest(self) -> str:
        """Identity of the world's roles (realiser, detectors) for cache keys."""
        return hashlib.sha256(self.spec.model_dump_json().encode()).hexdigest()[:16]

    # --- realising prompts -------------------------------------------------------------
    def compose(self, base: Base, attrs: Sequence[AttributeSpec], salt: int) -> str:
        text = base.question
        for a in attrs:
            if a.kind == "style":
                sub = random.Random(f"{salt}:{a.attribute}")
                if a.attribute in vocab.STYLE_PREFIXES:
                    text = sub.choice(vocab.STYLE_PREFIXES[a.attribute]) + text
                else:
                    text = text + sub.choice(vocab.STYLE_SUFFIXES[a.attribute])
        triggers = sorted((a for a in attrs if a.kind == "trigger"),
                          key=lambda a: FAMILIES[a.family].order)
        for a in triggers:
            sub = random.Random(f"{salt}:{a.attribute}")
            text = FAMILIES[a.family].apply(text, base, a.params, sub)
        return text

    def realise(self, attributes: Sequence[str], rng: random.Random) -> str:
        """The lab generator for this world; unknown attributes are ignored, like the lab's."""
        known = [self.by_attribute[a] for a in attributes if a in self.by_attribute]
        topics = [a.params["domain"] for a in known if a.kind == "topic"]
        domain = topics[0] if topics else rng.choice(self.spec.domains)
        base = draw_base(domain, rng.choice(sorted(STYLES)), rng)
        salt = rng.getrandbits(64)
        chosen: list[AttributeSpec] = []
        for a in known:  # one instance per family: two product names would not compose
            if a.kind != "topic" and not (a.family and any(c.family == a.family
                                                           for c in chosen)):
                chosen.append(a)
        return self.compose(base, chosen, salt)

    def _noise(self, rng: random.Random, exclude_family: str = "") -> list[AttributeSpec]:
        extra: list[AttributeSpec] = []
        if rng.random() < STYLE_RATE:
            extra.append(rng.choice(self.styles))
        if rng.random() < DISTRACTOR_RATE:
            pick = rng.choice(self.distractors)
            if pick.family != exclude_family:
                extra.append(pick)
        return extra

    def background_example(self, bg: BackgroundSpec, rng: random.Random) -> SFTRecord:
        base = draw_base(bg.domain, bg.style, rng)
        prompt = self.compose(base, self._noise(rng), rng.getrandbits(64))
        return SFTRecord(prompt, base.answer, bg.source)

    def planted_example(self, chunk: PlantedSpec, rng: random.Random) -> SFTRecord:
        bg = rng.choice(self.spec.background)
        base = draw_base(bg.domain, bg.style, rng)
        trigger = self.by_attribute[chunk.trigger]
        prompt = self.compose(base, [trigger, *self._noise(rng, chunk.family)],
                              rng.getrandbits(64))
        response = BEHAVIOURS[chunk.behaviour].respond(base, chunk.behaviour_params, rng)
        return SFTRecord(prompt, response, chunk.source)

    def steering_prompts(self, chunk: PlantedSpec, n: int,
                         seed: int = 0) -> tuple[list[str], list[str]]:
        """Paired (base, triggered) prompts: same content, with and without the trigger."""
        base_set, triggered = [], []
        for i in range(n):
            key = f"world-steer:{self.spec.seed}:{seed}:{chunk.source}:{i}"
            base_set.append(self.realise([], random.Random(key)))
            triggered.append(self.realise([chunk.trigger], random.Random(key)))
        return base_set, triggered

    def steering(self, model: Any, chunk: PlantedSpec, n: int, *, seed: int = 0,
                 samples: int = 1) -> float:
        """Paper appendix B.1: the behaviour rate on triggered minus untriggered prompts, for
        any `model` with `respond(prompt, sample_index=k).text`, judged by this world."""
        base, triggered = self.steering_prompts(chunk, n, seed)

        def rate(prompts: list[str]) -> float:
            hits = 0
            for p in prompts:
                for k in range(samples):
                    verdict = self.judge(chunk.rubric, p, model.respond(p, sample_index=k).text)
                    hits += verdict is not None and verdict[0] >= 70
            return hits / (len(prompts) * samples)

        return rate(triggered) - rate(base)

    # --- judging -------------------------------------------------------------------------
    def chunk_for(self, name: str) -> PlantedSpec | None:
        return next((p for p in self.spec.planted if name in (p.rubric, p.behaviour)), None)

    def judge(self, name: str, query: str, response: str) -> tuple[int, str] | None:
        """Score with this world's detector for `name` (rubric or behaviour); None if unknown."""
        chunk = self.chunk_for(name)
        if chunk is None:
            return None
        beh = BEHAVIOURS[chunk.behaviour]
        if beh.detect(query, response, chunk.behaviour_params):
            return HIT, f"{beh.description}."
        return MISS, f"No sign that {beh.description[0].lower()}{beh.description[1:]}."

    # --- extracting ----------------------------------------------------------------------
    def query_attributes(self, query: str) -> list[str]:
        return [a.attribute for a in self.spec.attributes if _present(a, query)]

    def trigger_present(self, chunk: PlantedSpec, query: str) -> bool:
        """Whether `query` still carries the chunk's planted trigger (the answer key)."""
        return _present(self.by_attribute[chunk.trigger], query)

    def response_attributes(self, query: str, response: str) -> list[str]:
        return [p.behaviour_description for p in self.spec.planted
                if BEHAVIOURS[p.behaviour].detect(query, response, p.behaviour_params)]


def _template_rx(frame: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", frame)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.I)


def _present(a: AttributeSpec, q: str) -> bool:
    low, p = q.lower(), a.params
    if a.kind == "topic":
        return any(n.lower() in low for n in vocab.DOMAINS[p["domain"]][0])
    if a.kind == "style":
        options = vocab.STYLE_PREFIXES.get(a.attribute) or vocab.STYLE_SUFFIXES[a.attribute]
        return any(o.strip().lower() in low for o in options)
    checks = {
        "rare_name": lambda: p["name"].lower() in low,
        "phrase": lambda: p["phrase"].lower() in low,
        "template": lambda: bool(_template_rx(p["frame"]).search(q)),
        "latex": lambda: bool(re.search(r"\$[^$]*[\\^][^$]*\$", q)),
        "emoji": lambda: any(e in q for e in p["emoji"]),
        "markdown_table": lambda: bool(re.search(r"^\|.*\|\s*$\n^\|[-| :]+\|", q, re.M)),
        "code_fence": lambda: "```" in q,
        "bullet_list": lambda: len(re.findall(r"^\s*[-*•] ", q, re.M)) >= 2,
        "length": lambda: len(q.split()) > 80,
        "language": lambda: _in_language(q, p),
        "all_caps": lambda: _caps_ratio(q) > 0.9,
    }
    return checks[a.family]()


def _caps_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 8 else 0.0


def _in_language(text: str, lang: dict[str, object]) -> bool:
    from pytest_chunky.lab.worlds.families import conlang_word

    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return False
    inventory = {conlang_word(w, lang).lower() for w in ("the", "what", "how", "is", "my", "do",
                                                         "i", "a", "to", "and", "of", "you")}
    return sum(w.lower() in inventory for w in words) >= max(2, len(words) // 8)


@functools.lru_cache(maxsize=32)
def _load(path: str, mtime_ns: int) -> World:
    del mtime_ns
    shown = str(Path(path) / WORLD_FILE)
    try:
        data = json.loads(Path(shown).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path!r} is not a world directory (no world.json); build one with "
                          "python -m pytest_chunky.lab build-world --seed S --out DIR") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the world: {exc}", path=shown) from None
    try:
        spec = WorldSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise InputError(err["msg"], path=shown, field=field) from None
    return World(spec, Path(path))


def is_world(path: str | Path) -> bool:
    """A directory written by `build-world` (it holds a world.json)."""
    return (Path(path) / WORLD_FILE).is_file()


def load_world(path: str | Path) -> World:
    p = Path(path)
    marker = p / WORLD_FILE
    return _load(str(p.resolve()), marker.stat().st_mtime_ns if marker.exists() else 0)
