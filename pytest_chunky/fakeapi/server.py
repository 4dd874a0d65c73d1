"""A loopback HTTP server that exposes any in-process `Model` over the OpenAI and Anthropic APIs.

Provider code is tested with the official SDKs pointed at this server (no network), and the lab
serves its models through it for benchmarks. Fault injection (429/500/529 with Retry-After, slow
replies, malformed bodies) exercises the SDKs' retry and timeout machinery for real; unparseable
judge replies (`rate_bad_judge`) exercise the judge's fail-closed path.

Credentials sent by clients (`Authorization`, `x-api-key`) are ignored and never logged.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import json
import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import ValidationError

from pytest_chunky.fakeapi.batches import BatchStore
from pytest_chunky.fakeapi.faults import (
    BAD_JUDGE_REPLY,
    JUDGE_TAG,
    FaultConfig,
    FaultKind,
    RequestEvent,
    _FaultDrawer,
    request_key,
)
from pytest_chunky.fakeapi.wire import (
    FAULT_REPLY,
    anthropic_reply,
    error_body,
    is_judge_request,
    openai_reply,
    parse_request,
)
from pytest_chunky.models.base import Model
from pytest_chunky.models.embed import Embedder
from pytest_chunky.models.sdk import SAMPLE_HEADER
from pytest_chunky.types import Completion, Message, SamplingParams

__all__ = ["BAD_JUDGE_REPLY", "JUDGE_TAG", "FaultConfig", "FaultKind", "RequestEvent",
           "RunningServer", "request_key", "run_forever", "serve"]

class ModelServer(ThreadingHTTPServer):
    """The HTTP server plus the event-loop thread that runs the model's coroutines."""

    daemon_threads = True
    request_queue_size = 256  # benchmarks open many connections at once; 5 would stall SYNs

    def __init__(self, model: Model, host: str, port: int, faults: FaultConfig,
                 embedder: Embedder | None = None) -> None:
        super().__init__((host, port), _Handler)
        self.model = model
        self.embedder = embedder
        self.batches = BatchStore(self)
        self.faults = faults
        self._drawer = _FaultDrawer(faults)
        self._lock = threading.Lock()
        self._stats: Counter[str] = Counter()
        self._events: list[RequestEvent] = []
        self._completed: list[str] = []
        self._conns: set[socket.socket] = set()
        self.closing = threading.Event()
        self.loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self.loop.run_forever,
                                             name="chunky-server-loop", daemon=True)
        self._loop_thread.start()

    def draw_fault(self, path: str, judge: bool = False, key: str = "") -> FaultKind:
        fault = self._drawer.draw(judge, key)
        with self._lock:
            self._stats["requests"] += 1
            self._stats[fault] += 1
            self._events.append(RequestEvent(time.monotonic(), path, fault, key))
        return fault

    def complete(self, key: str) -> None:
        """Record that a 200 reply for the request `key` was written in full."""
        with self._lock:
            self._completed.append(key)

    def count(self, key: str) -> None:
        with self._lock:
            self._stats[key] += 1

    @property
    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self._stats)

    @property
    def events(self) -> list[RequestEvent]:
        with self._lock:
            return list(self._events)

    @property
    def completed(self) -> list[str]:
        with self._lock:
            return list(self._completed)

    def generate(self, messages: list[Message], params: SamplingParams) -> Completion:
        if self.closing.is_set():
            raise ConnectionAbortedError("server closing")
        future = asyncio.run_coroutine_threadsafe(self.model.generate(messages, params), self.loop)
        while True:
            try:
                return future.result(timeout=0.25)
            except concurrent.futures.TimeoutError:
                if self.closing.is_set() and not self.loop.is_running():
                    future.cancel()
                    raise ConnectionAbortedError("server closed") from None

    def embeddings_reply(self, body: dict[str, Any]) -> dict[str, Any]:
        """An OpenAI embeddings reply from the served embedder (ValueError without one)."""
        if self.embedder is None:
            raise ValueError("this server has no embedder (serve(..., embedder=...))")
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ValueError("input must be a string or a list of strings")
        vectors = self.embedder.embed(texts).astype("<f4")
        b64 = body.get("encoding_format") == "base64"  # the SDK's default: float32 bytes
        return {"object": "list", "model": str(body.get("model") or self.embedder.name),
                "data": [{"object": "embedding", "index": i,
                          "embedding": base64.b64encode(row.tobytes()).decode() if b64
                          else row.tolist()} for i, row in enumerate(vectors)],
                "usage": {"prompt_tokens": 0, "total_tokens": 0}}

    def track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def stop(self) -> None:
        """Stop accepting, release slow handlers, drop keep-alive connections, stop the loop."""
        self.closing.set()
        self.shutdown()
        self.server_close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

        async def _cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(_cancel_all(), self.loop).result(timeout=5)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._loop_thread.join(timeout=5)
        if not self.loop.is_running():
            self.loop.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pytest-chunky"
    timeout = 60  # idle keep-alive connections are dropped after this
    server: ModelServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm
        # and the client's delayed ACK add ~40 ms to every reply.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request logs are noise in tests, and headers must never be printed."""

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        trickle = self.server.faults.trickle_seconds if isinstance(self.server, ModelServer) else 0
        if not trickle:
            self.wfile.write(payload)
            return
        for i in range(len(payload)):  # bounded: the reply's length, or until close()
            if self.server.closing.wait(trickle):
                self.close_connection = True
                return
            self.wfile.write(payload[i:i + 1])
            self.wfile.flush()

    def _json(self, status: int, body: dict[str, Any],
              headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode(), headers)

    def _batch_route(self, method: str, path: str, raw: bytes = b"") -> bool:
        """Serve a Files / Batches / Message Batches / embeddings route; False if not one."""
        if path == "/v1/embeddings" and method == "POST":
            try:
                self._json(200, self.server.embeddings_reply(json.loads(raw or b"{}")))
            except ValueError as exc:
                self._json(400, error_body(False, 400, "invalid_request_error", str(exc)))
            return True
        try:
            reply = self.server.batches.handle(method, path, raw,
                                               self.headers.get("Content-Type", ""))
        except ValueError as exc:  # a body that is not JSON
            reply = (400, json.dumps(error_body(False, 400, "invalid_request_error",
                                                 str(exc))).encode(), "application/json")
        if reply is None:
            return False
        status, payload, content_type = reply
        self._send(status, payload, content_type=content_type)
        return True

    def do_GET(self) -> None:
        model = self.server.model
        path = self.path.split("?", 1)[0].rstrip("/")
        if self._batch_route("GET", path):
            return
        if path == "/health":
            self._json(200, {"status": "ok", "model": model.spec})
        elif path == "/v1/models":
            mid = model.name or model.provider
            self._json(200, {"object": "list", "has_more": False, "first_id": mid, "last_id": mid,
                             "data": [{"id": mid, "object": "model", "type": "model",
                                       "display_name": model.spec, "created": 0,
                                       "created_at": "1970-01-01T00:00:00Z",
                                       "owned_by": "pytest-chunky"}]})
        else:
            self._json(404, error_body(False, 404, "not_found_error", f"no route GET {path}"))

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        anthropic = path == "/v1/messages"
        if self._batch_route("POST", path, raw):
            return
        if path not in ("/v1/chat/completions", "/v1/messages"):
            self._json(404, error_body(anthropic, 404, "not_found_error", f"no route POST {path}"))
            return
        server = self.server
        judge = bool(server.faults.rate_bad_judge) and is_judge_request(raw, anthropic)
        key = request_key(raw)
        fault = server.draw_fault(path, judge, key)
        if server.faults.latency:
            server.closing.wait(server.faults.latency)
        if fault in FAULT_REPLY:
            status, kind, message = FAULT_REPLY[fault]
            headers = {}
            if server.faults.retry_after is not None and fault in ("429", "529"):
                headers["retry-after"] = f"{server.faults.retry_after:g}"
            self._json(status, error_body(anthropic, status, kind, message), headers)
            return
        if fault == "slow":
            server.closing.wait(server.faults.slow_seconds)
        if server.closing.is_set():  # closed while we waited: drop the connection, no reply
            self.close_connection = True
            return
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("request body must be a JSON object")
            messages, params = parse_request(body, anthropic)
            sample = self.headers.get(SAMPLE_HEADER, "")
            if sample.isdigit():  # re-samples of one request differ only by this header
                params = params.model_copy(update={"sample_index": int(sample)})
        except (ValueError, ValidationError, TypeError, AttributeError) as exc:
            server.count("bad_request")
            msg = str(exc).splitlines()[0]
            self._json(400, error_body(anthropic, 400, "invalid_request_error", msg))
            return
        try:
            completion = server.generate(messages, params)
        except (ConnectionAbortedError, asyncio.CancelledError, concurrent.futures.CancelledError):
            self.close_connection = True
            return
        except Exception as exc:  # the model failed: report it like an upstream 500
            server.count("model_error")
            self._json(500, error_body(anthropic, 500, "api_error",
                                        f"model raised {type(exc).__name__}: {exc}"))
            return
        if fault == "bad_judge":
            completion = completion.model_copy(update={"text": BAD_JUDGE_REPLY})
        name = str(body.get("model") or server.model.name)
        reply = (anthropic_reply if anthropic else openai_reply)(completion, name)
        payload = json.dumps(reply).encode()
        if fault == "malformed":
            payload = payload[: max(1, len(payload) // 2)]
        self._send(200, payload)
        if fault != "malformed":
            self.wfile.flush()
            server.complete(key)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): fine
            self.close_connection = True


class RunningServer:
    """A started server; use as a context manager or call `close()`."""

    def __init__(self, server: ModelServer) -> None:
        self._server = server
        host, port = server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="chunky-server", daemon=True)
        self._thread.start()

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def stats(self) -> dict[str, int]:
        """Counts: `requests`, one key per fault kind served (`ok`, `429`, ..., `bad_judge`),
        `bad_request`, `model_error`."""
        return self._server.stats

    @property
    def events(self) -> list[RequestEvent]:
        return self._server.events

    @property
    def completed(self) -> list[str]:
        """Keys (see `request_key`) of the requests answered with a full 200 reply, in order."""
        return self._server.completed

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.stop()
            self._thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RunningServer {self.url} serving {self._server.model.spec}>"


def serve(model: Model, host: str = "127.0.0.1", port: int = 0,
          faults: FaultConfig | None = None, embedder: Embedder | None = None,
          ) -> RunningServer:
    """Start serving `model` (and `embedder` at /v1/embeddings) in background threads; port 0
    picks a free port."""
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError(f"the model server binds loopback only, not {host!r}")
    return RunningServer(ModelServer(model, host, port, faults or FaultConfig(), embedder))


def run_forever(model: Model, host: str = "127.0.0.1", port: int = 8765,
                faults: FaultConfig | None = None) -> None:
    """Serve until interrupted (the lab CLI's `serve` command)."""
    running = serve(model, host, port, faults)
    print(f"serving {model.spec} at {running.url}  "
          f"(OpenAI base_url {running.openai_base_url}, Anthropic base_url "
          f"{running.anthropic_base_url}); Ctrl-C to stop", file=sys.stdout, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        running.close()
        print(f"stopped; stats {running.stats}", flush=True)

