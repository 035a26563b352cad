"""The embeddings-server backend against a real OpenAI-compatible server: llama.cpp's
`llama_cpp.server` in embedding mode, serving the SmolLM2 GGUF the LLM tests use.

SmolLM2 is a chat model, so its vectors prove the protocol, not retrieval quality. Its
GGUF names no pooling, so the server is told to mean-pool (llama.cpp otherwise returns one
vector per token, which is not the OpenAI shape). The learned thesaurus is off here
(ADVISOR_WORD_EXPANSION=false): it embeds 22k English words once per model, minutes on
this CPU for a model of this size.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import load_settings
from advisor.embedding.server_backend import EmbeddingServerUnavailable, ServerEmbedder

from .conftest import ENCODER_DIR, free_port, smollm_path, wait_until_up

pytestmark = [pytest.mark.llm]

ARTICLES = Path(__file__).parent / "data" / "robotics_articles"
MODEL = "smollm2"


class EmbeddingServer:
    """`python -m llama_cpp.server --embedding true` on loopback, mean-pooling SmolLM2."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm_path()),
                   "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "2048",
                   "--embedding", "true", "--kv_overrides", "llama.pooling_type=int:1"]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(f"{self.base_url}/models", self.process, "llama_cpp.server (embeddings)")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddingServer]:
    running = EmbeddingServer()
    yield running
    running.stop()


def _env(cli_env: dict[str, str], base_url: str, corpus: Path) -> dict[str, str]:
    return cli_env | {
        "ADVISOR_EMBEDDING_BASE_URL": base_url,
        "ADVISOR_EMBEDDING_MODEL": MODEL,
        "ADVISOR_WORD_EXPANSION": "false",
        "ADVISOR_EMBEDDING_TIMEOUT": "600",  # a CPU shared with other tests
        "ADVISOR_CORPUS_DIR": str(corpus),
    }


def _advisor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor.cli", *args], env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def test_vectors_come_back_unit_length_in_order_and_batched(server: EmbeddingServer) -> None:
    embedder = ServerEmbedder(server.base_url, MODEL)
    assert embedder.name == "server:smollm2" and embedder.dim == 576
    texts = ["robot arm calibration", "sourdough starter", "robot arm calibration", ""]
    vectors = embedder.embed(texts, batch_size=3)  # two requests
    assert vectors.shape == (4, 576) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    alone = embedder.embed_query("sourdough starter")
    assert float(alone @ vectors[1]) > 0.99 and float(vectors[0] @ vectors[2]) > 0.99


@pytest.fixture(scope="module")
def server_index(server: EmbeddingServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The robotics article indexed by `advisor index` through the server, once."""
    root = tmp_path_factory.mktemp("server-index")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    env |= {"ADVISOR_INDEX_DIR": str(root / "index"), "ADVISOR_DATA_DIR": str(root / "data"),
            "ADVISOR_ENCODER_DIR": ENCODER_DIR, "HF_HUB_OFFLINE": "1"}  # fmt: skip
    built = _advisor("index", "--json", env=_env(env, server.base_url, ARTICLES))
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout)["documents"] == 1
    return root / "index"


def test_index_and_search_through_the_server_and_no_mixing(
    server: EmbeddingServer, server_index: Path, cli_env: dict[str, str], tmp_path: Path
) -> None:
    current = (server_index / "CURRENT").read_text().strip()
    manifest = json.loads((server_index / "versions" / current / "manifest.json").read_text())
    assert (manifest["model"], manifest["dim"]) == ("server:smollm2", 576)
    corpus = tmp_path / "corpus"
    shutil.copytree(ARTICLES, corpus)
    shutil.copytree(server_index, cli_env["ADVISOR_INDEX_DIR"])
    env = _env(cli_env, server.base_url, corpus)

    found = _advisor("search", "What does a robotics software engineer earn?", "-k", "3", "--json", env=env)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)["hits"]
    assert hits and all(h["doc_id"] == "robotics-careers.md" for h in hits)

    bundled = {k: v for k, v in env.items() if not k.startswith("ADVISOR_EMBEDDING_")}
    refused = _advisor("search", "robot salary", env=bundled)
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) == 1
    assert "built with server:smollm2 (576 dimensions)" in refused.stderr
    assert "run `advisor index --full`" in refused.stderr
    mixed = _advisor("index", env=bundled)  # an incremental update with another model: refused
    assert mixed.returncode != 0 and "built with server:smollm2" in mixed.stderr


def test_a_server_that_is_down_at_index_time_is_one_line_and_exit_2(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ARTICLES, corpus)
    nobody = f"http://127.0.0.1:{free_port()}/v1"
    done = _advisor("index", env=_env(cli_env, nobody, corpus))
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert nobody in line and "cannot be reached" in line and MODEL in line
    assert not (Path(cli_env["ADVISOR_INDEX_DIR"]) / "CURRENT").exists()


def test_down_at_query_time_is_503_with_the_reason_and_the_cache_still_answers(
    server_index: Path, tmp_path: Path
) -> None:
    shutil.copytree(server_index, tmp_path / "index")  # the same model's vectors
    own = EmbeddingServer()
    try:
        settings = load_settings(
            corpus_dir=ARTICLES, index_dir=tmp_path / "index", data_dir=tmp_path / "data",
            embedding_base_url=own.base_url, embedding_model=MODEL, word_expansion=False, embedding_timeout=600,
            answer_mode="extractive", rate_limit="1000/minute",
        )  # fmt: skip
        with TestClient(create_app(settings)) as client:
            asked = {"query": "Which tools does a perception engineer use?", "k": 2}
            first = client.post("/api/search", json=asked)
            assert first.status_code == 200 and first.json()["hits"]
            encoder = client.app.state.services.query_encoder  # type: ignore[attr-defined]
            assert encoder.inner.name == "server:smollm2" and encoder.batch_sizes  # batched, as configured
            own.stop()
            again = client.post("/api/search", json=asked)  # from the query cache: no server needed
            assert again.status_code == 200 and again.json() == first.json()
            down = client.post("/api/search", json={"query": "What does a controls engineer do?"})
            assert down.status_code == 503
            body = down.json()
            assert "embeddings server" in body["error"] and "cannot be reached" in body["error"]
            assert own.base_url in body["error"]
            chat = client.post("/api/chat", json={"message": "What does a controls engineer do?"})
            assert chat.status_code == 503 and "embeddings server" in chat.json()["error"]
    finally:
        own.stop()


def test_the_error_is_an_unavailable_with_exit_code_2() -> None:
    assert EmbeddingServerUnavailable.status == 503 and EmbeddingServerUnavailable.exit_code == 2
