"""Salary facts from an article's tables and salary lists: Document -> SalaryRow list (pure).

Four shapes occur in articles: a markdown table (role x level, regions in the header), a
table whose cell separators were lost (role x region, ranges glued together), per-role
"Salary range:" lists of "Region: range" items, and prose ("In Canada, AI Product
Designers typically earn between CA$95,000 and CA$140,000"). Each row keeps the exact
text it came from, so an answer can quote it verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.ingest import Block, Document
from advisor.text.lexicon import LEVELS, REGIONS, ROLE_NOUNS, canonical_region, role_phrases, split_sentences

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


_CURRENCY = r"(?:[A-Z]{1,3})?[$£€]"  # "$", "£", "€", and prefixed dollars: "CA$", "A$", "S$"
_RANGE = re.compile(
    rf"{_CURRENCY}\s?\d[\d,.]*\s*[kK]?\+?(?:\s*[–-]\s*(?:{_CURRENCY})?\s?\d[\d,.]*\s*[kK]?\+?)?"
)
# Prose: "between CA$95,000 and CA$140,000", "A$170,000 to A$205,000", "$90,000–$120,000".
_PROSE_RANGE = re.compile(
    rf"(?:between\s+)?({_CURRENCY}\s?\d[\d,.]*\s*[kK]?)\s*(?:and|to|[–-])\s*({_CURRENCY}\s?\d[\d,.]*\s*[kK]?\+?)"
)
_SALARY_WORDS = re.compile(r"\b(earn\w*|salar\w*|pay|pays|paid|compensation|make|makes)\b", re.I)
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
            rows.extend(_prose(document, block.text))
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


_ROLE = re.compile(rf"((?:[A-Z][\w/&+.-]*\s+){{0,4}}(?:{'|'.join(n.title() for n in ROLE_NOUNS)})s?)\b")
_CLAUSE = re.compile(r",\s*(?:while|whereas|but|and)\s+|;\s*")


def _prose(document: Document, paragraph: str) -> list[SalaryRow]:
    """Rows stated in sentences: a role, a range and a region, carried across clauses.

    A clause without a role or region ("while senior positions ... reach X to Y") takes
    those of the clause or sentence before it in the same paragraph.
    """
    rows: list[SalaryRow] = []
    region: str | None = None
    for line in paragraph.splitlines():
        for sentence in split_sentences(line):
            if not _SALARY_WORDS.search(sentence):
                region = _region_in(sentence) or region
                continue
            role: str | None = None
            region = _region_in(sentence) or region
            for clause in _CLAUSE.split(sentence):
                role = _role_in(clause) or role
                clause_region = _region_in(clause) or region
                level = next((w for w in re.findall(r"[a-z]+", clause.lower()) if w in LEVELS), None)
                for money in _PROSE_RANGE.finditer(clause):
                    if role:
                        written = money.group(0).removeprefix("between").strip().rstrip(".,")
                        rows.append(_row(document, sentence, role, level, clause_region, written))
    return rows


def _role_in(text: str) -> str | None:
    # Running text often writes a role in lower case: "entry-level computer vision engineers earn".
    found = _ROLE.findall(text) or [_titled(p) for p in role_phrases(text)]
    if not found:
        return None
    name = str(found[-1]).strip()
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _titled(phrase: str) -> str:
    """ "computer vision engineers" -> "Computer Vision Engineers": a role as a title writes it."""
    return " ".join(word[:1].upper() + word[1:] for word in phrase.split())


def _region_in(text: str) -> str | None:
    low = text.lower()
    for alias in sorted(REGIONS, key=len, reverse=True):
        if re.search(rf"(?<![\w.]){re.escape(alias)}(?!\w)", low) and (alias != "us" or "US" in text):
            return REGIONS[alias]
    return None
