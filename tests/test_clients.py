"""Real third-party clients against a real `advisor serve`: the official openai SDK (sync,
async, streaming), LangChain's ChatOpenAI and the `llm` CLI. Each gets its sources, and
shows the reason of an error in its exception or output."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from langchain_openai import ChatOpenAI

from advisor.embedding import Embedder

from .conftest import LiveServer

pytestmark = [pytest.mark.server, pytest.mark.process]

KEY = "client-key-0123456789abcdef"
QUESTION = "How much does a junior ML engineer earn in the US?"
RECIPES = Path(__file__).resolve().parents[1] / "docs" / "API.md"  # the recipes for other clients


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    env = {"ADVISOR_API_KEYS": KEY, "ADVISOR_ANSWER_MODE": "extractive"}
    live = LiveServer(tmp_path_factory.mktemp("clients"), real_embedder, real_index, extra_env=env)
    yield live
    live.stop()


def test_openai_sdk_sync_async_and_streaming(server: LiveServer) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
    assert client.models.retrieve("career-advisor").id == "career-advisor"
    reply = client.chat.completions.create(
        model="career-advisor", messages=[{"role": "user", "content": QUESTION}]
    )
    citations = (reply.model_extra or {})["citations"]
    assert "$100,000" in (reply.choices[0].message.content or "") and citations[0]["quote"]
    assert reply.usage is not None and reply.usage.completion_tokens > 10

    stream = client.chat.completions.create(
        model="career-advisor", messages=[{"role": "user", "content": QUESTION}], stream=True,
        stream_options={"include_usage": True},
    )  # fmt: skip
    pieces = list(stream)
    last = next(c for c in reversed(pieces) if c.choices)
    assert last.choices[0].finish_reason == "stop" and (last.model_extra or {})["citations"] == citations
    assert pieces[-1].usage is not None and not pieces[-1].choices

    # The SDK's stream helper rebuilds the reply from chunk text: the inline model keeps the sources.
    with client.chat.completions.stream(
        model="career-advisor-inline-sources", messages=[{"role": "user", "content": QUESTION}]
    ) as helper:
        final = helper.get_final_completion()
    text = final.choices[0].message.content or ""
    assert "Sources:" in text and citations[0]["quote"] in text

    async def ask_async() -> str:
        async_client = openai.AsyncOpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
        reply = await async_client.chat.completions.create(
            model="career-advisor", messages=[{"role": "user", "content": QUESTION}]
        )
        return reply.choices[0].message.content or ""

    assert "$100,000" in asyncio.run(ask_async())


def test_openai_sdk_errors_carry_the_reason(server: LiveServer) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert (
        "The model 'gpt-4o' does not exist" in str(missing.value) and missing.value.code == "model_not_found"
    )
    with pytest.raises(openai.BadRequestError, match="tools and function calling are not supported"):
        client.chat.completions.create(
            model="career-advisor", messages=[{"role": "user", "content": QUESTION}],
            tools=[{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
        )  # fmt: skip
    wrong = openai.OpenAI(base_url=f"{server.url}/v1", api_key="not-a-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError, match="missing or wrong API key"):
        wrong.models.list()


def test_langchain_recipe(server: LiveServer) -> None:
    # The recipe in docs/API.md, with this server's address and key.
    advisor = ChatOpenAI(
        model="career-advisor-inline-sources", base_url=f"{server.url}/v1", api_key=KEY, max_retries=0
    )
    answer = str(advisor.invoke(QUESTION).content)
    assert "$100,000" in answer and "Sources:" in answer and re.search(r"\[1\] .+ \(corpus/", answer)
    streamed = "".join(str(chunk.content) for chunk in advisor.stream(QUESTION))
    assert streamed == answer
    refused = ChatOpenAI(model="career-advisor", base_url=f"{server.url}/v1", api_key="nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError, match="missing or wrong API key"):
        refused.invoke(QUESTION)


def readme_block(language: str, after: str) -> str:
    """The first fenced block of `language` after the line containing `after` in docs/API.md."""
    text = RECIPES.read_text()
    start = text.index(after)
    match = re.search(rf"```{language}\n(.*?)```", text[start:], re.DOTALL)
    assert match, f"no {language} block after {after!r} in docs/API.md"
    return match.group(1)


def test_llm_cli_recipe(server: LiveServer, tmp_path: Path) -> None:
    config = readme_block("yaml", "With the `llm` CLI").replace("http://127.0.0.1:8000", server.url)
    (tmp_path / "extra-openai-models.yaml").write_text(config)
    env = {**os.environ, "LLM_USER_PATH": str(tmp_path)}

    def llm(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "llm", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert llm("keys", "set", "career-advisor", "--value", KEY).returncode == 0
    answer = llm("-m", "career-advisor", QUESTION)
    assert answer.returncode == 0, answer.stderr
    assert "$100,000" in answer.stdout and "Sources:" in answer.stdout and "[1] " in answer.stdout
    refused = llm("-m", "career-advisor", "--key", "not-a-key", QUESTION)
    assert refused.returncode != 0 and "missing or wrong API key" in refused.stderr
