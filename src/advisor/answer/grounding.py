"""The LLM's grounding: the composed extractive answer, renumbered onto the prompt's sources.

An LLM writes on top of the same cited facts the extractive answerer composed (the kind's
table, ordered steps or summary lines). Those facts may cite passages the search did not
return (a plan's later steps), so they join the numbered sources, and every [n] in the
facts, the table, the steps and the chart is renumbered to its source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from advisor.answer.models import Answer, Step, Table
from advisor.retrieval import Hit

__all__ = ["Grounding", "ground"]

_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Grounding:
    sources: list[Hit]  # numbered 1.. in the prompt; citations are checked against them
    kind: str | None
    facts: str  # the composed answer with [n] = source numbers; "" when there is none
    composed: Answer  # the composed answer, renumbered the same way


def ground(composed: Answer, hits: list[Hit], hit_for: Callable[[str], Hit]) -> Grounding:
    """Sources = the hits, then any passage the composed answer cites besides them."""
    sources = list(hits)
    index = {h.chunk_id: n for n, h in enumerate(sources, start=1)}
    number: dict[int, int] = {}
    for citation in composed.citations:
        if citation.chunk_id not in index:
            sources.append(hit_for(citation.chunk_id))
            index[citation.chunk_id] = len(sources)
        number[citation.n] = index[citation.chunk_id]

    def renumber(text: str) -> str:
        return _MARKER.sub(lambda m: f"[{number.get(int(m.group(1)), int(m.group(1)))}]", text)

    table = composed.table
    if table is not None:
        table = Table(
            table.caption, table.columns, tuple(tuple(renumber(c) for c in row) for row in table.rows)
        )
    steps = [Step(s.label, s.text, number.get(s.citation, s.citation)) for s in composed.steps or []]
    chart = [replace(b, citation=number.get(b.citation, b.citation)) for b in composed.chart or []]
    citations = [replace(c, n=number[c.n]) for c in composed.citations]
    renumbered = replace(
        composed,
        answer=renumber(composed.answer),
        citations=list({c.n: c for c in citations}.values()),
        table=table,
        steps=steps or None,
        chart=chart or None,
    )
    facts = "" if composed.refused else renumbered.answer
    return Grounding(sources, composed.kind, facts, renumbered)
