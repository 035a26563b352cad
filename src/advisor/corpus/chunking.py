"""Document -> Chunk list: pure functions, no I/O.

Chunks follow the article's sections. List items, table rows and code listings are never
cut; a long paragraph is cut between sentences. Every chunk knows its title and section
path, and that context is part of what is embedded and keyword-indexed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from advisor.ingest import Block, Document

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


_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")
_LONG_RUN = 20  # characters; a longer run of letters or digits is several word pieces, not one


def approx_tokens(text: str) -> int:
    """Word pieces, roughly: words, numbers, underscores and punctuation each count one.

    A run longer than 20 characters counts one per 20, so text without spaces or punctuation
    (a 2 MB single "word") is measured, and cut, like any other.
    """
    return sum(-(-len(run) // _LONG_RUN) if len(run) > _LONG_RUN else 1 for run in _TOKEN.findall(text))


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
    """Blocks small enough to pack: prose is cut between sentences, code between lines.

    Rows and items are not cut, unless one alone is over the budget: the budget holds
    whatever the input.
    """
    for block in blocks:
        limit = max_tokens
        if block.kind == "row" and block.table_header:
            header_cost = approx_tokens(block.table_header)
            if header_cost > max_tokens // 2:  # too big to restate above every row
                block = replace(block, table_header=None)
            else:
                limit = max_tokens - header_cost
        if approx_tokens(block.text) <= max_tokens or block.kind in ("row", "header_row", "item"):
            pieces: Iterator[Block] = iter([block])
        elif block.kind == "code":
            pieces = _cut(block, block.text.split("\n"), "\n", max_tokens)
        else:
            pieces = _cut(block, _SENTENCE_END.split(block.text), " ", max_tokens)
        for piece in pieces:
            yield from _within_budget(piece, limit)


def _within_budget(block: Block, max_tokens: int) -> Iterator[Block]:
    """The hard budget: cut between words, and a word longer than the budget by characters."""
    if approx_tokens(block.text) <= max_tokens:
        yield block
        return
    group: list[str] = []
    size = 0
    for word in re.findall(r"\S+\s*", block.text):
        cost = approx_tokens(word)
        if group and size + cost > max_tokens:
            yield replace(block, text="".join(group).rstrip())
            group, size = [], 0
        if cost > max_tokens:  # no token is shorter than a character: max_tokens characters fit
            for start in range(0, len(word), max_tokens):
                yield replace(block, text=word[start : start + max_tokens].rstrip())
            continue
        group.append(word)
        size += cost
    if group:
        yield replace(block, text="".join(group).rstrip())


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def _cut(block: Block, parts: list[str], joiner: str, max_tokens: int) -> Iterator[Block]:
    group: list[str] = []
    size = 0  # the joiner is whitespace, so a group's size is the sum of its parts'
    for part in parts:
        cost = approx_tokens(part)
        if group and size + cost > max_tokens:
            yield Block(block.kind, joiner.join(group))
            group, size = [], 0
        group.append(part)
        size += cost
    if group:
        yield Block(block.kind, joiner.join(group))


def _pack(blocks: list[Block], max_tokens: int, overlap_tokens: int) -> Iterator[str]:
    """Greedy packing; each chunk of table rows restates the table's header row (counted in its size)."""
    chunk: list[Block] = []
    size = 0
    for piece in _pieces(blocks, max_tokens):
        cost = _cost(piece, chunk)
        if chunk and size + cost > max_tokens:
            carried = _carry_over(chunk, overlap_tokens)  # may take a dangling lead-in off chunk
            yield _render(chunk)
            size = sum(_cost(b, carried[:i]) for i, b in enumerate(carried))
            cost = _cost(piece, carried)
            chunk, size = (carried, size) if size + cost <= max_tokens else ([], 0)
            cost = _cost(piece, chunk)
        chunk.append(piece)
        size += cost
    if chunk:
        yield _render(chunk)


def _cost(piece: Block, chunk: list[Block]) -> int:
    """What adding piece to chunk adds to its rendered size: a row may bring its table's header."""
    cost = approx_tokens(piece.text)
    header = piece.table_header
    if (
        piece.kind == "row"
        and header
        and not any(b.text == header or b.table_header == header for b in chunk)
    ):
        cost += approx_tokens(header)
    return cost


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
