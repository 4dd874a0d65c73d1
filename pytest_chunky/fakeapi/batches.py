"""The loopback server's batch endpoints: OpenAI Files + Batches and Anthropic Message Batches.

They exist so that the batch client (`pytest_chunky.models.batch`) is tested through the
official SDKs' real code paths with no network. A batch is processed item by item on a
background thread through the served model; each item draws from the server's fault
configuration, and a drawn transport fault becomes that item's error (an error-file line for
OpenAI, an `errored` result for Anthropic), which is how per-item retry is exercised.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pytest_chunky.fakeapi.wire import FAULT_REPLY, anthropic_reply, openai_reply, parse_request
from pytest_chunky.models.batch import SAMPLE_FIELD

if TYPE_CHECKING:
    from pytest_chunky.fakeapi.server import ModelServer

__all__ = ["BatchStore", "Reply"]

#: Body field that carries a re-sample's index in a batch line (headers do not exist there).

Reply = tuple[int, bytes, str]  # status, payload, content type
_JSON = "application/json"


def _json(status: int, body: Any) -> Reply:
    return status, json.dumps(body).encode(), _JSON


def _iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00",
                                                                                      "Z")


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Form fields of a multipart body: name -> (filename, bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


@dataclass
class _Batch:
    id: str
    kind: str  # "openai" or "anthropic"
    lines: list[dict[str, Any]]
    endpoint: str = "/v1/chat/completions"
    input_file_id: str = ""
    created: float = field(default_factory=time.time)
    ended: float | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    canceled: bool = False
    output_file_id: str | None = None
    error_file_id: str | None = None


class BatchStore:
    """In-memory files and batches of one server."""

    def __init__(self, server: ModelServer) -> None:
        self.server = server
        self._lock = threading.Lock()
        self._files: dict[str, tuple[str, bytes]] = {}
        self._batches: dict[str, _Batch] = {}
        self._ids = itertools.count(1)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    # -- routing ------------------------------------------------------------------------------
    def handle(self, method: str, path: str, raw: bytes, content_type: str) -> Reply | None:
        """The reply for a batch route, or None when `path` is not one."""
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "files"]:
            return self._files_route(method, parts[2:], raw, content_type)
        if parts[:2] == ["v1", "batches"]:
            return self._openai_route(method, parts[2:], raw)
        if parts[:3] == ["v1", "messages", "batches"]:
            return self._anthropic_route(method, parts[3:], raw)
        return None

    def _files_route(self, method: str, rest: list[str], raw: bytes,
                     content_type: str) -> Reply:
        if method == "POST" and not rest:
            fields = _multipart(content_type, raw)
            if "file" not in fields:
                return _json(400, {"error": {"message": "missing multipart field 'file'",
                                             "type": "invalid_request_error"}})
            name, data = fields["file"]
            file_id = self._new_id("file-")
            with self._lock:
                self._files[file_id] = (name or "upload.jsonl", data)
            return _json(200, self._file_object(file_id))
        if method == "GET" and len(rest) in (1, 2) and rest[0] in self._files:
            if len(rest) == 2 and rest[1] == "content":
                return 200, self._files[rest[0]][1], "application/octet-stream"
            return _json(200, self._file_object(rest[0]))
        return _json(404, {"error": {"message": f"no file route {method} {rest}",
                                     "type": "not_found_error"}})

    def _file_object(self, file_id: str) -> dict[str, Any]:
        name, data = self._files[file_id]
        return {"id": file_id, "object": "file", "bytes": len(data), "created_at": 0,
                "filename": name, "purpose": "batch", "status": "processed"}

    def _openai_route(self, method: str, rest: list[str], raw: bytes) -> Reply:
        if method == "POST" and not rest:
            body = json.loads(raw or b"{}")
            file_id = str(body.get("input_file_id", ""))
            if file_id not in self._files:
                return _json(404, {"error": {"message": f"no such file: {file_id}",
                                             "type": "invalid_request_error"}})
            lines = [json.loads(line) for line in self._files[file_id][1].splitlines()
                     if line.strip()]
            created = _Batch(self._new_id("batch_"), "openai", lines,
                             endpoint=str(body.get("endpoint")), input_file_id=file_id)
            self._start(created)
            return _json(200, self._openai_object(created))
        batch = self._batches.get(rest[0]) if rest else None
        if batch is None or batch.kind != "openai":
            return _json(404, {"error": {"message": "no such batch", "type": "not_found_error"}})
        if method == "POST" and rest[1:] == ["cancel"]:
            batch.canceled = True
        return _json(200, self._openai_object(batch))

    def _anthropic_route(self, method: str, rest: list[str], raw: bytes) -> Reply:
        if method == "POST" and not rest:
            body = json.loads(raw or b"{}")
            lines = [{"custom_id": r.get("custom_id"), "body": r.get("params") or {}}
                     for r in body.get("requests") or []]
            created = _Batch(self._new_id("msgbatch_"), "anthropic", lines,
                             endpoint="/v1/messages")
            self._start(created)
            return _json(200, self._anthropic_object(created))
        batch = self._batches.get(rest[0]) if rest else None
        if batch is None or batch.kind != "anthropic":
            return _json(404, {"type": "error", "error": {"type": "not_found_error",
                                                          "message": "no such batch"}})
        if method == "GET" and rest[1:] == ["results"]:
            if batch.ended is None:
                return _json(400, {"type": "error", "error": {
                    "type": "invalid_request_error", "message": "batch still processing"}})
            payload = b"".join(json.dumps(r).encode() + b"\n" for r in batch.results)
            return 200, payload, "application/binary"
        if method == "POST" and rest[1:] == ["cancel"]:
            batch.canceled = True
        return _json(200, self._anthropic_object(batch))

    # -- processing ---------------------------------------------------------------------------
    def _start(self, batch: _Batch) -> None:
        with self._lock:
            self._batches[batch.id] = batch
        threading.Thread(target=self._run, args=(batch,), name=f"chunky-{batch.id}",
                         daemon=True).start()

    def _run(self, batch: _Batch) -> None:
        for line in batch.lines:
            custom_id = str(line.get("custom_id"))
            if batch.canceled or self.server.closing.is_set():
                status, body = 0, {"message": "batch canceled"}
            else:
                status, body = self._one(batch, line)
            with self._lock:
                if batch.kind == "anthropic":
                    batch.results.append({"custom_id": custom_id,
                                          "result": self._anthropic_result(status, body)})
                elif status == 200:
                    batch.results.append(self._openai_line(custom_id, status, body))
                else:
                    batch.errors.append(self._openai_line(custom_id, status or 499, body))
        with self._lock:
            if batch.kind == "openai":
                batch.output_file_id = self._save_lines(batch.id, "output", batch.results)
                batch.error_file_id = self._save_lines(batch.id, "errors", batch.errors)
            batch.ended = time.time()

    def _save_lines(self, batch_id: str, what: str, lines: list[dict[str, Any]]) -> str | None:
        if not lines:
            return None
        file_id = self._new_id("file-")
        self._files[file_id] = (f"{batch_id}_{what}.jsonl",
                                b"".join(json.dumps(x).encode() + b"\n" for x in lines))
        return file_id

    def _one(self, batch: _Batch, line: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, reply body or error) of one batch item."""
        server = self.server
        anthropic = batch.kind == "anthropic"
        body = line.get("body") or {}
        fault = server.draw_fault(f"{batch.endpoint}#batch", False, str(line.get("custom_id")))
        if fault in FAULT_REPLY or fault == "malformed":
            status, _, message = FAULT_REPLY.get(fault, (500, "", "malformed reply"))
            return status, {"message": f"{message} (batch item)"}
        try:
            if batch.endpoint == "/v1/embeddings":
                return 200, server.embeddings_reply(body)
            messages, params = parse_request(body, anthropic)
            sample = body.get(SAMPLE_FIELD)
            if isinstance(sample, int) and sample > 0:
                params = params.model_copy(update={"sample_index": sample})
            completion = server.generate(messages, params)
        except Exception as exc:  # one bad item fails alone, like the real APIs
            return 400, {"message": f"{type(exc).__name__}: {exc}"}
        name = str(body.get("model") or server.model.name)
        return 200, (anthropic_reply if anthropic else openai_reply)(completion, name)

    @staticmethod
    def _openai_line(custom_id: str, status: int, body: dict[str, Any]) -> dict[str, Any]:
        payload = body if status == 200 else {"error": {"message": body.get("message", ""),
                                                        "type": "server_error"}}
        return {"id": f"batch_req_{custom_id[:16]}", "custom_id": custom_id, "error": None,
                "response": {"status_code": status, "request_id": "req_local", "body": payload}}

    @staticmethod
    def _anthropic_result(status: int, body: dict[str, Any]) -> dict[str, Any]:
        if status == 200:
            return {"type": "succeeded", "message": body}
        if status == 0:
            return {"type": "canceled"}
        return {"type": "errored", "error": {"type": "error", "error": {
            "type": "api_error", "message": body.get("message", "")}}}

    # -- objects ------------------------------------------------------------------------------
    def _counts(self, batch: _Batch) -> tuple[int, int, int]:
        with self._lock:
            ok = sum(1 for r in batch.results
                     if batch.kind == "openai" or r["result"]["type"] == "succeeded")
            failed = len(batch.errors) + (len(batch.results) - ok)
        return len(batch.lines), ok, failed

    def _openai_object(self, batch: _Batch) -> dict[str, Any]:
        total, ok, failed = self._counts(batch)
        done = batch.ended is not None
        status = ("cancelled" if batch.canceled else "completed") if done else (
            "cancelling" if batch.canceled else "in_progress")
        return {"id": batch.id, "object": "batch", "endpoint": batch.endpoint,
                "input_file_id": batch.input_file_id, "completion_window": "24h",
                "status": status, "created_at": int(batch.created),
                "in_progress_at": int(batch.created),
                "completed_at": int(batch.ended) if batch.ended is not None else None,
                "output_file_id": batch.output_file_id, "error_file_id": batch.error_file_id,
                "errors": None, "metadata": None,
                "request_counts": {"total": total, "completed": ok, "failed": failed}}

    def _anthropic_object(self, batch: _Batch) -> dict[str, Any]:
        total, ok, failed = self._counts(batch)
        done = batch.ended is not None
        host, port = self.server.server_address[:2]
        return {
            "id": batch.id, "type": "message_batch",
            "processing_status": "ended" if done else (
                "canceling" if batch.canceled else "in_progress"),
            "request_counts": {"processing": total - ok - failed, "succeeded": ok,
                               "errored": failed, "canceled": 0, "expired": 0},
            "created_at": _iso(batch.created), "expires_at": _iso(batch.created + 86400),
            "ended_at": _iso(batch.ended), "archived_at": None, "cancel_initiated_at": None,
            "results_url": (f"http://{host!s}:{port}/v1/messages/batches/{batch.id}/results"
                            if done else None)}
