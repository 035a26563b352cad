"""Structure that plain text shows by its shape alone: tables, lists and FAQs without Markdown.

- a table whose cells lost their separators ("Junior ML Engineer (0-2 years)$100,000 –
  $130,000£45,000 – £65,000"): cut at its figures, the shape money has (text/money.py);
- a table laid out in columns of spaces, under a header (and perhaps a line of dashes): cut
  at the header's columns;
- one item per line under a lead-in ("Tools researchers use:", then "Dovetail", "Maze", ...);
- a question on a line of its own, followed by its answer: a heading, the FAQ's question;
  the labels "Q:" and "A:" are not text.

Each reader takes the lines with the kinds blocks.py gave them and returns what it changes:
line index -> (kind, text as the block will hold it). Tables come out as Markdown pipe rows,
so every table reads the same way downstream.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from advisor.ingest.records import BlockKind
from advisor.text.money import find_money

__all__ = [
    "faq_questions",
    "glued_cells",
    "numbered_runs",
    "pipe_row",
    "plain_lists",
    "plain_tables",
    "table_cells",
]

Change = dict[int, tuple[BlockKind, str]]  # line index -> (block kind, block text)

_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+\S")
_SENTENCE_END = re.compile(r"[.!?]['\")\]*_]*$")
_QUESTION_LABEL = re.compile(r"^(?:\*\*|__)?\s*(?:Q|Question)\s*[:.]\s*", re.I)
_ANSWER_LABEL = re.compile(r"^(?:\*\*|__)?\s*(?:A|Answer)\s*[:.](?:\*\*|__)?\s*", re.I)
_COLUMNS = re.compile(r"\S+(?: \S+)*")  # a cell: words parted by single spaces
_COLUMN_GAP = re.compile(r"\S {2,}\S")


def pipe_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def table_cells(row: str) -> list[str]:
    """A table row's cells: "| a | b |" and "a | b" alike (an escaped \\| stays in its cell)."""
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


# tables ---------------------------------------------------------------------------------


def glued_cells(line: str) -> list[str] | None:
    """A row whose cells lost their separators, cut at its figures: a label, then only money."""
    stripped = line.strip()
    if stripped.startswith("|") or stripped.endswith("."):
        return None
    figures = find_money(stripped)
    if len(figures) < 2 or figures[-1].end < len(stripped.rstrip(" +")):
        return None
    label = stripped[: figures[0].start].strip()
    between = [stripped[a.end : b.start] for a, b in itertools.pairwise(figures)]
    if not label or len(label.split()) > 10 or any(gap.strip() for gap in between):
        return None
    return [label, *(f.text for f in figures)]


def plain_tables(lines: Sequence[str | None]) -> Change:
    """Tables laid out in columns: a header of two or more cells parted by runs of spaces, then
    rows cut at the header's columns, at least one of them holding money. A line of dashes
    under the header was dropped as furniture (None)."""
    changes: Change = {}
    i = 0
    while i < len(lines):
        starts = _column_starts(lines[i])
        if starts is None or i in changes:
            i += 1
            continue
        j = i + 1 + (i + 1 < len(lines) and lines[i + 1] is None)
        rows: list[tuple[int, list[str]]] = []
        while j < len(lines) and (cells := _cut(lines[j], starts)) is not None:
            rows.append((j, cells))
            j += 1
        if rows and any(find_money(" ".join(cells)) for _, cells in rows):
            changes[i] = ("header_row", pipe_row(_cut(lines[i], starts) or []))
            changes.update({n: ("row", pipe_row(cells)) for n, cells in rows})
            i = j
        else:
            i += 1
    return changes


def _column_starts(line: str | None) -> list[int] | None:
    """Where a header's cells start, if it is laid out in two or more columns of spaces."""
    if line is None or not _COLUMN_GAP.search(line.strip()) or line.lstrip().startswith(("|", "-", "*", "•")):
        return None
    starts = [m.start() for m in _COLUMNS.finditer(line)]
    return starts if len(starts) >= 2 else None


def _cut(line: str | None, starts: list[int]) -> list[str] | None:
    """A row cut at the header's columns: each cell starts where its column does."""
    if line is None or not _COLUMN_GAP.search(line.strip()):
        return None
    found = [m.start() for m in _COLUMNS.finditer(line)]
    if len(found) != len(starts) or any(abs(a - b) > 2 for a, b in zip(found, starts, strict=True)):
        return None
    ends = [*starts[1:], len(line)]
    return [line[a:b].strip() for a, b in zip(starts, ends, strict=True)]


# lists ----------------------------------------------------------------------------------


def numbered_runs(lines: Sequence[str | None], kinds: Sequence[BlockKind | None]) -> Change:
    """A numbered line taken for a heading ("4. Knowledge of GDPR") is a list item where the
    line before or after it carries the number before or after its own. A numbered line taken
    for an item, written flush left, is a heading where no line next to it continues it but the
    numbered headings around it do ("3. Admission requirements", "4. Step by step to
    registration", then a list from "1.", then "5. What it costs")."""
    changes: Change = {}
    headings = {i: _number(line) for i, line in enumerate(lines) if kinds[i] == "heading"}
    for i, line in enumerate(lines):
        if line is None or kinds[i] not in ("heading", "item") or not (m := _NUMBERED.match(line)):
            continue
        n = int(m.group(1))
        before = _number(lines[i - 1]) if i else None
        after = _number(lines[i + 1]) if i + 1 < len(lines) else None
        listed = before == n - 1 or after == n + 1
        if kinds[i] == "heading" and listed:
            changes[i] = ("item", line.strip())
        elif kinds[i] == "item" and not listed and line == line.lstrip():
            above = next((headings[j] for j in range(i - 1, -1, -1) if headings.get(j) is not None), None)
            below = next((headings[j] for j in range(i + 1, len(lines)) if headings.get(j) is not None), None)
            if above == n - 1 and below == n + 1:
                changes[i] = ("heading", line.strip())
    return changes


def _number(line: str | None) -> int | None:
    m = _NUMBERED.match(line) if line else None
    return int(m.group(1)) if m else None


def plain_lists(lines: Sequence[str | None], kinds: Sequence[BlockKind | None]) -> Change:
    """Lines under a lead-in ending in ":", one short item each, no bullets: a list (two or more)."""
    changes: Change = {}
    for i, line in enumerate(lines):
        if line is None or kinds[i] != "paragraph" or not line.rstrip().endswith(":"):
            continue
        run = []
        for j in range(i + 1, len(lines)):
            candidate = lines[j]
            if candidate is None or kinds[j] not in ("heading", "paragraph") or not _item_shaped(candidate):
                break
            run.append(j)
        if len(run) >= 2:
            changes.update({j: ("item", f"- {(lines[j] or '').strip()}") for j in run})
    return changes


def _item_shaped(line: str) -> bool:
    """A list item written as a line: short, no sentence's end, no lead-in of its own."""
    text = line.strip()
    words = text.split()
    labelled = re.match(r"^[A-Z][\w /&-]{0,30}:\s", text) is not None  # "Monday: planning ..."
    return (
        bool(words)
        and len(words) <= (20 if labelled else 10)
        and not _SENTENCE_END.search(text)
        and not text.endswith(":")
        and not text.startswith("#")
    )


# FAQs -----------------------------------------------------------------------------------


def faq_questions(lines: Sequence[str | None], kinds: Sequence[BlockKind | None]) -> Change:
    """A question on a line of its own ("Do I need a degree?", "Q: ...", "**...?**") followed
    by its answer, a paragraph, is a heading; the answer loses its "A:" label. A question over
    a list is the list's lead-in."""
    changes: Change = {}
    for i, line in enumerate(lines):
        if line is None or kinds[i] not in ("heading", "paragraph") or line.lstrip().startswith("#"):
            continue  # a Markdown heading is one already
        question = _question(line)
        answer_at = next((j for j in range(i + 1, len(lines)) if lines[j] is not None), None)
        if question is None or answer_at is None or kinds[answer_at] != "paragraph":
            continue
        answer = lines[answer_at] or ""
        if _question(answer) is not None:
            continue
        changes[i] = ("heading", question)
        if _ANSWER_LABEL.match(answer):
            changes[answer_at] = (kinds[answer_at] or "paragraph", _ANSWER_LABEL.sub("", answer.strip()))
    return changes


def _question(line: str) -> str | None:
    """The question a line asks on its own, without its label or emphasis, or None."""
    text = _QUESTION_LABEL.sub("", line.strip())
    text = re.sub(r"^(\*\*|__)(.+)\1$", r"\2", text).strip()
    words = text.split()
    if not text.endswith("?") or not 2 <= len(words) <= 25 or not text[:1].isupper():
        return None
    return text if "?" not in text[:-1] else None
