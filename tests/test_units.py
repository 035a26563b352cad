"""Quotable units: verbatim in their chunk, with heading path, context, labels and sequences."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.corpus.chunking import chunk_document
from advisor.corpus.units import Unit, document_units, sequence_label
from advisor.index.build import build_index
from advisor.index.store import load_index
from advisor.ingest import load_corpus, parse_document

from .conftest import CORPUS, CountingEmbedder

ARTICLE = Path(__file__).parent / "articles" / "ux-research-career-guide.md"


def _units_of(path: Path) -> tuple[list[Unit], dict[str, str]]:
    """The units of an article file, and the text of its chunks by id."""
    document = parse_document(path.read_text(), f"corpus/{path.name}")
    chunks = chunk_document(document)
    return document_units(document, chunks), {c.chunk_id: c.text for c in chunks}


def _find(units: list[Unit], start: str) -> Unit:
    return next(u for u in units if u.text.startswith(start))


def test_every_unit_is_verbatim_in_its_chunk_on_the_shipped_corpus() -> None:
    documents, _ = load_corpus(CORPUS)
    for document in documents:
        chunks = {c.chunk_id: c for c in chunk_document(document)}
        units = document_units(document, list(chunks.values()))
        assert len(units) > 20, document.doc_id
        for unit in units:
            assert unit.text and unit.text in chunks[unit.chunk_id].text, unit
            assert unit.section == chunks[unit.chunk_id].section
        assert [u.position for u in units] == list(range(len(units)))
        assert len({u.unit_id for u in units}) == len(units)


def test_units_of_an_unseen_article() -> None:
    units, chunks = _units_of(ARTICLE)
    assert all(u.text in chunks[u.chunk_id] for u in units)

    # A list item carries its lead-in, without its bullet.
    item = _find(units, "Running moderated usability sessions")
    assert (item.kind, item.context) == ("item", "A typical week includes the following tasks:")
    # A table row carries its header row.
    row = _find(units, "| Senior researcher")
    assert row.kind == "row" and row.context is not None and "Germany" in row.context
    # A sentence that refers back carries the sentence it refers to.
    this = _find(units, "This mix of disciplines")
    assert this.context is not None and this.context.startswith("Most teams hire researchers")
    assert _find(units, "Most teams hire researchers").context is None
    # Labelled headings form a sequence; their sentences carry the label, in document order.
    phases = [u for u in units if u.label and u.label.startswith("Phase")]
    assert [u.label for u in phases] == ["Phase 1", "Phase 1", "Phase 2", "Phase 2", "Phase 3"]
    assert len({u.sequence for u in phases}) == 1
    assert phases[0].section == "Phase 1: Learn the Methods"
    # Labelled list items and numbered lists form sequences of their own.
    weeks = [u for u in units if u.label and u.label.startswith("Week")]
    assert [u.label for u in weeks] == ["Week 1-2", "Week 3-6", "Week 7-12"]
    assert weeks[0].text.startswith("Week 1-2: Interview three friends")
    tools = [u for u in units if u.context == "Tools Worth Knowing"]
    assert [u.label for u in tools] == ["1.", "2.", "3.", "4."]
    assert tools[0].text == "Dovetail for tagging interview notes"
    assert len({u.sequence for u in phases + weeks + tools}) == 3
    assert [u.position for u in weeks] == sorted(u.position for u in weeks)
    # Unlabelled prose belongs to no sequence; code is one unit with its lead-in.
    assert _find(units, "UX researchers study").sequence is None
    code = next(u for u in units if u.kind == "code")
    assert code.text.startswith("from collections import Counter")
    assert code.context == "A short script that counts tagged notes:"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Month 1–2: Foundations Learn Python deeply", "Month 1–2"),
        ("1. Months 3-4: Machine learning fundamentals.", "Months 3-4"),
        ("Step 4: LLMs and the Generative Revolution", "Step 4"),
        ("- Phase Two — ship it", "Phase Two"),
        ("3. Learn Python", "3."),
        ("Monthly budgets matter", None),
        ("Stepping stones into data work", None),
        ("2026 is the year of agents", None),
    ],
)
def test_sequence_labels_as_written(text: str, label: str | None) -> None:
    assert sequence_label(text) == label


def test_units_are_stored_with_the_index_and_kept_current(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    build_index(corpus, index, CountingEmbedder, model_name="all-MiniLM-L6-v2")
    first = load_index(index)
    assert first.has_units and {u.doc_id for u in first.units} == set(first.documents)
    assert {u.chunk_id for u in first.units} <= {c.chunk_id for c in first.chunks.values()}

    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    build_index(corpus, index, CountingEmbedder, model_name="all-MiniLM-L6-v2")
    second = load_index(index)
    added = [u for u in second.units if u.doc_id == "ux-research-career-guide.md"]
    assert any(u.label == "Week 3-6" for u in added)
    assert len(second.units) == len(first.units) + len(added)


def test_a_version_written_before_units_loads_and_gets_them_on_the_next_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    build_index(corpus, index, CountingEmbedder, model_name="all-MiniLM-L6-v2")
    name = load_index(index).name
    (index / "versions" / name / "units.jsonl").unlink()
    old = load_index(index)
    assert not old.has_units and old.units == [] and old.chunk_count > 0

    embedder = CountingEmbedder()
    report = build_index(corpus, index, lambda: embedder, model_name="all-MiniLM-L6-v2")
    assert report.version != name and report.unchanged == 5
    assert load_index(index).has_units
