"""Article text (plain, markdown, or what html.py made of a page) -> Document; pure, no I/O."""

from __future__ import annotations

from advisor.ingest.blocks import classify, fenced_lines
from advisor.ingest.cleaning import CleaningRules, default_rules
from advisor.ingest.files import doc_id
from advisor.ingest.hidden import drop_hidden_text
from advisor.ingest.metadata import (
    Metadata,
    front_matter,
    is_byline_line,
    markdown_h1,
    recased_title,
    squash,
    strip_header,
    title_from_filename,
)
from advisor.ingest.records import Document
from advisor.ingest.warnings import read_warnings
from advisor.ingest.wrapping import unwrap

__all__ = ["parse_document"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def parse_document(text: str, source: str, rules: CleaningRules | None = None) -> Document:
    """Turn one article's raw text into a Document; `source` is its corpus-relative path."""
    rules = rules or default_rules()
    name = source.rsplit("/", 1)[-1].lower()
    is_html = name.endswith((".html", ".htm"))
    is_markdown = name.endswith(".md")
    page = Metadata()
    if is_html:
        from advisor.ingest.html import html_to_markdown  # lxml and trafilatura: only for pages

        text, page = html_to_markdown(text)
    else:
        text = drop_hidden_text(text)  # an HTML comment or hidden element in Markdown is not text
    lines, front = front_matter(_normalise(text))
    if is_markdown:  # while blank lines still part paragraphs; a byline's lines stay apart
        lines = unwrap(lines, keep_apart=lambda line: is_byline_line(line, rules))
    meta = front.or_else(page)
    lines, byline = strip_header(lines, meta.title, rules, keep=fenced_lines(lines))
    meta = meta.or_else(byline)
    found_title = meta.title or markdown_h1(lines)
    title = found_title or title_from_filename(source.rsplit("/", 1)[-1])
    lines = [line for line in lines if squash(line) != squash(title)]
    kept = rules.drop_boilerplate(lines, protected=fenced_lines(lines))
    blocks = tuple(classify(kept, is_html or is_markdown, rules))
    return Document(
        doc_id=doc_id(source),
        source=source,
        title=recased_title(title, "\n".join(lines)),
        author=meta.author,
        date=meta.date,
        blocks=blocks,
        url=meta.url,
        authors=meta.authors,
        warnings=read_warnings(blocks, bool(found_title), bool(meta.authors), bool(meta.date)),
    )


def _normalise(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    return [line.replace("\u00a0", " ").rstrip() for line in text.split("\n")]
