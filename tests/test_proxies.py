"""Rate limits count the socket peer, unless ADVISOR_TRUSTED_PROXIES names the proxy in between."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from advisor.embedding import Embedder

from .conftest import LiveServer

pytestmark = pytest.mark.server


def statuses(server: LiveServer, count: int) -> list[int]:
    """Search `count` times, each request claiming to come from another address."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        return [
            client.post(
                "/api/search", json={"query": "salary", "k": 1}, headers={"x-forwarded-for": f"203.0.113.{n}"}
            ).status_code
            for n in range(count)
        ]


def test_rotating_forwarded_addresses_do_not_escape_the_limit(
    tmp_path: Path, real_embedder: Embedder, real_index: Path
) -> None:
    log = tmp_path / "server.log"
    server = LiveServer(tmp_path, real_embedder, real_index, {"ADVISOR_RATE_LIMIT": "10/minute"}, output=log)
    try:
        got = statuses(server, 30)
    finally:
        server.stop()
    assert got.count(200) == 10 and got.count(429) == 20
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    searches = [line for line in lines if line.get("path") == "/api/search"]
    assert len(searches) == 30 and {line["client"] for line in searches} == {"127.0.0.1"}  # the access log


def test_a_trusted_proxy_passes_the_client_address_on(
    tmp_path: Path, real_embedder: Embedder, real_index: Path
) -> None:
    env = {"ADVISOR_RATE_LIMIT": "10/minute", "ADVISOR_TRUSTED_PROXIES": "127.0.0.1"}
    server = LiveServer(tmp_path, real_embedder, real_index, env)
    try:
        got = statuses(server, 30)
    finally:
        server.stop()
    assert got == [200] * 30  # thirty clients behind one proxy, one request each
