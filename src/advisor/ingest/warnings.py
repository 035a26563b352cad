"""What ingest could not read in an article, one line each, for the operator (`advisor index`).

An article with no title of its own (named after its file), no date or no author; a table
whose rows do not match its header (their figures are not read); a table figure written
without a currency (no salary fact can be taken from it).
"""

from __future__ import annotations

import re

from advisor.ingest.records import Block
from advisor.ingest.shapes import table_cells
from advisor.text.money import find_money

__all__ = ["read_warnings"]

_AMOUNT = re.compile(r"(?<![\w.])\d{1,3}(?:[,.\s]\d{3})+(?![\d])|(?<![\w.])\d+(?:\.\d+)?\s?[kK]\b")


def read_warnings(blocks: tuple[Block, ...], titled: bool, author: bool, date: bool) -> tuple[str, ...]:
    """The article's warnings; `titled`: its title came from the text, not its file name."""
    found = []
    if not titled:
        found.append("no title found: it is named after its file")
    if not date:
        found.append("no date found (front matter `date:`, or a dated byline under the title)")
    if not author:
        found.append("no author found (front matter `author:`, or a byline such as “By Jane Doe”)")
    return (*found, *_table_warnings(blocks))


def _table_warnings(blocks: tuple[Block, ...]) -> list[str]:
    found: dict[str, None] = {}
    section = ""
    for block in blocks:
        if block.kind == "heading":
            section = block.text
        if block.kind != "row" or not block.table_header:
            continue
        where = f" under “{section}”" if section else ""
        header, cells = table_cells(block.table_header), table_cells(block.text)
        if len(cells) != len(header):
            found[
                f"a table{where} has rows whose cells do not match its header: their figures are not read"
            ] = None
        elif _figure_without_currency(block.table_header, cells):
            found[f"a table{where} gives figures with no currency: no salary is read from them"] = None
    return list(found)


def _figure_without_currency(header: str, cells: list[str]) -> bool:
    """An amount in a row ("45,000 – 55,000", "90k") that neither it nor its header gives a currency."""
    if find_money(header):
        return False
    return any(_AMOUNT.search(cell) and not find_money(cell) for cell in cells[1:])
