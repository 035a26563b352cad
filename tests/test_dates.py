"""ingest/dates.py: a publication date found in free text, normalised to YYYY-MM-DD."""

from __future__ import annotations

import pytest

from advisor.ingest import find_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 23, 2026", "2026-03-23"),
        ("|March 23, 2026|14 min read", "2026-03-23"),
        ("Sept. 3 2025", "2025-09-03"),
        ("20-May-2026", "2026-05-20"),
        ("Gepubliceerd op 11 maart 2026•Ramesh Reddy Adutla", "2026-03-11"),
        ("Publié le 2 février 2026", "2026-02-02"),
        ("3 de julio de 2025", None),  # "de" between the parts is not a date shape it knows
        ('date: "2026-05-26"', "2026-05-26"),
        ("2026-05-26T10:00:00Z", "2026-05-26"),
        ("Updated 2026-04-01, first published 12 January 2026", "2026-04-01"),  # the first one written
        ("2026-02-30", None),  # no such day
        ("in 2026", None),
        ("May the best candidate win in 2026", None),
        ("", None),
    ],
)
def test_dates_are_found_and_normalised(text: str, expected: str | None) -> None:
    assert find_date(text) == expected
