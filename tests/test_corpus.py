"""Ingestion of the five real articles: metadata, boilerplate, no lost text, bad files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from advisor.chunking import chunk_document
from advisor.corpus import Document, Skipped, load_corpus, parse_document, read_source, scan_corpus
from advisor.dates import find_date

from .conftest import CORPUS


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    docs, skipped = load_corpus(CORPUS)
    assert skipped == []
    return {d.doc_id: d for d in docs}


@pytest.mark.parametrize(
    ("doc_id", "title", "author", "date"),
    [
        (
            "citadel-cloud-ai-ml-engineer-roadmap-2026",
            "How to Become an AI/ML Engineer in 2026: The Complete Career Roadmap",
            "Kenny Ogunlowo",
            "2026-05-26",
        ),
        (
            "aieducademy-ai-career-paths-2026",
            "AI Career Paths in 2026: Which Role Is Right for You?",
            "Ramesh Reddy Adutla",
            "2026-03-11",
        ),
        (
            "classpedia-become-ai-ml-engineer-2026",
            "How to Become an AI and Machine Learning Engineer in 2026",
            "Ryan Mitchell",
            "2026-05-20",
        ),
        (
            "jobcannon-ai-ml-career-path-2026",
            "AI and Machine Learning Career Path: 2026 Complete Roadmap",
            "JobCannon Team",
            "2026-03-23",
        ),
        # No front matter, no byline: the title comes from the file name, the rest stays null.
        ("ai-ml-engineer-roadmap-2026", "AI ML Engineer Roadmap 2026", None, None),
    ],
)
def test_metadata_of_each_article(
    documents: dict[str, Document], doc_id: str, title: str, author: str | None, date: str | None
) -> None:
    doc = documents[doc_id]
    assert (doc.title, doc.author, doc.date) == (title, author, date)
    assert doc.source == f"corpus/{Path(doc.source).name}"


# Navigation, menus, bylines, share bars and calls to action seen in the raw articles.
BOILERPLATE = [
    "Skip to main content",
    "Begin bij nul",
    "Neuraal netwerk speeltuin",
    "Laatste artikelen over AI",
    "AI-onderwijs toegankelijk",
    "Ga naar het lab",
    "Alle programma's bekijken",
    "Koop een koffie",
    "MIT-licentie",
    "nav.faq",
    "Bijdragen",
    "ShareXLinkedInReddit",
    "Gepubliceerd op",
    "leestijd",
    "← ← Blog",
    "Found this useful?",
    "Related articles",
    "Machine Learning Without Coding: 7 Tools",
    "Start AI Seeds",
    "Start with AI Seeds",
    "Ready to learn AI properly",
    "You don't need to write a single line of code",
    "Confused by AI, machine learning, and deep learning",
    "A complete, honest roadmap for learning AI from zero",
    "Explore our AI career programmes",
    "Default Author",
    "Content Creator",
    "All Articles",
    "11:06 AM",
    "View all posts",
    "Table of Content",
    "Try Classpedia",
    "Explore Courses",
    "Unlock advanced learning tools",
    "at JobCannon's Career Explorer",
    "at JobCannon's Skills Database",
    "JobCannon's Learning Path",
    "Take the free test",
    "Find Your AI Career Fit",
    "Career Match Test",
    "RIASEC Assessment —",
    "Big Five Test —",
    "Ready to discover your ideal career match",
    "free assessments",
    "Take the Next Step",
    "collection at Citadel Cloud",
    "14 min read",
    "slug:",
    "internal_links",
]


def test_no_chunk_contains_navigation_or_calls_to_action(documents: dict[str, Document]) -> None:
    for doc in documents.values():
        for chunk in chunk_document(doc):
            for phrase in BOILERPLATE:
                assert phrase.lower() not in chunk.text.lower(), (phrase, doc.doc_id)


def _sentences(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if len(s.split()) >= 3]


def test_no_article_text_is_lost(documents: dict[str, Document]) -> None:
    """Every sentence of every substantial raw line (8+ words) that is not chrome is in a chunk."""
    for doc in documents.values():
        raw = (CORPUS / Path(doc.source).name).read_text()
        raw = re.split(r"\n(?:Found this useful\?|Related articles)\n", raw)[0]  # site, not article
        chunk_text = doc.title + " " + " ".join(f"{c.section} {c.text}" for c in chunk_document(doc))
        checked = 0
        for line in raw.splitlines():
            line = line.strip()
            if len(line.split()) < 8 or any(p.lower() in line.lower() for p in BOILERPLATE):
                continue
            if re.match(r"^[a-z_]+:", line) or "aieducademy.org" in line:
                continue  # front matter keys; the one CTA line
            if line.startswith(("At AI Educademy", "Start building in-demand", "Start your AI career")):
                continue  # promotion, dropped on purpose
            if line.startswith("Ryan writes about"):
                continue  # the author box
            for sentence in _sentences(line.lstrip("-•0123456789. ")):
                assert sentence in chunk_text, (doc.doc_id, sentence)
                checked += 1
        assert checked > 20, doc.doc_id


def test_salary_table_rows_stay_whole_with_their_header(documents: dict[str, Document]) -> None:
    rows = {
        "citadel-cloud-ai-ml-engineer-roadmap-2026": (
            "| Role | Experience Level | US Compensation (Total) |",
            [
                "| ML Engineer | Entry (0–2 years) | $110,000–$145,000 |",
                "| Principal / Distinguished | Principal | $380,000–$600,000+ |",
            ],
        ),
        "jobcannon-ai-ml-career-path-2026": (
            "Role | United States | United Kingdom | Remote",  # separators lost in the save, restored
            [
                "Junior ML Engineer (0-2 years)$100,000 – $130,000£45,000 – £65,000$80,000 – $115,000",
                "Head of AI / ML Director$250,000 – $450,000+£120,000 – £200,000+$220,000 – $400,000+",
            ],
        ),
    }
    for doc_id, (header, expected) in rows.items():
        doc = documents[doc_id]
        table_rows = [b.text for b in doc.blocks if b.kind == "row"]
        assert all(row in table_rows for row in expected)
        for chunk in chunk_document(doc):
            lines = chunk.text.splitlines()
            for row in table_rows:
                if row in chunk.text:
                    assert row in lines, "a row is cut"
                    assert header in lines, "a row chunk without its header"


def test_truncated_table_leaves_no_debris(documents: dict[str, Document]) -> None:
    doc = documents["citadel-cloud-ai-ml-engineer-roadmap-2026"]
    assert doc.blocks[-1].text == "| Principal / Distinguished | Principal | $380,000–$600,000+ |"
    assert not any(set(b.text) <= set("|-: ") for b in doc.blocks)


def test_code_comment_in_markdown_is_not_a_heading(documents: dict[str, Document]) -> None:
    doc = documents["citadel-cloud-ai-ml-engineer-roadmap-2026"]
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert "Define a simple feedforward network" not in headings
    assert any("# Define a simple feedforward network" in b.text for b in doc.blocks if b.kind == "code")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 23, 2026", "2026-03-23"),
        ("|March 23, 2026|14 min read", "2026-03-23"),
        ("20-May-2026", "2026-05-20"),
        ("Gepubliceerd op 11 maart 2026•Ramesh Reddy Adutla", "2026-03-11"),
        ('date: "2026-05-26"', "2026-05-26"),
        ("2026-02-30", None),
        ("in 2026", None),
    ],
)
def test_dates_are_normalised(text: str, expected: str | None) -> None:
    assert find_date(text) == expected


def test_html_article_metadata_and_chrome() -> None:
    html = """<html><head><title>Data Engineer Careers</title>
    <meta name="author" content="Ada Lovelace">
    <meta property="article:published_time" content="2026-04-02T09:00:00Z"></head>
    <body><nav><a href="/">Home</a><a href="/blog">Blog</a></nav>
    <article><h1>Data Engineer Careers</h1><p>Data engineers build the pipelines that feed models.</p>
    <h2>Skills</h2><ul><li>SQL and Spark</li><li>Airflow</li></ul>
    <table><tr><th>Level</th><th>Salary</th></tr><tr><td>Junior</td><td>$90,000</td></tr></table>
    </article><footer>© 2026 Example Inc. Privacy policy</footer><script>track()</script></body></html>"""
    doc = parse_document(html, "corpus/data-engineer.html")
    assert (doc.title, doc.author, doc.date) == (
        "Data Engineer Careers",
        "Ada Lovelace",
        "2026-04-02",
    )
    text = doc.text
    assert "pipelines that feed models" in text and "- Airflow" in text
    assert "| Junior | $90,000 |" in text
    for chrome in ("Home", "Privacy policy", "track()"):
        assert chrome not in text


def test_fenced_front_matter() -> None:
    text = "---\ntitle: 'Prompt Engineering Jobs'\nauthor: Grace Hopper\ndate: 2026-01-15\n---\n# Prompt Engineering Jobs\n\nPrompt engineers design prompts.\n"
    doc = parse_document(text, "corpus/prompt.md")
    assert (doc.title, doc.author, doc.date) == (
        "Prompt Engineering Jobs",
        "Grace Hopper",
        "2026-01-15",
    )
    assert doc.text == "Prompt engineers design prompts."


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\nMLOps engineers keep models healthy in production.\n")
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "latin1.txt").write_bytes("Salaris: 50.000 pond, caf\xe9".encode("latin-1"))
    (corpus / "huge.md").write_text("word " * 1_100_000)  # 5.5 MB
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET outside the corpus")
    (corpus / "link.txt").symlink_to(secret)
    (corpus / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    (corpus / "notes.pdf").write_bytes(b"%PDF")  # not an article type: ignored silently

    docs, skipped = load_corpus(corpus)
    assert [d.source for d in docs] == ["corpus/good.md"]
    reasons = {s.source: s.reason for s in skipped}
    assert reasons == {
        "corpus/binary.txt": "binary file, not text",
        "corpus/empty.txt": "empty file",
        "corpus/huge.md": "larger than 2 MB",
        "corpus/latin1.txt": "not valid UTF-8 (byte 25)",
        "corpus/link.txt": "symbolic link, not followed",
        "corpus/linked-dir": "symbolic link, not followed",
    }
    assert all("\n" not in str(s) for s in skipped)
    assert "TOP SECRET" not in " ".join(d.text for d in docs)


def test_file_that_disappears_mid_run_is_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nFirst article text here.\n")
    (corpus / "b.md").write_text("# B\n\nSecond article text here.\n")
    paths = [p for p in scan_corpus(corpus) if not isinstance(p, Skipped)]
    os.remove(paths[0])
    assert read_source(corpus.resolve(), paths[0]) == Skipped("corpus/a.md", "disappeared while indexing")
    assert isinstance(read_source(corpus.resolve(), paths[1]), str)


def test_dotdot_path_outside_the_corpus_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "outside.md").write_text("# Outside\n\nShould never be read.\n")
    result = read_source(corpus.resolve(), corpus / ".." / "outside.md")
    assert isinstance(result, Skipped) and result.reason == "outside the corpus folder"
