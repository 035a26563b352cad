"""The ONNX Runtime backend: exported once from the bundled weights, same vectors as PyTorch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from advisor.config import load_settings
from advisor.embedding import load_embedder
from advisor.embedding.onnx_backend import OnnxEmbedder, export_onnx
from advisor.embedding.torch_backend import SentenceTransformerEmbedder

from .conftest import ENCODER_DIR

TEXTS = [
    "What does a junior ML engineer earn in the UK?",
    "MLflow",
    "Which certifications matter? " * 120,  # past the model's 256 tokens: truncated like PyTorch does
]


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    embedder = load_embedder(load_settings(embedding_backend="torch"))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


def test_onnx_vectors_match_pytorch_and_the_export_is_reused(
    torch_embedder: SentenceTransformerEmbedder,
) -> None:
    settings = load_settings(embedding_backend="onnx", encoder_dir=ENCODER_DIR)
    onnx = load_embedder(settings)
    assert (
        isinstance(onnx, OnnxEmbedder) and onnx.name == torch_embedder.name and onnx.dim == torch_embedder.dim
    )
    cosines = (onnx.embed_batch(TEXTS) * torch_embedder.embed_batch(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.9999
    assert np.allclose(np.linalg.norm(onnx.embed_batch(TEXTS), axis=1), 1.0, atol=1e-5)
    assert onnx.count_tokens("MLflow") == torch_embedder.count_tokens("MLflow")
    exported = export_onnx(settings.embedding_model_path(), Path(ENCODER_DIR), "fp32")
    before = exported.stat().st_mtime_ns
    load_embedder(settings)  # a second start exports nothing
    assert exported.stat().st_mtime_ns == before


def test_int8_export_stays_close_to_pytorch(torch_embedder: SentenceTransformerEmbedder) -> None:
    int8 = load_embedder(load_settings(embedding_backend="onnx-int8", encoder_dir=ENCODER_DIR))
    assert isinstance(int8, OnnxEmbedder)
    assert int8.embed_batch(TEXTS).shape == (3, torch_embedder.dim)
    assert (int8.embed_batch(TEXTS) * torch_embedder.embed_batch(TEXTS)).sum(axis=1).min() > 0.9


def test_exports_live_in_the_index_folder_unless_told_otherwise(tmp_path: Path) -> None:
    assert load_settings(index_dir=tmp_path, encoder_dir=None).encoder_cache_dir() == tmp_path / "encoders"
    assert load_settings(index_dir=tmp_path, encoder_dir=tmp_path / "x").encoder_cache_dir() == tmp_path / "x"
    assert load_settings(encoder_dir=None).embedding_backend == "onnx"  # the default, chosen by measurement
