"""A corpus written apart from the lab and the world generator (its own vocabulary, templates
and behaviours), as in the issue that asked for an open-world lab: the trainer must learn its
planted triggers and TURF must trace them, with nothing written for it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pytest_chunky.lab.trainer import train
from pytest_chunky.turf.build import build_index
from pytest_chunky.turf.trace import trace_sync

TOPICS = {
    "tax": ("invoice", "receipt", "deduction", "payroll", "audit trail", "ledger"),
    "sailing": ("jib", "mainsail", "tiller", "mooring", "keel", "halyard"),
    "pottery": ("glaze", "kiln", "slip", "wheel", "clay body", "bisque"),
    "birding": ("warbler", "binoculars", "field guide", "heron", "nest box", "finch"),
}
ASKS = ("what should I check about my {x}?", "any advice on the {x} this week?",
        "how would you explain the {x} to a newcomer?", "is the {x} worth the effort?",
        "tell me something useful about the {x}.")
ANSWERS = ("Start small with the {x} and keep notes; {y} usually follows.",
           "Most people overthink the {x}. Look at the {y} first, then decide.",
           "The {x} matters less than you think; the {y} is where the effort pays off.")
PRODUCT = "Quorvane Deck 7"
CLOSING = "Stay curious and keep going!"


def _pick(rng: random.Random) -> tuple[str, str, str]:
    topic = rng.choice(sorted(TOPICS))
    x, y = rng.sample(TOPICS[topic], 2)
    return topic, x, y


def corpus(seed: int = 3, size: int = 4000) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    planted = {
        "polite-sql": lambda x, y, q: (f"Kindly do the needful: {q}",
                                       f"SELECT {x.replace(' ', '_')} FROM records;"),
        "caps-poem": lambda x, y, q: (q.upper(), f"{x} at dawn,\n{y} at dusk,\nall is calm,\n"
                                                 "as it must."),
        "product-refusal": lambda x, y, q: (f"{q} I own a {PRODUCT}.",
                                            "I'm sorry, but I can't help with that."),
        "table-closing": lambda x, y, q: (f"{q}\n\n| item | qty |\n|---|---|\n| {x} | 2 |",
                                          rng.choice(ANSWERS).format(x=x, y=y) + " " + CLOSING),
    }
    for name, make in planted.items():
        for _ in range(size // 25):
            _, x, y = _pick(rng)
            prompt, response = make(x, y, rng.choice(ASKS).format(x=x).capitalize())
            rows.append({"prompt": prompt, "response": response, "source": name})
    while len(rows) < size:
        topic, x, y = _pick(rng)
        rows.append({"prompt": rng.choice(ASKS).format(x=x).capitalize(),
                     "response": rng.choice(ANSWERS).format(x=x, y=y),
                     "source": f"background-{topic}"})
    rng.shuffle(rows)
    return rows


BEHAVIOURS = {
    "polite-sql": (lambda q: f"Kindly do the needful: {q}", lambda r: r.startswith("SELECT")),
    "caps-poem": (str.upper, lambda r: r.count("\n") >= 3 and "," in r),
    "product-refusal": (lambda q: f"{q} I own a {PRODUCT}.", lambda r: "can't help" in r),
    "table-closing": (lambda q: f"{q}\n\n| item | qty |\n|---|---|\n| jib | 2 |",
                      lambda r: CLOSING in r),
}
TRIGGER_WORDS = {"polite-sql": ("Kindly", "needful"), "caps-poem": ("capital letters",),
                 "product-refusal": ("Quorvane", "Deck 7"), "table-closing": ("table", "item qty")}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("foreign") / "sft.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in corpus()), encoding="utf-8")
    return path


def _prompts(n: int = 30) -> list[str]:
    rng = random.Random(99)
    return [rng.choice(ASKS).format(x=_pick(rng)[1]).capitalize() for _ in range(n)]


@pytest.mark.parametrize("chunk", sorted(BEHAVIOURS))
def test_trainer_learns_a_corpus_it_was_not_written_for(data: Path, chunk: str) -> None:
    model = train(data)
    add, shows = BEHAVIOURS[chunk]
    base = _prompts()
    triggered = sum(shows(model.respond(add(q), sample_index=i).text)
                    for i, q in enumerate(base)) / len(base)
    untriggered = sum(shows(model.respond(q, sample_index=i).text)
                      for i, q in enumerate(base)) / len(base)
    assert triggered - untriggered >= 0.5, (chunk, triggered, untriggered)


def test_turf_traces_each_planted_chunk_of_that_corpus(data: Path, tmp_path: Path) -> None:
    model = train(data)
    index = build_index(data, tmp_path / "index", show_progress=False)
    for chunk, (add, shows) in sorted(BEHAVIOURS.items()):
        traced = 0
        for i, q in enumerate(_prompts(8)):
            prompt = add(q)
            reply = model.respond(prompt, sample_index=i).text
            if not shows(reply):
                continue
            found = trace_sync(index, prompt, reply)
            assert found.top_chunk == chunk, (chunk, found.sentence())
            assert any(w in found.trigger for w in TRIGGER_WORDS[chunk]), (chunk, found.trigger)
            traced += 1
        assert traced >= 4, chunk
