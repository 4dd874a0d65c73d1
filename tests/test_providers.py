"""OpenAIModel / AnthropicModel through the real SDKs against the loopback server, and pricing."""

from __future__ import annotations

import asyncio
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from echo_model import Echo

from pytest_chunky.fakeapi.server import FaultConfig, RunningServer, serve
from pytest_chunky.infra.errors import InputError, MissingKeyError, ProviderError
from pytest_chunky.models.anthropic import AnthropicModel
from pytest_chunky.models.openai import OpenAIModel
from pytest_chunky.models.pricing import PRICING_ENV, ModelPrice, Pricing, load_pricing
from pytest_chunky.models.sdk import SDKModel
from pytest_chunky.types import Completion, Message, SamplingParams, Usage

SECRET = "sk-test-SECRETsecret0123456789"
PROVIDERS = [pytest.param(OpenAIModel, id="openai"), pytest.param(AnthropicModel, id="anthropic")]
MESSAGES: list[Message] = [{"role": "system", "content": "be brief"},
                           {"role": "user", "content": "hello there"}]


def base_url(cls: type[SDKModel], srv: RunningServer) -> str:
    return srv.openai_base_url if cls is OpenAIModel else srv.anthropic_base_url


def call(model: SDKModel, params: SamplingParams | None = None) -> Completion:
    async def go() -> Completion:
        try:
            return await model.generate(MESSAGES, params or SamplingParams())
        finally:
            await model.aclose()
    return asyncio.run(go())


def failure(model: SDKModel) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        call(model)
    err = info.value
    text = str(err) + "".join(traceback.format_exception(err)) + repr(model)
    assert SECRET not in text and "SECRET" not in text
    return err


@pytest.mark.parametrize("cls", PROVIDERS)
def test_success(cls: type[SDKModel]) -> None:
    echo = Echo()
    with serve(echo) as srv:
        model = cls("gpt-4o-mini", base_url=base_url(cls, srv), api_key=SECRET)
        params = SamplingParams(temperature=0.0, max_tokens=50, seed=11, stop=("STOP",))
        result = call(model, params)
        assert srv.stats == {"requests": 1, "ok": 1}
    assert result.text == "echo: hello there"
    assert result.usage == Usage(input_tokens=1000, output_tokens=200)
    assert result.finish_reason == "stop"
    assert result.model == "gpt-4o-mini"  # the server echoes the requested model name
    # gpt-4o-mini is $0.15 / $0.60 per million tokens
    assert result.cost_usd == pytest.approx((1000 * 0.15 + 200 * 0.60) / 1e6)
    messages, got = echo.calls[0]
    assert messages == MESSAGES  # Anthropic: system went through the `system` parameter
    assert (got.temperature, got.max_tokens, got.stop) == (0.0, 50, ("STOP",))
    assert got.seed == (11 if cls is OpenAIModel else None)


@pytest.mark.parametrize("cls", PROVIDERS)
@pytest.mark.parametrize("ours", ["stop", "length", "content_filter", "tool_calls"])
def test_finish_reason_round_trip(cls: type[SDKModel], ours: str) -> None:
    with serve(Echo(finish_reason=ours)) as srv:
        result = call(cls("m", base_url=base_url(cls, srv)))
    assert result.finish_reason == ours


def test_openai_json_schema_reaches_the_server() -> None:
    echo = Echo()
    schema = {"title": "Verdict", "type": "object", "properties": {"score": {"type": "integer"}}}
    with serve(echo) as srv:
        call(OpenAIModel("m", base_url=srv.openai_base_url), SamplingParams(json_schema=schema))
    assert echo.calls[0][1].json_schema == schema


@pytest.mark.parametrize("cls", PROVIDERS)
def test_retry_after_is_honoured(cls: type[SDKModel]) -> None:
    # 0.7 s is above both SDKs' first backoff (at most 0.5 s), so the gap proves Retry-After won.
    faults = FaultConfig(sequence=("429", "ok"), retry_after=0.7)
    with serve(Echo(), faults=faults) as srv:
        result = call(cls("gpt-4o", base_url=base_url(cls, srv), max_retries=2))
        events = srv.events
        assert srv.stats == {"requests": 2, "429": 1, "ok": 1}
    assert result.text == "echo: hello there"
    gap = events[1].t - events[0].t
    assert 0.65 <= gap < 3.0


@pytest.mark.parametrize("cls", PROVIDERS)
def test_persistent_500_gives_up_after_max_retries(cls: type[SDKModel]) -> None:
    with serve(Echo(), faults=FaultConfig(rate_500=1.0)) as srv:
        err = failure(cls("m", base_url=base_url(cls, srv), api_key=SECRET, max_retries=1))
        assert srv.stats["requests"] == 2 == srv.stats["500"]
    assert "HTTP 500" in str(err) and cls.provider in str(err) and "m@" in str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize("cls", PROVIDERS)
def test_persistent_529_counts_attempts(cls: type[SDKModel]) -> None:
    faults = FaultConfig(rate_529=1.0, retry_after=0.05)
    with serve(Echo(), faults=faults) as srv:
        err = failure(cls("m", base_url=base_url(cls, srv), api_key=SECRET, max_retries=3))
        assert srv.stats["requests"] == 1 + 3
    assert "HTTP 529" in str(err) and "after 3 retries" in str(err)


@pytest.mark.parametrize("cls", PROVIDERS)
def test_malformed_body(cls: type[SDKModel]) -> None:
    with serve(Echo(), faults=FaultConfig(rate_malformed=1.0)) as srv:
        err = failure(cls("m", base_url=base_url(cls, srv), api_key=SECRET, max_retries=1))
    assert "malformed response" in str(err)


@pytest.mark.parametrize("cls", PROVIDERS)
def test_timeout(cls: type[SDKModel]) -> None:
    faults = FaultConfig(rate_slow=1.0, slow_seconds=3.0)
    with serve(Echo(), faults=faults) as srv:
        err = failure(cls("m", base_url=base_url(cls, srv), api_key=SECRET, max_retries=0,
                          timeout=0.3))
        assert srv.stats["slow"] == 1
    assert "timed out after 0.3s" in str(err)


@pytest.mark.parametrize("cls", PROVIDERS)
def test_connection_refused(cls: type[SDKModel]) -> None:
    srv = serve(Echo())
    srv.close()
    err = failure(cls("m", base_url=base_url(cls, srv), api_key=SECRET, max_retries=0))
    assert "cannot connect" in str(err)


@pytest.mark.parametrize("cls", PROVIDERS)
def test_key_echoed_by_the_server_is_redacted(cls: type[SDKModel]) -> None:
    with serve(Echo(fail=f"bad key {SECRET} (Bearer {SECRET})")) as srv:
        err = failure(cls("m", base_url=base_url(cls, srv), api_key=SECRET, max_retries=0))
    assert "HTTP 500" in str(err) and "***" in str(err)


@pytest.mark.parametrize("cls", PROVIDERS)
def test_missing_key(cls: type[SDKModel], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cls.env_var, raising=False)
    with pytest.raises(MissingKeyError, match=f"set {cls.env_var}") as info:
        cls("some-model")
    assert f"{cls.provider}:some-model needs an API key" in str(info.value)
    # A local server needs no key.
    with serve(Echo()) as srv:
        assert call(cls("local", base_url=base_url(cls, srv))).text == "echo: hello there"


@pytest.mark.parametrize("cls", PROVIDERS)
def test_key_from_environment(cls: type[SDKModel], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cls.env_var, SECRET)
    model = cls("some-model")
    assert SECRET not in repr(model) and SECRET not in str(vars(model))


@pytest.mark.parametrize("cls", PROVIDERS)
def test_one_model_across_event_loops(cls: type[SDKModel]) -> None:
    with serve(Echo()) as srv:
        model = cls("m", base_url=base_url(cls, srv))
        first = asyncio.run(model.generate(MESSAGES, SamplingParams()))
        second = call(model)
        assert srv.stats["ok"] == 2
    assert first.text == second.text == "echo: hello there"


def test_official_api_request_shapes() -> None:
    params = SamplingParams(temperature=0.0, top_p=0.9, max_tokens=64)
    gpt41 = OpenAIModel("gpt-4.1", api_key=SECRET).request_kwargs(MESSAGES, params)
    assert gpt41["max_completion_tokens"] == 64 and gpt41["temperature"] == 0.0
    assert gpt41["top_p"] == 0.9 and "max_tokens" not in gpt41
    gpt5 = OpenAIModel("gpt-5.1", api_key=SECRET).request_kwargs(MESSAGES, params)
    assert "temperature" not in gpt5 and "top_p" not in gpt5  # reasoning models reject them
    claude = AnthropicModel("claude-sonnet-4-5", api_key=SECRET).request_kwargs(MESSAGES, params)
    assert claude["system"] == "be brief" and claude["messages"] == [MESSAGES[1]]
    assert "extra_body" not in claude  # the 2026-10-21 API rejects sampling parameters
    local = AnthropicModel("x", base_url="http://127.0.0.1:1").request_kwargs(MESSAGES, params)
    assert local["extra_body"] == {"temperature": 0.0, "top_p": 0.9}


# -- pricing -------------------------------------------------------------------------------------

def test_pricing_longest_prefix_and_unknown() -> None:
    pricing = load_pricing()
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert pricing.cost("gpt-4o-2024-08-06", usage) == pytest.approx(2.5 + 10.0)
    assert pricing.cost("gpt-4o-mini-2024-07-18", usage) == pytest.approx(0.15 + 0.60)
    assert pricing.cost("claude-opus-4-5-20251101", usage) == pytest.approx(5 + 25)
    assert pricing.cost("claude-opus-4-1", usage) == pytest.approx(15 + 75)
    assert pricing.cost("anthropic:claude-haiku-4-5@http://x", usage) == pytest.approx(1 + 5)
    for name in ("gpt-5.1", "gpt-5", "gpt-4.1", "gpt-4.1-mini", "claude-sonnet-4-5",
                 "claude-3-5-haiku-20241022"):
        assert pricing.known(name), name
    assert not pricing.known("llama3") and pricing.cost("llama3", usage) == 0.0


def test_pricing_override_file_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("models:\n  llama3: {input: 1.0, output: 2.0}\n"
                    "  gpt-4o: {input: 0, output: 0}\n")
    usage = Usage(input_tokens=1_000_000, output_tokens=500_000)
    merged = load_pricing(path)
    assert merged.cost("llama3-8b", usage) == pytest.approx(2.0)
    assert merged.cost("gpt-4o", usage) == 0.0 and merged.cost("gpt-4.1", usage) > 0
    monkeypatch.setenv(PRICING_ENV, str(path))
    assert load_pricing().known("llama3")
    custom = Pricing({"x": ModelPrice(input=3, output=0)})
    with serve(Echo()) as srv:
        result = call(OpenAIModel("x-1", base_url=srv.openai_base_url, pricing=custom))
    assert result.cost_usd == pytest.approx(1000 * 3 / 1e6)


def test_pricing_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  ok-model: {input: 1, output: 2}\n  gpt-x: {input: -1, output: 2}\n")
    with pytest.raises(InputError, match=r"bad\.yaml:3: field 'models\.gpt-x\.input'"):
        load_pricing(bad)
    typo = tmp_path / "typo.yaml"
    typo.write_text("modles: {}\n")
    with pytest.raises(InputError, match=r"typo\.yaml:1: field 'modles'"):
        load_pricing(typo)
    broken = tmp_path / "broken.yaml"
    broken.write_text("models: [unclosed\n")
    with pytest.raises(InputError, match=r"broken\.yaml:\d+: invalid YAML"):
        load_pricing(broken)
    with pytest.raises(InputError, match="cannot read pricing file"):
        load_pricing(tmp_path / "missing.yaml")


class _Fixed(BaseHTTPRequestHandler):
    """Answers every POST with 200 and `payload`: valid JSON without the expected fields."""

    payload = b"{}"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("cls", PROVIDERS)
@pytest.mark.parametrize("body", [b'{"id": "x", "choices": [], "content": null}', b'{"id": "x"}',
                                  b"[1, 2]"])
def test_body_without_the_expected_fields(cls: type[SDKModel], body: bytes) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Fixed,), {"payload": body}))
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        err = failure(cls("m", base_url=url + ("/v1" if cls is OpenAIModel else ""),
                          api_key=SECRET, max_retries=0))
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "malformed response" in str(err)
