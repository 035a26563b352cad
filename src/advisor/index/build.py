"""Build or update the index: corpus -> chunks -> vectors -> a new store version.

Only new and changed documents are embedded; a re-index with nothing to do loads no model.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from advisor.corpus.chunking import Chunk, chunk_document, context_text
from advisor.corpus.flags import flag_passages
from advisor.corpus.salaries import SalaryRow, salary_rows
from advisor.corpus.units import Unit, document_units, quote_text, unit_embedding_text, unit_faiss_id
from advisor.embedding import Embedder
from advisor.index.store import (
    DocRecord,
    IndexKind,
    IndexNotFound,
    IndexUnusable,
    IndexVersion,
    chunk_faiss_id,
    load_index,
    save_index,
    unit_index_kind,
    writer_lock,
)
from advisor.index.vectors import VectorStore
from advisor.ingest import Document, Skipped, load_corpus

__all__ = ["EmbedderFactory", "IndexReport", "build_index"]

EmbedderFactory = Callable[[], Embedder]


@dataclass
class IndexReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    documents: int = 0
    chunks: int = 0
    seconds: float = 0.0
    embedded: int = 0  # chunk texts sent to the embedder
    units_embedded: int = 0  # unit texts sent to the embedder (for retrieval and for quote ranking)
    version: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    flagged: list[dict[str, str]] = field(default_factory=list)  # passages kept out of answers (flags.py)
    warnings: list[dict[str, str]] = field(default_factory=list)  # what ingest could not read, per article

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "documents": self.documents,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "embedded": self.embedded,
            "units_embedded": self.units_embedded,
            "version": self.version,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "flagged": self.flagged,
            "warnings": self.warnings,
        }


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder_factory: EmbedderFactory,
    *,
    model_name: str,
    full: bool = False,
    kind: IndexKind = "flat",
    progress: bool = False,
) -> IndexReport:
    """Bring the index in line with the corpus; a new version only when something changed.

    progress: on a terminal, a bar for each step that runs the model (loading it, then the
    chunks, units and quotes embedded); nothing is printed when stderr is not a terminal.
    """
    started = time.perf_counter()
    with writer_lock(index_dir):
        documents, skipped = load_corpus(corpus_dir)
        previous = None if full else _previous(index_dir, model_name)
        report = IndexReport(skipped=skipped)
        old_docs = previous.documents if previous else {}
        # A file that is still there but unreadable today keeps its last good version.
        unreadable = {s.source for s in skipped if s.reason != "disappeared while indexing"}
        kept_as_is = {d.doc_id for d in old_docs.values() if d.source in unreadable}
        current = {d.doc_id: d for d in documents}

        new_chunks = {doc.doc_id: chunk_document(doc) for doc in documents}
        salaries = {doc.doc_id: salary_rows(doc) for doc in documents}
        fingerprints = {
            d.doc_id: _fingerprint(d, new_chunks[d.doc_id], salaries[d.doc_id]) for d in documents
        }
        to_embed: list[Document] = []
        for doc in documents:
            old = old_docs.get(doc.doc_id)
            if old is None:
                report.added += 1
                to_embed.append(doc)
            elif old.content_hash != fingerprints[doc.doc_id]:
                report.changed += 1
                to_embed.append(doc)
            else:
                report.unchanged += 1
        gone = [d for d in old_docs if d not in current and d not in kept_as_is]
        report.removed = len(gone)
        report.unchanged += len(kept_as_is)

        nothing_changed = not to_embed and not gone
        if previous is not None and nothing_changed and previous.kind == kind and previous.has_units:
            report.documents, report.chunks = len(old_docs), previous.chunk_count
            report.version = previous.name
            report.flagged = _flagged(previous.chunks.values(), old_docs)
            report.warnings = _warnings(old_docs)
            report.seconds = time.perf_counter() - started
            return report

        texts = [
            context_text(doc.title, chunk.section, chunk.text)
            for doc in to_embed
            for chunk in new_chunks[doc.doc_id]
        ]
        model = _Model(embedder_factory, progress)
        embedder = model.get() if texts or previous is None else None
        vectors = embedder.embed(texts, progress=_label("chunks", progress)) if embedder else np.zeros((0, 0))
        report.embedded = len(texts)
        dim = embedder.dim if embedder else previous.dim  # type: ignore[union-attr]

        chunks, records = _merge(previous, old_docs, gone, to_embed, new_chunks, fingerprints)
        ids, all_vectors = _vectors(previous, chunks, to_embed, new_chunks, vectors, dim)
        chunk_vectors = VectorStore.of(kind, dim, ids, all_vectors)
        facts = [row for d in records for row in salaries.get(d, [])]
        if previous is not None:  # articles kept as they were keep their facts too
            facts += [row for row in previous.salaries if row.doc_id in kept_as_is]
        units = _units(previous, records, kept_as_is, current, new_chunks)
        old_units = _stored(previous.unit_vectors if previous is not None else None)
        unit_kind = unit_index_kind(kind, len(units))
        unit_vectors, embedded = _unit_vectors(
            old_units, units, unit_embedding_text, unit_kind, dim, model, _label("units", progress)
        )
        old_quotes = _stored(previous.quote_vectors if previous is not None else None)
        # searched too (score fusion's second view of each line), so as large as the unit index
        quote_vectors, quoted = _unit_vectors(
            old_quotes, units, quote_text, unit_kind, dim, model, _label("quotes", progress)
        )
        report.units_embedded = embedded + quoted
        report.version = save_index(
            index_dir,
            model=model_name,
            dim=dim,
            kind=kind,
            vectors=chunk_vectors,
            chunks=chunks,
            documents=records,
            salaries=facts,
            units=units,
            unit_vectors=unit_vectors,
            quote_vectors=quote_vectors,
        )
        report.documents, report.chunks = len(records), len(chunks)
        report.flagged = _flagged(chunks.values(), records)
        report.warnings = _warnings(records)
        report.seconds = time.perf_counter() - started
        return report


def _label(step: str, progress: bool) -> str | None:
    """The name of a step's progress bar (Embedder.embed shows it on a terminal only)."""
    return f"embedding {step}" if progress else None


class _Model:
    """The embedder, loaded at the first need only (a no-op re-index loads no model)."""

    def __init__(self, factory: EmbedderFactory, progress: bool = False) -> None:
        self._factory = factory
        self._progress = progress and sys.stderr.isatty()
        self._embedder: Embedder | None = None

    def get(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self._load()
        return self._embedder

    def _load(self) -> Embedder:
        """The model; on a terminal, a one-step bar while it loads (the first load exports it)."""
        if not self._progress:
            return self._factory()
        from tqdm import tqdm

        bar_format = "{desc}: {n_fmt}/{total_fmt} [{elapsed}]"  # one step: no rate, no bar
        with tqdm(total=1, desc="loading the model", bar_format=bar_format, file=sys.stderr) as bar:
            embedder = self._factory()
            bar.update()
        return embedder


def _unit_vectors(
    previous: tuple[np.ndarray, np.ndarray] | None,
    units: list[Unit],
    text_of: Callable[[Unit], str],
    kind: IndexKind,
    dim: int,
    model: _Model,
    progress: str | None,
) -> tuple[VectorStore, int]:
    """A store of one text of each unit; vectors the previous version holds are copied, not redone."""
    texts = [text_of(u) for u in units]
    ids = np.array([unit_faiss_id(u, t) for u, t in zip(units, texts, strict=True)], dtype=np.int64)
    vectors = np.zeros((len(units), dim), dtype=np.float32)
    known = np.zeros(len(units), dtype=bool)
    if previous is not None and len(ids):
        old_ids, old_vectors = previous
        row = {int(i): n for n, i in enumerate(old_ids)}
        for n, faiss_id in enumerate(ids.tolist()):
            if faiss_id in row:
                vectors[n], known[n] = old_vectors[row[faiss_id]], True
    todo = np.flatnonzero(~known)
    if len(todo):
        vectors[todo] = model.get().embed([texts[n] for n in todo], progress=progress)
    return VectorStore.of(kind, dim, ids, vectors), len(todo)


def _stored(store: VectorStore | None) -> tuple[np.ndarray, np.ndarray] | None:
    return None if store is None else store.stored()


def _flagged(chunks: Iterable[Chunk], records: dict[str, DocRecord]) -> list[dict[str, str]]:
    """What `advisor index` reports: each flagged passage with its article and section."""
    chunks = list(chunks)
    sections = {c.chunk_id: c.section or "" for c in chunks}
    return [
        {"source": records[f.doc_id].source if f.doc_id in records else f.doc_id,
         "section": sections.get(f.chunk_id, ""), **f.to_json()}
        for f in flag_passages(chunks).values()
    ]  # fmt: skip


def _warnings(records: dict[str, DocRecord]) -> list[dict[str, str]]:
    """What `advisor index` reports an article's ingest could not read, one line each."""
    return [
        {"source": r.source, "warning": w}
        for r in sorted(records.values(), key=lambda r: r.source)
        for w in r.warnings
    ]


def _units(
    previous: IndexVersion | None,
    records: dict[str, DocRecord],
    kept_as_is: set[str],
    current: dict[str, Document],
    new_chunks: dict[str, list[Chunk]],
) -> list[Unit]:
    """Units of every document in the new version: rebuilt (pure and cheap) for readable ones."""
    old = [u for u in previous.units if u.doc_id in kept_as_is] if previous is not None else []
    fresh = [
        unit
        for doc_id in records
        if doc_id in current and doc_id not in kept_as_is
        for unit in document_units(current[doc_id], new_chunks[doc_id])
    ]
    return old + fresh


def _fingerprint(document: Document, chunks: list[Chunk], salaries: list[SalaryRow]) -> str:
    """A hash of exactly what is indexed: a better parser or chunker re-embeds what it changed."""
    payload: list[object] = [document.title, document.author, document.date, document.source, document.url,
                             list(document.authors), list(document.warnings)]  # fmt: skip
    payload += [[c.chunk_id, c.section, c.text] for c in chunks]
    payload += [[r.role, r.level, r.region, r.range, r.quote] for r in salaries]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _previous(index_dir: Path, model_name: str) -> IndexVersion | None:
    try:
        previous = load_index(index_dir)
    except IndexNotFound:
        return None
    if previous.model != model_name:
        raise IndexUnusable(
            f"the index was built with {previous.model} but the configured model is "
            f"{model_name}: run `advisor index --full`"
        )
    return previous


def _merge(
    previous: IndexVersion | None,
    old_docs: dict[str, DocRecord],
    gone: list[str],
    to_embed: list[Document],
    new_chunks: dict[str, list[Chunk]],
    fingerprints: dict[str, str],
) -> tuple[dict[int, Chunk], dict[str, DocRecord]]:
    """Chunks and document records of the new version: the old ones that stay, plus the new."""
    replaced = set(gone) | {doc.doc_id for doc in to_embed}
    chunks: dict[int, Chunk] = {}
    if previous is not None:
        chunks = {i: c for i, c in previous.chunks.items() if c.doc_id not in replaced}
    records = {doc_id: r for doc_id, r in old_docs.items() if doc_id not in replaced}
    for doc in to_embed:
        for chunk in new_chunks[doc.doc_id]:
            faiss_id = chunk_faiss_id(chunk.chunk_id)
            if faiss_id in chunks:
                raise IndexUnusable(f"chunk id collision for {chunk.chunk_id}: re-run with --full")
            chunks[faiss_id] = chunk
        records[doc.doc_id] = DocRecord(
            doc_id=doc.doc_id,
            source=doc.source,
            title=doc.title,
            author=doc.author,
            date=doc.date,
            content_hash=fingerprints[doc.doc_id],
            chunk_ids=tuple(c.chunk_id for c in new_chunks[doc.doc_id]),
            url=doc.url,
            authors=doc.authors or ((doc.author,) if doc.author else ()),
            warnings=doc.warnings,
        )
    return chunks, records


def _vectors(
    previous: IndexVersion | None,
    chunks: dict[int, Chunk],
    to_embed: list[Document],
    new_chunks: dict[str, list[Chunk]],
    vectors: np.ndarray,
    dim: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Ids and vectors for the new version: kept ones copied from the old storage, new appended."""
    new_ids = np.array(
        [chunk_faiss_id(c.chunk_id) for doc in to_embed for c in new_chunks[doc.doc_id]],
        dtype=np.int64,
    )
    if previous is None:
        return new_ids, vectors.reshape(-1, dim)
    old_ids, old_vectors = previous.vectors.stored()
    # An edited article keeps the ids of its untouched chunks: those come back as new vectors.
    kept = np.setdiff1d(np.fromiter(chunks.keys(), dtype=np.int64, count=len(chunks)), new_ids)
    keep = np.isin(old_ids, kept)
    return (
        np.concatenate([old_ids[keep], new_ids]),
        np.vstack([old_vectors[keep], vectors.reshape(-1, dim)]),
    )
