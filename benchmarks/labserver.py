"""The lab server in a subprocess, for benchmarks that need real HTTP on the other core."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def lab_server(latency: float) -> Iterator[str]:
    """Serve the lab (every role) on a free loopback port; yield its OpenAI base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "pytest_chunky.lab", "serve", "--roles", "--port", str(port),
         "--latency", str(latency)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    try:
        assert server.stdout is not None
        server.stdout.readline()  # the URL line: the server is up
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.terminate()
        server.wait(timeout=10)
