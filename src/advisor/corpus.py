"""Read articles from a folder -> Document (title, author, date, source, structured blocks).

Articles arrive as saved from the web: menus, share bars, calls to action and bylines
around the text. This module finds the article inside that chrome without losing any of
its text, and reads its metadata from front matter, HTML meta tags or the byline.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar, Literal

from advisor.dates import find_date

__all__ = [
    "MAX_FILE_BYTES",
    "SUFFIXES",
    "Block",
    "Document",
    "Skipped",
    "load_corpus",
    "parse_document",
    "read_source",
    "scan_corpus",
]

SUFFIXES = (".md", ".txt", ".html", ".htm")
MAX_FILE_BYTES = 2_000_000  # career articles are ~20 KB; anything past 2 MB is not one

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
    doc_id: str
    source: str  # e.g. "corpus/careers/ml-engineer.md"
    title: str
    author: str | None
    date: str | None  # YYYY-MM-DD
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why, in words an operator can act on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.source}: {self.reason}"


# --------------------------------------------------------------------------- reading files


def scan_corpus(corpus_dir: Path) -> Iterator[Path | Skipped]:
    """Article files below corpus_dir in a stable order; symlinks are reported, never followed."""
    root = corpus_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if (here / name).is_symlink():
                dirnames.remove(name)
                yield Skipped(_source(root, here / name), "symbolic link, not followed")
            elif name.startswith("."):
                dirnames.remove(name)
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            if path.is_symlink():
                yield Skipped(_source(root, path), "symbolic link, not followed")
                continue
            yield path


def read_source(root: Path, path: Path) -> str | Skipped:
    """Read one article as text, or say in one line why it cannot be indexed."""
    source = _source(root, path)
    if not path.resolve().is_relative_to(root.resolve()):
        return Skipped(source, "outside the corpus folder")
    try:
        # O_NOFOLLOW: a file swapped for a symlink after the scan is refused, not followed.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return Skipped(source, "disappeared while indexing")
    except OSError as exc:
        return Skipped(source, f"cannot be opened ({exc.strerror or 'error'})")
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return Skipped(source, "not a regular file")
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return Skipped(source, f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if not data.strip():
        return Skipped(source, "empty file")
    if b"\x00" in data:
        return Skipped(source, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(source, f"not valid UTF-8 (byte {exc.start})")


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Skipped]]:
    """Parse every readable article; unreadable ones are returned as Skipped, never raised."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    root = corpus_dir.resolve()
    for entry in scan_corpus(root):
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        text = read_source(root, entry)
        if isinstance(text, Skipped):
            skipped.append(text)
            continue
        document = parse_document(text, _source(root, entry))
        if not document.blocks:
            skipped.append(Skipped(document.source, "no article text left after cleaning"))
            continue
        documents.append(document)
    return documents, skipped


def _source(root: Path, path: Path) -> str:
    """The path as users see it: corpus-relative, never the server's absolute path."""
    try:
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return f"{root.name}/{path.name}"


# --------------------------------------------------------------------------- parsing


@dataclass
class _Meta:
    title: str | None = None
    author: str | None = None
    date: str | None = None


def parse_document(text: str, source: str) -> Document:
    """Turn one article's raw text into a Document; pure, no I/O."""
    name = source.rsplit("/", 1)[-1]
    is_html = name.lower().endswith((".html", ".htm"))
    meta = _Meta()
    if is_html:
        text, meta = _html_to_markdown(text)
    lines = _normalise(text)
    lines, front = _front_matter(lines)
    meta = _Meta(front.title or meta.title, front.author or meta.author, front.date or meta.date)
    is_markdown = is_html or name.lower().endswith(".md")
    lines, byline = _strip_header(lines, meta.title)
    title = meta.title or byline.title or _markdown_h1(lines) or _title_from_filename(name)
    lines = [line for line in lines if _squash(line) != _squash(title)]
    blocks = _merge_code(_drop_cta_sections(_classify(_drop_boilerplate(lines), is_markdown)))
    return Document(
        doc_id=_doc_id(source),
        source=source,
        title=title,
        author=meta.author or byline.author,
        date=meta.date or byline.date,
        blocks=tuple(blocks),
    )


def _doc_id(source: str) -> str:
    stem = source.split("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "document"


def _title_from_filename(name: str) -> str:
    words = re.split(r"[-_\s]+", name.rsplit(".", 1)[0])
    return " ".join(w.upper() if len(w) <= 2 else w.capitalize() for w in words if w)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def _normalise(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    return [line.replace("\u00a0", " ").rstrip() for line in text.split("\n")]


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


# front matter ---------------------------------------------------------------

_KEY_LINE = re.compile(r"^([a-z_][a-z0-9_]*):\s*(.*)$")
_LIST_LINE = re.compile(r"^\s*-\s+\S")


def _front_matter(lines: list[str]) -> tuple[list[str], _Meta]:
    """Read YAML-style front matter, fenced by --- or as bare `key: value` lines at the top."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    fenced = start < len(lines) and lines[start].strip() == "---"
    i = start + 1 if fenced else start
    values: dict[str, str] = {}
    while i < len(lines):
        line = lines[i]
        if fenced and line.strip() == "---":
            i += 1
            break
        match = _KEY_LINE.match(line)
        if match:
            values[match.group(1)] = match.group(2).strip().strip("'\"")
        elif not (_LIST_LINE.match(line) and values) and not (fenced and not line.strip()):
            break
        i += 1
    if not fenced and len(values) < 2:  # one `word: text` line is prose, not front matter
        return lines, _Meta()
    meta = _Meta(
        title=values.get("title") or None,
        author=values.get("author") or values.get("authors") or None,
        date=find_date(values.get("date") or values.get("published") or ""),
    )
    return lines[i:], meta


# byline and title -------------------------------------------------------------

_ROLE_WORDS = {
    "author", "creator", "content", "advisor", "editor", "writer", "contributor", "default",
    "development", "career", "staff", "admin", "guest", "published", "updated", "posted",
}  # fmt: skip
_READ_TIME = re.compile(r"\b\d+\s*(min|minute|minuten|minutes)\b.*$", re.IGNORECASE)


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    if any(word.lower() in _ROLE_WORDS for word in words):
        return False
    return all(re.fullmatch(r"[A-Z][A-Za-z'\-]*\.?", word) for word in words)


def _is_title_like(text: str) -> bool:
    words = text.split()
    return 3 <= len(words) <= 20 and _looks_like_heading(text) and not _is_name(text)


@dataclass
class _Byline:
    title: str | None = None
    author: str | None = None
    date: str | None = None


def _byline_date_index(lines: list[str]) -> int | None:
    """The first short line in the first half of the text that carries a full date."""
    for i, line in enumerate(lines[: max(len(lines) // 2, 1)]):
        words = line.split()
        if 0 < len(words) <= 14 and find_date(line) and _is_byline_shaped(line):
            return i
    return None


def _is_byline_shaped(line: str) -> bool:
    rest = _DATE_TEXT.sub(" ", line)
    rest = _READ_TIME.sub(" ", rest)
    return len(re.findall(r"[A-Za-z]+", rest)) <= 8


_DATE_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[-\s][A-Za-z]+\.?[-\s]\d{4}|[A-Za-z]+\.?\s\d{1,2},?\s\d{4}"
)


def _strip_header(lines: list[str], known_title: str | None) -> tuple[list[str], _Byline]:
    """Find title and byline; drop what stands before the title (menus) and the byline itself."""
    nonblank = [line for line in lines if line.strip()]
    date_at = _byline_date_index(nonblank)
    byline = _Byline()
    title_at: int | None = None
    if known_title:
        title_at = next((i for i, line in enumerate(nonblank) if _squash(line) == _squash(known_title)), None)
        if title_at is not None and title_at > len(nonblank) // 2:
            title_at = None
    elif date_at is not None:
        for i in range(date_at - 1, max(date_at - 7, -1), -1):
            if _is_title_like(nonblank[i].lstrip("# ")):
                title_at = i
                byline.title = nonblank[i].lstrip("# ").strip()
                break
    if date_at is None or (title_at is not None and date_at < title_at):
        kept = nonblank[title_at:] if title_at is not None else nonblank
        return kept, byline

    date_line = nonblank[date_at]
    byline.date = find_date(date_line)
    first = title_at if title_at is not None else 0
    byline.author = _author_from(date_line, nonblank[first:date_at])
    # Between title and date only a standfirst (a real sentence or more) is article text.
    kept = [line for line in nonblank[first:date_at] if len(line.split()) >= 8]
    title = known_title or byline.title or ""
    after = date_at + 1
    while after < len(nonblank) and _is_byline_residue(nonblank[after], title):
        after += 1
    return kept + nonblank[after:], byline


def _is_byline_residue(line: str, title: str) -> bool:
    """Lines after a byline date: repeated title, role labels, times, tag strips, share bars."""
    if _squash(line) == _squash(title) or _is_chrome(line):
        return True
    if find_date(line) and _is_byline_shaped(line):
        return True
    words = line.split()
    return len(words) <= 4 and not line.rstrip().endswith((".", ":")) and not line.startswith("#")


def _author_from(date_line: str, before: list[str]) -> str | None:
    for part in re.split(r"[•|·]", date_line):
        part = re.sub(r"^(by|door|von|par)\s+", "", part.strip(), flags=re.IGNORECASE)
        if _is_name(part):
            return part
    for line in reversed(before[-5:]):
        candidate = re.sub(r"^(by|door|von|par)\s+", "", line.strip(), flags=re.IGNORECASE)
        if _is_name(candidate):
            return candidate
    return None


def _markdown_h1(lines: list[str]) -> str | None:
    return next((line[2:].strip() for line in lines if line.startswith("# ")), None)


# boilerplate ------------------------------------------------------------------

_CHROME_LINE = re.compile(
    r"""^(
        skip\ to\ (main\ )?content
      | share(\s*(on\s+)?(x|twitter|linkedin|reddit|facebook|email|whatsapp))*
      | (x|twitter|linkedin|reddit|facebook)+
      | all\ articles | view\ all\ posts.* | read\ more | load\ more
      | table\ of\ contents?(\s+table\ of\ contents?)*
      | contents | on\ this\ page
      | (←\s*)+\w+
      | nav\.\w+
      | explore\ courses | take\ the\ free\ test | browse\ all\ programs
      | subscribe.* | sign\ up.* | log\ in | sign\ in
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_CALL_TO_ACTION = [
    re.compile(r"→\s*$|→[A-Z]"),  # link buttons: "Ga naar het lab→", "Free →Browse all"
    re.compile(r"^\W*👉"),
    # "Explore ... at JobCannon's Career Explorer", "Start your AI career today with X's ..."
    re.compile(
        r"^(Explore|Build|Start|Take|Try|Discover|Get|Join|Book|Download)\b.*"
        r"\b(at|with|on|from)\s+[A-Z][\w.]*'s\b"
    ),
    # "The AI/ML Toolkits collection at Citadel Cloud packages ..."
    re.compile(r"\b(collection|courses?|programmes?|programs?|bundle)\s+at\s+[A-Z]"),
    re.compile(r"\b(our|we've|we have)\s+(helped|programmes|programs|courses|platform)\b", re.I),
    re.compile(r"\bfree\s+(tests?|assessments?|trial|quiz)\b", re.I),
]
# Headings that open a section made only of promotion; the section goes with them.
_CTA_HEADING = re.compile(
    r"^(try\s+[A-Z]\w*(\s\w+)?|take\s+the\s+next\s+step|find\s+your\s+.*\bfit|ready\s+to\s+(discover|learn|start|get)\b.*)$",
    re.IGNORECASE,
)
# Where the article ends and the site resumes.
_END_OF_ARTICLE = re.compile(
    r"^(related\s+(articles|posts|reading)|you\s+may\s+also\s+like|found\s+this\s+useful\??"
    r"|more\s+from\s+the\s+blog|leave\s+a\s+(comment|reply))$",
    re.IGNORECASE,
)
_NO_WORDS = re.compile(r"^[^\w$£€%]*$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _is_chrome(line: str) -> bool:
    stripped = line.strip()
    return bool(
        _NO_WORDS.match(stripped)
        or _CHROME_LINE.match(stripped)
        or _TABLE_SEPARATOR.match(stripped)
        or any(rule.search(stripped) for rule in _CALL_TO_ACTION)
    )


_AUTHOR_BOX = re.compile(r"^(about\s+the\s+(author|writer)|author\s+bio|written\s+by)$", re.I)


def _drop_boilerplate(lines: list[str]) -> list[str | None]:
    """Chrome lines become None (kept as gaps so CTA-only sections can be seen)."""
    kept: list[str | None] = []
    in_author_box = False
    for line in lines:
        stripped = line.strip()
        if _END_OF_ARTICLE.match(stripped):
            break
        if _AUTHOR_BOX.match(stripped):
            in_author_box = True
        if in_author_box:
            # The box is a name, a role and one bio paragraph; the article resumes after it.
            in_author_box = len(stripped.split()) < 8
            kept.append(None)
            continue
        kept.append(None if _is_chrome(line) else line)
    return kept


# classification -----------------------------------------------------------------

_ITEM = re.compile(r"^\s*(?:[-*•▪◦‣]|\d{1,2}[.)])\s+(.*)$")
_INDENTED = re.compile(r"^\s{2,}\S")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}\.|Step\s+\d+:|Part\s+\d+:|Chapter\s+\d+:)\s*\S")
_CODE = re.compile(
    r"""^(import\s|from\s\S+\simport\s|def\s|class\s|return\b|with\s.*:$|for\s.*:$|if\s.*:$
        |elif\s|else:|try:|except\b|raise\s|@\w|[)\]}]|\#\s|\.\.\.|\w+\s*=\s|\$\$)
      | [(\[{,]$ | [\w)]\.\w+\( | ->\s*\w+:?$ | ^\w+\([^)]*\)?$ | ^"\w+":\s
    """,
    re.VERBOSE,
)
_MONEY = r"[$£€]\s?\d[\d,.]*\s*[kK]?\+?(?:\s*[–-]\s*[$£€]?\s?\d[\d,.]*\s*[kK]?\+?)?"
_GLUED_ROW = re.compile(rf"^[^$£€|]+?{_MONEY}\s*{_MONEY}")


def _looks_like_heading(text: str) -> bool:
    stripped = text.strip()
    words = stripped.split()
    if not 1 <= len(words) <= 14 or len(stripped) > 110:
        return False
    if stripped[-1] in ".,;:!" or not (stripped[0].isupper() or stripped[0].isdigit()):
        return False
    if _CODE.search(stripped) or _GLUED_ROW.match(stripped):
        return False
    long_words = [w for w in words if len(w) >= 4 and w[0].isalpha()]
    capitalised = [w for w in long_words if w[0].isupper()]
    return not long_words or len(capitalised) * 2 >= len(long_words)


def _line_kind(line: str, is_markdown: bool) -> BlockKind:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return "row"
    if _GLUED_ROW.match(stripped) and not stripped.endswith("."):
        return "row"
    if is_markdown and re.match(r"^#{1,6}\s+\S", stripped):
        return "heading"
    if _INDENTED.match(line) and _ITEM.match(line):
        return "item"
    if _NUMBERED_HEADING.match(stripped) and _looks_like_heading(stripped):
        return "heading"
    if _ITEM.match(line):
        return "item"
    if _CODE.search(stripped):
        return "code"
    if _looks_like_heading(stripped) or _CTA_HEADING.match(stripped):
        return "heading"
    return "paragraph"


def _classify(lines: list[str | None], is_markdown: bool) -> list[Block | None]:
    """Assign each kept line a block kind; code runs, table headers and heading levels resolved."""
    kinds: list[BlockKind | None] = [
        None if line is None or not line.strip() else _line_kind(line, is_markdown) for line in lines
    ]
    _absorb_comments_into_code(lines, kinds)
    blocks: list[Block | None] = []
    header: str | None = None
    for i, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if line is None or kind is None:
            if line is None:
                blocks.append(None)
            continue
        text = line.strip()
        if kind == "row":
            if _is_table_header(lines, kinds, i):
                header = text
                blocks.append(Block("header_row", text))
                continue
            if header is None and blocks and _is_glued_header(blocks[-1]):
                previous = blocks.pop()
                assert previous is not None
                # Restore the lost cell separators: "Role | United States | United Kingdom | ..."
                header = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " | ", previous.text)
                blocks.append(Block("header_row", header))
            blocks.append(Block("row", text, table_header=header))
            continue
        header = None
        if kind == "heading":
            text = re.sub(r"^#{1,6}\s+", "", text)
            blocks.append(Block("heading", text, level=_heading_level(line, lines, kinds, i)))
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
    """A pipe row followed by a --- separator line (which was dropped as chrome)."""
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


_TOP_LEVEL_NAMES = re.compile(
    r"^(frequently asked questions|faqs?|references|sources|further reading|conclusion\b.*"
    r"|summary|final thoughts|key takeaways)$",
    re.IGNORECASE,
)


def _heading_level(line: str, lines: list[str | None], kinds: list[BlockKind | None], i: int) -> int:
    stripped = line.strip()
    hashes = re.match(r"^(#{1,6})\s", stripped)
    if hashes:
        return 1 if len(hashes.group(1)) <= 2 else 2
    if _NUMBERED_HEADING.match(stripped) or _TOP_LEVEL_NAMES.match(stripped):
        return 1
    following = next((k for k in kinds[i + 1 :] if k is not None), None)
    return 1 if following == "heading" else 2


def _drop_cta_sections(blocks: list[Block | None]) -> list[Block]:
    """Drop promotional sections: a CTA heading with its section, or a heading left with nothing."""
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
            lost_all = bool(section) and all(b is None for b in section)
            if _CTA_HEADING.match(block.text) or lost_all:
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


# HTML ---------------------------------------------------------------------------


class _HtmlToMarkdown(HTMLParser):
    """Just enough HTML -> markdown-ish lines: headings, list items, table rows, paragraphs."""

    _SKIP: ClassVar[set[str]] = {
        "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg",
        "button", "template", "iframe", "select",
    }  # fmt: skip
    _BLOCK: ClassVar[set[str]] = {
        "p", "div", "section", "article", "main", "br", "blockquote", "pre", "ul", "ol",
        "table", "thead", "tbody", "dl", "dt", "dd", "figure", "figcaption",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.row: list[str] | None = None
        self.rows_seen = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("name") or values.get("property") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
            return
        if tag == "time" and values.get("datetime"):
            self.meta.setdefault("time", values["datetime"])
        if tag in self._SKIP:
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.current.append("#" * int(tag[1]) + " ")
        elif tag == "li":
            self._flush()
            self.current.append("- ")
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.row.append("")
        elif tag in self._BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "title":
            self.in_title = False
        elif tag == "tr" and self.row is not None:
            self.lines.append("| " + " | ".join(cell.strip() for cell in self.row) + " |")
            if self.rows_seen == 0:
                self.lines.append("|" + "---|" * len(self.row))
            self.rows_seen += 1
            self.row = None
        elif tag == "table":
            self.rows_seen = 0
        elif re.fullmatch(r"h[1-6]", tag) or tag == "li" or tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        elif self.skip_depth:
            return
        elif self.row is not None and self.row:
            self.row[-1] += data
        else:
            self.current.append(data)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text and text not in ("-", "#"):
            self.lines.append(text)
        self.current = []


def _html_to_markdown(html: str) -> tuple[str, _Meta]:
    parser = _HtmlToMarkdown()
    parser.feed(html)
    parser.close()
    parser._flush()
    meta = parser.meta
    title = meta.get("og:title") or re.sub(r"\s+", " ", "".join(parser.title_parts)).strip()
    author = meta.get("author") or meta.get("article:author") or None
    raw_date = meta.get("article:published_time") or meta.get("date") or meta.get("time") or ""
    return "\n".join(parser.lines), _Meta(title or None, author, find_date(raw_date))
