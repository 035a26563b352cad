"""How fresh an answer's sources are: each citation marked stale or not, and one line when
the answer's figures come from stale articles ("These figures come from an article dated
March 2024.").

One step applied to a finished Answer, whichever composer (or the LLM) wrote it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from advisor.answer.models import Answer, Citation
from advisor.index.library import DEFAULT_STALE_AFTER_DAYS, is_stale, month_year

__all__ = ["Freshness", "figures_note", "has_figure", "mark_freshness"]

# A figure: an amount of money, a percentage, a number with thousands separators, or one
# with a magnitude ("120k", "3 million"). Labels such as "Step 4" or "Month 1-2" are not.
_FIGURE = re.compile(
    r"(?:[A-Z]{0,3}[$£€¥₹]\s?\d)|(?:\d\s?%)|(?:\b\d{1,3}(?:,\d{3})+\b)"
    r"|(?:\b\d+(?:\.\d+)?\s?(?:[kK]\b|million\b|billion\b|bn\b))"
)


@dataclass(frozen=True)
class Freshness:
    """The operator's rule (ADVISOR_STALE_AFTER_DAYS) and the clock it is read against."""

    after_days: int = DEFAULT_STALE_AFTER_DAYS
    today: Callable[[], dt.date] = field(default=dt.date.today)

    def stale(self, date: str | None) -> bool:
        return is_stale(date, self.today(), self.after_days)


def has_figure(text: str) -> bool:
    return _FIGURE.search(text) is not None


def mark_freshness(answer: Answer, freshness: Freshness) -> str:
    """Mark the answer's citations stale or not; when its figures rest on stale articles, add
    one line saying so. Returns what was added to answer.answer ("" when nothing was)."""
    answer.citations = [dataclasses.replace(c, stale=freshness.stale(c.date)) for c in answer.citations]
    charted = {bar.citation for bar in answer.chart or []}
    with_figures = [c for c in answer.citations if c.n in charted or has_figure(c.quote)]
    note = figures_note(with_figures)
    if not note:
        return ""
    added = f"\n\n{note}"
    answer.answer = answer.answer.rstrip() + added
    return added


def figures_note(citations: Iterable[Citation]) -> str:
    """The line for citations that carry figures: "" unless some of them are stale."""
    cited = list(citations)
    stale = [c for c in cited if c.stale]
    if not stale:
        return ""
    articles = {c.doc_id: c.date for c in stale}
    dated = sorted(d for d in set(articles.values()) if d and month_year(d))  # oldest first
    months = list(dict.fromkeys(m for d in dated if (m := month_year(d))))
    undated = sum(1 for d in articles.values() if not month_year(d))
    subject = "These figures" if len(stale) == len(cited) else "Some of these figures"
    if not months:
        where = "an article with no date" if undated == 1 else "articles with no date"
    else:
        named = months[0] if len(months) == 1 else ", ".join(months[:-1]) + f" and {months[-1]}"
        where = f"{'an article' if len(articles) - undated == 1 else 'articles'} dated {named}"
        if undated:
            where += " and from one with no date" if undated == 1 else " and from some with no date"
    return f"{subject} come from {where}."
