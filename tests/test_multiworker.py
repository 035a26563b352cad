"""Several workers act as one service: rate limits shared through Redis, /metrics summed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import ConfigError, load_settings
from advisor.embedding import Embedder

from .conftest import free_port, wait_until_up


def two_workers(
    tmp_path: Path, real_index: Path, embedder: Embedder, **settings: str
) -> tuple[TestClient, TestClient]:
    """Two apps over the same folders, as two worker processes would be."""
    shutil.copytree(real_index, tmp_path / "index")
    options = {"index_dir": tmp_path / "index", "data_dir": tmp_path / "data", "answer_mode": "extractive",
               "rate_limit": "3/minute", **settings}  # fmt: skip
    return (TestClient(create_app(load_settings(**options), embedder=embedder)),
            TestClient(create_app(load_settings(**options), embedder=embedder)))  # fmt: skip


def search(client: TestClient) -> httpx.Response:
    return client.post("/api/search", json={"query": "Do I need a PhD?"})


def test_with_redis_the_limit_holds_across_workers(
    tmp_path: Path, real_index: Path, real_embedder: Embedder, redis_url: str
) -> None:
    a, b = two_workers(tmp_path, real_index, real_embedder, rate_limit_storage=redis_url)
    with a, b:
        statuses = [search(c).status_code for c in (a, b, a)]
        refused = search(b)
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"] == "too many requests"


def test_in_memory_each_worker_counts_alone(
    tmp_path: Path, real_index: Path, real_embedder: Embedder
) -> None:
    a, b = two_workers(tmp_path, real_index, real_embedder)  # the default: memory://
    with a, b:
        statuses = [search(c).status_code for c in (a, b) * 3]
        assert statuses == [200] * 6  # twice the limit: why --workers N needs a shared storage
        assert search(a).status_code == 429


def test_an_unreachable_limit_store_lets_requests_through(
    tmp_path: Path, real_index: Path, real_embedder: Embedder
) -> None:
    a, _ = two_workers(
        tmp_path, real_index, real_embedder, rate_limit_storage=f"redis://127.0.0.1:{free_port()}"
    )
    with a:
        assert [search(a).status_code for _ in range(4)] == [200] * 4


def test_a_bad_storage_uri_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="ADVISOR_RATE_LIMIT_STORAGE"):
        load_settings(rate_limit_storage="carrier-pigeon://loft")


def request_count(metrics: str, route: str) -> float:
    pattern = (
        rf'advisor_request_seconds_count\{{[^}}]*route="{re.escape(route)}"[^}}]*status="200"[^}}]*\}} (\S+)'
    )
    return sum(float(m) for m in re.findall(pattern, metrics))


def test_metrics_sum_every_worker_of_advisor_serve(
    tmp_path: Path, real_index: Path, cli_env: dict[str, str]
) -> None:
    shutil.copytree(real_index, tmp_path / "index")
    port = free_port()
    env = cli_env | {"ADVISOR_INDEX_DIR": str(tmp_path / "index"), "ADVISOR_RATE_LIMIT": "10000/minute"}
    command = [sys.executable, "-m", "advisor.cli", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", server, "advisor serve --workers 2", seconds=240)

        def one_search(n: int) -> int:  # a new connection each time, so both workers take some
            with httpx.Client(base_url=url, timeout=60) as client:
                return client.post("/api/search", json={"query": f"certifications {n}"}).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(one_search, range(40))) == {200}
        scrapes = []
        for _ in range(8):
            with httpx.Client(base_url=url, timeout=60) as client:
                scrapes.append(request_count(client.get("/metrics").text, "/api/search"))
        assert scrapes == [40.0] * 8  # whichever worker answers, it reports both workers' requests
    finally:
        server.terminate()
        server.wait(timeout=30)
