"""Hostile servers, tampered files and poisoned text: one figure per row of issue 30.

Used by `bench_reliability.py` (the `hostile` section). Each figure is measured by doing the
attack: a real pytest session for what reaches the terminal and JUnit, child processes for
what could crash native code, the loopback server for trickling and dead providers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

SETTINGS_TEST = """
def test_uses_settings(chunky_settings):
    assert chunky_settings.iterations == 8000, chunky_settings
"""
POISON_TEST = """
import pytest_chunky as chunky

@chunky.surf(rubric="code", attributes=["The query asks for a recipe or cooking instructions."],
             iterations=1,
             candidates=4, resamples=3)
def test_poisoned(chunky_result):
    pass
"""
HUGE_CONFTEST = """
import pytest
import pytest_chunky as chunky


@pytest.fixture
def chunky_model():
    return chunky.target(lambda prompt: "Sure. " + "y" * 10_000_000, name="huge-v1")
"""
DEAD_TEST = """
import pytest_chunky as chunky

@chunky.surf(rubric="refusal")
def test_dead(chunky_result):
    pass
"""
HUGE_TEST = """
import pytest_chunky as chunky

@chunky.surf(rubric="refusal", attributes=["The query asks for a recipe or cooking instructions."],
             iterations=1,
             candidates=3, resamples=3)
def test_huge(chunky_result):
    pass
"""
ESCAPES = ("\x1b", "\x07", "\r", "\x9b", "\u202e", "\u2066", "\u200b")


def _pytest(cwd: Path, *args: str, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, **(env or {})})


def settings_repr_leaks(tmp: Path) -> int:
    """Secrets of a model string found in a failing test's output and JUnit XML."""
    work = tmp / "settings"
    work.mkdir()
    (work / "test_settings.py").write_text(SETTINGS_TEST, encoding="utf-8")
    key, password, query = (f"K{uuid.uuid4().hex}", f"P{uuid.uuid4().hex}",
                            f"Q{uuid.uuid4().hex}")
    model = (f"openai:m@http://gwuser:{password}@127.0.0.1:9/v1?api-key={query}"
             "&X-Amz-Signature=${GATEWAY_KEY}")
    run = _pytest(work, f"--chunky-model={model}", "--chunky-judge=lab",
                  "--junitxml=junit.xml", env={"GATEWAY_KEY": key})
    text = run.stdout + run.stderr + (work / "junit.xml").read_text(encoding="utf-8")
    return sum(text.count(s) for s in (key, password, query))


def tampered_indexes(tmp: Path) -> dict[str, Any]:
    """Child processes that crashed or hung, and damage reported as something else, over
    every damage of tests/test_index_tampering.py."""
    sys.path.insert(0, str(ROOT / "tests"))
    import test_index_tampering as tamper

    from pytest_chunky.lab import build_corpus
    from pytest_chunky.turf.build import build_index

    data = tmp / "tamper.jsonl"
    data.write_text("".join(r.to_json() + "\n" for r in build_corpus(size=400, seed=1)),
                    encoding="utf-8")
    build_index(data, tmp / "tamper-index", show_progress=False)
    crashes, unclear = 0, []
    for kind, damage in tamper.DAMAGE.items():
        copy = tmp / f"tamper-{len(unclear)}-{crashes}-{abs(hash(kind))}"
        shutil.copytree(tmp / "tamper-index", copy)
        damage(copy)
        try:
            child = subprocess.run([PY, "-c", tamper.CHILD, str(copy)], capture_output=True,
                                   text=True, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            crashes += 1
            continue
        crashes += child.returncode != 0
        if not child.stdout.startswith("ERROR") or "damaged index" not in child.stdout:
            unclear.append(kind)
    return {"native_crashes": crashes, "tampered_index_unclear": unclear,
            "tampered_index_cases": len(tamper.DAMAGE)}


def negative_budget_bypass() -> int:
    """Lying servers (negative usage and price; 5 tokens for 200k characters) whose calls a
    budget failed to stop."""
    from pytest_chunky.calls.accounting import Budget, Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.infra.errors import BudgetExceeded
    from pytest_chunky.models.base import Model
    from pytest_chunky.types import Completion, Message, SamplingParams, Usage

    class Liar(Model):
        provider, name = "liar", "m"

        def __init__(self, text: str, usage: Usage, cost: float) -> None:
            self.text, self.usage, self.cost = text, usage, cost

        async def generate(self, messages: Sequence[Message],
                           params: SamplingParams) -> Completion:
            return Completion(text=self.text, usage=self.usage, cost_usd=self.cost)

        def _cost(self, served: str, usage: Usage) -> float:
            return usage.total * 1e-6

    bypassed = 0
    for text, usage, cost in (("ok", Usage(input_tokens=-10**9, output_tokens=-10**9), -31500.0),
                              ("x" * 200_000, Usage(input_tokens=5, output_tokens=5), 1e-5)):
        budget = Budget(max_usd=0.0001, max_tokens=1000, label="test")
        client = RoleClient("target", Liar(text, usage, cost), cache=None, ledger=Ledger(),
                            budget=budget)

        async def calls(client: RoleClient = client) -> bool:
            for i in range(200):
                try:
                    await client.complete([{"role": "user", "content": "hello"}],
                                          SamplingParams(sample_index=i))
                except BudgetExceeded:
                    return False
            return True

        bypassed += asyncio.run(calls())
    return bypassed


def yaml_bomb_seconds() -> float:
    """Longest time a loader takes to refuse a 1 KB billion-laughs file."""
    from pytest_chunky.infra.errors import InputError
    from pytest_chunky.models.pricing import parse_pricing
    from pytest_chunky.rubrics import parse_rubric

    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = "\n".join(levels) + "\n"
    worst = 0.0
    for load in (lambda: parse_rubric(text, path="bomb.yaml"),
                 lambda: parse_pricing(text, "bomb.yaml")):
        start = time.perf_counter()
        with contextlib.suppress(InputError):
            load()
        worst = max(worst, time.perf_counter() - start)
    return round(worst, 3)


def trickle_stop_seconds() -> float:
    """A server sending one byte every 0.5 s, against a 2 s call deadline."""
    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.fakeapi.server import FaultConfig, serve
    from pytest_chunky.infra.errors import ProviderError
    from pytest_chunky.models.openai import OpenAIModel
    from pytest_chunky.models.scripted import ScriptedModel
    from pytest_chunky.types import SamplingParams

    with serve(ScriptedModel(default="a reply of some length " * 4),
               faults=FaultConfig(trickle_seconds=0.5)) as srv:
        model = OpenAIModel("m", base_url=f"{srv.url}/v1")
        model.configure(timeout=2.0, max_retries=0)
        client = RoleClient("target", model, cache=None, ledger=Ledger(), budget=None,
                            deadline=2.0)

        async def call() -> None:
            try:
                await client.complete([{"role": "user", "content": "hi"}], SamplingParams())
            finally:
                await model.aclose()

        start = time.perf_counter()
        with contextlib.suppress(ProviderError):
            asyncio.run(call())
        return round(time.perf_counter() - start, 2)


def breaker_seconds(tmp: Path) -> dict[str, Any]:
    """A gate whose target is a dead endpoint (nothing listens): time until it errors."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: every connection is refused
    work = tmp / "dead"
    work.mkdir()
    (work / "test_dead.py").write_text(DEAD_TEST, encoding="utf-8")  # a default-size gate
    start = time.perf_counter()
    run = _pytest(work, f"--chunky-model=openai:m@http://127.0.0.1:{port}/v1",
                  "--chunky-judge=lab", "--chunky-cache=off", "-rA")
    seconds = round(time.perf_counter() - start, 1)
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    return {"breaker_seconds": seconds, "breaker_opened": "--chunky-breaker" in run.stdout,
            "dead_provider_is_error": " error" in last and "passed" not in last}


def raw_escapes(tmp: Path) -> int:
    """Terminal-acting characters of a model's reply that reached pytest's output."""
    work = tmp / "poison"
    work.mkdir()
    reply = ("\x1b[2J\x1b]0;pwned\x07Sure\r\u202eHere is a program:\n```python\nprint(1)\n```"
             "\u200b\x9b")
    rules = work / "rules.yaml"
    rules.write_text(json.dumps([{"match": ".", "reply": reply}]), encoding="utf-8")
    (work / "test_poisoned.py").write_text(POISON_TEST, encoding="utf-8")
    run = _pytest(work, f"--chunky-model=scripted:{rules}", "--chunky-judge=lab", "-rA",
                  "--chunky-cache=off")
    return sum((run.stdout + run.stderr).count(c) for c in ESCAPES)


def unmasked_params() -> list[str]:
    from pytest_chunky.infra.credentials import redact

    names = ("X-Amz-Signature", "X-Goog-Signature", "jwt", "pass", "bearer", "hmac",
             "SharedAccessSignature", "sig", "api-key", "session_token", "client-secret")
    secret = "S3cr3tV4lu3"
    return [n for n in names if secret in redact(f"https://gw.example/v1?{n}={secret}1&x=1")]


def runlog_collisions() -> int:
    from pytest_chunky.runner import test_slug

    ids = ["t.py::test[a/b]", "t.py::test[a_b]", "t.py::test[a b]", "t.py::test[a\\b]"]
    return len(ids) - len({test_slug(i) for i in ids})


def readonly_replay_ok() -> bool:
    """tests/test_hostile.py's read-only replay (the cache directory as the code sees it
    read-only: os.access denies writes and no lock file can be made; this suite runs as root)."""
    run = subprocess.run([PY, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                          "tests/test_hostile.py", "-k", "read_only_cache"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False)
    return run.returncode == 0


def max_artifact_mb_10mb_reply(tmp: Path) -> float:
    """Largest artefact (JUnit, JSON report, cache, run log) of a 3-candidate gate whose
    target answers 10 MB."""
    work = tmp / "huge"
    work.mkdir()
    (work / "conftest.py").write_text(HUGE_CONFTEST, encoding="utf-8")
    (work / "test_huge.py").write_text(HUGE_TEST, encoding="utf-8")
    run = _pytest(work, "--chunky-model=lab", "--junitxml=junit.xml",
                  "--chunky-json-report=report.json")
    if not (work / "report.json").exists():
        raise RuntimeError(f"the 10 MB gate wrote no report: {run.stdout[-500:]}")
    files = [p for p in work.rglob("*") if p.is_file() and p.suffix in (".xml", ".json",
                                                                          ".sqlite", ".jsonl")]
    return round(max(p.stat().st_size for p in files) / 1e6, 2)


def memory_import_tracebacks(tmp: Path) -> int:
    """Bad memory files that were accepted or raised anything but one clear InputError."""
    from pytest_chunky.infra.errors import InputError
    from pytest_chunky.search.memory import FailureMemory

    good = json.dumps({"test_id": "t", "rubric": "code", "model": "lab", "query": "q",
                       "attributes": [], "score": 90})
    files = [good[:-1] + ", " + extra + "}" for extra in (
        '"score": 1000000000000000000000000000000', '"score": -5', '"query": "\\ud800"')]
    files.append("[" * 100_000 + "]" * 100_000)
    bad = 0
    for i, text in enumerate(files):
        path = tmp / f"memory{i}.jsonl"
        path.write_text(text + "\n", encoding="utf-8")
        memory = FailureMemory(tmp / f"memory{i}")
        try:
            memory.import_(path)
            bad += 1  # accepted: as bad as a traceback for these files
        except InputError:
            pass
        except Exception:
            bad += 1
        finally:
            memory.close()
    return bad


def callable_judge_out_of_range_scored() -> int:
    import pytest_chunky as chunky
    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.calls.roles import Judge
    from pytest_chunky.infra.errors import JudgeParseError
    from pytest_chunky.rubrics import get_rubric

    scored = 0
    for bad in (1e20, -1, 101, float("nan")):
        client = RoleClient("judge", chunky.judge(lambda p, r, rb, bad=bad: (bad, "x"),
                                                  name=f"j{bad}"),
                            cache=None, ledger=Ledger(), budget=None)
        try:
            asyncio.run(Judge(client).score("q", "r", get_rubric("code")))
            scored += 1
        except JudgeParseError:
            pass
    return scored


def model_string_leaks(capture: Any) -> int:
    """Passwords shown by one-line errors for malformed model strings."""
    from pytest_chunky.cli import main

    leaks = 0
    for model in ("openai:m@http://user:pa ss WORD@127.0.0.1/v1",
                  "openai:m@user:WORDpw@127.0.0.1/v1",
                  "openai:m@http://u:WORDpw@127.0.0.1:99999/v1"):
        err = capture(lambda model=model: main(["judge", "--rubric", "code", "--prompt", "p",
                                                "--response", "r", "--judge", model]))
        leaks += err.count("WORD") + err.count("Traceback")
    return leaks


def _stderr_of(fn: Any) -> str:
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        fn()
    return buffer.getvalue()


def hostile(tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"settings_repr_leaks": settings_repr_leaks(tmp)}
    out.update(tampered_indexes(tmp))
    out["negative_budget_bypass"] = negative_budget_bypass()
    out["yaml_bomb_seconds"] = yaml_bomb_seconds()
    out["trickle_stop_seconds"] = trickle_stop_seconds()
    out.update(breaker_seconds(tmp))
    out["raw_escapes"] = raw_escapes(tmp)
    out["unmasked_params"] = unmasked_params()
    out["runlog_collisions"] = runlog_collisions()
    out["readonly_replay_ok"] = readonly_replay_ok()
    out["max_artifact_mb_10mb_reply"] = max_artifact_mb_10mb_reply(tmp)
    out["memory_import_tracebacks"] = memory_import_tracebacks(tmp)
    out["callable_judge_out_of_range_scored"] = callable_judge_out_of_range_scored()
    out["model_string_leaks"] = model_string_leaks(_stderr_of)
    return out


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        print(json.dumps(hostile(Path(name))))
