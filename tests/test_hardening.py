"""The outside review's attacks, replayed against a real `advisor serve` with keys and an admin token.

Ownership, bounded work, failed-authentication throttling, strict types, Cache-Control and
request ids; the tests run in file order and the throttling one comes last (it locks the
test's address out for a minute).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from advisor.embedding import Embedder

from .conftest import LiveServer

pytestmark = pytest.mark.server

KEY_A, KEY_B = "key-a-" + "a" * 16, "key-b-" + "b" * 16
ADMIN = "admin-" + "z" * 20


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("hardened")
    env = {"ADVISOR_API_KEYS": f"{KEY_A},{KEY_B}", "ADVISOR_ADMIN_TOKEN": ADMIN}
    live = LiveServer(root, real_embedder, real_index, env, output=root / "server.log")
    yield live
    live.stop()


def client(server: LiveServer, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=120, headers={"authorization": f"Bearer {key}"})


def log_lines(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    path = next(Path(tmp_path_factory.getbasetemp()).glob("hardened*/server.log"))
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def test_a_conversation_belongs_to_the_key_that_started_it(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with client(server, KEY_A) as a, client(server, KEY_B) as b:
        started = a.post("/api/chat", json={"message": "Do I need a PhD to become an ML engineer?"}).json()
        cid = started["conversation_id"]
        assert b.get(f"/api/conversations/{cid}").status_code == 404
        assert (
            b.post("/api/chat", json={"message": "And a master's?", "conversation_id": cid}).status_code
            == 404
        )
        feedback = {"conversation_id": cid, "message_index": 1, "rating": -1}
        assert b.post("/api/feedback", json=feedback).status_code == 404
        # the owner still has it all, untouched by the other key's attempts
        assert (
            a.post("/api/chat", json={"message": "And a master's?", "conversation_id": cid}).status_code
            == 200
        )
        assert a.post("/api/feedback", json=feedback).json() == {"ok": True}
        assert len(a.get(f"/api/conversations/{cid}").json()["messages"]) == 4
    paths = [line["path"] for line in log_lines(server, tmp_path_factory)]
    assert "/api/conversations/{conversation_id}" in paths and not any(cid in p for p in paths)


def test_follow_ups_keep_the_query_bounded(server: LiveServer) -> None:
    long_question = "What does a junior ML engineer earn in the UK? " + "Please be specific. " * 190
    with client(server, KEY_A) as a:
        answer = a.post("/api/chat", json={"message": long_question[:3990]}).json()
        for _ in range(8):  # each follow-up used to carry the whole previous query along
            answer = a.post("/api/chat", json={"message": "And in the US?",
                                               "conversation_id": answer["conversation_id"]}).json()  # fmt: skip
            assert len(answer["query"]) <= 4000


def test_a_conversation_stops_at_fifty_turns(server: LiveServer) -> None:
    with client(server, KEY_A) as a:
        cid = None
        for n in range(50):
            reply = a.post("/api/chat", json={"message": f"What is MLOps? ({n})", "conversation_id": cid})
            assert reply.status_code == 200
            cid = reply.json()["conversation_id"]
        refused = a.post("/api/chat", json={"message": "One more?", "conversation_id": cid})
        assert refused.status_code == 422 and "50 turns" in refused.json()["error"]
        assert len(a.get(f"/api/conversations/{cid}").json()["messages"]) == 100


def test_a_900_kb_history_is_refused_before_any_work(server: LiveServer) -> None:
    filler = "I have been thinking about careers in machine learning for a long time. " * 125  # 9 KB
    messages = [{"role": "user" if n % 2 == 0 else "assistant", "content": filler} for n in range(100)]
    messages.append({"role": "user", "content": "What does a junior ML engineer earn in the UK?"})
    assert sum(len(m["content"]) for m in messages) > 880_000
    with client(server, KEY_A) as a:
        reply = a.post("/v1/chat/completions", json={"model": "career-advisor", "messages": messages})
        assert reply.status_code == 422 and "the limit is 200,000" in reply.text
        within = messages[-21:]  # ~180 KB: accepted, and only the recent turns are read
        assert a.post("/v1/chat/completions", json={"messages": within}).status_code == 200


def test_types_are_strict_and_answers_are_not_cached(server: LiveServer) -> None:
    with client(server, KEY_A) as a:
        for k in ("5", True, 5.5):
            assert a.post("/api/search", json={"query": "MLflow", "k": k}).status_code == 422
        assert a.post("/api/chat", json={"message": "Do I need a PhD?", "stream": "true"}).status_code == 422
        search = a.post("/api/search", json={"query": "MLflow", "k": 5})
        assert search.status_code == 200 and search.headers["cache-control"] == "no-store"
        chat = a.post("/api/chat", json={"message": "Do I need a PhD?"})
        assert chat.headers["cache-control"] == "no-store"
        assert (
            a.get(f"/api/conversations/{chat.json()['conversation_id']}").headers["cache-control"]
            == "no-store"
        )
        completion = a.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "PhD?"}]})
        assert completion.headers["cache-control"] == "no-store"
        with a.stream("POST", "/api/chat", json={"message": "Do I need a PhD?", "stream": True}) as stream:
            assert stream.headers["cache-control"] == "no-cache"  # the stream's own header stays
        assert a.get("/health").headers.get("cache-control") is None


def test_the_request_id_is_the_servers(server: LiveServer) -> None:
    with client(server, KEY_A) as a:
        reply = a.post("/api/search", json={"query": ""}, headers={"x-request-id": "chosen-by-the-client"})
        assert reply.status_code == 422
        assert (
            reply.headers["x-request-id"] != "chosen-by-the-client"
            and len(reply.headers["x-request-id"]) == 32
        )


def test_reindex_checks_the_token_before_the_body(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as anyone:
        for body in (b"{not json", b'{"full": "yes"}'):
            reply = anyone.post("/api/reindex", content=body, headers={"authorization": "Bearer wrong",
                                                                       "content-type": "application/json"})  # fmt: skip
            assert reply.status_code == 401


def test_failed_authentication_is_throttled_per_address(server: LiveServer) -> None:
    with client(server, "wrong-key-" + "w" * 10) as wrong, client(server, KEY_A) as right:
        statuses = [wrong.post("/api/search", json={"query": "MLflow"}).status_code for _ in range(20)]
        assert statuses.count(429) >= 10 and set(statuses) == {401, 429}
        limited = wrong.post("/api/search", json={"query": "MLflow"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        # the address itself must wait, right key or not: guessing stays out of reach
        assert right.post("/api/search", json={"query": "MLflow"}).status_code == 429
