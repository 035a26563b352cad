"""api/middleware/: request ids and the access log, security headers, body limit, keys, rate limits.

Tested through the app (TestClient), as a client sees them; the routes behind are real.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import load_settings
from advisor.embedding import Embedder

from .conftest import CORPUS


@pytest.fixture
def app_options(tmp_path: Path, real_index: Path) -> dict[str, Any]:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    shutil.copytree(real_index, tmp_path / "index")
    return {"corpus_dir": tmp_path / "corpus", "index_dir": tmp_path / "index", "data_dir": tmp_path / "data",
            "answer_mode": "extractive", "rate_limit": "1000/minute"}  # fmt: skip


def client_for(options: dict[str, Any], embedder: Embedder, **overrides: Any) -> TestClient:
    return TestClient(create_app(load_settings(**(options | overrides)), embedder=embedder))


@pytest.fixture
def client(app_options: dict[str, Any], real_embedder: Embedder) -> Iterator[TestClient]:
    with client_for(app_options, real_embedder) as c:
        yield c


def test_every_response_carries_a_request_id_and_one_json_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="advisor.access"):
        given = client.get("/health", headers={"x-request-id": "trace-42\n" + "x" * 500})
        fresh = client.post("/api/search", json={"query": "What does an MLOps engineer do?"})
        refused = client.post(
            "/api/search", content=b"{not json", headers={"content-type": "application/json"}
        )
    ids = [r.headers["x-request-id"] for r in (given, fresh, refused)]
    assert refused.status_code == 400
    assert all(len(i) == 32 for i in ids) and len(set(ids)) == 3  # the server's own ids, never the client's
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "advisor.access"]
    assert [(line["request_id"], line["method"], line["path"], line["status"]) for line in lines] == [
        (ids[0], "GET", "/health", 200), (ids[1], "POST", "/api/search", 200), (ids[2], "POST", "/api/search", 400),
    ]  # fmt: skip
    assert lines[0]["client_request_id"].startswith("trace-42") and len(lines[0]["client_request_id"]) <= 64
    assert "MLOps" not in json.dumps(lines)  # no request body in the log


def test_security_headers_on_pages_json_and_errors_with_docs_apart(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/health"), client.get("/api/conversations/nope")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert client.get("/api/conversations/nope").status_code == 404
    assert "unsafe-inline" in client.get("/docs").headers["content-security-policy"]  # Swagger's own policy


def test_a_body_over_one_megabyte_is_413_whether_announced_or_streamed(client: TestClient) -> None:
    big = json.dumps({"query": "x" * 1_100_000}).encode()
    announced = client.post("/api/search", content=big, headers={"content-type": "application/json"})
    assert announced.status_code == 413 and announced.json()["error"] == "request body too large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(12):
            yield b" " * 100_000

    streamed = client.post("/api/search", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and streamed.json()["detail"] == {"max_bytes": 1_000_000}
    assert client.post("/api/search", json={"query": "salary"}).status_code == 200  # and it keeps serving


def test_with_keys_each_key_has_its_own_rate_limit_and_refusals_are_json(
    app_options: dict[str, Any], real_embedder: Embedder
) -> None:
    with client_for(
        app_options,
        real_embedder,
        api_keys="key-a-0123456789abcdef,key-b-0123456789abcdef",
        rate_limit="2/minute",
    ) as client:

        def search(key: str | None) -> int:
            headers = {"authorization": f"Bearer {key}"} if key else {}
            return client.post("/api/search", json={"query": "salary"}, headers=headers).status_code

        assert [search("key-a-0123456789abcdef") for _ in range(3)] == [200, 200, 429]
        assert search("key-b-0123456789abcdef") == 200  # a's limit is a's alone
        missing = client.post("/api/search", json={"query": "salary"})
        assert missing.status_code == 401 and missing.json()["error"] == "missing or wrong API key"
        assert "key-a" not in missing.text and missing.headers["x-request-id"]
        assert client.get("/health").status_code == 200  # health needs no key and is not limited
