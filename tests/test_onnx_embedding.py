"""The ONNX Runtime backend: exported once from the bundled weights, same vectors as PyTorch."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from advisor.config import load_settings
from advisor.embedding import load_embedder
from advisor.embedding.onnx_backend import OnnxEmbedder, _fingerprint, export_onnx
from advisor.embedding.tokenizer import load_tokenizer
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


# Texts that exercise the normaliser, the pre-tokeniser and truncation: accents, curly quotes,
# CJK characters, full-width letters, zero-width and non-breaking spaces, emoji, empty text.
AWKWARD = [
    *TEXTS,
    "Café naïve résumé — “quotes” 🤖 机器学习 ＡＢＣ",
    "",
    "  \t\n ",
    "Ünïcödé\u200b zero\u00a0width",
    "x" * 300,
    "a-b_c/d.e:f'g\"h",
]


def test_the_tokenizer_gives_the_ids_transformers_gives_without_importing_it(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    model = Path(load_settings().embedding_model_path())
    pieces = load_tokenizer(model, 256)
    reference = AutoTokenizer.from_pretrained(str(model), local_files_only=True)
    expected = reference(AWKWARD, truncation=True, max_length=256)["input_ids"]
    assert pieces.ids(AWKWARD) == [list(ids) for ids in expected]
    assert [pieces.count(t) for t in AWKWARD] == [len(reference(t)["input_ids"]) for t in AWKWARD]
    assert max(len(ids) for ids in pieces.ids(AWKWARD)) == 256 < pieces.count(TEXTS[2])

    # A model folder with a vocabulary but no tokenizer.json is read by transformers instead.
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "config.json"):
        shutil.copy(model / name, tmp_path / name)
    assert load_tokenizer(tmp_path, 256).ids(AWKWARD) == pieces.ids(AWKWARD)


def test_a_changed_model_file_changes_the_fingerprint_and_a_touched_one_does_not(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(load_settings().embedding_model_path(), model)
    cache = tmp_path / "encoders"
    first = _fingerprint(model, cache)
    assert _fingerprint(model, cache) == first and list((cache / "fingerprints").iterdir())
    config = model / "config.json"
    os.utime(config, ns=(time.time_ns(), time.time_ns() + 10**9))  # touched: hashed again, same hash
    assert _fingerprint(model, cache) == first
    config.write_text(config.read_text().replace('"hidden_act": "gelu"', '"hidden_act": "gelu_new"'))
    assert _fingerprint(model, cache) != first  # an export of the old weights is not reused
