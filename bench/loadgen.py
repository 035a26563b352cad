"""Load drivers for a running server: async httpx (the tests, and /health during streams) and
wrk (bench/load.py's throughput runs)."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

QUESTIONS = [
    "What does a junior ML engineer earn in the UK?", "Do I need a PhD to become an ML engineer?",
    "Which certifications matter for ML engineers?", "What is MLflow used for?",
    "What does an MLOps engineer do?", "How long does it take to get an entry-level ML job?",
    "What mistakes do people make when they learn AI?", "What is an applied AI engineer?",
]  # fmt: skip


def _summary(latencies: list[float], errors: int, seconds: float, clients: int) -> dict[str, Any]:
    values = np.asarray(latencies) if latencies else np.zeros(1)
    return {
        "clients": clients,
        "seconds": round(seconds, 1),
        "requests": len(latencies),
        "errors": errors,
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
        "p99_ms": round(float(np.percentile(values, 99)), 1),
    }


async def load(url: str, path: str, clients: int, seconds: float, unique: bool = False) -> dict[str, Any]:
    """`clients` concurrent clients posting to `path` back to back for `seconds`.

    unique: append a counter to each question, so that no query is answered from a cache.
    """
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def worker(n: int) -> None:
            nonlocal errors
            i = n
            while time.perf_counter() < deadline:
                question = QUESTIONS[i % len(QUESTIONS)] + (f" #{i}" if unique else "")
                body = {"query": question} if path == "/api/search" else {"message": question}
                start = time.perf_counter()
                try:
                    response = await client.post(path, json=body)
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - start) * 1000)
                i += clients

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        summary = _summary(latencies, errors, time.perf_counter() - started, clients)
        driver_cpu = time.process_time() - cpu
        summary["driver_cpu_ms_per_request"] = round(driver_cpu * 1000 / max(1, len(latencies)), 2)
        return summary


def wrk_load(url: str, path: str, clients: int, seconds: float, tag: str = "") -> dict[str, Any]:
    """Like load(unique=True), driven by wrk: a C load generator whose own CPU use is small.

    The server shares this machine's two cores with whatever drives it; the httpx driver
    spends about 2.6 ms of CPU per request (a third of what a search costs the server), wrk
    a tenth of that, so the server's figures are less the driver's. The result adds
    driver_cpu_ms_per_request: the driver's own cost, measured.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("bench/load.py drives the server with wrk: apt-get install wrk (make bench does)")
    field = "query" if path == "/api/search" else "message"
    assert all("\\" not in q and '"' not in q for q in QUESTIONS), "questions go into JSON unescaped"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as questions:
        questions.write("\n".join(QUESTIONS) + "\n")
        questions.flush()
        env = os.environ | {"QUESTIONS_FILE": questions.name, "FIELD": field, "TAG": tag}
        command = [wrk, "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
                   "-s", str(Path(__file__).with_name("wrk.lua")), url + path]  # fmt: skip
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = json.loads(output.strip().splitlines()[-1])
    elapsed = figures["microseconds"] / 1e6
    driver_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": figures["requests"],
        "errors": figures["errors"],
        "requests_per_second": round(figures["requests"] / elapsed, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "driver_cpu_ms_per_request": round(driver_cpu * 1000 / max(1, figures["requests"]), 2),
    }


async def health_during_streams(url: str, streams: int, probes: int = 60) -> dict[str, Any]:
    """/health latency while `streams` slow streamed answers are in flight."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        in_flight = 0

        async def stream(question: str) -> int:
            nonlocal in_flight
            events = 0
            async with client.stream(
                "POST", "/api/chat", json={"message": question, "stream": True}
            ) as response:
                in_flight += 1
                async for line in response.aiter_lines():
                    events += line.startswith("event:")
            in_flight -= 1
            return events

        tasks = [asyncio.create_task(stream(QUESTIONS[i % len(QUESTIONS)])) for i in range(streams)]
        while in_flight < streams:
            await asyncio.sleep(0.05)
        latencies = []
        errors = 0
        for _ in range(probes):
            start = time.perf_counter()
            errors += (await client.get("/health")).status_code != 200
            latencies.append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(0.02)
        still_streaming = in_flight
        events = await asyncio.gather(*tasks)
        result = _summary(latencies, errors, 1.0, 1)
        return {"streams": streams, "streams_in_flight_during_probes": still_streaming,
                "stream_events": sum(events), "health_p50_ms": result["p50_ms"],
                "health_p95_ms": result["p95_ms"], "health_errors": errors}  # fmt: skip
