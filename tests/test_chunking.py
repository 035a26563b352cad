"""Structure-aware chunking: sections, whole items, stable ids, and the model's token limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.corpus.chunking import DEFAULT_MAX_TOKENS, approx_tokens, chunk_document, context_text
from advisor.embedding.torch_backend import SentenceTransformerEmbedder
from advisor.ingest import load_corpus, parse_document

from .conftest import CORPUS


def test_chunks_carry_title_and_section_path() -> None:
    docs, _ = load_corpus(CORPUS)
    doc = next(d for d in docs if d.doc_id.startswith("citadel"))
    chunk = next(c for c in chunk_document(doc) if "Python is not optional" in c.text)
    assert (
        chunk.section == "The Foundation Skills: What You Must Have Before Anything Else > Python Proficiency"
    )
    embedded = context_text(doc.title, chunk.section, chunk.text)
    assert embedded.startswith(doc.title + "\n" + chunk.section + "\n")


def test_every_embedded_chunk_fits_the_model(real_embedder: SentenceTransformerEmbedder) -> None:
    docs, _ = load_corpus(CORPUS)
    for doc in docs:
        for chunk in chunk_document(doc):
            tokens = real_embedder.count_tokens(context_text(doc.title, chunk.section, chunk.text))
            assert tokens <= real_embedder.max_tokens, (chunk.chunk_id, tokens)


def test_list_items_are_never_cut_and_lead_in_stays_with_its_list() -> None:
    items = "\n".join(f"- Skill number {i}: a reasonably long description of the skill" for i in range(40))
    doc = parse_document(f"# Skills\n\nSkills needed:\n{items}\n", "corpus/skills.md")
    chunks = chunk_document(doc, max_tokens=80, overlap_tokens=20)
    assert len(chunks) > 3
    for chunk in chunks:
        for line in chunk.text.splitlines():
            assert line == "Skills needed:" or line.startswith("- Skill number")
            assert line.endswith(("skill", ":"))
        assert not chunk.text.endswith("Skills needed:") or chunk is chunks[-1]


def test_long_paragraph_is_cut_between_sentences_with_overlap() -> None:
    sentences = [f"Sentence {i} talks about feature stores and drift." for i in range(60)]
    doc = parse_document("# Notes\n\n" + " ".join(sentences) + "\n", "corpus/notes.md")
    chunks = chunk_document(doc, max_tokens=60, overlap_tokens=30)
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.text.startswith("Sentence ") and chunk.text.endswith("drift.")
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)


def test_chunk_ids_are_stable_and_local_to_their_text(tmp_path: Path) -> None:
    text = "# Roles\n\n## Data Scientist\n\nAnalyses data.\n\n## ML Engineer\n\nShips models.\n"
    first = chunk_document(parse_document(text, "corpus/roles.md"))
    again = chunk_document(parse_document(text, "corpus/roles.md"))
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    edited = text.replace("Ships models.", "Ships and monitors models.")
    changed = chunk_document(parse_document(edited, "corpus/roles.md"))
    assert first[0].chunk_id == changed[0].chunk_id
    assert first[1].chunk_id != changed[1].chunk_id


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_900_000,  # one 1.9 MB "word"
        "word " * 80_000,  # one 400 KB paragraph with no sentence end
        "- " + "item " * 80_000,  # one giant list item
        "| a | " + "b" * 400_000 + " |\n|---|---|\n| " + "c " * 100 + "| d |",  # a giant header cell
    ],
    ids=["single-token", "no-sentence-end", "list-item", "table-header"],
)
def test_no_chunk_exceeds_the_budget_whatever_the_input(text: str) -> None:
    doc = parse_document(text, "corpus/huge.txt")
    chunks = chunk_document(doc)
    assert chunks and all(approx_tokens(c.text) <= DEFAULT_MAX_TOKENS for c in chunks)
    # cut, not rewritten or dropped: each chunk is verbatim text of the article, up to its end
    lines = [line for c in chunks for line in c.text.split("\n")]
    assert all(line in doc.text for line in lines)
    assert sum(map(len, lines)) >= len(doc.text.replace(" ", "")) // 2
    assert doc.text.endswith(lines[-1])


def test_the_budget_counts_a_restated_table_header() -> None:
    header = "| Role | " + " | ".join(f"Region {i}" for i in range(20)) + " |"
    rows = "\n".join(f"| Role {i} | " + " | ".join(f"${i},000" for _ in range(20)) + " |" for i in range(30))
    doc = parse_document(f"# Pay\n\n{header}\n|---|---|\n{rows}\n", "corpus/pay.md")
    chunks = chunk_document(doc)
    assert len(chunks) > 2
    assert all(approx_tokens(c.text) <= DEFAULT_MAX_TOKENS and c.text.startswith(header) for c in chunks)
