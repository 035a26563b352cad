"""The PyTorch backend: any sentence-transformers model, loaded from a local path or a package."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from advisor.embedding.base import Embedder, Vectors

__all__ = ["SentenceTransformerEmbedder"]


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
