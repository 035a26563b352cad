"""Streamed time to first token through the advisor minus the same through llama.cpp directly.

    python bench/ttft.py            (part of make bench)

Both sides send the same messages (the advisor's own prompt for the question) to the same
llama.cpp server with SmolLM2-135M; the difference is what the advisor adds: reading the
request, retrieval, rendering the prompt and relaying the stream. llama.cpp reuses the KV
cache of the previous prompt, so a one-word prompt goes to the server before each side's
request: both are measured cold, and the difference is taken per question.
"""

from __future__ import annotations

import json
import tempfile
import time
from typing import Any

import httpx
import numpy as np
from _common import questions
from _server import advisor_server, llama_server

from advisor.answer.generative import LLMAnswerer
from advisor.config import load_settings
from advisor.llm import OpenAICompatibleClient
from advisor.retrieval import open_retriever

ROUNDS = 2


def first_token_ms(client: httpx.Client, url: str, body: dict[str, Any], marker: str) -> float:
    start = time.perf_counter()
    with client.stream("POST", url, json=body) as response:
        for line in response.iter_lines():
            if marker in line:
                return (time.perf_counter() - start) * 1000
    raise RuntimeError("no token")


def main() -> dict[str, Any]:
    qs = questions()[:20]
    retriever = open_retriever(load_settings())
    with llama_server() as llm_url, tempfile.TemporaryDirectory() as data:
        answerer = LLMAnswerer(OpenAICompatibleClient(llm_url, "smollm2"), retriever.embedder)
        env = {"ADVISOR_LLM_BASE_URL": llm_url, "ADVISOR_LLM_MODEL": "smollm2", "ADVISOR_ANSWER_MODE": "llm"}
        with advisor_server(data, **env) as url, httpx.Client(timeout=120) as client:
            direct, advisor = [], []
            flush = {"model": "smollm2", "messages": [{"role": "user", "content": "ok"}], "max_tokens": 1}
            for q in qs * ROUNDS:
                hits = retriever.search(q, k=5)
                messages = [m.to_json() for m in answerer.messages(q, hits, [])]
                body = {"model": "smollm2", "messages": messages, "max_tokens": 8, "stream": True}
                client.post(f"{llm_url}/chat/completions", json=flush)  # evict the cached prompt
                advisor.append(first_token_ms(client, f"{url}/api/chat", {"message": q, "stream": True},
                                              "event: token"))  # fmt: skip
                client.post(f"{llm_url}/chat/completions", json=flush)
                direct.append(first_token_ms(client, f"{llm_url}/chat/completions", body, '"content"'))
    d, a = np.median(direct), np.median(advisor)
    result = {
        "pairs": len(direct),
        "direct_first_token_p50_ms": round(float(d), 1),
        "advisor_first_token_p50_ms": round(float(a), 1),
        "advisor_minus_direct_p50_ms": round(float(np.median(np.subtract(advisor, direct))), 1),
        "direct_first_token_p95_ms": round(float(np.percentile(direct, 95)), 1),
        "advisor_first_token_p95_ms": round(float(np.percentile(advisor, 95)), 1),
    }
    print(json.dumps({"ttft": result}))
    return result


if __name__ == "__main__":
    main()
