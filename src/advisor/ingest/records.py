"""What ingestion produces: a Document of typed Blocks, or a Skipped file with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Block", "BlockKind", "Document", "Skipped", "shown"]

BlockKind = Literal["heading", "paragraph", "item", "row", "header_row", "code"]


@dataclass(frozen=True)
class Block:
    """One structural unit of an article: never split across chunks unless it is prose."""

    kind: BlockKind
    text: str
    level: int = 0  # headings: 1 (top) or 2
    table_header: str | None = None  # rows: the header row of their table


@dataclass(frozen=True)
class Document:
    doc_id: str  # the corpus-relative path, extension included: unique by construction
    source: str  # e.g. "corpus/careers/ml-engineer.md"
    title: str
    author: str | None
    date: str | None  # YYYY-MM-DD
    blocks: tuple[Block, ...]
    url: str | None = None  # the original on the web, from front matter or the page's canonical link
    authors: tuple[str, ...] = ()  # each author, in byline order; `author` is them as one line
    warnings: tuple[str, ...] = ()  # what could not be read (no title, date or author; a table...)

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why, in words an operator can act on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {shown(self.source)}: {self.reason}"


def shown(name: str) -> str:
    """A file name safe to print on one line: control characters appear escaped (a\\nb)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
