"""The Embedder seam (one method, embed_batch) and its sentence-transformers implementation."""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

__all__ = ["Embedder", "SentenceTransformerEmbedder", "Vectors", "load_embedder"]

if TYPE_CHECKING:
    from advisor.config import Settings

Vectors = npt.NDArray[np.float32]


class Embedder(ABC):
    """Turns texts into unit-length float32 vectors; subclasses implement embed_batch only."""

    name: str
    dim: int

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Embed texts, returning an (n, dim) float32 array of L2-normalised rows."""

    def embed(self, texts: Sequence[str], batch_size: int = 64, progress: bool = False) -> Vectors:
        """Embed any number of texts in batches; a progress bar when asked and on a terminal."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = range(0, len(texts), batch_size)
        if progress and sys.stderr.isatty() and len(texts) > batch_size:
            from tqdm import tqdm

            batches = tqdm(batches, desc="embedding", unit="batch", file=sys.stderr)
        parts = [self.embed_batch(texts[i : i + batch_size]) for i in batches]
        stacked: Vectors = np.vstack(parts).astype(np.float32, copy=False)
        return stacked

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embed_batch([text])[0]
        return vector

    def submit_query(self, text: str) -> Future[Vectors]:
        """A query's vector to collect later; an embedder with its own thread works meanwhile.

        This one computes it at once; BatchingEmbedder hands it to its encoding thread, so
        the caller can do other work (a keyword search) while the model runs.
        """
        future: Future[Vectors] = Future()
        future.set_result(self.embed_query(text))
        return future


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, loaded from a local path or an installed package."""

    def __init__(self, model: str, name: str | None = None, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # "Loading weights" on every start is noise
        self._model: Any = SentenceTransformer(model, device=device, local_files_only=True)
        self.name = name or model
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        get_dim = get_dim or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if dim is None:
            raise ValueError(f"{self.name} does not report its embedding dimension")
        self.dim = int(dim)

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        vectors = self._model.encode(
            list(texts),
            batch_size=max(len(texts), 1),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def max_tokens(self) -> int:
        return int(self._model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word pieces as the model's own tokenizer counts them (with [CLS] and [SEP])."""
        return len(self._model.tokenizer(text)["input_ids"])


def load_embedder(settings: Settings) -> Embedder:
    """The configured embedding model (the bundled all-MiniLM-L6-v2 by default), run by the
    configured backend: PyTorch, or ONNX Runtime with a file exported into the index folder."""
    path = settings.embedding_model_path()
    if settings.embedding_backend == "torch":
        return SentenceTransformerEmbedder(path, name=settings.embedding_model)
    from advisor.onnx_embedding import OnnxEmbedder, Precision, export_onnx

    precision: Precision = "int8" if settings.embedding_backend == "onnx-int8" else "fp32"
    onnx_file = export_onnx(path, settings.encoder_cache_dir(), precision)
    return OnnxEmbedder(path, onnx_file, name=settings.embedding_model, threads=settings.embedding_threads)
