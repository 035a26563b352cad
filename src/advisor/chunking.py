"""Document -> Chunk list: pure functions, no I/O.

Chunks follow the article's sections. List items, table rows and code listings are never
cut; a long paragraph is cut between sentences. Every chunk knows its title and section
path, and that context is part of what is embedded and keyword-indexed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from advisor.corpus import Block, Document

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_OVERLAP_TOKENS",
    "Chunk",
    "approx_tokens",
    "chunk_document",
    "context_text",
]

# all-MiniLM-L6-v2 reads at most 256 word pieces; the title and section path take ~30.
DEFAULT_MAX_TOKENS = 180
DEFAULT_OVERLAP_TOKENS = 40


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    section: str | None  # "Parent > Heading"
    text: str
    position: int  # order within its document


def context_text(title: str, section: str | None, text: str) -> str:
    """What the embedder and the keyword index see: title and section path, then the text."""
    return "\n".join(part for part in (title, section, text) if part)


def approx_tokens(text: str) -> int:
    """Word pieces, roughly: words, numbers, underscores and punctuation each count one."""
    return len(re.findall(r"[^\W\d_]+|\d+|[^\w\s]|_", text))


def chunk_document(
    document: Document,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    overlap_tokens: int = DEFAULT_OVERLAP_TOKENS,
) -> list[Chunk]:
    """Split a document into section-aligned chunks with stable ids."""
    texts: list[tuple[str | None, str]] = []
    for section, blocks in _sections(document.blocks):
        for body in _pack(blocks, max_tokens, overlap_tokens):
            texts.append((section, body))
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for position, (section, body) in enumerate(texts):
        digest = hashlib.sha1(f"{section}\n{body}".encode()).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        suffix = f"-{seen[digest]}" if seen[digest] > 1 else ""
        chunk_id = f"{document.doc_id}#{digest}{suffix}"
        chunks.append(Chunk(chunk_id, document.doc_id, section, body, position))
    return chunks


def _sections(blocks: tuple[Block, ...]) -> Iterator[tuple[str | None, list[Block]]]:
    """Group blocks under their heading path; headings themselves become the path."""
    parent: str | None = None
    path: str | None = None
    current: list[Block] = []
    for block in blocks:
        if block.kind != "heading":
            current.append(block)
            continue
        if current:
            yield path, current
            current = []
        if block.level <= 1:
            parent = block.text
            path = block.text
        else:
            path = f"{parent} > {block.text}" if parent else block.text
    if current:
        yield path, current


def _pieces(blocks: list[Block], max_tokens: int) -> Iterator[Block]:
    """Blocks small enough to pack; only prose and code may be cut, rows and items never."""
    for block in blocks:
        if approx_tokens(block.text) <= max_tokens or block.kind in ("row", "header_row", "item"):
            yield block
        elif block.kind == "code":
            yield from _cut(block, block.text.split("\n"), "\n", max_tokens)
        else:
            yield from _cut(block, _SENTENCE_END.split(block.text), " ", max_tokens)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def _cut(block: Block, parts: list[str], joiner: str, max_tokens: int) -> Iterator[Block]:
    group: list[str] = []
    for part in parts:
        if group and approx_tokens(joiner.join([*group, part])) > max_tokens:
            yield Block(block.kind, joiner.join(group))
            group = []
        group.append(part)
    if group:
        yield Block(block.kind, joiner.join(group))


def _pack(blocks: list[Block], max_tokens: int, overlap_tokens: int) -> Iterator[str]:
    """Greedy packing; each chunk of table rows restates the table's header row."""
    chunk: list[Block] = []
    size = 0
    for piece in _pieces(blocks, max_tokens):
        cost = approx_tokens(piece.text)
        if chunk and size + cost > max_tokens:
            carried = _carry_over(chunk, overlap_tokens)
            yield _render(chunk)
            size = sum(approx_tokens(b.text) for b in carried)
            chunk, size = (carried, size) if size + cost <= max_tokens else ([], 0)
        chunk.append(piece)
        size += cost
    if chunk:
        yield _render(chunk)


def _carry_over(chunk: list[Block], overlap_tokens: int) -> list[Block]:
    """What the next chunk starts with: a dangling lead-in ('Skills needed:') or a small overlap."""
    last = chunk[-1]
    if last.kind == "paragraph" and last.text.endswith(":") and len(chunk) > 1:
        chunk.pop()
        return [last]
    if last.kind not in ("header_row",) and approx_tokens(last.text) <= overlap_tokens:
        return [last]
    return []


def _render(chunk: list[Block]) -> str:
    lines: list[str] = []
    for block in chunk:
        header = block.table_header
        if block.kind == "row" and header and header not in lines:
            lines.append(header)
        lines.append(block.text)
    return "\n".join(lines)
