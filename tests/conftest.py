"""Shared fixtures: the real corpus, the real embedding model, and a fast counting double."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from advisor.config import load_settings
from advisor.embedding import Embedder, SentenceTransformerEmbedder, Vectors, load_embedder
from advisor.indexing import build_index
from advisor.retrieval import Retriever, open_retriever

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


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
        "HF_HUB_OFFLINE": "1",
    }
    yield env
