"""Poisoned text and names: nothing a model, a dataset or a test id carries acts on a terminal,
and no two tests share a run log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_chunky.infra.userfiles import terminal_safe
from pytest_chunky.runner import test_slug as slug_of

ESCAPES = ("\x1b[2J", "\x1b]0;pwned\x07", "\x1b]8;;http://evil/\x1b\\", "\r", "\x9b",
           "\u202e", "\u2066", "\u200b", "\ufeff", "\x7f")


def test_terminal_safe_escapes_every_acting_character() -> None:
    text = "ok é 🙂\n\tnext " + "".join(ESCAPES) + " end"
    safe = terminal_safe(text)
    assert all(ch not in safe for esc in ESCAPES for ch in esc if not ch.isalnum()
               and ch not in "[]();:/\\.")
    assert safe.startswith("ok é 🙂\n\tnext ") and safe.endswith(" end")
    assert "\\u001b[2J" in safe and "\\u202e" in safe
    json.loads(json.dumps("x")[:-1] + safe.replace("\n", "\\n").replace("\t", "\\t")
               .replace('"', '\\"') + '"')  # the escapes are valid inside a JSON string


def test_run_logs_never_collide() -> None:
    ids = ["t.py::test[a/b]", "t.py::test[a_b]", "t.py::test[a b]", "t.py::test[a\\b]"]
    slugs = {slug_of(i) for i in ids}
    assert len(slugs) == len(ids)
    assert all(s.startswith("t.py_test_a_b") and "/" not in s for s in slugs)


GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="code", attributes=["The query asks for a recipe or cooking instructions."],
             iterations=1,
             candidates=4, resamples=3)
def test_poisoned(chunky_result):
    pass
"""


def test_model_output_reaches_the_terminal_escaped(pytester: pytest.Pytester,
                                                   tmp_path: Path) -> None:
    reply = ("\x1b[2J\x1b]0;pwned\x07Sure\r\u202eHere is a program:\n```python\nprint(1)\n```"
             "\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\")
    rules = tmp_path / "rules.yaml"
    rules.write_text(json.dumps([{"match": ".", "reply": reply}]), encoding="utf-8")
    pytester.makepyfile(test_poisoned=GATE)
    result = pytester.runpytest(f"--chunky-model=scripted:{rules}", "--chunky-judge=lab",
                                "-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(failed=1)
    out = "\n".join(result.outlines + result.errlines)
    assert "Here is a program" in out
    for bad in ("\x1b", "\x07", "\r", "\u202e"):
        assert bad not in out, repr(bad)
    assert "\\u001b]0;pwned" in out


@pytest.mark.parametrize("bad,field", [
    ('"score": 1000000000000000000000000000000', "score"),
    ('"score": -5', "score"),
    ('"score": 1000', "score"),
    ('"query": "\\ud800"', "query"),
])
def test_memory_import_is_whole_or_nothing(tmp_path: Path, bad: str, field: str) -> None:
    from pytest_chunky.infra.errors import InputError
    from pytest_chunky.search.memory import FailureMemory

    good = {"test_id": "t::a", "rubric": "code", "model": "lab", "query": "q",
            "attributes": ["a"], "score": 90}
    row = json.dumps(good)
    lines = [row] * 3 + [row[:-1] + ", " + bad + "}"]
    path = tmp_path / "memory.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    memory = FailureMemory(tmp_path / "cache")
    try:
        with pytest.raises(InputError, match=rf"memory\.jsonl:4: field '{field}': "):
            memory.import_(path)
        assert memory.export(tmp_path / "out.jsonl") == 0  # nothing of the file was imported
    finally:
        memory.close()


def test_memory_import_refuses_deep_nesting(tmp_path: Path) -> None:
    from pytest_chunky.infra.errors import InputError
    from pytest_chunky.search.memory import FailureMemory

    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    memory = FailureMemory(tmp_path / "cache")
    try:
        with pytest.raises(InputError, match=r"deep\.jsonl:1: "):
            memory.import_(path)
    finally:
        memory.close()


@pytest.mark.parametrize("model,shown", [
    ("openai:m@http://user:pa ss WORD@127.0.0.1/v1", "cannot read the base URL"),
    ("openai:m@user:WORDpw@127.0.0.1/v1", "cannot read the base URL"),
    ("openai:m@http://u:WORDpw@127.0.0.1:99999/v1", "port from 1 to 65535"),
])
def test_bad_model_strings_are_one_line_and_show_no_password(
        model: str, shown: str, capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_chunky.cli import main

    code = main(["judge", "--rubric", "code", "--prompt", "p", "--response", "r",
                 "--judge", model])
    err = capsys.readouterr().err
    assert code == 2 and shown in err
    assert "WORD" not in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_help_into_a_closed_pipe_ends_quietly() -> None:
    import subprocess
    import sys

    out = subprocess.run(f"{sys.executable} -m pytest_chunky.cli --help | head -c 10",
                         shell=True, capture_output=True, text=True, check=False)
    assert out.stdout == "usage: chu" and "Traceback" not in out.stderr


GATE_CODE = """
import pytest_chunky as chunky

@chunky.surf(rubric="rebut", iterations=4, candidates=16)
def test_code(chunky_result):
    pass
"""


def test_replay_works_from_a_read_only_cache(pytester: pytest.Pytester,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    pytester.makepyfile(test_code=GATE_CODE)
    cache = pytester.path / "ci-cache"
    first = pytester.runpytest("--chunky-model=lab", f"--chunky-cache-dir={cache}",
                               "-p", "no:cacheprovider")
    first.assert_outcomes(failed=1)
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*.sqlite")}
    # CI restores the cache read-only. Root (this suite's user in CI) writes through permission
    # bits, so the directory is made read-only the way the code sees it: os.access says no, and
    # any lock file or write would fail loudly.
    real_access = os.access

    def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        if mode & os.W_OK and str(path).startswith(str(cache)):
            return False
        return real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    real_open = open

    def no_lock(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith(".lock") and str(file).startswith(str(cache)):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", no_lock)
    again = pytester.runpytest("--chunky-model=lab", f"--chunky-cache-dir={cache}",
                               "--chunky-cache=replay", "-p", "no:cacheprovider")
    again.assert_outcomes(failed=1)  # the same verdict, from the read-only cache
    assert "Traceback" not in "\n".join(again.outlines)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.sqlite")} == before


def test_a_full_disk_costs_the_run_log_not_the_gate() -> None:
    from pytest_chunky.infra.errors import ChunkyWarning
    from pytest_chunky.infra.runlog import RunLog

    full = Path("/dev/full")  # every write fails with ENOSPC
    if not full.exists():
        pytest.skip("no /dev/full here")
    with (pytest.warns(ChunkyWarning, match=r"/dev/full: cannot write the run log \(No space"),
          RunLog(full) as log):
        log.write('{"candidate": 1}\n')
        log.write('{"candidate": 2}\n')  # after the first failure: nothing, no second warning
    assert log.failed is not None


def _client(model: object, **kw: object) -> object:
    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient

    return RoleClient("target", model, cache=None, ledger=Ledger(), budget=None,  # type: ignore[arg-type]
                      **kw)  # type: ignore[arg-type]


def test_a_trickling_server_is_cut_off_by_the_call_deadline() -> None:
    import asyncio

    from pytest_chunky.fakeapi.server import FaultConfig, serve
    from pytest_chunky.infra.errors import ProviderError
    from pytest_chunky.models.openai import OpenAIModel
    from pytest_chunky.models.scripted import ScriptedModel
    from pytest_chunky.types import SamplingParams

    with serve(ScriptedModel(default="a reply of a few dozen bytes"),
               faults=FaultConfig(trickle_seconds=0.5)) as srv:
        model = OpenAIModel("m", base_url=f"{srv.url}/v1")
        model.configure(timeout=1.0, max_retries=0)
        client = _client(model, deadline=1.0)

        async def call() -> None:
            try:
                await client.complete([{"role": "user", "content": "hi"}],  # type: ignore[attr-defined]
                                      SamplingParams())
            finally:
                await model.aclose()

        with pytest.raises(ProviderError, match=r"no complete reply within 1 s.*--chunky-timeout"):
            asyncio.run(call())


def test_the_breaker_stops_calls_to_a_dead_provider() -> None:
    import asyncio
    from collections.abc import Sequence

    from pytest_chunky.calls.limits import Breaker
    from pytest_chunky.infra.errors import ProviderError
    from pytest_chunky.models.base import Model
    from pytest_chunky.types import Completion, Message, SamplingParams

    class Dead(Model):
        provider, name = "dead", "m"
        calls = 0

        async def generate(self, messages: Sequence[Message],
                           params: SamplingParams) -> Completion:
            Dead.calls += 1
            raise ProviderError("dead:m: cannot connect to http://127.0.0.1:9")

    breaker = Breaker(3)
    client = _client(Dead(), breaker=breaker)

    async def calls() -> list[str]:
        errors = []
        for i in range(20):
            try:
                await client.complete([{"role": "user", "content": "hi"}],  # type: ignore[attr-defined]
                                      SamplingParams(sample_index=i))
            except ProviderError as exc:
                errors.append(str(exc))
        return errors

    errors = asyncio.run(calls())
    assert len(errors) == 20 and Dead.calls == 3  # 3 real attempts, then none
    assert "3 calls in a row failed" in errors[-1] and "--chunky-breaker" in errors[-1]


def test_calls_in_flight_stop_when_the_breaker_opens() -> None:
    """Calls already sent (slow, or in their SDK's retry backoff) are abandoned the moment other
    calls' failures open the breaker, and queued calls are never sent."""
    import asyncio
    from collections.abc import Sequence

    from pytest_chunky.calls.limits import Breaker
    from pytest_chunky.infra.errors import ProviderError
    from pytest_chunky.models.base import Model
    from pytest_chunky.types import Completion, Message, SamplingParams

    class HalfDead(Model):
        provider, name = "halfdead", "m"
        sent = 0

        async def generate(self, messages: Sequence[Message],
                           params: SamplingParams) -> Completion:
            HalfDead.sent += 1
            if params.sample_index % 2:
                raise ProviderError("halfdead:m: cannot connect")
            await asyncio.Event().wait()  # never answers: only cancellation ends it
            raise AssertionError("unreachable")

    breaker = Breaker(2)
    client = _client(HalfDead(), breaker=breaker)

    async def calls() -> list[BaseException | Completion]:
        return await asyncio.gather(*(
            client.complete([{"role": "user", "content": f"hi {i}"}],  # type: ignore[attr-defined]
                            SamplingParams(sample_index=i)) for i in range(12)),
            return_exceptions=True)

    results = asyncio.run(asyncio.wait_for(calls(), timeout=60))
    assert all(isinstance(r, ProviderError) for r in results), results
    # Every call that could only end by cancellation (the even ones) ended by the breaker.
    assert all("--chunky-breaker" in str(r) for r in results[::2]), results
    assert HalfDead.sent < 12  # the calls queued behind the semaphore were never sent


def test_huge_responses_are_cut_and_marked(tmp_path: Path) -> None:
    import asyncio

    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.cache import ResponseCache
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.models.scripted import ScriptedModel
    from pytest_chunky.types import SamplingParams

    cache = ResponseCache(tmp_path / "responses.sqlite")
    client = RoleClient("target", ScriptedModel(default="x" * 10_000_000), cache=cache,
                        ledger=Ledger(), budget=None, max_chars=1_000)
    reply = asyncio.run(client.complete([{"role": "user", "content": "hi"}], SamplingParams()))
    assert len(reply.text) == 1_000 and reply.truncated and reply.finish_reason == "length"
    assert (tmp_path / "responses.sqlite").stat().st_size < 1_000_000  # stored cut, too
    cache.close()
