"""The HTTP API through TestClient, on the real model and a real copy of the index."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import load_settings
from advisor.embedding import Embedder
from advisor.ingest import RULES_FILE

from .conftest import CORPUS, free_port

ANSWER_KEYS = {"answer", "citations", "refused", "mode", "conversation_id"}


@pytest.fixture
def folders(tmp_path: Path, real_index: Path) -> dict[str, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(real_index, index)
    return {"corpus_dir": corpus, "index_dir": index, "data_dir": tmp_path / "data"}


def make_client(folders: dict[str, Path], embedder: Embedder, **settings: Any) -> TestClient:
    options = {"rate_limit": "1000/minute", "answer_mode": "extractive", **folders, **settings}
    return TestClient(create_app(load_settings(**options), embedder=embedder))


@pytest.fixture
def client(folders: dict[str, Path], real_embedder: Embedder) -> Iterator[TestClient]:
    with make_client(folders, real_embedder, admin_token="admin-secret-0123456789") as c:
        yield c


def sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_health_page_and_headers(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["index"]["documents"] == 5 and health["index"]["chunks"] > 50
    page = client.get("/")
    assert page.status_code == 200 and "Career Advisor" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>" not in page.text and 'src="/static/app.js"' in page.text  # no inline script
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-request-id"]
    assert client.get("/static/app.js").status_code == 200


def test_search(client: TestClient) -> None:
    hits = client.post("/api/search", json={"query": "Which certifications matter?", "k": 3}).json()["hits"]
    assert len(hits) == 3 and {"rank", "score", "title", "source", "section", "text"} <= hits[0].keys()
    assert client.post("/api/search", json={"query": "x", "k": 0}).status_code == 422


def test_chat_conversation_and_feedback(client: TestClient) -> None:
    first = client.post("/api/chat", json={"message": "How much does a junior ML engineer earn in the US?"})
    assert first.status_code == 200
    answer = first.json()
    assert answer.keys() >= ANSWER_KEYS and answer["mode"] == "extractive" and answer["citations"]
    cid = answer["conversation_id"]
    second = client.post("/api/chat", json={"message": "And in the UK?", "conversation_id": cid}).json()
    assert "£45,000 – £65,000" in second["answer"]
    conversation = client.get(f"/api/conversations/{cid}").json()
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"] * 2
    assert conversation["messages"][3]["citations"] == second["citations"]
    assert client.post(
        "/api/feedback", json={"conversation_id": cid, "message_index": 1, "rating": 1}
    ).json() == {"ok": True}
    bad_index = client.post("/api/feedback", json={"conversation_id": cid, "message_index": 0, "rating": -1})
    assert bad_index.status_code == 422
    bad_rating = client.post("/api/feedback", json={"conversation_id": cid, "message_index": 1, "rating": 5})
    assert bad_rating.status_code == 422


def test_chat_streams_server_sent_events(client: TestClient) -> None:
    response = client.post("/api/chat", json={"message": "Do I need a PhD?", "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"token"}
    done = events[-1][1]
    assert done.keys() >= ANSWER_KEYS
    assert "".join(data["text"] for kind, data in events if kind == "token") == done["answer"]
    assert events[-2][1]["citations"] == done["citations"]


def test_bad_input_gets_the_right_status_and_loses_nothing(client: TestClient) -> None:
    cid = client.post("/api/chat", json={"message": "What is MLflow used for?"}).json()["conversation_id"]
    json_headers = {"content-type": "application/json"}
    cases = [
        (client.post("/api/chat", content=b'{"message": ', headers=json_headers), 400),
        (client.post("/api/chat", json={"message": 42}), 422),
        (client.post("/api/chat", json={"message": ["a"]}), 422),
        (client.post("/api/chat", json={}), 422),
        (client.post("/api/chat", json={"message": "   "}), 422),
        (client.post("/api/chat", json={"message": "x" * 4001}), 422),
        (client.post("/api/chat", json={"message": "hi", "surprise": 1}), 422),
        (client.post("/api/chat", json={"message": "hi", "conversation_id": "0" * 32}), 404),
        (client.get("/api/conversations/unknown"), 404),
        (
            client.post(
                "/api/feedback", json={"conversation_id": "unknown", "message_index": 1, "rating": 1}
            ),
            404,
        ),
        (client.post("/api/chat", content=b"x" * 1_000_001, headers=json_headers), 413),
        (client.post("/api/chat", content=iter([b"x" * 600_000, b"x" * 600_000]), headers=json_headers), 413),
        (client.get("/no/such/page"), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, (status, response.text[:200])
        body = response.json()
        assert isinstance(body["error"], str) and body["error"]
        assert (
            "Traceback" not in response.text
            and "/tmp/" not in response.text
            and "/work/" not in response.text
        )
    assert len(client.get(f"/api/conversations/{cid}").json()["messages"]) == 2


def test_api_keys(folders: dict[str, Path], real_embedder: Embedder) -> None:
    with make_client(folders, real_embedder, api_keys="key-one-0123456789ab, key-two-0123456789ab") as client:
        assert client.post("/api/search", json={"query": "salary"}).status_code == 401
        wrong = client.post("/api/search", json={"query": "salary"}, headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 401 and "key-one-0123456789ab" not in wrong.text
        ok = client.post(
            "/api/search", json={"query": "salary"}, headers={"authorization": "Bearer key-two-0123456789ab"}
        )
        assert ok.status_code == 200
        assert client.get("/v1/models").status_code == 401
        assert client.get("/health").status_code == 200 and client.get("/").status_code == 200


def test_rate_limit_answers_429_with_retry_after(folders: dict[str, Path], real_embedder: Embedder) -> None:
    with make_client(folders, real_embedder, rate_limit="3/minute") as client:
        statuses = [client.post("/api/search", json={"query": "salary"}).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.post("/api/search", json={"query": "salary"})
        assert int(limited.headers["retry-after"]) >= 1 and limited.json()["error"] == "too many requests"
        assert client.get("/health").status_code == 200  # only /api and /v1 are limited


def test_reindex_needs_the_admin_token_and_switches_without_restart(
    client: TestClient, folders: dict[str, Path]
) -> None:
    assert client.post("/api/reindex", json={}).status_code == 401
    wrong = client.post("/api/reindex", json={}, headers={"authorization": "Bearer guess"})
    assert wrong.status_code == 401
    (folders["corpus_dir"] / "quantum-ml.md").write_text(
        "---\ntitle: Quantum ML Careers\nauthor: Ada Q\ndate: 2026-06-01\n---\n"
        "Quantum machine learning researchers study qubit-based kernels and earn grants.\n"
    )
    before = client.get("/health").json()["index"]["version"]
    failures: list[int] = []
    done = threading.Event()

    def keep_searching() -> None:
        while not done.is_set():
            status = client.post("/api/search", json={"query": "quantum kernels"}).status_code
            if status != 200:
                failures.append(status)

    readers = [threading.Thread(target=keep_searching) for _ in range(4)]
    for reader in readers:
        reader.start()
    report = client.post(
        "/api/reindex", json={"full": False}, headers={"authorization": "Bearer admin-secret-0123456789"}
    )
    done.set()
    for reader in readers:
        reader.join()
    assert report.status_code == 200 and report.json()["added"] == 1 and report.json()["embedded"] >= 1
    assert failures == []
    health = client.get("/health").json()["index"]
    assert health["version"] != before and health["documents"] == 6
    top = client.post("/api/search", json={"query": "quantum machine learning qubit kernels", "k": 1}).json()
    assert top["hits"][0]["title"] == "Quantum ML Careers"


def test_a_second_reindex_while_one_runs_gets_409(client: TestClient) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    with services.reindexer._lock:  # as if a re-index were running
        busy = client.post(
            "/api/reindex", json={}, headers={"authorization": "Bearer admin-secret-0123456789"}
        )
    assert busy.status_code == 409 and "already running" in busy.json()["error"]


def test_reindex_with_broken_cleaning_rules_says_which_file_and_keeps_serving(
    client: TestClient, folders: dict[str, Path]
) -> None:
    (folders["corpus_dir"] / RULES_FILE).write_text("[drop_lines\n")
    before = client.get("/health").json()["index"]["version"]
    reply = client.post("/api/reindex", json={}, headers={"authorization": "Bearer admin-secret-0123456789"})
    assert reply.status_code == 409, reply.text
    assert reply.json()["error"].startswith(
        "cannot re-index: cleaning rules cleaning-rules.toml: Expected ']'"
    )
    assert client.get("/health").json()["index"]["version"] == before
    assert client.post("/api/search", json={"query": "MLOps salary"}).json()["hits"]


def test_reindex_disabled_without_a_token(folders: dict[str, Path], real_embedder: Embedder) -> None:
    with make_client(folders, real_embedder) as client:
        response = client.post("/api/reindex", json={}, headers={"authorization": "Bearer anything"})
        assert response.status_code == 403 and "disabled" in response.json()["error"]


def test_openai_models_and_completions(client: TestClient) -> None:
    assert client.get("/v1/models").json()["data"][0]["id"] == "career-advisor"
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "How much does a junior ML engineer earn in the US?"},
        {"role": "assistant", "content": "Between $100,000 and $130,000 [1]."},
        {"role": "user", "content": "And in the UK?"},
    ]
    body = client.post("/v1/chat/completions", json={"model": "career-advisor", "messages": messages}).json()
    assert body["object"] == "chat.completion" and body["choices"][0]["finish_reason"] == "stop"
    assert "£45,000 – £65,000" in body["choices"][0]["message"]["content"]  # the list is the conversation
    assert body["citations"] and body["citations"][0]["quote"]
    stream = client.post("/v1/chat/completions", json={"messages": messages[:2], "stream": True})
    chunks = [line[6:] for line in stream.text.splitlines() if line.startswith("data: ")]
    assert chunks[-1] == "[DONE]"
    parsed = [json.loads(c) for c in chunks[:-1]]
    assert all(p["object"] == "chat.completion.chunk" for p in parsed)
    assert parsed[-1]["choices"][0]["finish_reason"] == "stop" and parsed[-1]["citations"]
    text = "".join(p["choices"][0]["delta"].get("content", "") for p in parsed)
    assert "$100,000 – $130,000" in text


def test_openai_bad_requests(client: TestClient) -> None:
    too_long = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}] * 51
    assert client.post("/v1/chat/completions", json={"messages": too_long}).status_code == 422
    ends_with_assistant = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
    assert client.post("/v1/chat/completions", json={"messages": ends_with_assistant}).status_code == 422
    assert client.post("/v1/chat/completions", json={"messages": []}).status_code == 422


def test_llm_down_is_503_with_the_sources(folders: dict[str, Path], real_embedder: Embedder) -> None:
    down = {"llm_base_url": f"http://127.0.0.1:{free_port()}/v1", "llm_model": "m", "llm_max_retries": 0}
    with make_client(folders, real_embedder, answer_mode="llm", **down) as client:
        response = client.post("/api/chat", json={"message": "What does an MLOps engineer do?"})
        assert response.status_code == 503
        body = response.json()
        assert "cannot be reached" in body["error"] and body["detail"]["sources"]
        assert "127.0.0.1" not in response.text
        events = sse(client.post("/api/chat", json={"message": "What is MLflow?", "stream": True}).text)
        assert [kind for kind, _ in events] == ["error"] and events[0][1]["detail"]["sources"]
        openai = client.post(
            "/v1/chat/completions", json={"messages": [{"role": "user", "content": "What is MLflow?"}]}
        )
        assert openai.status_code == 503


def test_metrics_and_docs(client: TestClient) -> None:
    client.post("/api/search", json={"query": "salary"})
    client.post("/api/chat", json={"message": "What is MLflow used for?"})
    text = client.get("/metrics").text
    assert 'route="/api/search"' in text and 'stage="retrieval"' in text
    assert "advisor_index_chunks" in text
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert operation.get("description") or operation.get("summary"), path
    for name in ("SearchIn", "ChatIn", "FeedbackIn", "OpenAIChatIn"):
        assert schema["components"]["schemas"][name].get("examples"), name
    assert client.get("/docs").status_code == 200


def test_without_keys_a_conversation_belongs_to_its_client_token(client: TestClient) -> None:
    mine, theirs = {"x-client-token": "a" * 16 + "-mine"}, {"x-client-token": "b" * 16 + "-theirs"}
    started = client.post("/api/chat", json={"message": "Do I need a PhD?"}, headers=mine).json()
    cid = started["conversation_id"]
    follow_up = {"message": "And a master's?", "conversation_id": cid}
    for headers in (theirs, {}):  # another token, or none at all, cannot see or continue it
        assert client.get(f"/api/conversations/{cid}", headers=headers).status_code == 404
        assert client.post("/api/chat", json=follow_up, headers=headers).status_code == 404
    assert client.post("/api/chat", json=follow_up, headers=mine).status_code == 200
    assert len(client.get(f"/api/conversations/{cid}", headers=mine).json()["messages"]) == 4
    short = client.post(
        "/api/chat", json={"message": "Do I need a PhD?"}, headers={"x-client-token": "short"}
    )
    assert short.status_code == 422 and "x-client-token" in short.text
