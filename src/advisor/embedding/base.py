"""The Embedder seam: one method, embed_batch; the conveniences are derived on the base class."""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Embedder", "Vectors"]

Vectors = npt.NDArray[np.float32]


class Embedder(ABC):
    """Turns texts into unit-length float32 vectors; subclasses implement embed_batch only."""

    name: str
    dim: int

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Embed texts, returning an (n, dim) float32 array of L2-normalised rows."""

    def embed(self, texts: Sequence[str], batch_size: int = 64, progress: str | None = None) -> Vectors:
        """Embed any number of texts in batches; with a progress label, a bar of that name on
        stderr when it is a terminal (counting texts), and none when it is not."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        bar = _bar(progress, len(texts))
        parts = []
        for i in range(0, len(texts), batch_size):
            parts.append(self.embed_batch(texts[i : i + batch_size]))
            if bar is not None:
                bar.update(len(parts[-1]))
        if bar is not None:
            bar.close()
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


def _bar(label: str | None, total: int) -> Any:
    """A tqdm bar on stderr, or None: not asked for, or stderr is not a terminal (a log, a pipe)."""
    if not label or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=" texts", file=sys.stderr, dynamic_ncols=True)
