"""The loopback model server: API shapes, fault injection, stats, shutdown (stdlib HTTP client)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from echo_model import Echo as EchoModel
from pydantic import ValidationError

from pytest_chunky.fakeapi import server as server_mod
from pytest_chunky.fakeapi.server import FaultConfig, serve
from pytest_chunky.types import Usage

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy


def Echo(finish_reason: str = "stop", fail: str | None = None) -> EchoModel:
    """The shared echo model, named and metered the way these server tests expect."""
    return EchoModel(finish_reason, fail, name="echo-1", reply_model="echo-1",
                     usage=lambda text: Usage(input_tokens=len(text), output_tokens=2))


def post(url: str, body: Any, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer sk-should-be-ignored"})
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def get(url: str) -> tuple[int, Any]:
    with _OPENER.open(url, timeout=5) as resp:
        return resp.status, json.loads(resp.read())


CHAT = {"model": "echo-1", "messages": [{"role": "system", "content": "be brief"},
                                        {"role": "user", "content": "hello"}],
        "temperature": 0.2, "max_tokens": 7, "top_p": 0.5, "seed": 3, "stop": ["END"]}
MSG = {"model": "echo-1", "max_tokens": 9, "system": "be brief", "stop_sequences": ["X", "Y"],
       "messages": [{"role": "user", "content": [{"type": "text", "text": "hello"}]}]}


def test_openai_shape_and_params() -> None:
    model = Echo(finish_reason="length")
    with serve(model) as srv:
        status, _, raw = post(srv.openai_base_url + "/chat/completions", CHAT)
    assert status == 200
    body = json.loads(raw)
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert isinstance(body["created"], int) and body["model"] == "echo-1"
    choice = body["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": "echo: hello", "refusal": None}
    assert choice["finish_reason"] == "length"
    assert body["usage"] == {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    messages, params = model.calls[0]
    assert messages[0] == {"role": "system", "content": "be brief"}
    assert (params.temperature, params.max_tokens, params.top_p, params.seed, params.stop) == (
        0.2, 7, 0.5, 3, ("END",))


def test_anthropic_shape_and_params() -> None:
    model = Echo(finish_reason="length")
    with serve(model) as srv:
        status, _, raw = post(srv.anthropic_base_url + "/v1/messages", MSG)
    assert status == 200
    body = json.loads(raw)
    assert body["type"] == "message" and body["role"] == "assistant"
    assert body["id"].startswith("msg_") and body["model"] == "echo-1"
    assert body["content"] == [{"type": "text", "text": "echo: hello"}]
    assert body["stop_reason"] == "max_tokens"
    assert body["usage"] == {"input_tokens": 5, "output_tokens": 2}
    messages, params = model.calls[0]
    assert messages == [{"role": "system", "content": "be brief"},
                        {"role": "user", "content": "hello"}]
    assert params.max_tokens == 9 and params.stop == ("X", "Y")


def test_json_schema_is_passed_to_the_model() -> None:
    model = Echo()
    schema = {"type": "object", "properties": {"score": {"type": "integer"}}}
    body = dict(CHAT, response_format={"type": "json_schema",
                                       "json_schema": {"name": "v", "schema": schema}})
    with serve(model) as srv:
        assert post(srv.openai_base_url + "/chat/completions", body)[0] == 200
    assert model.calls[0][1].json_schema == schema


def test_health_models_and_unknown_routes() -> None:
    with serve(Echo()) as srv:
        assert get(srv.url + "/health") == (200, {"status": "ok", "model": "echo:echo-1"})
        status, listing = get(srv.openai_base_url + "/models")
        assert status == 200 and [m["id"] for m in listing["data"]] == ["echo-1"]
        assert post(srv.url + "/v1/nothing", {})[0] == 404
        assert post(srv.openai_base_url + "/chat/completions", b"{not json")[0] == 400
        assert post(srv.openai_base_url + "/chat/completions", dict(CHAT, temperature=9))[0] == 400
        assert srv.stats["bad_request"] == 2


def test_model_exception_is_a_500() -> None:
    with serve(Echo(fail="boom")) as srv:
        status, _, raw = post(srv.anthropic_base_url + "/v1/messages", MSG)
        assert status == 500 and "boom" in json.loads(raw)["error"]["message"]
        assert srv.stats["model_error"] == 1


def test_fault_statuses_bodies_and_retry_after() -> None:
    faults = FaultConfig(sequence=("429", "529", "500", "malformed", "ok"), retry_after=0.25)
    with serve(Echo(), faults=faults) as srv:
        url = srv.openai_base_url + "/chat/completions"
        results = [post(url, CHAT) for _ in range(5)]
        stats = srv.stats
    codes = [r[0] for r in results]
    assert codes == [429, 529, 500, 200, 200]
    headers = [{k.lower(): v for k, v in r[1].items()} for r in results]
    assert headers[0]["retry-after"] == "0.25" and headers[1]["retry-after"] == "0.25"
    assert "retry-after" not in headers[2]
    assert json.loads(results[0][2])["error"]["type"] == "rate_limit_error"
    with pytest.raises(json.JSONDecodeError):
        json.loads(results[3][2])
    assert json.loads(results[4][2])["choices"][0]["message"]["content"] == "echo: hello"
    assert stats == {"requests": 5, "429": 1, "529": 1, "500": 1, "malformed": 1, "ok": 1}


def test_anthropic_error_body_shape() -> None:
    with serve(Echo(), faults=FaultConfig(rate_529=1.0)) as srv:
        status, _, raw = post(srv.anthropic_base_url + "/v1/messages", MSG)
    assert status == 529
    assert json.loads(raw) == {
        "type": "error", "error": {"type": "overloaded_error", "message": "injected overload"}}


def _codes(seed: int, n: int) -> list[int]:
    faults = FaultConfig(rate_429=0.3, rate_500=0.2, seed=seed)
    with serve(Echo(), faults=faults) as srv:
        return [post(srv.openai_base_url + "/chat/completions", CHAT)[0] for _ in range(n)]


def test_faults_are_seeded() -> None:
    first, again, other = _codes(7, 30), _codes(7, 30), _codes(8, 30)
    assert first == again
    assert first != other
    assert {429, 500, 200} == set(first)


def test_concurrent_requests_are_all_counted() -> None:
    faults = FaultConfig(rate_429=0.5, seed=1)
    with serve(Echo(), faults=faults) as srv:
        url = srv.openai_base_url + "/chat/completions"
        codes: list[int] = []
        lock = threading.Lock()

        def worker() -> None:
            for _ in range(5):
                code = post(url, CHAT)[0]
                with lock:
                    codes.append(code)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stats = srv.stats
    assert len(codes) == 30 and stats["requests"] == 30
    assert stats.get("429", 0) == codes.count(429) and stats.get("ok", 0) == codes.count(200)
    assert 0 < codes.count(429) < 30


def test_latency_is_added() -> None:
    with serve(Echo(), faults=FaultConfig(latency=0.3)) as srv:
        start = time.monotonic()
        assert post(srv.openai_base_url + "/chat/completions", CHAT)[0] == 200
        assert time.monotonic() - start >= 0.29


def test_close_releases_a_slow_request_promptly() -> None:
    srv = serve(Echo(), faults=FaultConfig(rate_slow=1.0, slow_seconds=30))
    box: list[object] = []

    def call() -> None:
        try:
            box.append(post(srv.openai_base_url + "/chat/completions", CHAT, timeout=10)[0])
        except OSError as exc:  # the server drops the connection without a reply
            box.append(exc)

    t = threading.Thread(target=call)
    t.start()
    while not srv.events:
        time.sleep(0.01)
    srv.close()
    # Released long before the 30 s the slow request would hold (no tight wall-clock bound:
    # a loaded machine must not fail this).
    t.join(timeout=20)
    assert not t.is_alive()
    assert len(box) == 1 and isinstance(box[0], OSError)
    assert srv.stats["slow"] == 1


def test_fault_config_validation_and_loopback_only() -> None:
    with pytest.raises(ValidationError, match="sum to"):
        FaultConfig(rate_429=0.6, rate_500=0.6)
    with pytest.raises(ValidationError):
        FaultConfig(rate_slow=1.5)
    with pytest.raises(ValueError, match="loopback"):
        serve(Echo(), host="0.0.0.0")


def test_run_forever_prints_url_and_stops(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(server_mod.time, "sleep", interrupt)
    server_mod.run_forever(Echo(), port=0)
    out = capsys.readouterr().out
    assert "serving echo:echo-1 at http://127.0.0.1:" in out
    assert "stopped" in out
