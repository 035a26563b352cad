"""An answer of several parts: one per ask, in the order asked, each under a short plain heading.

Each part is composed on its own (its citations numbered from 1); joining them renumbers the
citations once across the whole answer, so [n] means the same passage everywhere, and keeps
the first part's table, steps and chart for the page (the text holds every part whole).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from advisor.answer.models import Answer, Citation, Step, Table

__all__ = ["Part", "join_parts"]

_MARK = re.compile(r"\[(\d+)\]")


@dataclass
class Part:
    heading: str | None  # the ask as a short heading; None for a message of one ask
    answer: Answer


def join_parts(parts: list[Part]) -> Answer:
    """One answer from its parts: headings, each part's text, citations numbered once."""
    if len(parts) == 1:
        return parts[0].answer
    citations: list[Citation] = []
    numbers: dict[tuple[str, str], int] = {}
    sections: list[str] = []
    first = parts[0].answer
    table, steps, chart = None, None, None
    for part in parts:
        renumber = _renumbering(part.answer.citations, citations, numbers)
        text = _cells(part.answer.answer, renumber)
        sections.append(f"**{part.heading}**\n{text}" if part.heading else text)
        table = table or _table(part.answer.table, renumber)
        steps = steps or _steps(part.answer.steps, renumber)
        chart = chart or ([replace(b, citation=renumber[b.citation]) for b in part.answer.chart]
                          if part.answer.chart else None)  # fmt: skip
    joined = Answer(
        "\n\n".join(sections), citations, False, first.mode, table=table, steps=steps, chart=chart
    )
    joined.gaps = [gap for part in parts for gap in part.answer.gaps]
    return joined


def _renumbering(
    cited: list[Citation], citations: list[Citation], numbers: dict[tuple[str, str], int]
) -> dict[int, int]:
    """Each of a part's citation numbers -> its number in the whole answer (added if new)."""
    renumber: dict[int, int] = {}
    for citation in cited:
        key = (citation.chunk_id, citation.quote)
        if key not in numbers:
            numbers[key] = len(citations) + 1
            citations.append(replace(citation, n=numbers[key]))
        renumber[citation.n] = numbers[key]
    return renumber


def _cells(text: str, renumber: dict[int, int]) -> str:
    return _MARK.sub(lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", text)


def _table(table: Table | None, renumber: dict[int, int]) -> Table | None:
    if table is None:
        return None
    rows = tuple(tuple(_cells(c, renumber) for c in row) for row in table.rows)
    return replace(table, rows=rows)


def _steps(steps: list[Step] | None, renumber: dict[int, int]) -> list[Step] | None:
    if not steps:
        return None
    return [replace(s, citation=renumber.get(s.citation, s.citation)) for s in steps]
