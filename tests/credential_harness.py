"""Credentials written into model strings, and a server that echoes them back on 401.

Shared by tests/test_credentials.py and benchmarks/bench_reliability.py: the session puts a
secret into URL userinfo, another into Azure-style query parameters, and a third into the
environment, then every artefact is scanned for each secret, its core and its basic-auth form.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import test_secrets as sec

from pytest_chunky.fakeapi.server import RunningServer


def url_secrets() -> dict[str, str]:
    token = uuid.uuid4().hex
    return {"userinfo": f"sk-url-SECRET-{token}c", "api_key_param": f"sk-qry-SECRET-{token}d",
            "sig_param": f"sig-SECRET-{token}e", "env_key": f"sk-test-SECRET-{token}f"}


def needles(secrets: dict[str, str]) -> tuple[str, ...]:
    """Each secret plus the basic-auth header value that carries the userinfo one."""
    basic = base64.b64encode(f"gateway:{secrets['userinfo']}".encode()).decode()
    return (*secrets.values(), basic)


def credential_args(out: Path, srv: RunningServer, secrets: dict[str, str]) -> list[str]:
    """The issue's session: userinfo in the target URL, credential parameters in the judge's."""
    target = srv.openai_base_url.replace("http://", f"http://gateway:{secrets['userinfo']}@")
    judge = (f"{srv.anthropic_base_url}?api-key={secrets['api_key_param']}"
             f"&sig={secrets['sig_param']}&api-version=2024-10-01")
    args = sec.session_args(out, srv)
    args[0] = f"--chunky-model=openai:lab@{target}"
    args[1] = f"--chunky-judge=anthropic:lab@{judge}"
    return args


class _EchoAuth(BaseHTTPRequestHandler):
    """Answers every request 401 with the Authorization header and full URL in the body."""

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        body = json.dumps({"error": {"message": (
            f"invalid credentials: Authorization={self.headers.get('authorization')} "
            f"x-api-key={self.headers.get('x-api-key')} url={self.path}"),
            "type": "authentication_error"}}).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def echo_401_server() -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) of a server that echoes credentials on 401."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoAuth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def echo_401_args(out: Path, base: str, secrets: dict[str, str]) -> list[str]:
    target = base.replace("http://", f"http://gateway:{secrets['userinfo']}@") + \
        f"/v1?api-key={secrets['api_key_param']}"
    return [f"--chunky-model=openai:m@{target}", f"--chunky-judge=anthropic:m@{base}",
            f"--chunky-generator=openai:m@{target}",
            f"--chunky-cache-dir={out / '.chunky'}", f"--junitxml={out / 'junit.xml'}",
            f"--chunky-report={out / 'report.html'}",
            f"--chunky-json-report={out / 'report.json'}",
            f"--log-file={out / 'debug.log'}", "--log-file-level=DEBUG", "--log-level=DEBUG",
            "-o", "junit_logging=all", "-rA", "-p", "no:cacheprovider"]
