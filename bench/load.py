"""Load against a real server, from one run: for the served configuration and a baseline
(PyTorch encoder, no batching, no query cache: the 0.1.0 path), the in-process floor, a lone
request, req/s and p95 at 8 and 32 clients on /api/search and /api/chat, and efficiency;
then /api/search with 1 and 2 workers, and /health while 16 slow answers stream.

    python bench/load.py [--seconds 60]      (part of make bench)

The floor is what no search can avoid: encoding the query plus one FAISS search, in
process, with the configuration's own encoder. Efficiency is requests/s at 8 clients times
the floor's p50 in seconds: how many floors of work the server completes per second.
Every query is distinct (a counter is appended), so the query cache is not what is measured.
The load generator runs on the same 2-core machine as the server: the figures are a floor.
It is wrk (Debian's package) unless --driver httpx; its own CPU cost per request is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _common import percentiles
from _server import advisor_server
from loadgen import QUESTIONS, health_during_streams, load, wrk_load

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fake_llm import FakeLLM

from advisor.config import load_settings
from advisor.embedding import load_embedder
from advisor.retrieval import open_retriever

CONFIGURATIONS = {
    "baseline": {"ADVISOR_EMBEDDING_BACKEND": "torch", "ADVISOR_QUERY_BATCH_SIZE": "0",
                 "ADVISOR_QUERY_CACHE_SIZE": "0"},
    "served": {},  # the defaults
}  # fmt: skip
LONE_REQUESTS = 80  # with httpx
LONE_SECONDS = 10  # with wrk


def floor_ms(env: dict[str, str], repeats: int = 5) -> dict[str, float]:
    """Encode one distinct query and search FAISS once, in this process, with env's encoder."""
    backend = env.get("ADVISOR_EMBEDDING_BACKEND", load_settings().embedding_backend)
    settings = load_settings(embedding_backend=backend)
    retriever = open_retriever(settings, load_embedder(settings))
    vectors = retriever.version.vectors
    samples = []
    for n in range(repeats * len(QUESTIONS) + 8):
        query = f"{QUESTIONS[n % len(QUESTIONS)]} #{n}"
        start = time.perf_counter()
        vectors.search(retriever.embedder.embed_query(query), 5)
        if n >= 8:  # the first calls pay for lazy initialisation
            samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def lone_ms(url: str, driver: str) -> dict[str, float]:
    """One client, one request at a time: what a user alone on the server waits."""
    if driver == "wrk":  # one connection: the next request leaves when the last answer is in
        run = wrk_load(url, "/api/search", 1, LONE_SECONDS, tag="lone-")
        return {key: run[key] for key in ("p50_ms", "p95_ms", "p99_ms")}
    samples = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for n in range(LONE_REQUESTS + 8):
            body = {"query": f"{QUESTIONS[n % len(QUESTIONS)]} lone {n}"}
            start = time.perf_counter()
            client.post("/api/search", json=body).raise_for_status()
            if n >= 8:
                samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def drive(driver: str, url: str, path: str, clients: int, seconds: float, tag: str) -> dict[str, Any]:
    """`clients` clients posting distinct questions to `path` for `seconds`, with wrk or httpx."""
    if driver == "httpx":
        return asyncio.run(load(url, path, clients, seconds, unique=True))
    return wrk_load(url, path, clients, seconds, tag=tag)


def configuration(name: str, env: dict[str, str], data: str, seconds: float, driver: str) -> dict[str, Any]:
    result: dict[str, Any] = {"name": name, "env": env, "load_average_at_start": os.getloadavg()[0]}
    result["floor"] = floor_ms(env)
    with advisor_server(data, **env) as url:
        drive(driver, url, "/api/chat", 8, 3, "warm")  # warm-up: passages embedded once
        result["lone_search"] = lone_ms(url, driver)
        result["load"] = []
        for path in ("/api/search", "/api/chat"):
            for clients in (8, 32):
                run = drive(driver, url, path, clients, seconds, f"{name}{path}{clients}-")
                result["load"].append({"path": path, **run})
                print(json.dumps({"configuration": name, "load": result["load"][-1]}), flush=True)
    floor_s = result["floor"]["p50_ms"] / 1000
    eight = {run["path"]: run["requests_per_second"] for run in result["load"] if run["clients"] == 8}
    result["efficiency"] = {path: round(rps * floor_s, 2) for path, rps in eight.items()}
    result["lone_over_floor"] = round(result["lone_search"]["p50_ms"] / result["floor"]["p50_ms"], 2)
    print(json.dumps({k: v for k, v in result.items() if k != "load"}), flush=True)
    return result


def against_first_floor(configurations: list[dict[str, Any]]) -> dict[str, Any]:
    """The last configuration's efficiency and lone request measured against the first one's
    floor: the issue's floor was 0.1.0's (PyTorch MiniLM plus a flat search, about 12 ms)."""
    first, last = configurations[0], configurations[-1]
    floor_ms = first["floor"]["p50_ms"]
    eight = {run["path"]: run["requests_per_second"] for run in last["load"] if run["clients"] == 8}
    return {
        "floor_of": first["name"],
        "floor_p50_ms": floor_ms,
        "efficiency": {path: round(rps * floor_ms / 1000, 2) for path, rps in eight.items()},
        "lone_over_floor": round(last["lone_search"]["p50_ms"] / floor_ms, 2),
    }


def main(seconds: float = 60, driver: str = "wrk") -> dict[str, Any]:
    result: dict[str, Any] = {"seconds": seconds, "driver": driver, "configurations": [], "workers": {}}
    with tempfile.TemporaryDirectory() as data:
        for name, env in CONFIGURATIONS.items():
            result["configurations"].append(configuration(name, env, data, seconds, driver))
        result["against_0_1_0_floor"] = against_first_floor(result["configurations"])
        for workers in (1, 2):
            with advisor_server(data, workers=workers) as url:
                drive(driver, url, "/api/search", 16, 5, f"warm{workers}-")  # warm every worker
                run = drive(driver, url, "/api/search", 16, seconds / 2, f"workers{workers}-")
                result["workers"][workers] = run
                print(json.dumps({"workers": workers, **run}), flush=True)
        fake = FakeLLM("ok", reply=" ".join(["token"] * 20), delay=0.15)
        try:
            slow = {
                "ADVISOR_LLM_BASE_URL": fake.base_url,
                "ADVISOR_LLM_MODEL": "fake",
                "ADVISOR_ANSWER_MODE": "llm",
            }
            with advisor_server(data, **slow) as url:
                result["health_during_streams"] = asyncio.run(health_during_streams(url, streams=16))
                print(json.dumps(result["health_during_streams"]), flush=True)
        finally:
            fake.close()
    result["load_average_at_end"] = os.getloadavg()[0]
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--driver", choices=("wrk", "httpx"), default="wrk",
                        help="the load generator (httpx: the Python one, costlier)")  # fmt: skip
    args = parser.parse_args()
    figures = main(args.seconds, args.driver)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
