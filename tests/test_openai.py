"""The OpenAI-compatible API (/v1) as an OpenAI client sees it: envelope errors, usage,
stream options, stateless by default, sources in the text on request. TestClient, real model."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import load_settings
from advisor.embedding.torch_backend import SentenceTransformerEmbedder

from .conftest import LlamaServer
from .fake_llm import FakeLLM

QUESTION = [{"role": "user", "content": "How much does a junior ML engineer earn in the US?"}]
KEY = {"authorization": "Bearer key-one-0123456789ab"}


def make_app(
    tmp_path: Path, index: Path, embedder: SentenceTransformerEmbedder, **options: Any
) -> TestClient:
    defaults: dict[str, Any] = {"answer_mode": "extractive", "rate_limit": "1000/minute"}
    settings = load_settings(index_dir=index, data_dir=tmp_path / "data", **(defaults | options))
    return TestClient(create_app(settings, embedder=embedder))


@pytest.fixture
def client(
    tmp_path: Path, real_index: Path, real_embedder: SentenceTransformerEmbedder
) -> Iterator[TestClient]:
    with make_app(tmp_path, real_index, real_embedder, api_keys="key-one-0123456789ab") as c:
        c.headers.update(KEY)
        yield c


def chunks(text: str) -> list[Any]:
    lines = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def assert_envelope(response: Any, status: int, code: str | None, param: str | None = None) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert {"message", "type", "param", "code"} <= error.keys()
    assert error["code"] == code and error["param"] == param
    assert error["type"] == (
        "invalid_request_error" if status < 429 else "requests" if status == 429 else "server_error"
    )
    assert error["message"] and "Traceback" not in response.text
    return str(error["message"])


def test_every_v1_error_is_an_openai_envelope_with_the_reason(client: TestClient) -> None:
    post = client.post
    assert "API key" in assert_envelope(
        post("/v1/chat/completions", json={"messages": QUESTION}, headers={"authorization": "Bearer wrong"}),
        401,
        "invalid_api_key",
    )
    message = assert_envelope(
        post("/v1/chat/completions", json={"model": "gpt-4o", "messages": QUESTION}),
        404,
        "model_not_found",
        "model",
    )
    assert "gpt-4o" in message and "career-advisor" in message
    tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
    assert "tools" in assert_envelope(
        post("/v1/chat/completions", json={"messages": QUESTION, "tools": tools}),
        400,
        "unsupported_parameter",
        "tools",
    )
    json_mode = {"messages": QUESTION, "response_format": {"type": "json_object"}}
    assert_envelope(
        post("/v1/chat/completions", json=json_mode), 400, "unsupported_parameter", "response_format"
    )
    assert_envelope(
        post("/v1/chat/completions", json={"messages": QUESTION, "n": 2}), 400, "unsupported_parameter", "n"
    )
    image = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]
    assert "image_url" in assert_envelope(
        post("/v1/chat/completions", json={"messages": image}),
        400,
        "unsupported_parameter",
        "messages.0.content",
    )
    message = assert_envelope(
        post("/v1/chat/completions", json={"messages": [{"role": "robot", "content": "hi"}]}),
        422,
        "invalid_value",
        "messages.0.role",
    )
    assert "messages.0.role" in message
    ends_with_assistant = [*QUESTION, {"role": "assistant", "content": "a"}]
    assert "last message" in assert_envelope(
        post("/v1/chat/completions", json={"messages": ends_with_assistant}), 422, None, "messages"
    )
    broken = post(
        "/v1/chat/completions", content=b'{"messages": [', headers={"content-type": "application/json"}
    )
    assert "malformed JSON" in assert_envelope(broken, 400, "invalid_json")
    huge = post(
        "/v1/chat/completions", content=b"x" * 1_000_001, headers={"content-type": "application/json"}
    )
    assert assert_envelope(huge, 413, "request_too_large") and huge.json()["error"]["max_bytes"] == 1_000_000
    assert "/v1/embeddings" in assert_envelope(post("/v1/embeddings", json={}), 404, "not_found")
    assert_envelope(client.get("/v1/models/gpt-4o"), 404, "model_not_found", "model")
    # /api keeps its own shape
    assert client.post("/api/chat", json={}).json()["error"] == "invalid request"


def test_rate_limit_on_v1_is_an_envelope_with_retry_after(
    tmp_path: Path, real_index: Path, real_embedder: SentenceTransformerEmbedder
) -> None:
    with make_app(tmp_path, real_index, real_embedder, rate_limit="1/minute") as client:
        assert client.get("/v1/models").status_code == 200
        limited = client.get("/v1/models")
        assert_envelope(limited, 429, "rate_limit_exceeded")
        assert (
            int(limited.headers["retry-after"]) >= 1 and limited.json()["error"]["retry_after_seconds"] >= 1
        )


def test_models_list_and_retrieve(client: TestClient) -> None:
    listed = client.get("/v1/models").json()
    assert listed["object"] == "list"
    assert [m["id"] for m in listed["data"]] == ["career-advisor", "career-advisor-inline-sources"]
    one = client.get("/v1/models/career-advisor-inline-sources").json()
    assert one == {
        "id": "career-advisor-inline-sources",
        "object": "model",
        "created": 0,
        "owned_by": "career-advisor",
    }


def test_usage_is_counted_with_the_embedders_tokenizer(
    client: TestClient, real_embedder: SentenceTransformerEmbedder
) -> None:
    body = client.post("/v1/chat/completions", json={"model": "career-advisor", "messages": QUESTION}).json()
    text = body["choices"][0]["message"]["content"]
    usage = body["usage"]
    assert usage["prompt_tokens"] == real_embedder.count_tokens(QUESTION[0]["content"])
    assert usage["completion_tokens"] == real_embedder.count_tokens(text) > 10
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert body["choices"][0]["finish_reason"] == "stop" and body["citations"]


def test_stream_headers_and_include_usage(client: TestClient) -> None:
    plain = client.post("/v1/chat/completions", json={"messages": QUESTION, "stream": True})
    assert plain.headers["cache-control"] == "no-cache" and plain.headers["x-accel-buffering"] == "no"
    parsed = chunks(plain.text)
    assert all("usage" not in c for c in parsed)
    assert parsed[-1]["choices"][0]["finish_reason"] == "stop" and parsed[-1]["citations"]
    assert all(c["choices"][0]["finish_reason"] is None for c in parsed[:-1])
    counted = chunks(
        client.post(
            "/v1/chat/completions",
            json={"messages": QUESTION, "stream": True, "stream_options": {"include_usage": True}},
        ).text
    )
    assert counted[-1]["choices"] == [] and counted[-1]["usage"]["completion_tokens"] > 10
    assert counted[-2]["choices"][0]["finish_reason"] == "stop"


def test_stateless_unless_store_is_true(client: TestClient, tmp_path: Path) -> None:
    body = client.post("/v1/chat/completions", json={"messages": QUESTION}).json()
    assert body["conversation_id"] is None
    client.post("/v1/chat/completions", json={"messages": QUESTION, "stream": True})
    db = sqlite3.connect(tmp_path / "data" / "conversations.db")
    assert db.execute("SELECT COUNT(*) FROM messages").fetchone() == (0,)
    kept = client.post("/v1/chat/completions", json={"messages": QUESTION, "store": True}).json()
    stored = client.get(f"/api/conversations/{kept['conversation_id']}").json()["messages"]
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["content"] == kept["choices"][0]["message"]["content"]


def test_sources_in_the_text_by_model_id_or_request_field(client: TestClient) -> None:
    plain = client.post("/v1/chat/completions", json={"messages": QUESTION}).json()
    assert "Sources:" not in plain["choices"][0]["message"]["content"]
    first = plain["citations"][0]
    for request in ({"model": "career-advisor-inline-sources"}, {"inline_sources": True}):
        body = client.post("/v1/chat/completions", json={"messages": QUESTION, **request}).json()
        text = body["choices"][0]["message"]["content"]
        assert text.startswith(plain["choices"][0]["message"]["content"])
        assert f"[1] {first['title']}" in text and first["quote"] in text and first["source"] in text
        assert body["citations"] == plain["citations"] and body["model"] == request.get(
            "model", "career-advisor"
        )
        streamed = chunks(
            client.post("/v1/chat/completions", json={"messages": QUESTION, "stream": True, **request}).text
        )
        assert "".join(c["choices"][0]["delta"].get("content", "") for c in streamed) == text


@pytest.mark.server  # a fake LLM server over HTTP
def test_llm_mode_caller_instructions_stop_and_mid_stream_failure(
    tmp_path: Path, real_index: Path, real_embedder: SentenceTransformerEmbedder
) -> None:
    fake = FakeLLM("ok", reply="Junior engineers earn well [1]. More words follow here.")
    try:
        with make_app(tmp_path, real_index, real_embedder, answer_mode="llm", llm_base_url=fake.base_url,
                      llm_model="fake", llm_max_retries=0) as client:  # fmt: skip
            messages = [{"role": "system", "content": "Answer like a pirate."},
                        {"role": "developer", "content": "Keep it short."}, *QUESTION]  # fmt: skip
            body = client.post(
                "/v1/chat/completions", json={"messages": messages, "stop": ["END"], "max_tokens": 33}
            )
            assert body.status_code == 200
            sent = fake.requests[-1]
            system = sent["messages"][0]["content"]
            rules, caller = (
                system.index("Answer ONLY from the numbered sources"),
                system.index("Answer like a pirate."),
            )
            assert rules < caller < system.index("Keep it short.")  # below the advisor's own rules
            assert sent["stop"] == ["END"] and sent["max_tokens"] == 33
            assert "pirate" not in sent["messages"][-1]["content"]  # not mixed into the question
        # two tokens, then silence longer than the read timeout
        with make_app(tmp_path, real_index, real_embedder, answer_mode="llm", llm_base_url=fake.base_url,
                      llm_model="fake", llm_max_retries=0, llm_timeout=1.5) as client:  # fmt: skip
            fake.reply = "One [1]. " + "slow " * 3
            fake.delays = [0.0, 0.0, 3.0]
            parsed = chunks(
                client.post("/v1/chat/completions", json={"messages": QUESTION, "stream": True}).text
            )
            error = parsed[-1]["error"]
            assert "part-way" in error["message"] and "cannot be reached" not in error["message"]
            assert error["type"] == "server_error" and error["code"] == "llm_unavailable" and error["sources"]
            assert "".join(c["choices"][0]["delta"].get("content", "") for c in parsed[:-1]).startswith("One")
    finally:
        fake.close()


@pytest.mark.llm
def test_max_tokens_cut_is_finish_reason_length_on_a_real_llm(
    tmp_path: Path, real_index: Path, real_embedder: SentenceTransformerEmbedder, llama_server: LlamaServer
) -> None:
    with make_app(tmp_path, real_index, real_embedder, answer_mode="llm", llm_base_url=llama_server.base_url,
                  llm_model="smollm2") as client:  # fmt: skip
        request = {"messages": QUESTION, "max_tokens": 4}
        body = client.post("/v1/chat/completions", json=request).json()
        assert body["choices"][0]["finish_reason"] == "length"
        assert body["usage"]["completion_tokens"] >= 1 and body["usage"]["prompt_tokens"] > 0
        streamed = chunks(client.post("/v1/chat/completions", json={**request, "stream": True}).text)
        assert [c for c in streamed if c["choices"]][-1]["choices"][0]["finish_reason"] == "length"


def test_the_schema_types_v1_and_shows_an_example_for_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in ("ChatCompletion", "ChatCompletionChunk"):
        assert "citations" in components[name]["properties"], name
    assert components["ModelList"]["examples"] and components["ChatCompletion"]["examples"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation["responses"]["200"].get("content", {})
            json_schema = content.get("application/json", {}).get("schema", {})
            ref = json_schema.get("$ref", "").rsplit("/", 1)[-1]
            shown = (ref and components[ref].get("examples")) or any("example" in m for m in content.values())
            assert shown, (method, path)
            errors = {code: r for code, r in operation["responses"].items() if code != "200"}
            if not path.startswith(("/api/", "/v1/")):
                continue  # /health/ready's 503 is its own ReadyOut
            expected = "OpenAIErrorOut" if path.startswith("/v1/") else "ErrorOut"
            for code, response in errors.items():
                assert response["content"]["application/json"]["schema"]["$ref"].endswith(expected), (
                    path,
                    code,
                )
    assert "422" not in schema["paths"]["/v1/models/{model_id}"]["get"]["responses"]  # it cannot happen there
