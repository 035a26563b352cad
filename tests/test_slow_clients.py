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
BODY_TIMEOUT = 3  # seconds; production's default is 30
PROBE_SECONDS = 1.0  # /health must answer within this while the clients below hang on


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
    env = {"ADVISOR_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "ADVISOR_BODY_TIMEOUT": str(BODY_TIMEOUT)}
    live = LiveServer(
        tmp_path_factory.mktemp("slow"), real_embedder, real_index, env, descriptors=(1024, 1200)
    )
    yield live
    live.stop()


def health(server: LiveServer, timeout: float = 30) -> dict[str, object]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
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


# ----------------------------------------------------------------------------- slow bodies

CHAT_HEADERS = (b"POST /api/chat HTTP/1.1\r\nHost: advisor\r\nContent-Type: application/json\r\n"
                b"Content-Length: 4000\r\n\r\n{")  # fmt: skip


@contextlib.contextmanager
def trickling_bodies(server: LiveServer, count: int, every: float = 0.5) -> Iterator[list[socket.socket]]:
    """`count` connections that sent complete POST headers and then a byte of body every `every` s."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sock.sendall(CHAT_HEADERS)
        sockets.append(sock)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(every):
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(b" ")

    threading.Thread(target=trickle, daemon=True).start()
    try:
        yield sockets
    finally:
        stop.set()
        for sock in sockets:
            sock.close()


def reply_of(sock: socket.socket) -> bytes:
    sock.settimeout(5)
    with contextlib.suppress(OSError):
        return sock.recv(4096)
    return b""


def test_trickling_bodies_are_cut_at_the_body_deadline_while_health_answers(server: LiveServer) -> None:
    with trickling_bodies(server, 200) as sockets:
        assert health(server, timeout=PROBE_SECONDS)["status"] == "ok"
        assert wait_until_closed(sockets, seconds=10 * BODY_TIMEOUT + 30) == 0  # before: open at 40 s
        assert health(server, timeout=PROBE_SECONDS)["status"] == "ok"
    with trickling_bodies(server, 1) as (one,):
        assert reply_of(one).startswith(b"HTTP/1.1 408 ")  # told why, in JSON, then closed
    # a body that arrives in time, even in pieces, is answered as before
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    body = json.dumps({"query": "MLflow"}).encode()
    sock.sendall(b"POST /api/search HTTP/1.1\r\nHost: advisor\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:5])  # fmt: skip
    time.sleep(1)
    sock.sendall(body[5:])
    assert sock.recv(4096).startswith(b"HTTP/1.1 200 ")
    sock.close()


@pytest.fixture(scope="module")
def capped_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    env = {"ADVISOR_MAX_CONNECTIONS": "40", "ADVISOR_BODY_TIMEOUT": "120"}  # the deadline is no help here
    live = LiveServer(tmp_path_factory.mktemp("capped"), real_embedder, real_index, env)
    yield live
    live.stop()


def test_trickling_bodies_at_the_connection_cap_leave_room_for_health(capped_server: LiveServer) -> None:
    with trickling_bodies(capped_server, 45, every=1.0):  # before: /health was 503 for the whole run
        time.sleep(2)
        for _ in range(5):
            assert health(capped_server, timeout=PROBE_SECONDS)["status"] == "ok"


# ----------------------------------------------------------------------------- big headers


def rss_kb(server: LiveServer) -> int:
    status = (Path("/proc") / str(server.process.pid) / "status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def test_fifty_megabyte_headers_are_refused_before_they_cost_memory(server: LiveServer) -> None:
    before = rss_kb(server)
    header = b"GET /health HTTP/1.1\r\nHost: advisor\r\nX-Big: " + b"a" * (50 * 1024 * 1024) + b"\r\n\r\n"
    replies: list[bytes] = []

    def send_big() -> None:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        with contextlib.suppress(OSError):  # the server closes once it has said no
            sock.sendall(header)
        replies.append(reply_of(sock))
        sock.close()

    senders = [threading.Thread(target=send_big) for _ in range(10)]
    for sender in senders:
        sender.start()
    try:
        for _ in range(5):
            assert health(server, timeout=PROBE_SECONDS)["status"] == "ok"  # before: 5.3 s
    finally:
        for sender in senders:
            sender.join()
    assert len(replies) == 10 and all(r.startswith(b"HTTP/1.1 431 ") for r in replies)
    assert rss_kb(server) - before < 50_000  # before: 426 MB more


def test_too_many_headers_are_refused(server: LiveServer) -> None:
    many = b"".join(b"X-Header-%d: 1\r\n" % n for n in range(500))
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: advisor\r\n" + many + b"\r\n")
    reply = reply_of(sock)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 431 ") and b"too many request headers" in reply
    assert health(server)["status"] == "ok"
