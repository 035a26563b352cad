"""What composition reads from an index version, and the numbered citations an answer builds."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from advisor.answer.models import Citation
from advisor.answer.quotes import UNRANKED, Quote, content_words, quotes_from_hits
from advisor.corpus.chunking import Chunk
from advisor.corpus.flags import PassageGate
from advisor.corpus.salaries import SalaryRow
from advisor.index.store import IndexVersion
from advisor.retrieval import Hit
from advisor.text.lexicon import normalize_term

__all__ = ["Citer", "Library"]


class Library:
    """One index version seen by chunk and document: passages, units and sequences.

    Only the passages the gate admits are here (corpus/flags.py's PassageGate, the retriever's):
    a composer that reads a whole section, a neighbour, a list or a plan cannot reach a flagged
    passage, nor a salary row that only a flagged passage states. Without a gate, flagged
    passages are out.
    """

    def __init__(self, version: IndexVersion, gate: PassageGate | None = None) -> None:
        self.version = version
        self.gate = gate if gate is not None else PassageGate.of(version.chunks.values())
        self._chunks = {c.chunk_id: c for c in version.chunks.values() if self.gate.admits(c.chunk_id)}
        rows = version.salaries
        self.salaries = _stated(rows, self._chunks.values()) if self.gate.flags else rows
        self._stems: dict[str, frozenset[str]] = {}
        self._terms: dict[str, set[str]] = {}
        stored: Sequence[Any] = getattr(version, "units", None) or ()
        units = [u for u in stored if u.chunk_id in self._chunks]
        self.units: dict[str, list[Any]] = defaultdict(list)  # chunk id -> units, in order
        self.sequences: dict[str, list[Any]] = defaultdict(list)  # sequence id -> units, in order
        for unit in sorted(units, key=lambda u: (u.doc_id, u.position)):
            self.units[unit.chunk_id].append(unit)
            if unit.sequence:
                self.sequences[unit.sequence].append(unit)

    def passages(self, doc_id: str | None = None) -> list[tuple[str, str | None]]:
        """(chunk id, section) of every passage (of one document), in document order."""
        return self._passages.get(doc_id, []) if doc_id is not None else self._all_passages

    @functools.cached_property
    def _all_passages(self) -> list[tuple[str, str | None]]:
        in_order = sorted(self._chunks.values(), key=lambda c: (c.doc_id, c.position))
        return [(c.chunk_id, c.section) for c in in_order]

    @functools.cached_property
    def _passages(self) -> dict[str, list[tuple[str, str | None]]]:
        """Each document's passages, in order: worked out once, not for every question."""
        by_doc: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for chunk_id, section in self._all_passages:
            by_doc[self._chunks[chunk_id].doc_id].append((chunk_id, section))
        return dict(by_doc)

    def quotes(self, chunk_id: str) -> list[Quote]:
        """A passage's quotes: from its units when the version has them."""
        return quotes_from_hits([self.hit(chunk_id)], self.units)

    def stems(self, unit: Any) -> frozenset[str]:
        """A unit's content words, computed once per version."""
        found = self._stems.get(unit.unit_id)
        if found is None:
            found = self._stems[unit.unit_id] = content_words(unit.text)
        return found

    def terms(self, unit: Any) -> set[str]:
        """A unit's words as normalize_term writes them ("accountants" -> "accountant"), computed once."""
        found = self._terms.get(unit.unit_id)
        if found is None:
            # "Writer/communications": each of the words a slash joins is a term of its own.
            found = self._terms[unit.unit_id] = set(normalize_term(unit.text).replace("/", " ").split())
        return found

    def hit(self, chunk_id: str, rank: int = UNRANKED) -> Hit:
        """A chunk as a Hit, for citing passages the search did not return (a plan's later steps)."""
        chunk = self._chunks[chunk_id]
        doc = self.version.documents[chunk.doc_id]
        return Hit(rank, 0.0, chunk.doc_id, chunk_id, doc.title, doc.author, doc.date, doc.source,
                   chunk.section, chunk.text, 0.0, url=doc.url,
                   flagged=self.gate.marked(chunk_id))  # fmt: skip

    def hit_with_text(
        self, quote_text: str, doc_id: str | None = None, section: str | None = None
    ) -> Hit | None:
        """The first chunk (of a document, if given) holding a text verbatim; one whose heading
        path names `section` first ("UK: £50,000 – £100,000" is written under two roles)."""
        found = [
            chunk
            for chunk in self._chunks.values()
            if (doc_id is None or chunk.doc_id == doc_id) and quote_text in chunk.text
        ]
        named = [c for c in found if section and section.lower() in (c.section or "").lower()]
        first = (named or found)[:1]
        return self.hit(first[0].chunk_id) if first else None

    def title(self, doc_id: str) -> str:
        return self.version.documents[doc_id].title


def _stated(rows: list[SalaryRow], chunks: Iterable[Chunk]) -> list[SalaryRow]:
    """The salary rows that an admitted passage of their article states."""
    texts: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks:
        texts[chunk.doc_id].append(chunk.text)
    return [row for row in rows if any(row.quote in text for text in texts[row.doc_id])]


@dataclass
class Citer:
    """Numbers citations in the order an answer first uses them; one number per quote."""

    citations: list[Citation] = field(default_factory=list)
    _numbers: dict[tuple[str, str], int] = field(default_factory=dict)

    def cite(self, hit: Hit, text: str) -> int:
        """The [n] for quoting `text` (verbatim text of the hit) from this passage."""
        key = (hit.chunk_id, text)
        if key not in self._numbers:
            assert text in hit.text, "a citation quotes its passage verbatim"
            n = len(self.citations) + 1
            self.citations.append(Citation.from_hit(n, hit, text))
            self._numbers[key] = n
        return self._numbers[key]

    def quote(self, quote: Quote) -> int:
        return self.cite(quote.hit, quote.text)

    @property
    def documents(self) -> int:
        return len({c.doc_id for c in self.citations})
