"""The ANSWER record's optional structure: kind, table, steps and chart, as JSON and markdown."""

from __future__ import annotations

import json

from advisor.answer.models import Answer, ChartBar, Step, Table


def test_plain_answer_keeps_the_old_shape_with_empty_structure() -> None:
    data = Answer("Yes. [1]", [], False, "extractive").to_json()
    assert data["answer"] == "Yes. [1]" and data["refused"] is False
    assert data["kind"] is None and data["table"] is None and data["steps"] is None and data["chart"] is None
    assert data["suggestions"] == []


def test_structure_serialises_to_the_documented_json() -> None:
    answer = Answer(
        "text",
        [],
        False,
        "extractive",
        kind="comparison",
        table=Table("Pay", ("Role", "US"), (("Data engineer", "$100,000–$140,000 [1]"),)),
        steps=[Step("Month 1", "Learn SQL.", 2)],
        chart=[ChartBar("Entry level, US", 100000, 145000, "$", 1)],
    )
    data = json.loads(json.dumps(answer.to_json()))
    assert data["table"] == {
        "caption": "Pay",
        "columns": ["Role", "US"],
        "rows": [["Data engineer", "$100,000–$140,000 [1]"]],
    }
    assert data["steps"] == [{"label": "Month 1", "text": "Learn SQL.", "citation": 2}]
    assert data["chart"] == [
        {"label": "Entry level, US", "low": 100000, "high": 145000, "currency": "$", "citation": 1}
    ]


def test_table_reads_as_markdown_and_escapes_pipes() -> None:
    table = Table(None, ("Role", "Pay"), (("A | B", "$1 [1]"),))
    assert table.markdown().splitlines() == ["| Role | Pay |", "| --- | --- |", "| A \\| B | $1 [1] |"]
