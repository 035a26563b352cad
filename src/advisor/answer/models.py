"""The records an answer is made of, shaped as INTERFACES.md's CITATION and ANSWER."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from advisor.retrieval import Hit

__all__ = ["Answer", "Citation", "Mode"]

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

    @classmethod
    def from_hit(cls, n: int, hit: Hit, quote: str) -> Citation:
        """Citation n quoting `quote`, which must be verbatim text of the hit."""
        return cls(n, hit.doc_id, hit.chunk_id, hit.title, hit.source, hit.section, quote,
                   hit.author, hit.date)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    answer: str  # markdown with [n] markers
    citations: list[Citation]
    refused: bool
    mode: Mode
    conversation_id: str = ""
    query: str = ""  # the standalone query that was searched (after follow-up rewriting)
    unsupported: list[str] = field(default_factory=list)  # LLM sentences the sources do not back

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "refused": self.refused,
            "mode": self.mode,
            "conversation_id": self.conversation_id,
            "query": self.query,
            "unsupported": self.unsupported,
        }
