"""HTTP latency on loopback against a real `advisor serve` process (extractive answers).

    python bench/api.py            (part of make bench; serves the built index itself)

Sequential requests from one client, so the figures are per-request latency, not load.
First event: time from sending a streamed /api/chat to receiving its first SSE event.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx
from _common import percentiles, questions

REPEATS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> dict[str, object]:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = os.environ | {
            "ADVISOR_DATA_DIR": data,
            "ADVISOR_RATE_LIMIT": "100000/minute",
            "HF_HUB_OFFLINE": "1",
        }
        command = [sys.executable, "-m", "advisor.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                for _ in range(240):
                    try:
                        client.get("/health")
                        break
                    except httpx.TransportError:
                        time.sleep(0.5)
                qs = questions()
                for q in qs:  # warm-up: passages seen for the first time are embedded once
                    client.post("/api/chat", json={"message": q})
                search, chat, first_event = [], [], []
                for _ in range(REPEATS):
                    for q in qs:
                        search.append(
                            timed(
                                lambda q=q: client.post("/api/search", json={"query": q}).raise_for_status()
                            )
                        )
                        chat.append(
                            timed(
                                lambda q=q: client.post("/api/chat", json={"message": q}).raise_for_status()
                            )
                        )
                        start = time.perf_counter()
                        with client.stream(
                            "POST", "/api/chat", json={"message": q, "stream": True}
                        ) as response:
                            lines = response.iter_lines()
                            next(lines)
                            first_event.append((time.perf_counter() - start) * 1000)
                            for _ in lines:
                                pass
        finally:
            server.terminate()
            server.wait()
    result = {
        "requests_each": len(search),
        "api_search": percentiles(search),
        "api_chat": percentiles(chat),
        "chat_stream_first_event": percentiles(first_event),
    }
    print(json.dumps({"api": result}))
    return result


if __name__ == "__main__":
    main()
