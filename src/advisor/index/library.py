"""What an index version holds, article by article, and how fresh each article is.

An article is stale when it is older than the operator's ADVISOR_STALE_AFTER_DAYS, or has
no date at all: its figures may no longer hold. `advisor library` and
`GET /api/admin/library` list these entries; answers use `is_stale` for their citations.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from advisor.corpus.flags import flag_passages
from advisor.index.store import IndexVersion

__all__ = ["DEFAULT_STALE_AFTER_DAYS", "FlaggedPassage", "LibraryEntry", "is_stale", "library", "month_year"]

DEFAULT_STALE_AFTER_DAYS = 548  # a year and a half


def _parse(date: str | None) -> dt.date | None:
    if not date:
        return None
    try:
        return dt.date.fromisoformat(date[:10])
    except ValueError:
        return None


def is_stale(date: str | None, today: dt.date, after_days: int = DEFAULT_STALE_AFTER_DAYS) -> bool:
    """True for an article older than after_days on `today`, or with no (readable) date."""
    published = _parse(date)
    return published is None or (today - published).days > after_days


def month_year(date: str | None) -> str | None:
    """ "2024-03-05" -> "March 2024"; None for no readable date."""
    published = _parse(date)
    return f"{published:%B} {published.year}" if published else None


@dataclass(frozen=True)
class FlaggedPassage:
    section: str | None
    reason: str
    excerpt: str


@dataclass(frozen=True)
class LibraryEntry:
    """One article as the index holds it."""

    doc_id: str
    title: str
    authors: tuple[str, ...]
    date: str | None
    url: str | None
    source: str
    chunks: int
    salary_facts: int
    lists: int  # lists read as lists (items under one lead-in or heading)
    tables: int  # tables read row by row
    plans: int  # labelled or numbered sequences ("Month 1", "Step 2", "1.")
    flagged: tuple[FlaggedPassage, ...]
    warnings: tuple[str, ...]
    stale: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "url": self.url,
            "source": self.source,
            "chunks": self.chunks,
            "salary_facts": self.salary_facts,
            "lists": self.lists,
            "tables": self.tables,
            "plans": self.plans,
            "flagged": len(self.flagged),
            "flagged_passages": [
                {"section": f.section, "reason": f.reason, "excerpt": f.excerpt} for f in self.flagged
            ],
            "warnings": list(self.warnings),
            "stale": self.stale,
        }


def library(version: IndexVersion, today: dt.date, stale_after_days: int) -> list[LibraryEntry]:
    """Every article of the version, newest first (undated ones last), with what was read from it."""
    chunks = list(version.chunks.values())
    sections = {c.chunk_id: c.section for c in chunks}
    flags: dict[str, list[FlaggedPassage]] = {}
    for flag in flag_passages(chunks).values():
        passage = FlaggedPassage(sections.get(flag.chunk_id), flag.reason, flag.excerpt)
        flags.setdefault(flag.doc_id, []).append(passage)
    facts = Counter(row.doc_id for row in version.salaries)
    lists, tables, plans = _groups(version)
    entries = [
        LibraryEntry(
            doc_id=doc.doc_id,
            title=doc.title,
            authors=doc.authors or ((doc.author,) if doc.author else ()),
            date=doc.date,
            url=doc.url,
            source=doc.source,
            chunks=len(doc.chunk_ids),
            salary_facts=facts[doc.doc_id],
            lists=lists[doc.doc_id],
            tables=tables[doc.doc_id],
            plans=plans[doc.doc_id],
            flagged=tuple(flags.get(doc.doc_id, ())),
            warnings=doc.warnings,
            stale=is_stale(doc.date, today, stale_after_days),
        )
        for doc in version.documents.values()
    ]
    entries.sort(key=lambda e: e.title.lower())
    entries.sort(key=lambda e: e.date or "", reverse=True)  # stable: newest first, undated last
    return entries


def _groups(version: IndexVersion) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Per article: its lists (items sharing a lead-in or heading), tables (rows sharing a
    header row and heading) and plans (ordered sequences), counted from its units."""
    lists: set[tuple[str, str | None, str | None]] = set()
    tables: set[tuple[str, str | None, str | None]] = set()
    plans: set[tuple[str, str]] = set()
    for unit in version.units:
        if unit.sequence:
            plans.add((unit.doc_id, unit.sequence))
        elif unit.kind == "item":
            lists.add((unit.doc_id, unit.section, unit.context))
        if unit.kind == "row":
            tables.add((unit.doc_id, unit.section, unit.context))
    return (
        Counter(doc for doc, *_ in lists),
        Counter(doc for doc, *_ in tables),
        Counter(doc for doc, _ in plans),
    )
