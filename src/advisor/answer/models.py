"""The records an answer is made of, shaped as INTERFACES.md's CITATION and ANSWER."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from advisor.llm import StreamReport
    from advisor.retrieval import Hit

__all__ = ["Answer", "ChartBar", "Citation", "Mode", "Step", "Table"]

Mode = Literal["extractive", "llm"]


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    chunk_id: str
    title: str
    source: str
    section: str | None
    quote: str  # verbatim from the chunk's text
    author: str | None = None
    date: str | None = None
    url: str | None = None  # the original article on the web, when its metadata names one
    stale: bool | None = None  # older than ADVISOR_STALE_AFTER_DAYS or undated (answer/freshness.py)
    flagged: bool = False  # a flagged passage let through by ADVISOR_ALLOW_FLAGGED: not advice

    @classmethod
    def from_hit(cls, n: int, hit: Hit, quote: str) -> Citation:
        """Citation n quoting `quote`, which must be verbatim text of the hit."""
        return cls(n, hit.doc_id, hit.chunk_id, hit.title, hit.source, hit.section, quote,
                   hit.author, hit.date, hit.url, flagged=hit.flagged)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Table:
    """A side-by-side table; cells are markdown and each cell stating a fact carries its [n]."""

    caption: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {"caption": self.caption, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}

    def markdown(self) -> str:
        """The same table as markdown, so plain-text clients lose nothing."""
        lines = [_md_row(self.columns), _md_row(tuple("---" for _ in self.columns))]
        lines += [_md_row(row) for row in self.rows]
        return "\n".join(lines)


def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


@dataclass(frozen=True)
class Step:
    """One step of a plan, in the article's order, with its label as written ("Month 1")."""

    label: str | None
    text: str
    citation: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChartBar:
    """One salary range for the page's chart: "Entry level, US", 100000 to 145000 dollars."""

    label: str
    low: float
    high: float
    currency: str
    citation: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    answer: str  # markdown with [n] markers; complete on its own (tables and steps included)
    citations: list[Citation]
    refused: bool
    mode: Mode
    conversation_id: str = ""
    query: str = ""  # the standalone query that was searched (after follow-up rewriting)
    unsupported: list[str] = field(default_factory=list)  # LLM sentences the sources do not back
    kind: str | None = None  # the question's kind ("salary", "comparison", "plan", ...)
    table: Table | None = None
    steps: list[Step] | None = None
    chart: list[ChartBar] | None = None
    suggestions: list[str] = field(default_factory=list)  # follow-up questions the library answers
    generation: StreamReport | None = None  # LLM mode: why the stream stopped, the backend's usage
    gaps: list[str] = field(default_factory=list)  # what was asked that no article covers, as asked
    profile: dict[str, Any] | None = None  # what the advisor has read about the asker (Profile.to_json)
    about: dict[str, Any] | None = None  # what the answer was about, for follow-ups (referents.About)
    turn_id: str | None = None  # the stored turn's id (feedback names it); None when not stored

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "refused": self.refused,
            "mode": self.mode,
            "conversation_id": self.conversation_id,
            "query": self.query,
            "unsupported": self.unsupported,
            "kind": self.kind,
            "table": self.table.to_json() if self.table else None,
            "steps": [s.to_json() for s in self.steps] if self.steps is not None else None,
            "chart": [b.to_json() for b in self.chart] if self.chart is not None else None,
            "suggestions": self.suggestions,
            "not_covered": self.gaps,
            "profile": self.profile,
            "about": self.about,
            "turn_id": self.turn_id,
        }
