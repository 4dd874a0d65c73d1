"""Credentials in model strings never reach a report, a log, an error, the cache or memory."""

from __future__ import annotations

import pytest
from credential_harness import (
    credential_args,
    echo_401_args,
    echo_401_server,
    needles,
    url_secrets,
)
from test_secrets import GATE, lab_server, scan  # noqa: F401 - lab_server is a fixture

from pytest_chunky.calls.accounting import Ledger
from pytest_chunky.calls.client import RoleClient
from pytest_chunky.fakeapi.server import RunningServer
from pytest_chunky.infra.credentials import interpolate, redact, redact_url
from pytest_chunky.infra.errors import ConfigError, ProviderError
from pytest_chunky.models.registry import create_model, parse_model_string
from pytest_chunky.settings import build_settings
from pytest_chunky.types import SamplingParams


@pytest.mark.parametrize("url,shown", [
    ("http://user:pw-123456@host:8080/v1", "http://user:***@host:8080/v1"),
    ("https://tok-abcdef@gw.example/v1", "https://***@gw.example/v1"),
    ("https://x.azure.com/openai?api-version=2024&api-key=abcd1234",
     "https://x.azure.com/openai?api-version=2024&api-key=***"),
    ("https://h/v1?sig=s1g-value&token=t0k-value&Signature=x1&access_token=y2&x=1",
     "https://h/v1?sig=***&token=***&Signature=***&access_token=***&x=1"),
    ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
])
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_masks_remembered_secrets_in_any_text() -> None:
    redact("openai:m@http://u:sk-REMEMBERED-777@h/v1")
    assert "sk-REMEMBERED-777" not in redact("server said: bad key sk-REMEMBERED-777 (401)")
    assert redact("no secrets here: http://h/v1?x=1") == "no secrets here: http://h/v1?x=1"


def test_model_strings_show_and_key_the_cache_by_the_redacted_url() -> None:
    a = create_model("openai:m@http://user:sk-OLD-111111@127.0.0.1:9/v1")
    b = create_model("openai:m@http://user:sk-NEW-222222@127.0.0.1:9/v1")
    assert a.spec == b.spec == "openai:m@http://user:***@127.0.0.1:9/v1"
    assert str(parse_model_string("openai:m@http://u:sk-OLD-111111@h/v1")).count("***") == 1
    params = SamplingParams()
    msgs = [{"role": "user", "content": "hi"}]
    key_a = RoleClient("target", a, cache=None, ledger=Ledger(), budget=None).key(msgs, params)  # type: ignore[list-item]
    key_b = RoleClient("target", b, cache=None, ledger=Ledger(), budget=None).key(msgs, params)  # type: ignore[list-item]
    assert key_a == key_b  # rotating the key keeps the cache


def test_errors_and_sdk_messages_are_redacted() -> None:
    redact("http://u:sk-ERRSECRET-333@h")
    err = ProviderError("connect to http://u:sk-ERRSECRET-333@h failed; header Basic abc")
    assert "sk-ERRSECRET-333" not in str(err)


def test_environment_interpolation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_USER", "alice")
    monkeypatch.setenv("GATEWAY_KEY", "sk-ENV-SECRET-444")
    spec = parse_model_string("openai:m@https://${GATEWAY_USER}:${GATEWAY_KEY}@gw/v1")
    assert spec.base_url == "https://alice:sk-ENV-SECRET-444@gw/v1"
    assert "sk-ENV-SECRET-444" not in str(spec)
    assert "sk-ENV-SECRET-444" not in redact("echo sk-ENV-SECRET-444")  # remembered as secret
    settings = build_settings({"model": "openai:m@https://${GATEWAY_USER}@gw/v1"})
    assert settings.model == "openai:m@https://alice@gw/v1"
    with pytest.raises(ConfigError) as err:
        interpolate("x ${NOT_SET_ANYWHERE_9}", where="--chunky-judge")
    assert "--chunky-judge" in str(err.value) and "NOT_SET_ANYWHERE_9" in str(err.value)


def test_url_credentials_appear_in_no_artefact(pytester: pytest.Pytester,
                                               lab_server: RunningServer,  # noqa: F811
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = url_secrets()
    monkeypatch.setenv("OPENAI_API_KEY", secrets["env_key"])
    pytester.makepyfile(test_gate=GATE)
    result = pytester.runpytest(*credential_args(pytester.path, lab_server, secrets))
    outcome = result.parseoutcomes()
    assert outcome.get("passed", 0) + outcome.get("failed", 0) == 1, result.stdout.str()
    assert "user:***@" in result.stdout.str() or "gateway:***@" in result.stdout.str()
    files = sorted(p for p in pytester.path.rglob("*") if p.is_file() and p.suffix != ".py")
    assert {p.name for p in files} >= {"junit.xml", "report.html", "report.json", "debug.log",
                                       "responses.sqlite"}
    leaks = scan(files, {"stdout": result.stdout.str(), "stderr": result.stderr.str()},
                 needles(secrets))
    assert leaks == []


def test_a_401_that_echoes_credentials_leaks_nothing(pytester: pytest.Pytester,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = url_secrets()
    monkeypatch.setenv("OPENAI_API_KEY", secrets["env_key"])
    monkeypatch.setenv("ANTHROPIC_API_KEY", secrets["env_key"] + "a")
    pytester.makepyfile(test_gate=GATE)
    with echo_401_server() as base:
        result = pytester.runpytest(*echo_401_args(pytester.path, base, secrets))
    out = result.stdout.str()
    assert result.parseoutcomes().get("errors", 0) == 1, out
    assert "HTTP 401" in out and "invalid credentials" in out  # the server's words got through
    files = sorted(p for p in pytester.path.rglob("*") if p.is_file() and p.suffix != ".py")
    leaks = scan(files, {"stdout": out, "stderr": result.stderr.str()}, needles(secrets))
    assert leaks == []
