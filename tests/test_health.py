"""Liveness that never queues behind answers, and readiness that tells a broken index pointer."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from advisor.embedding import Embedder

from .conftest import LiveServer

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("health")


ADMIN = "admin-" + "h" * 20


@pytest.fixture(scope="module")
def server(root: Path, real_embedder: Embedder, real_index: Path) -> Iterator[LiveServer]:
    live = LiveServer(
        root, real_embedder, real_index, {"ADVISOR_ADMIN_TOKEN": ADMIN}, output=root / "server.log"
    )
    yield live
    live.stop()


def answered(sock: socket.socket) -> bool:
    """Whether the server has sent (the start of) a response on this socket yet."""
    sock.setblocking(False)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        sock.setblocking(True)


def test_health_answers_while_120_chats_are_in_flight(server: LiveServer) -> None:
    chats = []
    for n in range(120):  # each question distinct, so that no answer comes from a cache
        body = json.dumps({"message": f"Which certifications matter for ML engineers? ({n})"}).encode()
        request = (b"POST /api/chat HTTP/1.1\r\nHost: advisor\r\ncontent-type: application/json\r\n"
                   b"content-length: %d\r\nconnection: close\r\n\r\n%s") % (len(body), body)  # fmt: skip
        chats.append(socket.create_connection(("127.0.0.1", server.port)))
        chats[-1].sendall(request)
    time.sleep(0.2)  # every chat is at the server before the probe
    before = sum(answered(sock) for sock in chats)
    probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    probe.request("GET", "/health")
    health = probe.getresponse()
    done_by_then = sum(answered(sock) for sock in chats)
    assert health.status == 200 and json.loads(health.read())["status"] == "ok"
    waiting = len(chats) - before
    assert waiting > 30, f"only {waiting} chats were still in flight when /health was asked"
    # Queued behind the chats (a worker thread each), it would answer after most of them.
    assert done_by_then - before < waiting / 2, (before, done_by_then)
    for sock in chats:
        sock.settimeout(300)
        assert sock.recv(12).startswith(b"HTTP/1.1 200")
        sock.close()


def wait_for_ready(client: httpx.Client, status: int, reason: str = "") -> httpx.Response:
    """/health/ready once it answers `status` with `reason` in its body (or after a minute)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        reply = client.get("/health/ready")
        if reply.status_code == status and reason in (reply.json()["reason"] or ""):
            break
        time.sleep(0.3)
    return reply


def test_readiness_tells_a_broken_index_pointer_and_recovers(server: LiveServer, root: Path) -> None:
    index, log = root / "index", root / "server.log"
    current = (index / "CURRENT").read_text()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert client.get("/health/ready").json()["status"] == "ready"
        (index / "CURRENT.tmp").write_text("no-such-version\n")
        (index / "CURRENT.tmp").replace(index / "CURRENT")
        broken = wait_for_ready(client, 503, "no-such-version")
        assert broken.status_code == 503 and "does not exist" in broken.json()["reason"]
        time.sleep(3)  # six rounds of the watcher
        warnings = [line for line in log.read_text().splitlines() if "index/CURRENT names" in line]
        assert len(warnings) == 1  # said once, not every half second
        # still serving the version it loaded
        assert client.get("/health").json()["index"]["version"] == current.strip()
        assert client.post("/api/search", json={"query": "MLflow"}).status_code == 200
        (index / "CURRENT").unlink()
        assert wait_for_ready(client, 503, "missing").json()["reason"] == "index/CURRENT is missing"
        (index / "CURRENT.tmp").write_text(current)
        (index / "CURRENT.tmp").replace(index / "CURRENT")
        assert wait_for_ready(client, 200).json() == {
            "status": "ready", "reason": None, "index": client.get("/health").json()["index"],
        }  # fmt: skip


def point_at(index: Path, content: bytes) -> None:
    (index / "CURRENT.tmp").write_bytes(content)
    (index / "CURRENT.tmp").replace(index / "CURRENT")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"garbage\x00\xff../../etc\n", "not UTF-8"),  # before: 200 "ready", a traceback every 0.5 s
        (b"../../etc\n", "not a version's name"),
        (b"\n", "missing"),
    ],
)
def test_readiness_tells_a_garbage_pointer_in_one_line(
    server: LiveServer, root: Path, content: bytes, reason: str
) -> None:
    index, log = root / "index", root / "server.log"
    current = (index / "CURRENT").read_bytes()
    lines_before = len(log.read_text().splitlines())
    with httpx.Client(base_url=server.url, timeout=60) as client:
        try:
            point_at(index, content)
            broken = wait_for_ready(client, 503, reason)
            assert broken.status_code == 503 and reason in broken.json()["reason"]
            time.sleep(3)  # six rounds of the watcher
            assert client.post("/api/search", json={"query": "MLflow"}).status_code == 200  # still serving
        finally:
            point_at(index, current)
        wait_for_ready(client, 200)
    said = log.read_text().splitlines()[lines_before:]
    assert not any("Traceback" in line for line in said)
    assert len([line for line in said if "still serving" in line]) == 1  # one warning, not one a round


def test_a_deleted_version_is_unready_and_reindex_says_what_to_run(server: LiveServer, root: Path) -> None:
    index = root / "index"
    name = (index / "CURRENT").read_text().strip()
    hidden = root / "hidden-version"
    admin = {"authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=server.url, timeout=300) as client:
        (index / "versions" / name).rename(hidden)  # the version being served, deleted under it
        try:
            broken = wait_for_ready(client, 503, "does not exist")  # before: 200 "ready"
            assert name in broken.json()["reason"] and "advisor index --full" in broken.json()["reason"]
            reindex = client.post("/api/reindex", json={"full": False}, headers=admin)
            assert reindex.status_code == 503  # before: an opaque 500
            assert "run `advisor index --full`" in reindex.json()["error"]
            assert client.get("/health").json()["index"]["version"] == name  # still serving it
        finally:
            hidden.rename(index / "versions" / name)
        wait_for_ready(client, 200)
