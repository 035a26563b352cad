"""Freshness: an article older than ADVISOR_STALE_AFTER_DAYS (or undated) is stale, its
citations say so, and an answer resting on its figures says the date in one line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from advisor.answer.freshness import Freshness, figures_note, has_figure, mark_freshness
from advisor.answer.models import Answer, Citation
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.index.library import is_stale, month_year

from .conftest import advisor_with_articles

TODAY = dt.date.today()
THREE_YEARS_AGO = TODAY.replace(year=TODAY.year - 3, day=min(TODAY.day, 28))

# Written for this test: a field no shipped article prices, dated three years before today.
OLD_ARTICLE = f"""---
title: Careers in Tidal Energy Data
author: Morwenna Pascoe
date: {THREE_YEARS_AGO.isoformat()}
---
# Careers in Tidal Energy Data

Tidal energy farms need people who read turbine telemetry and tide models.

## Salaries

A Tidal Turbine Data Analyst in the UK typically earns between £41,000 and £58,000.
A Senior Tidal Turbine Data Analyst in the UK typically earns between £60,000 and £74,000.

## What the work is

A tidal turbine data analyst cleans telemetry from seabed turbines, flags blade faults
early and forecasts output from tide tables.
"""


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder) -> Advisor:
    root = tmp_path_factory.mktemp("freshness")
    articles = root / "articles"
    articles.mkdir()
    (articles / "tidal-energy-data.md").write_text(OLD_ARTICLE)
    return advisor_with_articles(root, articles, real_index, real_embedder)


def test_staleness_follows_the_setting_and_an_undated_article_is_stale() -> None:
    today = dt.date(2026, 12, 1)
    assert not is_stale("2026-03-01", today, 548)
    assert is_stale("2024-03-01", today, 548)
    assert is_stale("2024-03-01", today, 300) and not is_stale("2024-03-01", today, 2000)
    assert is_stale(None, today) and is_stale("not a date", today)
    assert month_year("2024-03-05") == "March 2024" and month_year(None) is None


def test_figures_are_money_percentages_and_magnitudes_not_labels() -> None:
    for text in ("earns £41,000", "a 35% rise", "$120k", "CA$95,000", "12,000 openings", "3 million jobs"):
        assert has_figure(text), text
    for text in ("Step 4: ship it", "Month 1-2: learn Python", "Read chapter 3"):
        assert not has_figure(text), text


def _citation(n: int, doc: str, date: str | None, quote: str) -> Citation:
    return Citation(n, doc, f"{doc}#{n}", doc.title(), f"corpus/{doc}.md", None, quote, date=date)


def test_the_note_names_every_stale_date_and_says_some_when_fresh_figures_are_cited_too() -> None:
    freshness = Freshness(548, today=lambda: dt.date(2026, 12, 1))
    old = _citation(1, "old", "2024-03-05", "Analysts earn $90,000.")
    older = _citation(2, "older", "2023-06-01", "Analysts earn $80,000.")
    fresh = _citation(3, "fresh", "2026-05-01", "Analysts earn $99,000.")
    undated = _citation(4, "undated", None, "Analysts earn $70,000.")
    words = _citation(5, "words", "2020-01-01", "Analysts read tide tables.")

    answer = Answer("Pay runs from $80,000 to $90,000 [1][2].", [old, older, words], False, "extractive")
    added = mark_freshness(answer, freshness)
    assert added == "\n\nThese figures come from articles dated June 2023 and March 2024."
    assert answer.answer.endswith(added.strip())
    assert [c.stale for c in answer.citations] == [True, True, True]

    marked = [dataclasses.replace(c, stale=freshness.stale(c.date)) for c in (old, fresh, undated)]
    assert figures_note(marked) == (
        "Some of these figures come from an article dated March 2024 and from one with no date."
    )
    assert figures_note([dataclasses.replace(fresh, stale=False)]) == ""

    no_figures = Answer("They read tide tables [1].", [words], False, "extractive")
    assert mark_freshness(no_figures, freshness) == "" and no_figures.citations[0].stale is True


def test_an_answer_on_figures_from_a_three_year_old_article_says_its_date(advisor: Advisor) -> None:
    answer = advisor.ask("What does a tidal turbine data analyst earn in the UK?")
    assert not answer.refused, answer.answer
    cited = [c for c in answer.citations if c.doc_id == "tidal-energy-data.md"]
    assert cited and all(c.stale is True and c.date == THREE_YEARS_AGO.isoformat() for c in cited)
    when = f"{THREE_YEARS_AGO:%B} {THREE_YEARS_AGO.year}"
    last = answer.answer.strip().splitlines()[-1]
    assert last == f"These figures come from an article dated {when}.", answer.answer
    assert answer.answer.count(when) == 1  # one line, not one per figure
    # The salary summary lines show the year of their source.
    summary = [line for line in answer.answer.splitlines() if line.startswith("- ") and "£41,000" in line]
    assert summary and f"({THREE_YEARS_AGO.year})" in summary[0], answer.answer


def test_the_stored_and_streamed_answer_carry_the_line_and_the_stale_flag(advisor: Advisor) -> None:
    events = list(advisor.stream("What does a senior tidal turbine data analyst earn in the UK?"))
    streamed = "".join(e.data["text"] for e in events if e.kind == "token")
    done = next(e.data["answer"] for e in events if e.kind == "done")
    assert streamed.strip() == done.answer.strip() and "come from an article dated" in streamed
    stored = advisor.store.messages(done.conversation_id)[-1]
    assert stored.content == done.answer
    assert any(c["stale"] is True for c in stored.citations)


def test_answers_from_fresh_articles_add_no_line(advisor: Advisor) -> None:
    answer = advisor.ask("What does a junior ML engineer earn in the UK?")
    fresh = [c for c in answer.citations if c.date and not is_stale(c.date, TODAY)]
    assert fresh and all(c.stale is False for c in fresh)
    if all(c.stale is False for c in answer.citations):
        assert "come from an article" not in answer.answer
