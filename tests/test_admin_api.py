"""The operators' HTTP API: /api/admin/library and /api/admin/gaps behind the admin token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from advisor.embedding import Embedder

from .test_api import folders, make_client  # noqa: F401  (the folders fixture)

TOKEN = "admin-secret-0123456789"
ADMIN = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(folders: dict[str, Path], real_embedder: Embedder) -> Iterator[TestClient]:  # noqa: F811
    with make_client(folders, real_embedder, admin_token=TOKEN, api_keys="user-key-0123456789abcdef") as c:
        yield c


def test_only_the_admin_token_opens_them(client: TestClient) -> None:
    for path in ("/api/admin/library", "/api/admin/gaps"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"authorization": "Bearer wrong-token-0123456789"}).status_code == 401
        # An API key that opens the chat does not open the operators' pages.
        assert (
            client.get(path, headers={"authorization": "Bearer user-key-0123456789abcdef"}).status_code == 401
        )
        assert client.get(path, headers=ADMIN).status_code == 200


def test_library_is_what_the_served_index_holds(client: TestClient) -> None:
    entries = client.get("/api/admin/library", headers=ADMIN).json()
    assert len(entries) == 5 and all(isinstance(e["stale"], bool) for e in entries)
    undated = [e for e in entries if e["date"] is None]
    assert undated and all(e["stale"] for e in undated)
    assert sum(e["salary_facts"] for e in entries) > 20
    assert {"doc_id", "title", "authors", "url", "chunks", "flagged", "warnings"} <= set(entries[0])


def test_gaps_read_what_the_chat_stored(client: TestClient) -> None:
    key = {"authorization": "Bearer user-key-0123456789abcdef"}
    for question in ("How do I keep a sourdough starter alive?", "What hydration should sourdough have?"):
        reply = client.post("/api/chat", json={"message": question}, headers=key).json()
        assert reply["refused"]
    answered = client.post("/api/chat", json={"message": "Do I need a PhD for ML?"}, headers=key).json()
    vote = {"conversation_id": answered["conversation_id"], "message_index": 1, "rating": -1}
    assert client.post("/api/feedback", json=vote, headers=key).status_code == 200
    gaps = client.get("/api/admin/gaps", headers=ADMIN).json()
    assert sum(g["count"] for g in gaps) == 3
    sourdough = next(g for g in gaps if any("sourdough" in e for e in g["examples"]))
    assert sourdough["count"] == 2 and sourdough["reasons"] == {
        "refused": 2,
        "not_covered": 0,
        "not_helpful": 0,
    }
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert client.get(f"/api/admin/gaps?since={tomorrow}", headers=ADMIN).json() == []
    bad = client.get("/api/admin/gaps?since=yesterday", headers=ADMIN)
    assert bad.status_code == 422 and "since" in bad.text


def test_disabled_without_a_token(folders: dict[str, Path], real_embedder: Embedder) -> None:  # noqa: F811
    with make_client(folders, real_embedder) as client:
        response = client.get("/api/admin/library", headers={"authorization": "Bearer anything"})
        assert response.status_code == 403 and "ADVISOR_ADMIN_TOKEN" in response.json()["error"]
        page = client.get("/admin")
        assert page.status_code == 200 and "disabled on this server" in page.text


def test_the_page_has_no_inline_script(client: TestClient) -> None:
    page = client.get("/admin")
    assert page.status_code == 200 and 'src="/static/admin.js"' in page.text and "<script>" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/admin.js").status_code == 200
