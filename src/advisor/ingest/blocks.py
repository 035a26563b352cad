"""Lines of article text -> typed Blocks: headings, paragraphs, list items, table rows, code.

Markdown marks structure (`#`, `-`, `|`, fenced code); plain text saved from a web page
does not, so a line's shape decides: a short capitalised line is a heading, a run of
code-looking lines is a listing, a line of glued money figures is a table row.
"""

from __future__ import annotations

import re

from advisor.ingest.cleaning import CleaningRules
from advisor.ingest.records import Block, BlockKind
from advisor.ingest.shapes import (
    faq_questions,
    glued_cells,
    numbered_runs,
    pipe_row,
    plain_lists,
    plain_tables,
)

__all__ = ["classify", "fenced_lines", "looks_like_code", "looks_like_heading"]

_ITEM = re.compile(r"^\s*(?:[-*•▪◦‣]|\d{1,2}[.)])\s+(.*)$")
_INDENTED = re.compile(r"^\s{2,}\S")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}\.|(Step|Part|Chapter|Phase|Stage)\s+\d+:)\s*\S")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE = re.compile(
    r"""^(import\s|from\s\S+\simport\s|def\s|class\s|return\b|with\s.*:$|for\s.*:$|if\s.*:$
        |elif\s|else:|try:|except\b|raise\s|@\w|[)\]}]|\#\s|\.\.\.|\w+\s*=\s|\$\$)
      | [(\[{,]$ | [\w)]\.\w+\( | ->\s*\w+:?$ | ^\w+\([^)]*\)?$ | ^"\w+":\s
    """,
    re.VERBOSE,
)


def looks_like_code(line: str) -> bool:
    """A line shaped like source code: a statement, a call, an assignment, a bracket left open."""
    return bool(_CODE.search(line.strip()))


def looks_like_heading(text: str) -> bool:
    """Short, capitalised like a title, no end punctuation, not code or a table row."""
    stripped = text.strip()
    words = stripped.split()
    if not 1 <= len(words) <= 14 or len(stripped) > 110:
        return False
    if stripped[-1] in ".,;:!" or not (stripped[0].isupper() or stripped[0].isdigit()):
        return False
    if _CODE.search(stripped) or glued_cells(stripped) is not None:
        return False
    long_words = [w for w in words if len(w) >= 4 and w[0].isalpha()]
    capitalised = [w for w in long_words if w[0].isupper()]
    return not long_words or len(capitalised) * 2 >= len(long_words)


def classify(lines: list[str | None], is_markdown: bool, rules: CleaningRules) -> list[Block]:
    """Kept lines (None marks a dropped one) -> blocks, with promotional sections removed."""
    lines, fenced = _fenced_code(lines)
    tables = plain_tables([None if i in fenced else line for i, line in enumerate(lines)])
    kinds: list[BlockKind | None] = [
        fenced.get(i) or (None if line is None or not line.strip() else _line_kind(line, is_markdown, rules))
        for i, line in enumerate(lines)
    ]
    _absorb_comments_into_code(lines, kinds)
    texts = _shaped(lines, kinds, tables)
    blocks = _blocks(lines, kinds, rules, texts)
    return _merge_code(_drop_promotional_sections(blocks, rules))


def _shaped(
    lines: list[str | None], kinds: list[BlockKind | None], tables: dict[int, tuple[BlockKind, str]]
) -> dict[int, str]:
    """Structure shown by shape alone (shapes.py): kinds set in place; index -> the block's text."""
    texts: dict[int, str] = {}

    def apply(changes: dict[int, tuple[BlockKind, str]]) -> None:
        for i, (kind, text) in changes.items():
            kinds[i], texts[i] = kind, text

    apply(tables)
    apply(numbered_runs(lines, kinds))  # each reader sees the kinds the one before it set
    apply(faq_questions(lines, kinds))
    apply(plain_lists(lines, kinds))
    for i, line in enumerate(lines):  # a table row whose cells lost their separators
        if kinds[i] == "row" and line is not None and i not in texts and (cells := glued_cells(line)):
            texts[i] = pipe_row(cells)
    return texts


def fenced_lines(lines: list[str]) -> frozenset[int]:
    """Indexes of the lines of ``` fenced listings, fences included: cleaning leaves them alone."""
    inside, found = False, set()
    for i, line in enumerate(lines):
        fence = bool(_FENCE.match(line))
        if inside or fence:
            found.add(i)
        if fence:
            inside = not inside
    return frozenset(found)


def _fenced_code(lines: list[str | None]) -> tuple[list[str | None], dict[int, BlockKind]]:
    """Lines inside ``` fences are code whatever they look like; a fence becomes a gap (None)."""
    kept: list[str | None] = []
    code: dict[int, BlockKind] = {}
    inside = False
    for line in lines:
        if line is not None and _FENCE.match(line):
            inside = not inside
            kept.append(None)  # so a heading right after a listing is not read as a code comment
            continue
        if inside and line is not None:
            code[len(kept)] = "code"
            line = line if line.strip() else " "  # a blank line inside a listing stays in it
        kept.append(line)
    return kept, code


def _line_kind(line: str, is_markdown: bool, rules: CleaningRules) -> BlockKind:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return "row"
    if glued_cells(stripped) is not None:
        return "row"
    if is_markdown and re.match(r"^#{1,6}\s+\S", stripped):
        return "heading"
    if _INDENTED.match(line) and _ITEM.match(line):
        return "item"
    if _NUMBERED_HEADING.match(stripped) and looks_like_heading(stripped):
        return "heading"
    if _ITEM.match(line):
        return "item"
    if _CODE.search(stripped):
        return "code"
    if (
        looks_like_heading(stripped)
        or _is_sentence_case_heading(stripped)
        or rules.is_promotional_heading(stripped)
    ):
        return "heading"
    return "paragraph"


def _is_sentence_case_heading(text: str) -> bool:
    """'What the work involves': short, capitalised, no end punctuation, like a heading in sentence case."""
    words = text.split()
    return (
        2 <= len(words) <= 7
        and len(text) <= 60
        and text[0].isupper()
        and text[-1].isalnum()
        and not _CODE.search(text)
        and glued_cells(text) is None
    )


def _blocks(
    lines: list[str | None], kinds: list[BlockKind | None], rules: CleaningRules, texts: dict[int, str]
) -> list[Block | None]:
    """One block per kept line; table headers and heading levels resolved; None for dropped lines.

    `texts` holds the text of blocks whose line was rewritten (a plain table's cells, a list item
    given its bullet, a question without its "Q:")."""
    blocks: list[Block | None] = []
    header: str | None = None
    for i, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if line is None or kind is None:
            if line is None:
                blocks.append(None)
            continue
        text = texts.get(i) or (line.rstrip() if kind == "code" else line.strip())
        if kind == "header_row":
            header = text
            blocks.append(Block("header_row", text))
            continue
        if kind == "row":
            if _is_table_header(lines, kinds, i):
                header = text
                blocks.append(Block("header_row", text))
                continue
            if header is None and blocks and _is_glued_header(blocks[-1]):
                previous = blocks.pop()
                assert previous is not None
                # Restore the lost cell separators: "| Role | United States | United Kingdom | ... |"
                header = pipe_row(re.split(r"(?<=[a-z])(?=[A-Z][a-z])", previous.text))
                blocks.append(Block("header_row", header))
            blocks.append(Block("row", text, table_header=header))
            continue
        header = None
        if kind == "heading":
            text = re.sub(r"^#{1,6}\s+", "", texts.get(i) or text)
            blocks.append(Block("heading", text, level=_heading_level(line, kinds, i, rules)))
        else:
            blocks.append(Block(kind, text))
    return blocks


def _absorb_comments_into_code(lines: list[str | None], kinds: list[BlockKind | None]) -> None:
    """A `# comment` between code lines is code, not a markdown heading."""
    for i, line in enumerate(lines):
        if line is None or kinds[i] != "heading" or not line.lstrip().startswith("#"):
            continue
        neighbours = [kinds[j] for j in (i - 1, i + 1) if 0 <= j < len(kinds)]
        if "code" in neighbours:
            kinds[i] = "code"


def _is_table_header(lines: list[str | None], kinds: list[BlockKind | None], i: int) -> bool:
    """A pipe row followed by a --- separator line (which was dropped as furniture)."""
    return (
        kinds[i] == "row"
        and i + 1 < len(lines)
        and lines[i + 1] is None
        and (i == 0 or kinds[i - 1] != "row")
    )


def _is_glued_header(block: Block | None) -> bool:
    """'RoleUnited StatesUnited KingdomRemote': a header row whose cells lost their separators."""
    return (
        block is not None
        and block.kind in ("heading", "paragraph")
        and len(re.findall(r"[a-z][A-Z]", block.text)) >= 2
    )


def _heading_level(line: str, kinds: list[BlockKind | None], i: int, rules: CleaningRules) -> int:
    stripped = line.strip()
    hashes = re.match(r"^(#{1,6})\s", stripped)
    if hashes:
        return 1 if len(hashes.group(1)) <= 2 else 2
    if _NUMBERED_HEADING.match(stripped) or rules.is_top_level_heading(stripped):
        return 1
    following = next((k for k in kinds[i + 1 :] if k is not None), None)
    return 1 if following == "heading" else 2


def _drop_promotional_sections(blocks: list[Block | None], rules: CleaningRules) -> list[Block]:
    """Drop a promotional heading with its section, a heading whose section was all furniture,
    and a heading with nothing after it."""
    kept: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block is None:
            i += 1
            continue
        if block.kind == "heading":
            j = i + 1
            section: list[Block | None] = []
            while j < len(blocks) and (blocks[j] is None or blocks[j].kind != "heading"):  # type: ignore[union-attr]
                section.append(blocks[j])
                j += 1
            lost_all = all(b is None for b in section)  # all furniture, or the article ends here
            if rules.is_promotional_heading(block.text) or (lost_all and (bool(section) or j == len(blocks))):
                i = j
                continue
        kept.append(block)
        i += 1
    return kept


def _merge_code(blocks: list[Block]) -> list[Block]:
    """Consecutive code lines are one block: a listing is quoted and chunked whole."""
    merged: list[Block] = []
    for block in blocks:
        if block.kind == "code" and merged and merged[-1].kind == "code":
            merged[-1] = Block("code", merged[-1].text + "\n" + block.text)
        else:
            merged.append(block)
    return merged
