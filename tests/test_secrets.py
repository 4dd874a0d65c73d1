"""API keys never reach disk or output: cache, runs, reports, JUnit XML, logs, server log.

A real plugin session runs against the loopback server through the official SDKs, with
dummy keys in the environment, everything logged at DEBUG, and every artefact then scanned.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_chunky.fakeapi.server import RunningServer, serve
from pytest_chunky.lab.role_model import LabRoleModel
from pytest_chunky.models.registry import create_model

GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="code", attributes="lab", iterations=2, candidates=4, resamples=2)
def test_gate(chunky_result):
    assert chunky_result.candidates > 0
"""


@dataclass
class SecretScan:
    """What a session produced and where each secret (or a fragment of it) was found."""

    secrets: tuple[str, ...]
    files: dict[str, int]
    leaks: list[str]
    outcome: dict[str, int]
    requests: int


def fragments(secret: str) -> list[bytes]:
    """The secret and its random core: a partly masked key still leaks the core."""
    core = secret.rsplit("-", 1)[-1]
    return [secret.encode(), core.encode(), core[:12].encode()]


def scan(paths: list[Path], texts: dict[str, str], secrets: tuple[str, ...]) -> list[str]:
    leaks = []
    needles = [(s, f) for s in secrets for f in fragments(s)]
    for path in paths:
        data = path.read_bytes()
        for secret, needle in needles:
            if needle in data:
                leaks.append(f"{path.name}: {needle.decode()[:6]}… of {secret[:10]}…")
    for name, text in texts.items():
        for secret, needle in needles:
            if needle.decode() in text:
                leaks.append(f"{name}: {needle.decode()[:6]}… of {secret[:10]}…")
    return leaks


def new_secrets() -> dict[str, str]:
    """Dummy keys, unique per run, shaped like the real ones."""
    token = uuid.uuid4().hex
    return {"OPENAI_API_KEY": f"sk-test-SECRET-{token}a",
            "ANTHROPIC_API_KEY": f"sk-ant-SECRET-{token}b"}


def session_args(out: Path, srv: RunningServer) -> list[str]:
    """A plugin session through both SDKs, every artefact on, everything logged at DEBUG."""
    return [f"--chunky-model=openai:lab@{srv.openai_base_url}",
            f"--chunky-judge=anthropic:lab@{srv.anthropic_base_url}",
            f"--chunky-cache-dir={out / '.chunky'}", f"--junitxml={out / 'junit.xml'}",
            f"--chunky-report={out / 'report.html'}",
            f"--chunky-json-report={out / 'report.json'}",
            f"--log-file={out / 'debug.log'}", "--log-file-level=DEBUG", "--log-level=DEBUG",
            "-o", "junit_logging=all", "-rA", "-p", "no:cacheprovider"]


def collect(out: Path, srv: RunningServer, secrets: dict[str, str], stdout: str, stderr: str,
            outcome: dict[str, int]) -> SecretScan:
    """Scan every file the session left under `out`, its output and the server's log."""
    files = sorted(p for p in out.rglob("*") if p.is_file())
    texts = {"stdout": stdout, "stderr": stderr, "server events": repr(srv.events),
             "server completed": repr(srv.completed), "server stats": repr(srv.stats)}
    values = tuple(secrets.values())
    return SecretScan(values, {p.relative_to(out).as_posix(): p.stat().st_size for p in files},
                      scan(files, texts, values), outcome, srv.stats.get("requests", 0))


def run_session(pytester: pytest.Pytester, srv: RunningServer,
                monkeypatch: pytest.MonkeyPatch) -> SecretScan:
    secrets = new_secrets()
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    # The keys are really in play: the registry hands them to the SDK clients.
    target = create_model(f"openai:lab@{srv.openai_base_url}")
    judge = create_model(f"anthropic:lab@{srv.anthropic_base_url}")
    assert target._key.reveal() == secrets["OPENAI_API_KEY"]  # type: ignore[attr-defined]
    assert judge._key.reveal() == secrets["ANTHROPIC_API_KEY"]  # type: ignore[attr-defined]
    pytester.makepyfile(test_gate=GATE)
    result = pytester.runpytest(*session_args(pytester.path, srv))
    return collect(pytester.path, srv, secrets, result.stdout.str(), result.stderr.str(),
                   result.parseoutcomes())


@pytest.fixture
def lab_server() -> Iterator[RunningServer]:
    with serve(LabRoleModel("lab")) as srv:
        yield srv


def test_keys_appear_in_no_artefact(pytester: pytest.Pytester, lab_server: RunningServer,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_session(pytester, lab_server, monkeypatch)
    assert result.requests > 0, "the session never reached the server"
    assert result.outcome.get("passed", 0) + result.outcome.get("failed", 0) == 1, result.outcome
    files = result.files
    for expected in ("junit.xml", "report.html", "report.json", "debug.log",
                     ".chunky/responses.sqlite"):
        assert files.get(expected, 0) > 0, f"{expected} missing: {sorted(files)}"
    assert any(name.startswith(".chunky/runs/") and name.endswith(".jsonl") for name in files)
    assert files["debug.log"] > 1000, "DEBUG logging produced next to nothing"
    assert result.leaks == []


def test_scan_finds_a_planted_key(tmp_path: Path) -> None:
    """The scanner itself: a key (or its masked core) written anywhere is found."""
    secret = f"sk-test-SECRET-{uuid.uuid4().hex}"
    (tmp_path / "clean.log").write_text("nothing to see", encoding="utf-8")
    (tmp_path / "cache.sqlite-wal").write_bytes(b"\x00\x01" + secret.encode() + b"\x00")
    core = secret.rsplit("-", 1)[-1]
    leaks = scan(sorted(tmp_path.iterdir()), {"stdout": f"key=sk-***{core[:14]}"}, (secret,))
    assert any(leak.startswith("cache.sqlite-wal") for leak in leaks)
    assert any(leak.startswith("stdout") for leak in leaks)
    assert not any(leak.startswith("clean.log") for leak in leaks)


SETTINGS_GATE = """
def test_uses_settings(chunky_settings):
    assert chunky_settings.iterations == 8000, chunky_settings
"""


def test_settings_repr_in_a_failing_test_shows_no_credential(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    key, password, query = (f"K{uuid.uuid4().hex}", f"P{uuid.uuid4().hex}",
                            f"Q{uuid.uuid4().hex}")
    monkeypatch.setenv("GATEWAY_KEY", key)
    pytester.makepyfile(test_settings_leak=SETTINGS_GATE)
    model = (f"openai:m@http://gwuser:{password}@127.0.0.1:9/v1?api-key={query}"
             "&X-Amz-Signature=${GATEWAY_KEY}")
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(f"--chunky-model={model}", "--chunky-judge=lab",
                                f"--junitxml={junit}", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = "\n".join(result.outlines + result.errlines) + junit.read_text(encoding="utf-8")
    assert "Settings(model='openai:m@http://gwuser:***@127.0.0.1:9/v1" in text
    for secret in (key, password, query):
        assert secret not in text
