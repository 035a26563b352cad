"""New-article proof: articles the code has never seen are answered with no code change.

tests/data/articles/ holds two articles written for this test by someone who did not read
the code (a data-engineering guide with a salary table, a six-month plan and role lists; a
UX-to-AI article with phases and salaries in prose), and tests/data/new_article_questions.jsonl
their questions with automatic checks. They are indexed together with the real corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from advisor.embedding import Embedder
from advisor.engine import Advisor

from .conftest import advisor_with_articles

DATA = Path(__file__).parent / "data"
QUESTIONS = [json.loads(line) for line in (DATA / "new_article_questions.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder) -> Advisor:
    return advisor_with_articles(
        tmp_path_factory.mktemp("new-articles"), DATA / "articles", real_index, real_embedder
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


@pytest.mark.parametrize("record", QUESTIONS, ids=[q["id"] + "-" + q["kind"] for q in QUESTIONS])
def test_new_article_question(advisor: Advisor, record: dict[str, object]) -> None:
    answer = advisor.ask(str(record["question"]))
    text = _norm(answer.answer)
    checks = record["checks"]
    assert isinstance(checks, dict)
    for alternatives in checks.get("all", []):
        assert any(_norm(a) in text for a in alternatives), (alternatives, answer.answer)
    if "order" in checks:
        at = [text.find(_norm(label)) for label in checks["order"]]
        assert -1 not in at and at == sorted(at), (checks["order"], answer.answer)
        assert answer.steps and [s.label for s in answer.steps][: len(at)] == checks["order"]
    if checks.get("not_covered"):
        assert answer.answer.startswith("None of the articles gives a salary for"), answer.answer
    chunks = {c.chunk_id: c.text for c in advisor.retriever.version.chunks.values()}
    assert all(c.quote in chunks[c.chunk_id] for c in answer.citations)  # verbatim


def test_citations_link_to_the_original_article(advisor: Advisor) -> None:
    answer = advisor.ask("What tools does a data engineer use, according to the data engineering guide?")
    guide = [c for c in answer.citations if c.doc_id == "data-engineering-career-guide.md"]
    assert guide and {c.url for c in guide} == {
        "https://www.pipelinecraft.io/guides/data-engineering-career-guide"
    }
    assert all(c.url is None for c in answer.citations if c.doc_id != "data-engineering-career-guide.md")


def _column(answer_table: object, n: int) -> str:
    rows = getattr(answer_table, "rows", ())
    return " ".join(row[n] for row in rows)


@pytest.mark.parametrize(
    ("question", "left", "right"),
    [
        (
            "What's the difference between an Analytics Engineer and a Data Platform Engineer?",
            "dbt",
            "infrastructure",
        ),
        (
            "How does a Conversation Designer differ from an AI Interaction Designer?",
            "dialogue flows",
            "controls for trust",
        ),
    ],
)
def test_a_difference_question_describes_each_side_apart(
    advisor: Advisor, question: str, left: str, right: str
) -> None:
    answer = advisor.ask(question)
    assert answer.kind == "comparison" and answer.table is not None, answer.answer
    # Each column holds its own side's description, never the other side's.
    assert left in _column(answer.table, 1) and right not in _column(answer.table, 1), answer.answer
    assert right in _column(answer.table, 2) and left not in _column(answer.table, 2), answer.answer


def test_a_hard_wrapped_markdown_article_is_quoted_in_whole_sentences(
    tmp_path: Path, real_index: Path, real_embedder: Embedder
) -> None:
    """An article wrapped at 90 characters, as people write Markdown: its answer quotes the whole
    sentence that runs over three lines, not the piece on one line."""
    from .test_ingest_text import WRAPPED

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "robotics-courses.md").write_text(WRAPPED)
    advisor = advisor_with_articles(tmp_path / "root", articles, real_index, real_embedder)
    answer = advisor.ask("What does the MEC330 course cover?")
    quoted = [c.quote for c in answer.citations if c.doc_id == "robotics-courses.md"]
    assert any(
        "forward and inverse kinematics, Jacobians and trajectory planning, with a lab" in q for q in quoted
    ), answer.answer
