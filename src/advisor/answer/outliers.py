"""Figures that disagree: a salary range far outside what other articles give for the same thing.

An article can claim £450,000–£900,000 for a role that every other article prices at a fifth
of that: merged into a summary line or a chart it would stretch both, with no word that it
disagrees with every other source. A figure is apart when other articles price the same
role, level, region and currency, and its range lies beyond theirs by more than FACTOR: its
low above FACTOR times their highest high, or its high below their lowest low over FACTOR.

FACTOR is fitted on the shipped articles and the tests' articles (tests/data): there, every
range overlaps the other articles' range for the same role, level and region, the largest
ratio of one article's low to the others' high being 0.85 (junior ML engineers in the US,
$110,000–$145,000 against $100,000–$130,000). 1.5 leaves room for honest spread (banks
against startups, a city against a country) and is far below the review's poisoned 3.75.
With one other article the two cannot be told apart: both are apart, and neither counts.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = ["FACTOR", "Figure", "disagreeing"]

FACTOR = 1.5


@dataclass(frozen=True)
class Figure:
    """One article's range for one group (role, level, region, currency: whatever must agree)."""

    article: str
    group: Hashable
    low: float
    high: float


def disagreeing(figures: Sequence[Figure], factor: float = FACTOR) -> list[bool]:
    """For each figure, whether it lies far outside what the other articles give for its group."""
    apart = []
    for figure in figures:
        others = [f for f in figures if f.group == figure.group and f.article != figure.article]
        if not others:
            apart.append(False)
            continue
        low, high = min(f.low for f in others), max(f.high for f in others)
        apart.append(figure.low > high * factor or figure.high * factor < low)
    return apart
