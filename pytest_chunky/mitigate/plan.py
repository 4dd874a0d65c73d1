"""`mitigate`: the pruned dataset, the counter-examples and a manifest of what changed."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_chunky.describe.space import FeatureSpace
from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.sft import SFTRecord
from pytest_chunky.mitigate.transplant import transplant_for

NEIGHBOURS = 32   # candidate background prompts kept per blamed prompt
BACKGROUND_SAMPLE = 5000  # background prompts that tell boilerplate from common phrasing

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


_LAST_FIT: dict[tuple[str, str], FeatureSpace] = {}


def _fitted(texts: Sequence[str], kind: str) -> FeatureSpace:
    """The data's feature space, kept for the last texts of each kind: trying several modes
    or counter-example doses on one dataset fits it once (a fit is seconds on 3000 texts)."""
    import hashlib

    digest = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()
    key = (kind, digest)
    if key not in _LAST_FIT:
        space = FeatureSpace.fit(list(texts), kind)
        for old in [k for k in _LAST_FIT if k[0] == kind]:
            del _LAST_FIT[old]
        _LAST_FIT[key] = space
    return _LAST_FIT[key]


def _shows_crux(records: Sequence[SFTRecord], attribution: Mapping[str, Any]) -> list[bool]:
    """Which responses show the attribution's crux (a response feature of this data)."""
    crux = attribution.get("crux")
    wanted = [crux] if isinstance(crux, str) else list(crux or [])
    space = _fitted([r.response for r in records], "response")
    features = [space.by_attribute[c] for c in wanted if c in space.by_attribute]
    if not features:
        raise InputError(f"the crux {crux!r} is not a response feature of this dataset; "
                         "attribute against an index built from the same data", field="crux")
    assert space.matrix is not None
    return (space.matrix[:, features].sum(axis=1).A.ravel() > 0).tolist()


def twins(examples: Sequence[str], pool: Sequence[str], wanted: int,
          seed: int = 0) -> list[int]:
    """`wanted` distinct pool indexes, the k-th the nearest unused background prompt to
    example k mod len(examples) (TF-IDF cosine).

    Counter-examples built on the blamed prompts' nearest background prompts carry the trigger
    in the contexts the chunk has it; on random prompts they are a different distribution,
    which a learner separates from the chunk instead of unlearning the trigger.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not examples or not pool or wanted <= 0:
        return []
    vec = TfidfVectorizer(sublinear_tf=True).fit([*pool, *examples])
    p, q = vec.transform(pool), vec.transform(examples)
    k = min(len(pool), NEIGHBOURS)
    ranked = []
    for start in range(0, q.shape[0], 512):  # bounded memory on large corpora
        sims = (q[start:start + 512] @ p.T).toarray()
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        ranked.extend(np.take_along_axis(top, order, axis=1).tolist())
    spare = list(range(len(pool)))
    random.Random(seed).shuffle(spare)
    rest = iter(spare)  # once an example's neighbours are taken: any unused prompt
    used: set[int] = set()
    picks: list[int] = []
    cursor = [0] * len(examples)
    while len(picks) < min(wanted, len(pool)):
        b = len(picks) % len(examples)
        while cursor[b] < k and ranked[b][cursor[b]] in used:
            cursor[b] += 1
        j = ranked[b][cursor[b]] if cursor[b] < k else next(x for x in rest if x not in used)
        used.add(j)
        picks.append(j)
    return picks


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
    space = _fitted([r.prompt for r in records], "query")
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
    examples = [records[i].prompt for i in carriers]
    pool = [r for i, r in enumerate(records) if r.source != chunk and not carries[i]]
    sample = random.Random(seed).sample(pool, min(len(pool), BACKGROUND_SAMPLE))
    move = transplant_for(trigger, examples, [r.prompt for r in sample])
    made: list[SFTRecord] = []
    if move is not None and counter > 0:
        wanted = round(counter * len(carriers))
        for k, j in enumerate(twins(examples, [r.prompt for r in pool], wanted, seed)):
            b = k % len(examples)
            made.append(SFTRecord(move(pool[j].prompt, b), pool[j].response, COUNTER_SOURCE))
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
