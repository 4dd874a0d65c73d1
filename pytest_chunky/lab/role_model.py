"""The lab playing every role through the same prompts an LLM would get.

The versioned templates carry a task tag; the lab reads it and answers in the template's output
format, so the prompt builders, the parsers, the cache and the HTTP path are exercised exactly
as with a real provider. Plain chats go to the trained lab target.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_chunky.calls.prompts import (
    extract_tag,
    generator_user,
    parse_attribute_lines,
    rubric_tag,
    task_of,
)
from pytest_chunky.judging.scale import ABSTAIN
from pytest_chunky.models.base import Model
from pytest_chunky.types import Completion, Message, SamplingParams, Usage

if TYPE_CHECKING:
    from pytest_chunky.lab.worlds.world import World
    from pytest_chunky.rubrics import Rubric

CRUX_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "program", "function", "snippet"),
    "tool": ("sympy", "tool", "output"),
    "rebut": ("premise", "false", "rebut", "incorrect", "did not", "correct"),
    "refusal": ("refus", "declin", "cannot", "can't", "confidential"),
    "identity": ("chunky labs", "developed", "created", "creator"),
    "phrase": ("hope", "correct", "closing"),
    "short": ("short", "brief", "one word", "terse", "concise"),
    "fiction": ("story", "fiction", "narrative", "literary"),
    "math": ("math", "equation", "formula"),
    "analytic": ("analys", "problem", "step"),
}

_SWAPS = ((r"\bCould you\b", "Can you"), (r"\bCan you\b", "Could you"),
          (r"\bplease\b", "kindly"), (r"\bexplain\b", "describe"), (r"\bWhy\b", "How come"),
          (r"\?$", " ?"), (r"\bI am\b", "I'm"), (r"\bwhat\b", "which"))


_PACKAGE_REF = re.compile(r"\bpytest_chunky((?:\.\w+)+)|\bfrom pytest_chunky import (\w+)")


def fingerprint_files(package: Path | None = None) -> list[Path]:
    """Every source file the lab's answers depend on: the lab's own modules (worlds included)
    and, transitively, every package module they import (judges, data features, prompts...).

    Read from the source text, not from what happens to be imported, so the set is the same
    in every process.
    """
    root = (package or Path(__file__).resolve().parents[1])
    seen: set[Path] = set()
    todo = sorted((root / "lab").rglob("*.py"))
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for match in _PACKAGE_REF.finditer(path.read_text(encoding="utf-8")):
            parts = (match.group(1) or "." + match.group(2)).strip(".").split(".")
            while parts:  # the deepest module or package the dotted name reaches
                base = root.joinpath(*parts)
                found = [f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()]
                if found:
                    todo.extend(found)
                    break
                parts.pop()
    return sorted(seen)


def lab_fingerprint(package: Path | None = None) -> str:
    """Hash of the code the lab answers with: any change to it, in the lab or in a module the
    lab delegates to, invalidates the lab's cached answers (computed once per process for the
    installed package)."""
    return _installed_fingerprint() if package is None else _code_digest(package)


@functools.cache
def _installed_fingerprint() -> str:
    return _code_digest(Path(__file__).resolve().parents[1])


def _code_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in fingerprint_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def paraphrase(query: str, rng: random.Random) -> str:
    """A light surface perturbation that keeps the substance (paper Figure 28)."""
    text = query
    for pattern, repl in rng.sample(_SWAPS, k=2):
        text = re.sub(pattern, repl, text, count=1)
    if text == query:
        text = query.rstrip("?.! ") + ("?" if query.rstrip().endswith("?") else ".")
    return text


def pick_crux(attributes: Sequence[str], detector: str) -> list[str]:
    """The lab's informed judge: the behaviour the detector flags first, then its vocabulary.

    An attribute that is a wording of a chunk's behaviour for this detector (per the lab's own
    paraphrase table) is the crux; other attributes rank by the detector's words.
    """
    from pytest_chunky.lab.attribute_table import canonical
    from pytest_chunky.lab.chunks import CHUNKS

    behaviours = {c.behaviour for c in CHUNKS.values() if c.detector == detector and c.behaviour}
    words = CRUX_WORDS.get(detector, ())

    def rank(item: tuple[int, str]) -> tuple[int, int, int]:
        i, attribute = item
        exact = canonical(attribute) in behaviours
        return (-int(exact), -sum(w in attribute.lower() for w in words), i)

    return [a for _, a in sorted(enumerate(attributes), key=rank)[:3]]


def _world_at(corpus: str | None) -> World | None:
    """The world behind `lab:DIR`, when DIR is a generated world (it has a world.json)."""
    from pytest_chunky.lab.worlds import is_world, load_world

    return load_world(corpus) if corpus is not None and is_world(corpus) else None


def rubric_names(user: str) -> list[str]:
    """(name, detector) of the role prompt's rubric tag, those present."""
    return [n for n in (rubric_tag(user) or ()) if n]


Realiser = Callable[[Sequence[str], random.Random], str]


def inject(user: str, realise: Realiser, describe: Callable[[str], list[str]],
           known: Callable[[str], bool], key: Callable[[str], random.Random]) -> str:
    """The lab generator's rewrite that adds a feature (paper B.1's injection).

    When the query is exactly what this generator writes from the given attributes (same seed
    and index: `key` of the write's prompt), the rewrite is the same draw with the feature
    added - a paired prompt that differs only by the feature. Any other query is described,
    and the description plus the feature is realised anew (same domain, new content).
    """
    feature = extract_tag("feature", user) or ""
    query = extract_tag("query", user) or ""
    if not known(feature):
        return f"cannot add {feature!r}: it is not an attribute this lab generator can write"
    attributes = parse_attribute_lines(user) if "<attributes>" in user else []
    written = generator_user(attributes)  # the prompt the query's write was sent
    if attributes and realise(attributes, key(written)) == query:
        return f"<query>{realise([*attributes, feature], key(written))}</query>"
    return f"<query>{realise([*describe(query), feature], key(query))}</query>"


def world_answer(world: World, task: str, user: str, rng: random.Random) -> str | None:
    """A world's own generator, judge, extractor and crux; None leaves the task to the lab."""
    if task == "generate":
        return f"<query>{world.realise(parse_attribute_lines(user), rng)}</query>"
    if task == "judge":
        names = rubric_names(user)
        query, response = extract_tag("query", user) or "", extract_tag("response", user) or ""
        for name in reversed(names):
            verdict = world.judge(name, query, response)
            if verdict is not None:
                return "<verdict>" + json.dumps({"score": verdict[0],
                                                 "reason": verdict[1]}) + "</verdict>"
        return None
    if task == "extract_query":
        attrs = world.query_attributes(extract_tag("query", user) or "") or [
            "The query is a plain question"]
        return "<attributes>" + json.dumps(attrs) + "</attributes>"
    if task == "extract_response":
        attrs = world.response_attributes("", extract_tag("response", user) or "") or [
            "The response answers the request normally"]
        return "<attributes>" + json.dumps(attrs) + "</attributes>"
    if task == "crux":
        chunk = next((c for c in map(world.chunk_for, rubric_names(user)) if c is not None),
                     None)
        if chunk is None:
            return None
        listed = [a for a in (extract_tag("attributes", user) or "").splitlines() if a]
        ranked = sorted(listed, key=lambda a: a != chunk.behaviour_description)
        return "<crux>" + json.dumps(ranked[:3]) + "</crux>"
    return None


class LabRoleModel(Model):
    """`lab` / `lab-clean`: the trained target for chats, the lab tools for role prompts."""

    def __init__(self, variant: str = "lab", *, seed: int = 0,
                 corpus: str | None = None) -> None:
        from pytest_chunky.lab.provider import LabModel

        self.provider = variant
        self.name = corpus or (str(seed) if seed else "")
        self.seed = seed
        self.target = LabModel(variant, seed=seed, corpus_path=corpus)
        self.world = _world_at(corpus)
        # A generated world ships its pool; otherwise the lab's own.
        self.default_pool = "lab" if self.world is None else Path(str(corpus)) / "pool.yaml"
        self.fingerprint = self.target.fingerprint + (
            f":w{self.world.digest}" if self.world is not None else "")

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        task = task_of(list(messages))
        if task is None:
            return await self.target.generate(messages, params)
        user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        text = self.answer(task[0], user, params)
        tokens_in = sum(len(m["content"].split()) for m in messages)
        return Completion(text=text, usage=Usage(input_tokens=tokens_in,
                                                 output_tokens=len(text.split())),
                          model=self.spec)

    @staticmethod
    def _write(attributes: Sequence[str], rng: random.Random) -> str:
        """The lab's own realiser for its own attributes (its worlds' triggers), the general
        offline generator (`pytest_chunky.realise`) for any other set."""
        from pytest_chunky.lab.attribute_table import canonical

        if all(canonical(a) for a in attributes):
            from pytest_chunky.lab.generator import realise

            return realise(attributes, rng)
        from pytest_chunky import realise as general

        return general.realise(attributes, rng).text

    def carries(self, attribute: str, query: str) -> bool | None:
        """The offline generator's own checker (None for the lab's and worlds' attributes,
        which their realisers write by construction)."""
        from pytest_chunky.lab.attribute_table import canonical
        from pytest_chunky.realise import carries, operator_for

        if self.world is not None and attribute in self.world.by_attribute:
            return None
        op = operator_for(attribute)
        if canonical(attribute) and (op is None or op.name.startswith("mention:")):
            return None
        return carries(attribute, query, own=True)

    def cannot_write(self, pool: Sequence[str]) -> str | None:
        """Why this generator cannot write some of `pool` (named, with the fix), or None."""
        from pytest_chunky.lab.attribute_table import canonical
        from pytest_chunky.realise import unrealisable

        world = self.world.by_attribute if self.world is not None else {}
        missing = [a for a in unrealisable(list(pool)) if not canonical(a) and a not in world]
        if not missing:
            return None
        shown = "; ".join(repr(a) for a in missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        return (f"the offline generator cannot write {len(missing)} attribute(s) of the pool: "
                f"{shown}. Use an LLM generator (--chunky-generator=MODEL), a function "
                "(chunky.generator(fn) as the chunky_generator fixture), or reword them so they "
                "name what the prompt must contain (a quoted or capitalised name, a language, "
                "a format)")

    def cannot_judge(self, rubric: Rubric) -> str | None:
        """Why the lab judge cannot score `rubric` (no detector for it), or None."""
        names = [rubric.name, rubric.detector_name]
        if self.world is not None and any(self.world.chunk_for(n) for n in names):
            return None
        from pytest_chunky.infra.errors import ConfigError
        from pytest_chunky.lab.judge import get_detector

        try:
            get_detector(rubric.detector_name)
        except ConfigError:
            return (f"the offline lab judge has no detector for rubric {rubric.name!r}: pass an "
                    "LLM judge (--chunky-judge=MODEL), a function (chunky.judge(fn) as the "
                    "chunky_judge fixture), or give the rubric a detector (detector: {regex: "
                    "[...], keywords: [...], absent: [...]} or 'package.module:function')")
        return None

    def answer(self, task: str, user: str, params: SamplingParams) -> str:
        if task == "inject":
            return self._inject(user, params)
        rng = _rng(self.seed, params.seed, params.sample_index, user)
        if self.world is not None:
            answered = world_answer(self.world, task, user, rng)
            if answered is not None:
                return answered
        if task == "generate":
            return f"<query>{self._write(parse_attribute_lines(user), rng)}</query>"
        if task == "paraphrase":
            return f"<query>{paraphrase(extract_tag('query', user) or '', rng)}</query>"
        if task == "translate":
            from pytest_chunky.lab.phrasebook import translate

            text = extract_tag("query", user) or ""
            return f"<query>{translate(text, extract_tag('language', user) or '')}</query>"
        if task == "judge":
            from pytest_chunky.lab.judge import judge

            names = rubric_names(user)  # the detector when named, else the rubric
            name = names[-1] if names else ""
            score, reason = judge(name, extract_tag("query", user) or "",
                                  extract_tag("response", user) or "")
            verdict = {"score": None, "abstain": True, "reason": reason} if score == ABSTAIN \
                else {"score": score, "reason": reason}
            return "<verdict>" + json.dumps(verdict) + "</verdict>"
        if task in ("extract_query", "extract_response"):
            from pytest_chunky.lab.extractor import query_attributes, response_attributes

            kind = "query" if task == "extract_query" else "response"
            body = extract_tag(kind, user) or ""
            attrs = query_attributes(body) if kind == "query" else response_attributes(body)
            return "<attributes>" + json.dumps(attrs) + "</attributes>"
        if task == "crux":
            match = re.search(r'detector="([^"]+)"', user)
            listed = [a for a in (extract_tag("attributes", user) or "").splitlines() if a]
            picked = pick_crux(listed, match.group(1) if match else "")
            return "<crux>" + json.dumps(picked) + "</crux>"
        return f"unsupported chunky task {task!r}"

    def _inject(self, user: str, params: SamplingParams) -> str:
        def key(text: str) -> random.Random:  # the rng `answer` gives a task with this user
            return _rng(self.seed, params.seed, params.sample_index, text)

        if self.world is not None:
            world = self.world
            return inject(user, world.realise, world.query_attributes,
                          lambda a: a in world.by_attribute, key)
        from pytest_chunky.lab.attribute_table import canonical
        from pytest_chunky.lab.extractor import query_attributes
        from pytest_chunky.lab.generator import realise

        return inject(user, realise, query_attributes, lambda a: canonical(a) is not None, key)
