"""Query -> ranked Hit list: dense and keyword search over one index version, fused by score."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from advisor.config import Settings
from advisor.corpus.chunking import context_text
from advisor.corpus.flags import PassageGate
from advisor.embedding import Embedder, Vectors, load_embedder
from advisor.index.store import IndexVersion, load_index
from advisor.retrieval.dense import DenseRetriever, Ranking
from advisor.retrieval.expansion import WordVectors, load_word_vectors
from advisor.retrieval.fusion import FusionWeights, fuse_ranks, fuse_scores
from advisor.retrieval.hits import Hit, calibrated
from advisor.retrieval.keyword import KeywordRetriever
from advisor.text.spelling import Correction, Speller

__all__ = ["Correction", "Mode", "RetrievalOptions", "Retriever", "open_retriever"]

Mode = Literal["hybrid", "dense", "bm25"]
CANDIDATES = 50  # from each retriever, before fusion


@dataclass(frozen=True)
class RetrievalOptions:
    """The parts of hybrid search, each switchable so eval/retrieval.py can measure what it adds."""

    spelling: bool = True  # misspelled query words corrected to corpus words before searching
    unit_fusion: bool = True  # chunks ranked by their best unit, fused as a third list
    quote_evidence: bool = True  # score fusion also reads each unit's shown text (FusionWeights.quote)
    derived_thesaurus: bool = True  # for a word no article uses, the nearest article word too
    thesaurus: bool = True  # the keyword side also searches the hand-written synonyms (0.1.0's)
    score_fusion: bool = True  # every rank by score fusion; off: reciprocal rank fusion

    @classmethod
    def only(cls, **on: bool) -> RetrievalOptions:
        """Every part off except those named."""
        return cls(**{name: name in on and on[name] for name in cls.__dataclass_fields__})


class Retriever:
    """Hybrid search over one index version; build a new Retriever when the version changes."""

    def __init__(
        self,
        version: IndexVersion,
        embedder: Embedder,
        options: RetrievalOptions | None = None,
        *,
        allow_flagged: bool = False,
        words: WordVectors | None = None,
        weights: FusionWeights | None = None,
    ) -> None:
        """words: the model's vectors of English words (expansion.load_word_vectors), for the
        derived thesaurus; without them it is off. weights: score fusion's (FusionWeights)."""
        self.version = version
        self.embedder = embedder
        self.words = words
        self.options = options or RetrievalOptions()
        self.weights = weights or FusionWeights()
        # passages that read as instructions to a model stay out of results and answers
        # (corpus/flags.py); the answer side asks the same gate (answer/sources.py)
        self.gate = PassageGate.of(version.chunks.values(), allow_flagged)
        self._text_keys: dict[int, int] = {}  # faiss id -> hash of its chunk's words (see _hits)
        ids = list(version.chunks)
        texts = [self._context(i) for i in ids]
        self.speller = Speller(texts)
        self.dense = DenseRetriever(version)
        self.keyword = KeywordRetriever(
            ids, texts, words=words, topic_words=self.speller.counts,
            thesaurus=self.options.thesaurus, derived_thesaurus=self.options.derived_thesaurus,
        )  # fmt: skip

    def _context(self, faiss_id: int) -> str:
        chunk = self.version.chunks[faiss_id]
        return context_text(self.version.documents[chunk.doc_id].title, chunk.section, chunk.text)

    def correct(self, text: str) -> Correction:
        """The text with misspelled words corrected to the articles' words (real words kept)."""
        return self.speller.correct(text)

    def unknown_share(self, query: str) -> float:
        """The share of the query's topic words that no article uses (KeywordRetriever.unknown_share)."""
        return self.keyword.unknown_share(query)

    def quote_vector(self, unit_id: str) -> Vectors | None:
        return self.dense.quote_vector(unit_id)

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid", *, spelled: bool = False) -> list[Hit]:
        """The k best chunks for a query, duplicates and flagged passages removed, best first.

        spelled: the query is already corrected (a turn corrects its question once)."""
        if not self.version.chunks or not query.strip():
            return []
        if self.options.spelling and not spelled:
            query = self.speller.correct(query).text
        pending = self.embedder.submit_query(query)  # encoded while the keyword search runs
        n = min(CANDIDATES, len(self.version.chunks))
        keyword = [] if mode == "dense" else self.keyword.search(query, n)
        vector = pending.result()
        dense = [] if mode == "bm25" else self.dense.chunks(vector, n)
        with_units = mode == "hybrid" and self.options.unit_fusion and self.dense.has_units
        units = self.dense.units(vector, n) if with_units else []
        with_quotes = self.options.score_fusion and self.options.quote_evidence and self.dense.has_quotes
        quotes = self.dense.quotes(vector, n) if with_quotes and units else []
        ranked: Ranking
        if mode == "dense":
            ranked = dense
        elif mode == "bm25":
            top = keyword[0][1] if keyword else 1.0
            ranked = [(i, s / top) for i, s in keyword]
        elif self.options.score_fusion:
            ranked = fuse_scores(
                self.weights, dense, keyword, units, quotes, lambda i: self.dense.cosine(i, vector)
            )
        else:
            ranked = fuse_ranks(dense, keyword, units)
        return self._hits(ranked, vector, k, query, dict(units), dict(dense))

    def _hits(
        self,
        ranked: Ranking,
        vector: Vectors,
        k: int,
        query: str,
        unit_best: dict[int, float],
        cosines: dict[int, float],
    ) -> list[Hit]:
        """Hits of the ranked chunks; `cosines` holds the query's similarity to chunks dense search saw."""
        hits: list[Hit] = []
        seen: set[int] = set()
        for faiss_id, score in ranked:
            chunk = self.version.chunks[faiss_id]
            key = self._text_keys.get(faiss_id)
            if key is None:  # passages of the same text are one hit; found once per chunk
                key = self._text_keys[faiss_id] = hash(re.sub(r"\W+", " ", chunk.text).strip().lower())
            if key in seen or not self.gate.admits(chunk.chunk_id):
                continue
            seen.add(key)
            doc = self.version.documents[chunk.doc_id]
            similarity = cosines.get(faiss_id)
            if similarity is None:
                similarity = self.dense.cosine(faiss_id, vector)
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    score=round(score, 4),
                    doc_id=chunk.doc_id,
                    chunk_id=chunk.chunk_id,
                    title=doc.title,
                    author=doc.author,
                    date=doc.date,
                    source=doc.source,
                    section=chunk.section,
                    text=chunk.text,
                    similarity=round(similarity, 4),
                    query=query,
                    relevance=round(calibrated(max(similarity, unit_best.get(faiss_id, -1.0))), 4),
                    url=doc.url,
                    flagged=self.gate.marked(chunk.chunk_id),
                )
            )
            if len(hits) == k:
                break
        return hits


def open_retriever(settings: Settings, embedder: Embedder | None = None) -> Retriever:
    """Load the model (unless given) and the current index, checking that they belong together."""
    embedder = embedder or load_embedder(settings)
    version = load_index(settings.index_dir, model=embedder.name, dim=embedder.dim)
    words = load_word_vectors(embedder, settings.encoder_cache_dir()) if settings.word_expansion else None
    return Retriever(version, embedder, allow_flagged=settings.allow_flagged, words=words)
