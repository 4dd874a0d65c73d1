"""`LabModel`: the trained lab target behind the ordinary `Model` interface.

`lab` is trained on the full lab mix, `lab-clean` on the same mix without the planted chunks.
With `corpus_path`, the model is trained on any SFT JSONL instead (`lab-clean` then drops the
records whose source is a planted chunk). Trained models are cached per process, so creating
many `LabModel`s is cheap.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.lab.chunks import PLANTED
from pytest_chunky.lab.corpus import build_corpus, load_sft_jsonl
from pytest_chunky.lab.responder import LabAnswer, LabResponder
from pytest_chunky.lab.trainer import TRAINER_VERSION, TrainedLab
from pytest_chunky.models.base import Model
from pytest_chunky.types import Completion, Message, SamplingParams, Usage

VARIANTS = ("lab", "lab-clean")


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ConfigError(f"unknown lab variant {variant!r}; valid variants: "
                          f"{', '.join(VARIANTS)}")


@functools.lru_cache(maxsize=16)
def trained_responder(variant: str = "lab", seed: int = 0) -> LabResponder:
    """The lab target trained on the built-in corpus (cached per process)."""
    _check_variant(variant)
    exclude = PLANTED if variant == "lab-clean" else ()
    return LabResponder(build_corpus(seed=seed, exclude=exclude), seed=seed)


@functools.lru_cache(maxsize=16)
def _file_responder(path: str, mtime_ns: int, size: int, variant: str,
                    seed: int) -> TrainedLab:
    records = load_sft_jsonl(path)
    if variant == "lab-clean":
        records = [r for r in records if r.source not in PLANTED]
        if not records:
            raise InputError("every record comes from a planted chunk; nothing left to train "
                             "lab-clean on", path=path)
    return TrainedLab(records, seed=seed)


def corpus_file(location: str | Path, variant: str) -> Path:
    """The SFT file behind `lab:PATH.jsonl` or `lab:DIR` (a world: sft.jsonl / clean.jsonl)."""
    p = Path(location)
    if p.is_dir():
        if not (p / "sft.jsonl").is_file():
            raise ConfigError(f"{str(p)!r} is a directory without sft.jsonl; pass an SFT JSONL "
                              "file or a world built with python -m pytest_chunky.lab "
                              "build-world --seed S --out DIR")
        return p / ("clean.jsonl" if variant == "lab-clean" else "sft.jsonl")
    return p


def file_digest(path: str | Path) -> str:
    """sha256 of a file's bytes (streamed), for cache identities."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def responder_for(variant: str = "lab", *, seed: int = 0,
                  corpus_path: str | Path | None = None) -> LabResponder | TrainedLab:
    _check_variant(variant)
    if corpus_path is None:
        return trained_responder(variant, seed)
    p = corpus_file(corpus_path, variant)
    from pytest_chunky.lab.worlds import is_world

    if p.name == "clean.jsonl" and is_world(p.parent):
        variant = "lab"  # a world's clean corpus is already clean
    try:
        st = p.stat()
    except OSError:
        raise InputError("corpus file not found; pass an SFT JSONL file", path=str(p)) from None
    return _file_responder(str(p.resolve()), st.st_mtime_ns, st.st_size, variant, seed)


def _truncate(text: str, params: SamplingParams) -> tuple[str, str]:
    for stop in params.stop or ():
        if stop and stop in text:
            text = text[: text.index(stop)]
    words = text.split(" ")
    if len(text.split()) > params.max_tokens:
        kept, count = [], 0
        for w in words:
            count += bool(w.split())
            if count > params.max_tokens:
                break
            kept.append(w)
        return " ".join(kept), "length"
    return text, "stop"


class LabModel(Model):
    """The trained lab target: answers the last user turn, with any system prompt/context."""

    default_pool = "lab"

    def __init__(self, variant: str = "lab", *, seed: int = 0,
                 corpus_path: str | Path | None = None) -> None:
        _check_variant(variant)
        self.provider = variant
        self.name = variant
        self.variant, self.seed = variant, seed
        self.corpus_path = None if corpus_path is None else corpus_file(corpus_path, variant)
        self.responder = responder_for(variant, seed=seed, corpus_path=corpus_path)
        from pytest_chunky.lab.role_model import lab_fingerprint

        # What it answers from: the lab's code, and the corpus it was trained on. Two lab
        # models on different corpora never share a cache entry; the same corpus reuses it.
        corpus = "builtin" if self.corpus_path is None else file_digest(self.corpus_path)
        self.fingerprint = f"{lab_fingerprint()}:{variant}:{seed}:{corpus}:t{TRAINER_VERSION}"

    def answer(self, messages: Sequence[Message], params: SamplingParams) -> LabAnswer:
        """The raw answer (with the training example it came from), before truncation."""
        turns = list(messages)
        users = [i for i, m in enumerate(turns) if m["role"] == "user"]
        at = users[-1] if users else len(turns) - 1
        last = turns[at]["content"] if turns else ""
        # Every other turn (system prompt, few-shot examples) joins the retrieval query:
        # context dilutes triggers, as in the paper's appendix C.
        context = [m["content"] for i, m in enumerate(turns) if i != at and m["content"]]
        query = "\n".join([*context, last])
        return self.responder.respond(query, temperature=params.temperature,
                                      sample_index=params.sample_index, align_to=last,
                                      salt=params.seed, top_p=params.top_p)

    def complete(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        text, finish = _truncate(self.answer(messages, params).text, params)
        usage = Usage(input_tokens=sum(len(m["content"].split()) for m in messages),
                      output_tokens=len(text.split()))
        return Completion(text=text, usage=usage, cost_usd=0.0, finish_reason=finish,
                          model=self.name)

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        return self.complete(messages, params)
