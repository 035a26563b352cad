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


def _rows(text: str, name: str = "pay.md") -> list[tuple[str, str | None, str | None, str]]:
    from advisor.ingest import parse_document

    return [(r.role, r.level, r.region, r.range) for r in salary_rows(parse_document(text, name))]


def test_a_sentence_that_opens_with_a_country_files_its_figure_there_not_in_the_role() -> None:
    text = (
        "# Data Protection Careers\n\n## Pay\n\n"
        "In the Netherlands, data protection officers typically earn between €70,000 and €95,000 a year. "
        "In the United Kingdom Privacy Engineers earn £60,000 to £85,000.\n"
    )
    assert _rows(text) == [
        ("Data Protection Officer", None, "Netherlands", "€70,000 and €95,000"),
        ("Privacy Engineer", None, "UK", "£60,000 to £85,000"),
    ]


def test_a_figure_without_a_place_takes_its_currencys_country() -> None:
    text = (
        "# Becoming a Fleet Analyst\n\n## Salaries\n\n"
        "| Role | Experience | Annual CTC (startups) | Annual CTC (enterprise) |\n|---|---|---|---|\n"
        "| Fleet Analyst | 0–2 years | ₹4 – 7 LPA | ₹6 – 10 LPA |\n\n"
        "Experienced fleet analysts at large operators usually land between ₹14 lakh and ₹22 lakh a year.\n"
    )
    assert _rows(text) == [
        ("Fleet Analyst", "0–2 years", "India", "₹4 – 7 LPA"),
        ("Fleet Analyst", "0–2 years", "India", "₹6 – 10 LPA"),
        ("Fleet Analyst", None, "India", "₹14 lakh and ₹22 lakh"),
    ]


def test_a_table_of_cities_by_level_prices_the_role_its_heading_names() -> None:
    text = (
        "# Port Jobs in Nigeria\n\n## What crane operators earn\n\n"
        "| City | Junior (0–2 yrs) | Senior (6+ yrs) |\n|---|---|---|\n"
        "| Lagos | ₦4M – ₦7M | ₦9M – ₦14M |\n| Port Harcourt | ₦3M – ₦5M | ₦7M – ₦11M |\n"
    )
    rows = _rows(text)
    assert rows[:2] == [
        ("Crane Operator", "Junior (0–2 yrs)", "Lagos", "₦4M – ₦7M"),
        ("Crane Operator", "Senior (6+ yrs)", "Lagos", "₦9M – ₦14M"),
    ]
    assert {r[2] for r in rows[2:]} == {"Port Harcourt"}  # a city the data does not know, under "City"


def test_a_row_naming_only_a_level_belongs_to_the_role_above_and_yearly_figures_win() -> None:
    text = (
        "# Harbour Pilots in Norway\n\n## Pay\n\n"
        "| Level | Monthly | Annual |\n|---|---|---|\n"
        "| Junior pilot | NOK 50,000 – 55,000 | NOK 600,000 – 660,000 |\n"
        "| Senior / lead | NOK 70,000 – 80,000 | NOK 840,000 – 960,000 |\n"
    )
    assert _rows(text) == [
        ("Harbour Pilot", "Junior pilot", "Norway", "NOK 600,000 – 660,000"),
        ("Harbour Pilot", "Senior / lead", "Norway", "NOK 840,000 – 960,000"),
    ]


def test_bonuses_day_rates_and_company_sizes_are_no_salary() -> None:
    text = (
        "# Cloud Security Pay\n\n## Pay\n\n"
        "Recruiters say cloud security engineers at banks with $5 billion to $50 billion in assets earn between "
        "$145,000 and $185,000, with signing bonuses of $15,000 to $25,000. Contractors charge $800 to $1,100 a day.\n"
    )
    assert _rows(text) == [("Cloud Security Engineer", None, None, "$145,000 and $185,000")]
