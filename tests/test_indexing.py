"""Incremental re-indexing: only new and changed articles are embedded."""

from __future__ import annotations

from pathlib import Path

from advisor.corpus.chunking import chunk_document
from advisor.index.build import IndexReport, build_index
from advisor.index.store import load_index
from advisor.ingest import load_corpus

from .conftest import CountingEmbedder


def _index(corpus: Path, index: Path, embedder: CountingEmbedder | None, full: bool = False) -> IndexReport:
    def factory() -> CountingEmbedder:
        assert embedder is not None, "the embedding model was loaded for a no-op re-index"
        return embedder

    return build_index(corpus, index, factory, model_name="all-MiniLM-L6-v2", full=full)


def test_add_change_delete_and_no_op(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = _index(corpus_copy, index, CountingEmbedder())
    assert (first.added, first.documents) == (5, 5)
    assert first.chunks == first.embedded == load_index(index).chunk_count

    # No change: nothing embedded, no model loaded (the factory would fail), no new version.
    noop = _index(corpus_copy, index, None)
    assert (noop.added, noop.changed, noop.removed, noop.unchanged) == (0, 0, 0, 5)
    assert noop.version == first.version

    # One article changes: only its chunks go to the embedder.
    path = corpus_copy / "classpedia-become-ai-ml-engineer-2026.txt"
    path.write_text(path.read_text().replace("This guide is your structured", "This guide is your updated"))
    embedder = CountingEmbedder()
    changed = _index(corpus_copy, index, embedder)
    assert (changed.changed, changed.unchanged) == (1, 4)
    docs, _ = load_corpus(corpus_copy)
    expected = chunk_document(next(d for d in docs if d.doc_id.startswith("classpedia")))
    # Its chunks, and the units it has: no other article's text is embedded again.
    assert changed.embedded == len(expected)
    assert len(embedder.texts) == changed.embedded + changed.units_embedded
    assert (
        0
        < changed.units_embedded
        <= len([u for u in load_index(index).units if u.doc_id.startswith("classpedia")])
    )
    assert all("Ryan Mitchell" not in t or "Machine Learning Engineer" in t for t in embedder.texts)
    assert any("This guide is your updated" in t for t in embedder.texts)

    # A new article is added, one is removed.
    (corpus_copy / "data-engineer.md").write_text("# Data Engineers\n\nThey build pipelines for ML teams.\n")
    (corpus_copy / "jobcannon-ai-ml-career-path-2026.txt").unlink()
    embedder = CountingEmbedder()
    report = _index(corpus_copy, index, embedder)
    assert (report.added, report.removed, report.unchanged) == (1, 1, 4)
    assert report.embedded == 1 and len(embedder.texts) == 1 + report.units_embedded
    version = load_index(index)
    assert "jobcannon-ai-ml-career-path-2026.txt" not in version.documents
    assert not any(c.doc_id.startswith("jobcannon") for c in version.chunks.values())
    assert version.chunk_count == report.chunks

    # --full embeds everything again.
    embedder = CountingEmbedder()
    full = _index(corpus_copy, index, embedder, full=True)
    assert full.added == 5 and len(embedder.texts) == full.chunks + full.units_embedded
    assert full.units_embedded == 2 * len(load_index(index).units)  # for retrieval and quote ranking


def test_article_that_turns_unreadable_keeps_its_last_good_version(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _index(corpus_copy, index, CountingEmbedder())
    (corpus_copy / "jobcannon-ai-ml-career-path-2026.txt").write_bytes(b"\xff\xfe broken \x00")
    report = _index(corpus_copy, index, None)
    assert report.removed == 0 and report.unchanged == 5
    assert [s.source for s in report.skipped] == ["corpus/jobcannon-ai-ml-career-path-2026.txt"]
    assert "jobcannon-ai-ml-career-path-2026.txt" in load_index(index).documents
