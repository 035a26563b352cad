"""A real uvicorn process, called with the official `openai` client."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from .conftest import LiveServer

pytestmark = pytest.mark.server


@pytest.fixture
def client(live_server: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{live_server.url}/v1", api_key="unused", max_retries=0)


def extra(obj: Any, name: str) -> Any:
    return (obj.model_extra or {}).get(name)


def test_models_list(client: openai.OpenAI) -> None:
    # the advisor, and the same advisor writing its sources into the text (for clients that keep only text)
    assert [m.id for m in client.models.list()] == ["career-advisor", "career-advisor-inline-sources"]


def test_chat_with_citations(client: openai.OpenAI) -> None:
    response = client.chat.completions.create(
        model="career-advisor",
        messages=[{"role": "user", "content": "Which certifications matter for ML engineers?"}],
    )
    assert response.choices[0].message.content
    citations = extra(response, "citations")
    assert citations and {"n", "title", "source", "quote"} <= citations[0].keys()


def test_streaming_with_citations_in_the_last_chunk(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="career-advisor", messages=[{"role": "user", "content": "Do I need a PhD?"}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert len(chunks) > 2 and "[1]" in text
    assert chunks[-1].choices[0].finish_reason == "stop" and extra(chunks[-1], "citations")


def test_multi_turn_messages_list(client: openai.OpenAI) -> None:
    response = client.chat.completions.create(
        model="career-advisor",
        messages=[
            {"role": "user", "content": "What does a data scientist do day to day?"},
            {"role": "assistant", "content": "They analyse data and build models [1]."},
            {"role": "user", "content": "What do they earn?"},
        ],
    )
    assert "$100,000 – $200,000" in (response.choices[0].message.content or "")


def test_bad_request_is_a_typed_openai_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="career-advisor", messages=[{"role": "user", "content": " "}])
