"""Dense search: the query's vector against the chunks', the units' and each unit's shown text."""

from __future__ import annotations

from advisor.corpus.units import quote_text, unit_embedding_text, unit_faiss_id
from advisor.embedding import Vectors
from advisor.index.store import IndexVersion
from advisor.index.vectors import VectorStore

__all__ = ["UNIT_CANDIDATES", "DenseRetriever", "Ranking"]

Ranking = list[tuple[int, float]]  # (chunk faiss id, score), best first
UNIT_CANDIDATES = 200  # units read to rank chunks by their best unit


class DenseRetriever:
    """Chunks by cosine, and by their best unit (a precise sentence lifts its whole chunk)."""

    def __init__(self, version: IndexVersion) -> None:
        self.version = version
        chunk_of = {c.chunk_id: i for i, c in version.chunks.items()}
        self._unit_chunk: dict[int, int] = {}  # unit faiss id -> its chunk's faiss id
        if version.unit_vectors is not None:
            for unit in version.units:
                self._unit_chunk[unit_faiss_id(unit, unit_embedding_text(unit))] = chunk_of[unit.chunk_id]
        self._quote_id: dict[str, int] = {}  # unit id -> the faiss id of its shown text
        self._quote_chunk: dict[int, int] = {}  # that faiss id -> its chunk's faiss id
        if version.quote_vectors is not None:
            for unit in version.units:
                faiss_id = self._quote_id[unit.unit_id] = unit_faiss_id(unit, quote_text(unit))
                self._quote_chunk[faiss_id] = chunk_of[unit.chunk_id]

    @property
    def has_units(self) -> bool:
        return bool(self._unit_chunk)

    @property
    def has_quotes(self) -> bool:
        return bool(self._quote_chunk)

    def chunks(self, vector: Vectors, n: int) -> Ranking:
        return self.version.vectors.search(vector, n)

    def cosine(self, faiss_id: int, vector: Vectors) -> float:
        """The query's cosine to one chunk, whether or not a search returned it."""
        return float(self.version.vectors.vector(faiss_id) @ vector)

    def units(self, vector: Vectors, n: int) -> Ranking:
        """Chunks ranked by their best-matching unit."""
        return _best_by_chunk(self.version.unit_vectors, self._unit_chunk, vector, n)

    def quotes(self, vector: Vectors, n: int) -> Ranking:
        """Chunks ranked by their best unit's shown text: the line alone, without its heading path."""
        return _best_by_chunk(self.version.quote_vectors, self._quote_chunk, vector, n)

    def quote_vector(self, unit_id: str) -> Vectors | None:
        """The vector the index stored for a unit's shown text (quote ranking), if any."""
        faiss_id = self._quote_id.get(unit_id)
        store = self.version.quote_vectors
        return None if faiss_id is None or store is None else store.vector(faiss_id)


def _best_by_chunk(store: VectorStore | None, chunk_of: dict[int, int], vector: Vectors, n: int) -> Ranking:
    """The first n chunks by their best-scoring unit in a store of units, best first."""
    if store is None or not chunk_of:
        return []
    best: dict[int, float] = {}
    for unit_id, score in store.search(vector, UNIT_CANDIDATES):
        chunk = chunk_of.get(unit_id)
        if chunk is not None and chunk not in best:
            best[chunk] = score
            if len(best) == n:
                break
    return list(best.items())
