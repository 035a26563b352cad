"""Salary facts from an article's tables and salary lists: Document -> SalaryRow list (pure).

Three shapes occur in the corpus: a markdown table (role x level, one region in the header),
a table whose cell separators were lost (role x region, ranges glued together), and
per-role "Salary range:" lists of "Region: range" items. Each row keeps the exact text it
came from, so an answer can quote it verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.corpus import Block, Document
from advisor.vocabulary import canonical_region

__all__ = ["SalaryRow", "salary_rows"]


@dataclass(frozen=True)
class SalaryRow:
    role: str
    level: str | None
    region: str | None
    range: str  # as written: "$110,000–$145,000", "£45,000 – £65,000"
    doc_id: str
    source: str
    date: str | None
    quote: str  # the line of the article this row comes from, verbatim


_RANGE = re.compile(r"[$£€]\s?\d[\d,.]*\s*[kK]?\+?(?:\s*[–-]\s*[$£€]?\s?\d[\d,.]*\s*[kK]?\+?)?")
_SALARY_LEAD_IN = re.compile(r"^(salary|salaries|pay|compensation)\b.*:$", re.IGNORECASE)


def _region(label: str) -> str:
    return canonical_region(label)


_LEVEL = re.compile(r"\d|\b(junior|entry|mid|senior|staff|principal|lead)\b", re.IGNORECASE)


def _role_and_level(text: str) -> tuple[str, str | None]:
    """'Junior ML Engineer (0-2 years)' -> role and level; '(LLM/GenAI)' stays in the role."""
    match = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", text.strip())
    if match and _LEVEL.search(match.group(2)):
        return match.group(1), match.group(2)
    return text.strip(), None


def salary_rows(document: Document) -> list[SalaryRow]:
    """Every salary figure the article states per role, with its level and region."""
    rows: list[SalaryRow] = []
    heading: str | None = None
    in_salary_list = False
    for block in document.blocks:
        if block.kind == "heading":
            heading, in_salary_list = block.text, False
        elif block.kind == "row" and block.table_header:
            rows.extend(_table_row(document, block))
        elif block.kind == "paragraph":
            in_salary_list = bool(_SALARY_LEAD_IN.match(block.text))
        elif block.kind == "item" and in_salary_list and heading:
            rows.extend(_list_item(document, block, heading))
    return rows


def _row(document: Document, quote: str, role: str, level: str | None, region: str | None,
         money: str) -> SalaryRow:  # fmt: skip
    return SalaryRow(role, level, region, money.strip(), document.doc_id, document.source,
                     document.date, quote)  # fmt: skip


def _table_row(document: Document, block: Block) -> list[SalaryRow]:
    header = [c.strip() for c in (block.table_header or "").strip("|").split("|")]
    if block.text.startswith("|"):
        cells = [c.strip() for c in block.text.strip("|").split("|")]
        money_at = [i for i, c in enumerate(cells) if _RANGE.search(c)]
        if not money_at or len(cells) != len(header):
            return []
        level = cells[1] if len(cells) > 2 and 1 not in money_at else None
        return [_row(document, block.text, cells[0], level, _region(header[i]), cells[i]) for i in money_at]
    # Glued: "Junior ML Engineer (0-2 years)$100,000 – $130,000£45,000 – £65,000..."
    ranges = _RANGE.findall(block.text)
    role, level = _role_and_level(block.text[: _RANGE.search(block.text).start()])  # type: ignore[union-attr]
    regions = header[1:] if len(header) - 1 == len(ranges) else [None] * len(ranges)
    return [
        _row(document, block.text, role, level, _region(r) if r else None, money)
        for r, money in zip(regions, ranges, strict=True)
    ]


def _list_item(document: Document, block: Block, heading: str) -> list[SalaryRow]:
    text = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", block.text)
    label, _, rest = text.partition(":")
    money = _RANGE.search(rest)
    if not money:
        return []
    role = re.sub(r"^\d+\.\s*", "", heading)
    return [_row(document, text, role, None, _region(label), money.group(0))]  # quote without "•"
