"""Suggested questions read as a user would type them, for any corpus's headings and regions."""

from __future__ import annotations

from advisor.answer.suggestions import candidates
from advisor.corpus.salaries import SalaryRow
from advisor.corpus.vocabulary import Vocabulary


def _row(region: str) -> SalaryRow:
    return SalaryRow("Detection Engineer", None, region, "$90,000 – $120,000", "a.md", "a.md", None,
                     f"{region}: $90,000 – $120,000")  # fmt: skip


def test_suggestions_read_as_questions() -> None:
    vocabulary = Vocabulary(
        roles=("Detection Engineer",),
        headings=(
            "Introduction: Why Cloud Security",
            "Frequently Asked Questions",
            "How to Choose Your Path",
            "The Skills That Matter in AI",
            "Detection Engineer",
            "Incident Response Runbooks",
        ),
    )
    texts = [c.text for c in candidates(vocabulary, [_row("Remote"), _row("US")])]
    assert "What does a Detection Engineer earn working remotely?" in texts  # not "earn in Remote?"
    assert "What does a Detection Engineer earn in the US?" in texts
    assert "What do the articles say about how to choose your path?" in texts
    assert "What do the articles say about the skills that matter in AI?" in texts
    assert "What do the articles say about Incident Response Runbooks?" in texts
    about = [t for t in texts if t.startswith("What do the articles say about")]
    # A document's parts and a role's own section are not topics to ask about.
    assert not any(w in t for t in about for w in ("Introduction", "Frequently", "Detection Engineer")), about
