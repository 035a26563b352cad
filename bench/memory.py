"""Memory of a running `advisor serve` over 2,000 /api/search requests of unique random words.

Each request is ~3,990 characters of random 7-letter words, none repeated, as in the review
that found the server growing ~97 KB a request (bm25s kept every word it tokenized). The
server's resident memory (VmRSS) is read every 200 requests; the figure to watch is the
growth after the warm-up, and whether it levels off (the query-vector cache fills, at most
ADVISOR_QUERY_CACHE_SIZE vectors, then stays).

    python bench/memory.py [--requests 2000] [--warmup 200]   # the index in ADVISOR_INDEX_DIR (index/)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from _server import _wait, free_port


def rss_mb(pid: int) -> float:
    status = (Path("/proc") / str(pid) / "status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return round(kb / 1024, 1)


def unique_query(rng: random.Random) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(498))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--every", type=int, default=200)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="advisor-memory-") as data:
        env = os.environ | {"ADVISOR_DATA_DIR": data, "ADVISOR_RATE_LIMIT": "1000000/minute"}
        command = [sys.executable, "-m", "advisor.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait(f"{url}/health", server)
            rng = random.Random(26)
            samples: list[dict[str, float]] = [{"requests": 0, "rss_mb": rss_mb(server.pid)}]
            with httpx.Client(base_url=url, timeout=120) as client:
                for n in range(1, args.warmup + args.requests + 1):
                    reply = client.post("/api/search", json={"query": unique_query(rng), "k": 5})
                    reply.raise_for_status()
                    if n == args.warmup or (n > args.warmup and (n - args.warmup) % args.every == 0):
                        samples.append({"requests": n, "rss_mb": rss_mb(server.pid)})
        finally:
            server.terminate()
            server.wait()
    after_warmup = next(s for s in samples if s["requests"] == args.warmup)["rss_mb"]
    last = samples[-1]["rss_mb"]
    report = {
        "requests": args.requests,
        "warmup": args.warmup,
        "query_chars": len(unique_query(random.Random(0))),
        "rss_mb": samples,
        "growth_after_warmup_mb": round(last - after_warmup, 1),
        "kb_per_request_after_warmup": round((last - after_warmup) * 1024 / args.requests, 2),
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
