"""Document + chunks -> quotable units: sentences, list items, table rows and code, with structure.

A unit is what a citation quotes and what unit-level retrieval scores. Each unit knows its
heading path, what makes it readable on its own (a list's lead-in, a table's header row, the
sentence a "This ..." sentence refers to) and, when it belongs to an ordered sequence
(labelled headings or items such as "Month 1", "Step 3", "Phase 2", or a numbered list),
its label and sequence in document order. All rules are generic: none knows any article.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from advisor.text.lexicon import split_sentences

__all__ = [
    "UNIT_KINDS",
    "Unit",
    "document_units",
    "quote_text",
    "sequence_label",
    "shown_text",
    "unit_embedding_text",
    "unit_faiss_id",
]

UNIT_KINDS = ("sentence", "item", "row", "code")


@dataclass(frozen=True)
class Unit:
    unit_id: str  # stable: a hash of chunk_id and position
    doc_id: str
    chunk_id: str  # the chunk whose text contains `text` verbatim
    kind: str  # "sentence" | "item" | "row" | "code"
    text: str  # verbatim substring of the chunk text: what a citation quotes
    section: str | None  # heading path "Parent > Heading"
    context: str | None  # a list item's lead-in or heading, a row's header row, a referred sentence
    label: str | None  # sequence label as written: "Month 1", "Week 3", "Phase 2", "Step 4", "1."
    sequence: str | None  # id of the ordered sequence it belongs to
    position: int  # document order


def unit_embedding_text(unit: Unit) -> str:
    """What the embedder sees of a unit: its heading path, then its context and text."""
    return "\n".join(part for part in (unit.section, unit.context, unit.text) if part)


def shown_text(kind: str, text: str, context: str | None) -> str:
    """A unit as an answer line shows it, and as quote ranking reads it: an item after its lead-in."""
    if kind == "item" and context and context not in text:
        return f"*{context.rstrip(':').strip()}:* {text}"
    return text


def quote_text(unit: Unit) -> str:
    """What quote ranking compares with a question: the unit as an answer line shows it."""
    return shown_text(unit.kind, unit.text, unit.context)


def unit_faiss_id(unit: Unit, embedded_text: str) -> int:
    """A 63-bit FAISS id for a unit and the text embedded for it: new text, new id, new vector."""
    digest = hashlib.blake2b(f"{unit.unit_id}\n{embedded_text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest) >> 1


class _Block(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def level(self) -> int: ...


class _Document(Protocol):
    @property
    def doc_id(self) -> str: ...
    @property
    def blocks(self) -> Sequence[_Block]: ...


class _Chunk(Protocol):
    @property
    def chunk_id(self) -> str: ...
    @property
    def section(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def position(self) -> int: ...


# "Month 1", "Months 1-2", "Week 3–4", "Phase Two", "Step 4", "Stage III", "Day 30", "Year 1"
_PERIODS = "month|week|day|year|quarter|phase|step|stage|part|level|module|lesson|milestone|sprint"
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_NUMBER = rf"(?:\d{{1,3}}|{_NUMBER_WORDS}|[ivx]{{1,4}})"
_WORD_LABEL = re.compile(
    rf"^(?:(?:{_PERIODS})s?\s+{_NUMBER}(?:\s*(?:[-–—]|to|and|&)\s*{_NUMBER})?)(?=\s*(?:[:.)—–-]|\s|$))",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d{1,3})[.)](?=\s+\S)")  # "1. Learn Python", "2) Build"
_BULLET = re.compile(r"^[-*•·▪◦‣]\s+")
_MARKER = re.compile(r"^(?:[-*•·▪◦‣]|\d{1,3}[.)])\s+")
_LEAD_IN_END = re.compile(r"[:：]\s*$")
# A sentence that starts with one of these leans on the one before it.
_REFERRING = re.compile(
    r"^(?:this|these|that|those|it|its|it's|they|their|them|both|such|the latter|the former|"
    r"each of them|neither|either|he|she|his|her)\b",
    re.IGNORECASE,
)


def sequence_label(text: str) -> str | None:
    """The label a heading or list item starts with ("Month 1–2", "Step 3", "4."), as written."""
    body = _BULLET.sub("", text.strip(), count=1)
    numbered = _NUMBERED.match(body)
    if numbered:
        body = body[numbered.end() :].strip()
    word = _WORD_LABEL.match(body.lstrip("*_"))  # "1. **Months 1–2: Networking.** ..."
    if word:
        return word.group(0).strip()
    return f"{numbered.group(1)}." if numbered else None


def _label_family(label: str) -> str:
    """What labels of one sequence share: the period word ("month"), or "number"."""
    word = re.match(r"[a-z]+", label.lower())
    if word and word.group(0).rstrip("s") in _PERIODS.split("|"):
        return word.group(0).rstrip("s")
    return "number"


@dataclass(frozen=True)
class _Draft:
    """A unit before it is placed in a chunk."""

    kind: str
    text: str
    context: str | None = None
    label: str | None = None
    sequence: str | None = None


def document_units(document: _Document, chunks: Iterable[_Chunk]) -> list[Unit]:
    """The quotable units of a document, each placed in the chunk that contains it verbatim."""
    ordered = sorted(chunks, key=lambda c: c.position)
    units: list[Unit] = []
    cursor = 0
    for draft in _drafts(document):
        for piece in _pieces_in_chunks(draft, ordered, cursor):
            index, text = piece
            cursor = index
            chunk = ordered[index]
            position = len(units)
            digest = hashlib.blake2b(f"{chunk.chunk_id}\n{position}".encode(), digest_size=6).hexdigest()
            units.append(
                Unit(
                    unit_id=f"{chunk.chunk_id}~{digest}",
                    doc_id=document.doc_id,
                    chunk_id=chunk.chunk_id,
                    kind=draft.kind,
                    text=text,
                    section=chunk.section,
                    context=draft.context,
                    label=draft.label,
                    sequence=draft.sequence,
                    position=position,
                )
            )
    return units


def _pieces_in_chunks(draft: _Draft, chunks: list[_Chunk], cursor: int) -> Iterator[tuple[int, str]]:
    """Where a draft's text sits: (chunk index, verbatim text), searching forward from cursor.

    Text the chunker cut (a long code listing) is placed as the longest runs of its lines
    that one chunk holds; a draft no chunk holds (the chunker dropped it) yields nothing.
    """
    for index in (*range(cursor, len(chunks)), *range(cursor)):
        if draft.text in chunks[index].text:
            yield index, draft.text
            return
    lines = [line for line in draft.text.split("\n") if line.strip()]
    start = 0
    while len(lines) > 1 and start < len(lines):
        best: tuple[int, int] | None = None  # (end, chunk index) of the longest run from start
        for index in range(cursor, len(chunks)):
            end = start
            while end < len(lines) and "\n".join(lines[start : end + 1]) in chunks[index].text:
                end += 1
            if end > start and (best is None or end > best[0]):
                best = (end, index)
        if best is None:
            start += 1
            continue
        end, cursor = best
        yield cursor, "\n".join(lines[start:end])
        start = end


def _drafts(document: _Document) -> Iterator[_Draft]:
    """Units in document order, with context, labels and sequences; not yet placed in chunks."""
    blocks = list(document.blocks)
    heading_labels = _heading_sequences(document.doc_id, blocks)
    list_labels = _list_sequences(document.doc_id, blocks)
    heading: str | None = None  # the nearest heading's text
    heading_label: tuple[str, str] | None = None  # (label, sequence) of the labelled heading above
    labelled_level = 0
    lead_in: str | None = None  # the lead-in of the list being read
    previous: str | None = None  # the last unit's text, for sentences that refer back
    for i, block in enumerate(blocks):
        kind = block.kind
        if kind == "heading":
            heading = block.text
            level = block.level or 1
            if i in heading_labels:
                heading_label, labelled_level = heading_labels[i], level
            elif heading_label is not None and level <= labelled_level:
                heading_label = None
            lead_in, previous = None, None
            continue
        label, sequence = list_labels.get(i, heading_label or (None, None))
        if kind == "header_row":
            continue
        if kind == "row":
            yield _Draft("row", block.text, getattr(block, "table_header", None), label, sequence)
            continue
        if kind == "code":
            yield _Draft("code", block.text, lead_in or heading, label, sequence)
            lead_in = None
            continue
        if kind == "item" or i in list_labels:
            text = _item_text(block.text)
            context = lead_in or heading
            yield _Draft("item", text, context, label, sequence)
            previous = text
            continue
        sentences = [s for line in block.text.split("\n") for s in split_sentences(line)]
        for sentence in sentences:
            context = previous if previous and _REFERRING.match(sentence) else None
            yield _Draft("sentence", sentence, context, label, sequence)
            previous = sentence
        lead_in = sentences[-1] if sentences and _LEAD_IN_END.search(sentences[-1]) else None


def _item_text(text: str) -> str:
    """A list item without its bullet; numbered items keep a word label ("Month 1: ...")."""
    return _MARKER.sub("", text.strip(), count=1) or text.strip()


def _heading_sequences(doc_id: str, blocks: list[_Block]) -> dict[int, tuple[str, str]]:
    """Block index -> (label, sequence id) for headings that carry a sequence label.

    Labelled headings of one family at one level form a sequence until an unlabelled heading
    of that level or higher, or a label of another family, ends it; a lone one is no sequence.
    """
    runs: list[list[tuple[int, str]]] = []
    open_run: dict[int, tuple[str, list[tuple[int, str]]]] = {}  # level -> (family, run)
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        level = block.level or 1
        for deeper in [lv for lv in open_run if lv > level]:
            del open_run[deeper]
        label = sequence_label(block.text)
        if label is None:
            open_run.pop(level, None)
            continue
        family = _label_family(label)
        current = open_run.get(level)
        if current is None or current[0] != family:
            run: list[tuple[int, str]] = []
            runs.append(run)
            open_run[level] = (family, run)
        open_run[level][1].append((i, label))
    return _name_runs(doc_id, "h", runs)


def _list_sequences(doc_id: str, blocks: list[_Block]) -> dict[int, tuple[str, str]]:
    """Block index -> (label, sequence id) for runs of labelled items or labelled paragraphs."""
    runs: list[list[tuple[int, str]]] = []
    run: list[tuple[int, str]] = []
    family: str | None = None
    for i, block in enumerate(blocks):
        label = sequence_label(block.text) if block.kind in ("item", "paragraph") else None
        if label is not None and (not run or _label_family(label) == family):
            run.append((i, label))
            family = _label_family(label)
            continue
        if run:
            runs.append(run)
        run, family = ([(i, label)], _label_family(label)) if label is not None else ([], None)
    if run:
        runs.append(run)
    return _name_runs(doc_id, "l", runs)


def _name_runs(doc_id: str, prefix: str, runs: list[list[tuple[int, str]]]) -> dict[int, tuple[str, str]]:
    """Sequences of at least two labels, each with an id stable for its document."""
    named: dict[int, tuple[str, str]] = {}
    for run in runs:
        if len(run) < 2:
            continue
        sequence = f"{doc_id}/{prefix}{run[0][0]}"
        for i, label in run:
            named[i] = (label, sequence)
    return named
