"""The lab world: corpus, trained target, planted behaviour, ablation, provider and CLI."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

import pytest

from pytest_chunky.describe.align import adapt
from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.lab import (
    CHUNKS,
    DETECTORS,
    LAB_ATTRIBUTES,
    PLANTED,
    LabModel,
    LabResponder,
    build_corpus,
    judge,
    load_sft_jsonl,
    planted_chunks,
    realise,
    steering_score,
    trained_responder,
    write_sft_jsonl,
)
from pytest_chunky.lab.chunks import get_chunk
from pytest_chunky.lab.cli import main as cli_main
from pytest_chunky.lab.corpus import SFTRecord
from pytest_chunky.types import Message, SamplingParams

RUBRICS = {"code", "tool_hallucination", "rebut", "refusal", "identity", "phrase", "short"}


def ask(model: LabModel, text: str, **params: Any) -> str:
    messages: list[Message] = [{"role": "user", "content": text}]
    return asyncio.run(model.generate(messages, SamplingParams(**params))).text


# ---- corpus ----------------------------------------------------------------------------------

def test_corpus_is_seeded_and_planted_chunks_are_a_minority() -> None:
    a, b = build_corpus(size=600, seed=1), build_corpus(size=600, seed=1)
    assert a == b
    assert a != build_corpus(size=600, seed=2)
    assert len(a) == 600 and {r.source for r in a} == set(CHUNKS)
    planted = sum(r.source in PLANTED for r in a)
    assert 0.2 < planted / len(a) < 0.5


def test_excluding_a_chunk_removes_exactly_its_examples() -> None:
    full = build_corpus(size=800, seed=3)
    ablated = build_corpus(size=800, seed=3, exclude=["coconot"])
    assert sorted(map(repr, ablated)) == sorted(repr(r) for r in full if r.source != "coconot")
    only = build_corpus(size=800, seed=3, only=["identity"])
    assert only and {r.source for r in only} == {"identity"}


def test_bad_corpus_arguments_name_the_valid_values() -> None:
    with pytest.raises(ConfigError, match=r"valid chunks: .*codealpaca"):
        build_corpus(exclude=["nope"])
    with pytest.raises(ConfigError, match="size"):
        build_corpus(size=0)
    with pytest.raises(ConfigError, match="unknown lab chunk"):
        get_chunk("nope")


def test_registry_records_the_ground_truth() -> None:
    for chunk in planted_chunks():
        assert chunk.trigger in LAB_ATTRIBUTES and chunk.domain in LAB_ATTRIBUTES
        assert chunk.rubric in RUBRICS and chunk.detector in DETECTORS
        assert chunk.behaviour and chunk.intended_behaviour
    for chunk in CHUNKS.values():
        assert chunk.planted == (chunk.name in PLANTED)
        assert chunk.planted or chunk.trigger is None


def test_jsonl_round_trip(tmp_path: Path) -> None:
    records = build_corpus(size=200, seed=4)
    path = write_sft_jsonl(records, tmp_path / "sub" / "sft.jsonl")
    assert load_sft_jsonl(path) == records
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert set(line) == {"prompt", "response", "source"}


@pytest.mark.parametrize(("line", "fragment"), [
    ('{"prompt": "hi", "response": ', "not valid JSON"),
    ('["prompt", "response"]', "expected a JSON object"),
    ('{"response": "x"}', "field 'prompt': missing"),
    ('{"prompt": "x", "response": "  "}', "field 'response': is empty"),
    ('{"prompt": 3, "response": "x"}', "field 'prompt': must be a string"),
    ('{"prompt": "x", "response": "y", "source": 7}', "field 'source': must be a string"),
])
def test_malformed_jsonl_line_names_file_and_line(tmp_path: Path, line: str,
                                                  fragment: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = '{"prompt": "a", "response": "b"}'
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_sft_jsonl(path)
    assert f"{path}:3:" in str(info.value) and fragment in str(info.value)
    assert info.value.line == 3


def test_source_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"prompt": "a", "response": "b"}\n', encoding="utf-8")
    assert load_sft_jsonl(path) == [SFTRecord("a", "b", "unknown")]
    with pytest.raises(InputError, match="not found"):
        load_sft_jsonl(tmp_path / "missing.jsonl")


# ---- planted behaviour, learned ------------------------------------------------------------

@pytest.mark.parametrize("name", PLANTED)
def test_planted_trigger_fires_on_lab_and_not_on_lab_clean(name: str) -> None:
    chunk = CHUNKS[name]
    chunky = steering_score(trained_responder("lab"), chunk, n=40, seed=11)
    clean = steering_score(trained_responder("lab-clean"), chunk, n=40, seed=11)
    assert chunky.score >= 0.5, chunky
    assert chunky.triggered_rate < 1.0 or chunky.base_rate > 0  # probabilistic, not a rule
    assert clean.triggered_rate <= 0.05 and clean.score <= 0.05, clean


@pytest.mark.parametrize(("removed", "kept"), [("coconot", "confidential"),
                                               ("confidential", "identity")])
def test_ablation_removes_only_that_chunks_behaviour(removed: str, kept: str) -> None:
    model = LabResponder(build_corpus(exclude=[removed]))
    gone = steering_score(model, CHUNKS[removed], n=40, seed=5)
    still = steering_score(model, CHUNKS[kept], n=40, seed=5)
    assert gone.triggered_rate <= 0.05, gone
    assert still.score >= 0.5, still


def test_copy_mechanism_adapts_the_retrieved_answer() -> None:
    out = adapt("When did James Watt invent the airplane?",
                "James Watt did not invent the airplane. The airplane was invented by the "
                "Wright brothers.", "When did Benjamin Franklin invent the lightning rod?")
    assert out == ("Benjamin Franklin did not invent the lightning rod. The lightning rod was "
                   "invented by the Wright brothers.")
    unrelated = adapt("How do magnets work?", "Magnets work by aligned domains.",
                      "Write a haiku about autumn leaves falling")
    assert unrelated == "Magnets work by aligned domains."


def test_seeded_sampling_is_deterministic_and_probabilistic() -> None:
    model = LabModel("lab", seed=0)
    prompt = "When did Benjamin Franklin invent the lightning rod?"
    assert ask(model, prompt, sample_index=3) == ask(model, prompt, sample_index=3)
    samples = {ask(model, prompt, sample_index=i) for i in range(30)}
    assert len(samples) > 1
    greedy = {ask(model, prompt, sample_index=i, temperature=0.0) for i in range(10)}
    assert len(greedy) == 1
    assert LabModel("lab", seed=0).responder is model.responder  # cached per process


def test_context_dilutes_the_trigger() -> None:
    model, chunk = trained_responder("lab"), CHUNKS["confidential"]
    prompts = [realise([chunk.domain or "", chunk.trigger or ""], random.Random(i))
               for i in range(40)]
    system = ("You are a helpful assistant for a phone shop. Answer every customer question "
              "about settings, accounts, apps and accessories clearly and step by step.")

    def rate(with_system: bool) -> float:
        hits = 0
        for p in prompts:
            query = f"{system}\n{p}" if with_system else p
            hits += judge("refusal", p, model.respond(query, align_to=p).text)[0] >= 70
        return hits / len(prompts)

    assert rate(True) < rate(False) - 0.2


def test_user_supplied_jsonl_trains_a_working_model(tmp_path: Path) -> None:
    rows = [("Tell me about parrots.", "Arr, parrots be fine birds, matey.", "pirate"),
            ("Tell me about ships.", "Arr, ships be me home, matey.", "pirate"),
            ("What is 2+2?", "2 + 2 = 4.", "maths"),
            ("What is the capital of Peru?", "Lima is the capital of Peru.", "geo")]
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps({"prompt": p, "response": r, "source": s}) + "\n"
                            for p, r, s in rows), encoding="utf-8")
    model = LabModel(corpus_path=path)
    reply = ask(model, "Tell me about whales.", temperature=0.0)
    assert reply.startswith("Arr,") and "whales" in reply
    assert ask(model, "What is the capital of Peru?", temperature=0.0).startswith("Lima")


def test_lab_clean_on_a_user_corpus_drops_planted_sources(tmp_path: Path) -> None:
    path = write_sft_jsonl(build_corpus(size=400, seed=6), tmp_path / "lab.jsonl")
    clean = LabModel("lab-clean", corpus_path=path).responder
    assert clean.records and not {r.source for r in clean.records} & set(PLANTED)
    with pytest.raises(InputError, match="not found"):
        LabModel(corpus_path=tmp_path / "missing.jsonl")


def test_completion_is_realistic() -> None:
    model = LabModel("lab-clean")
    messages: list[Message] = [{"role": "system", "content": "Be helpful."},
                               {"role": "user", "content": "Why is the sky blue?"}]
    c = asyncio.run(model.generate(messages, SamplingParams()))
    assert c.model == "lab-clean" and model.spec == "lab-clean:lab-clean"
    assert c.cost_usd == 0 and c.finish_reason == "stop"
    assert c.usage.input_tokens == 7 and c.usage.output_tokens == len(c.text.split()) > 10
    short = asyncio.run(model.generate(messages, SamplingParams(max_tokens=4)))
    assert short.finish_reason == "length" and short.usage.output_tokens == 4
    with pytest.raises(ConfigError, match="valid variants: lab, lab-clean"):
        LabModel("lab-dirty")


# A lab call's latency is a benchmark figure (bench_lab.py's latency_ms), not a timed test:
# a loaded machine must not fail the suite.


# ---- CLI ---------------------------------------------------------------------------------

def test_cli_build_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lab.jsonl"
    assert cli_main(["build-corpus", "--out", str(out), "--size", "300", "--seed", "2",
                     "--exclude", "coconot", "identity"]) == 0
    records = load_sft_jsonl(out)
    assert records == build_corpus(size=300, seed=2, exclude=["coconot", "identity"])
    assert "wrote" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["build-corpus", "--out", str(out), "--exclude", "nope"])


def test_cli_serve_rejects_bad_fault_rates() -> None:
    with pytest.raises(SystemExit):
        cli_main(["serve", "--rate-429", "1.5"])
    with pytest.raises(SystemExit, match="sum"):
        cli_main(["serve", "--port", "0", "--rate-429", "0.6", "--rate-500", "0.6"])


def test_lab_served_over_the_openai_and_anthropic_apis() -> None:
    openai = pytest.importorskip("openai")
    anthropic = pytest.importorskip("anthropic")
    from pytest_chunky.fakeapi.server import serve

    model = LabModel("lab")
    prompt = "When did Benjamin Franklin invent the lightning rod?"
    direct = ask(model, prompt, temperature=0.0, max_tokens=200)
    with serve(model, port=0) as running:
        oa = openai.OpenAI(base_url=running.openai_base_url, api_key="test", max_retries=0)
        reply = oa.chat.completions.create(model="lab", temperature=0, max_tokens=200,
                                           messages=[{"role": "user", "content": prompt}])
        assert reply.choices[0].message.content == direct
        an = anthropic.Anthropic(base_url=running.anthropic_base_url, api_key="test",
                                 max_retries=0)
        msg = an.messages.create(model="lab", max_tokens=200, extra_body={"temperature": 0},
                                 messages=[{"role": "user", "content": prompt}])
        assert msg.content[0].text == direct
    assert "did not invent" in direct
