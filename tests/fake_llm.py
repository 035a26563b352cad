"""A deliberately misbehaving OpenAI-compatible server on loopback, for fault tests.

It speaks the real protocol over real HTTP; `mode` decides what it does: "ok" streams or
returns `reply`, "429" and "500" fail, "slow" waits `delay` seconds before each token.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeLLM:
    def __init__(self, mode: str = "ok", reply: str = "Fine [1].", delay: float = 0.0) -> None:
        self.mode, self.reply, self.delay = mode, reply, delay
        self.delays: list[float] = []  # per-token waits before `delay` applies (a stall part-way)
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.requests.append(body)
                if fake.mode in ("429", "500"):
                    payload = json.dumps({"error": {"message": "nope", "type": "server_error"}}).encode()
                    self.send_response(int(fake.mode))
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    if fake.mode == "429":
                        self.send_header("retry-after", "0")
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if not body.get("stream"):
                    payload = json.dumps({
                        "id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": fake.reply},
                                     "finish_reason": "stop"}],
                    }).encode()  # fmt: skip
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for i, word in enumerate(fake.reply.split(" ")):
                    time.sleep(fake.delays[i] if i < len(fake.delays) else fake.delay)
                    chunk = {
                        "id": "x",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": "fake",
                        "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())  # fmt: skip
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
