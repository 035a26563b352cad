"""Slow, idle and too many clients against a real `advisor serve`, over real sockets.

Timing figures (how fast /health answers meanwhile) are in bench/servers.py, not here.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import resource
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.embedding import Embedder

from .conftest import LiveServer

pytestmark = pytest.mark.server

HEADER_TIMEOUT = 2  # seconds; production's default is 10


@pytest.fixture(scope="module", autouse=True)
def enough_descriptors_for_the_test() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096 <= hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096, hard))


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    # Started with 1,024 descriptors (soft) of 1,200 (hard): it must raise its own limit, and
    # still hold more connections than it has room for.
    live = LiveServer(tmp_path_factory.mktemp("slow"), real_embedder, real_index,
                      {"ADVISOR_HEADER_TIMEOUT": str(HEADER_TIMEOUT)}, descriptors=(1024, 1200))  # fmt: skip
    yield live
    live.stop()


def health(server: LiveServer) -> dict[str, object]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", "/health")
        response = connection.getresponse()
        assert response.status == 200
        body: dict[str, object] = json.loads(response.read())
        return body
    finally:
        connection.close()


def closed_by_server(sock: socket.socket) -> bool:
    try:
        sock.setblocking(False)
        return sock.recv(1024) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def wait_until_closed(sockets: list[socket.socket], seconds: float) -> int:
    """How many are still open after waiting up to `seconds` for the server to close them."""
    deadline = time.monotonic() + seconds
    while (open_ := [s for s in sockets if not closed_by_server(s)]) and time.monotonic() < deadline:
        time.sleep(0.5)
    return len(open_)


def test_idle_and_half_header_connections_are_closed_while_health_answers(server: LiveServer) -> None:
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(300)]
    half = []
    for _ in range(100):
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: advisor\r\nX-Slow: ")
        half.append(sock)
    stop = threading.Event()

    def trickle() -> None:  # a byte each half-second: a per-byte timer would never fire
        while not stop.wait(0.5):
            for sock in half:
                with contextlib.suppress(OSError):
                    sock.send(b"a")

    threading.Thread(target=trickle, daemon=True).start()
    try:
        assert health(server)["status"] == "ok"  # answered while 400 clients hang on
        assert wait_until_closed(idle + half, seconds=10 * HEADER_TIMEOUT + 30) == 0
        assert health(server)["status"] == "ok"
    finally:
        stop.set()
        for sock in idle + half:
            sock.close()


def test_an_idle_kept_alive_connection_is_closed(server: LiveServer) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: advisor\r\n\r\n")
    assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    assert wait_until_closed([sock], seconds=60) == 0  # the keep-alive timeout is 5 s
    sock.close()


def test_more_connections_than_descriptors_leave_the_server_answering(server: LiveServer) -> None:
    limits = (Path("/proc") / str(server.process.pid) / "limits").read_text()
    soft = next(line.split()[3] for line in limits.splitlines() if line.startswith("Max open files"))
    assert soft == "1200"  # raised from 1,024 at start-up
    flood = []
    try:
        for _ in range(1300):  # past its 1,200 descriptors
            flood.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        assert health(server)["status"] == "ok"  # the longest-idle connections made room
    finally:
        for sock in flood:
            sock.close()
    assert health(server)["status"] == "ok"
