"""The vector-store seam: FAISS behind the few operations the advisor needs.

Ids are 63-bit integers chosen by the caller (chunk_faiss_id, unit_faiss_id), so they survive
incremental updates; vectors are unit length, so the inner product is the cosine.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np

from advisor.embedding import Vectors

__all__ = ["IndexKind", "VectorStore", "search_on_this_thread"]

IndexKind = Literal["flat", "hnsw"]
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64

_searching = threading.local()


def search_on_this_thread() -> None:
    """FAISS searches single-threaded on this thread (see below), set once per thread.

    For one query a team only adds overhead (5x on 5,000 vectors, and 50x once seen under
    load, its idle threads spinning on the cores the server needs). OpenMP keeps the thread
    count per thread, so every thread that searches (a server's request threads) sets it,
    once: the call itself is not free.
    """
    if not getattr(_searching, "single", False):
        faiss.omp_set_num_threads(1)
        _searching.single = True


class VectorStore:
    """Vectors by id: add, remove, search, save, load; exact (flat) or approximate (HNSW)."""

    def __init__(self, index: Any, dim: int) -> None:
        self._index = index  # an IndexIDMap2, whose ids the callers choose
        self.dim = dim

    @classmethod
    def empty(cls, kind: IndexKind, dim: int) -> VectorStore:
        """An IndexIDMap2 over inner-product flat (exact) or HNSW (approximate, for large corpora)."""
        inner: Any
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            inner = faiss.IndexFlatIP(dim)
        return cls(faiss.IndexIDMap2(inner), dim)

    @classmethod
    def of(cls, kind: IndexKind, dim: int, ids: np.ndarray, vectors: Vectors) -> VectorStore:
        store = cls.empty(kind, dim)
        store.add(ids, vectors)
        return store

    @classmethod
    def load(cls, path: Path) -> VectorStore:
        index = faiss.read_index(str(path))
        return cls(index, int(index.d))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def approximate(self) -> bool:
        """Whether searches are approximate (HNSW) rather than exact (flat)."""
        return isinstance(faiss.downcast_index(self._index.index), faiss.IndexHNSW)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: Vectors) -> None:
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def remove(self, ids: Sequence[int]) -> int:
        """Drop these ids (flat stores only: HNSW cannot remove); how many were held."""
        return int(self._index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def search(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        """The k nearest ids by inner product, best first."""
        k = min(k, len(self))
        if k <= 0:
            return []
        search_on_this_thread()
        scores, ids = self._index.search(vector.reshape(1, -1).astype(np.float32, copy=False), k)
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def vector(self, id_: int) -> Vectors:
        """The stored vector of one id."""
        stored: Vectors = self._index.reconstruct(id_)
        return stored

    def size_bytes(self) -> int:
        """What the store takes serialised (its file's size)."""
        return int(faiss.serialize_index(self._index).nbytes)

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def stored(self) -> tuple[np.ndarray, Vectors]:
        """All (ids, vectors), read straight from the index's storage."""
        inner: Any = faiss.downcast_index(self._index.index)
        storage: Any = faiss.downcast_index(inner.storage) if isinstance(inner, faiss.IndexHNSW) else inner
        codes = faiss.vector_to_array(storage.codes)
        return self.ids(), codes.view(np.float32).reshape(-1, self.dim)
