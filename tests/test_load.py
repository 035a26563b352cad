"""Short load runs against a real server (the long ones are bench/load.py, in make bench)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.embedding import Embedder

from .conftest import ROOT, LiveServer
from .fake_llm import FakeLLM

sys.path.insert(0, str(ROOT / "bench"))
from loadgen import health_during_streams, load

pytestmark = pytest.mark.server


@pytest.mark.parametrize("path", ["/api/search", "/api/chat"])
def test_eight_clients_get_no_errors(live_server: LiveServer, path: str) -> None:
    result = asyncio.run(load(live_server.url, path, clients=8, seconds=3))
    assert result["errors"] == 0 and result["requests"] > 16, result


@pytest.fixture(scope="module")
def slow_llm_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    fake = FakeLLM("ok", reply=" ".join(["token"] * 20), delay=0.15)  # ~3 s per answer
    env = {"ADVISOR_LLM_BASE_URL": fake.base_url, "ADVISOR_LLM_MODEL": "fake", "ADVISOR_ANSWER_MODE": "llm"}
    server = LiveServer(Path(tmp_path_factory.mktemp("slow-llm")), real_embedder, real_index, env)
    yield server
    server.stop()
    fake.close()


def test_health_stays_fast_while_16_slow_answers_stream(slow_llm_server: LiveServer) -> None:
    result = asyncio.run(health_during_streams(slow_llm_server.url, streams=16))
    assert result["streams_in_flight_during_probes"] == 16  # the probes really ran under load
    assert result["health_errors"] == 0
    # how fast it answers is measured by bench/load.py (goal: p95 under 100 ms), not asserted here
    assert result["stream_events"] >= 16 * 20
