"""`mitigate`: the pruned dataset, the counter-examples and a manifest of what changed."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..describe.space import FeatureSpace
from ..errors import InputError
from ..lab.corpus import SFTRecord
from .transplant import transplant_for

COUNTER_SOURCE = "chunky-counterexamples"


@dataclass
class Mitigation:
    kept: list[SFTRecord]
    counter: list[SFTRecord]
    weights: dict[int, float] = field(default_factory=dict)  # kept index -> weight
    manifest: dict[str, Any] = field(default_factory=dict)


def _field(attribution: Mapping[str, Any], name: str) -> str:
    value = attribution.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"the attribution has no {name!r}; pass the JSON that chunky "
                         "attribute --json prints", field=name)
    return value


def _shows_crux(records: Sequence[SFTRecord], attribution: Mapping[str, Any]) -> list[bool]:
    """Which responses show the attribution's crux (a response feature of this data)."""
    crux = attribution.get("crux")
    wanted = [crux] if isinstance(crux, str) else list(crux or [])
    space = FeatureSpace.fit([r.response for r in records], "response")
    features = [space.by_attribute[c] for c in wanted if c in space.by_attribute]
    if not features:
        raise InputError(f"the crux {crux!r} is not a response feature of this dataset; "
                         "attribute against an index built from the same data", field="crux")
    assert space.matrix is not None
    return (space.matrix[:, features].sum(axis=1).A.ravel() > 0).tolist()


def mitigate(records: Sequence[SFTRecord], attribution: Mapping[str, Any], *,
             mode: str = "drop", weight: float = 0.1, counter: float = 1.0,
             seed: int = 0, with_crux: bool = False) -> Mitigation:
    """Prune (or down-weight) the blamed chunk's examples that carry the trigger, and add
    `counter` × as many background prompts with the trigger transplanted and their normal
    answers kept (trigger present, behaviour absent).

    `with_crux` also prunes the chunk's examples whose response shows the crux without the
    trigger: a chunk that keeps a few of those (the trigger in another form) keeps teaching
    the behaviour, and a search still reaches it from unusual prompts.
    """
    if mode not in ("drop", "downweight", "keep"):
        raise InputError(f"unknown mode {mode!r}; use drop, downweight or keep", field="mode")
    trigger, chunk = _field(attribution, "trigger"), _field(attribution, "chunk")
    space = FeatureSpace.fit([r.prompt for r in records], "query")
    feature = space.by_attribute.get(trigger)
    if feature is None:
        raise InputError(f"the trigger {trigger!r} is not a feature of this dataset; attribute "
                         "against an index built from the same data", field="trigger")
    assert space.matrix is not None
    carries = (space.matrix[:, feature].toarray().ravel() > 0).tolist()
    shows = _shows_crux(records, attribution) if with_crux else [False] * len(records)
    carriers = [i for i, r in enumerate(records) if r.source == chunk and carries[i]]
    blamed = [i for i, r in enumerate(records) if r.source == chunk and (carries[i] or shows[i])]
    blamed_set = set(blamed)
    kept: list[SFTRecord] = []
    weights: dict[int, float] = {}
    for i, record in enumerate(records):
        if i in blamed_set and mode == "drop":
            continue
        if i in blamed_set and mode == "downweight":
            weights[len(kept)] = weight
        kept.append(record)
    move = transplant_for(trigger, [records[i].prompt for i in carriers])
    made: list[SFTRecord] = []
    if move is not None and counter > 0:
        rng = random.Random(seed)
        pool = [r for i, r in enumerate(records) if r.source != chunk and not carries[i]]
        for i, base in enumerate(rng.sample(pool, min(len(pool),
                                                      round(counter * len(carriers))))):
            made.append(SFTRecord(move(base.prompt, i), base.response, COUNTER_SOURCE))
    manifest = {
        "trigger": trigger, "chunk": chunk, "mode": mode, "records": len(records),
        "blamed": len(blamed), "dropped": len(blamed) if mode == "drop" else 0,
        "blamed_for_crux_only": len(blamed) - len(carriers),
        "downweighted": len(weights), "weight": weight if weights else None,
        "counterexamples": len(made),
        "counterexamples_skipped": None if move is not None else
        "this trigger cannot be transplanted without rewriting prompts (a leading template "
        "or a language); prune only",
        "chunk_examples_without_trigger_kept": sum(1 for i, r in enumerate(records)
                                                   if r.source == chunk and i not in blamed_set),
    }
    return Mitigation(kept, made, weights, manifest)
