"""Salary facts parsed from the articles' tables and salary lists."""

from __future__ import annotations

import pytest

from advisor.corpus.chunking import chunk_document
from advisor.corpus.salaries import SalaryRow, salary_rows
from advisor.ingest import Document, load_corpus

from .conftest import CORPUS


@pytest.fixture(scope="module")
def rows_by_doc() -> dict[str, tuple[Document, list[SalaryRow]]]:
    docs, _ = load_corpus(CORPUS)
    return {d.doc_id: (d, salary_rows(d)) for d in docs}


def find(rows: list[SalaryRow], role: str, region: str | None) -> list[SalaryRow]:
    return [r for r in rows if r.role == role and r.region == region]


def test_role_by_level_table(rows_by_doc: dict[str, tuple[Document, list[SalaryRow]]]) -> None:
    _, rows = rows_by_doc["citadel-cloud-ai-ml-engineer-roadmap-2026.md"]
    assert len(rows) == 5
    [staff] = find(rows, "Staff ML Engineer", "US")
    assert (staff.level, staff.range, staff.date) == (
        "Staff (8+ years)",
        "$270,000–$380,000+",
        "2026-05-26",
    )


def test_table_with_lost_separators_gets_one_row_per_region(
    rows_by_doc: dict[str, tuple[Document, list[SalaryRow]]],
) -> None:
    _, rows = rows_by_doc["jobcannon-ai-ml-career-path-2026.txt"]
    assert len(rows) == 18  # 6 roles x US, UK, Remote
    [junior_uk] = find(rows, "Junior ML Engineer", "UK")
    assert (junior_uk.level, junior_uk.range) == ("0-2 years", "£45,000 – £65,000")
    [genai] = find(rows, "AI Engineer (LLM/GenAI)", "Remote")
    assert genai.level is None and genai.range == "$110,000 – $190,000"


def test_salary_lists_under_role_sections(
    rows_by_doc: dict[str, tuple[Document, list[SalaryRow]]],
) -> None:
    _, rows = rows_by_doc["aieducademy-ai-career-paths-2026.txt"]
    [mlops_uk] = find(rows, "MLOps / AI Infrastructure Engineer", "UK")
    assert mlops_uk.range == "£70,000 – £140,000"
    [hubs] = find(rows, "Machine Learning Engineer", "Global tech hubs")
    assert hubs.range == "€70,000 – €160,000"
    assert not rows_by_doc["ai-ml-engineer-roadmap-2026.txt"][1]  # no salary figures there


def test_every_row_quotes_its_chunk_verbatim(
    rows_by_doc: dict[str, tuple[Document, list[SalaryRow]]],
) -> None:
    for document, rows in rows_by_doc.values():
        lines = {line for c in chunk_document(document) for line in c.text.splitlines()}
        for row in rows:
            assert any(row.quote in line for line in lines)
            assert row.range in row.quote  # the figure is never rewritten


def test_a_role_written_in_lower_case_in_a_sentence() -> None:
    """Found by a newcomer: "entry-level computer vision engineers typically earn ..." gave no
    row, and the answer said no article gives that salary while quoting the sentence."""
    from advisor.ingest import parse_document

    text = (
        "# Becoming a Computer Vision Engineer\n\n## Pay\n\n"
        "In the United States, entry-level computer vision engineers typically earn between "
        "$105,000 and $135,000 in base salary. Most engineers also receive equity.\n"
    )
    rows = salary_rows(parse_document(text, "cv.md"))
    assert [(r.role, r.level, r.region, r.range) for r in rows] == [
        ("Computer Vision Engineer", "entry", "US", "$105,000 and $135,000")
    ]
