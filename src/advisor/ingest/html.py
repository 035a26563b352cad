"""A saved web page -> the article's markdown and metadata, through trafilatura.

trafilatura (with htmldate for dates) finds the main text and drops menus, footers, share
bars and scripts; it keeps headings, lists, tables and code blocks with their line breaks,
and reads title, author and date from JSON-LD, meta tags and bylines.
"""

from __future__ import annotations

import copy
import re

import lxml.html
import trafilatura
from lxml import etree

from advisor.ingest.dates import find_date
from advisor.ingest.hidden import drop_hidden_elements
from advisor.ingest.metadata import Metadata, split_names, squash, web_url

__all__ = ["html_to_markdown"]

# An aside inside the article is part of it (a tip, a note, a warning); trafilatura drops
# every aside as a sidebar, so those are handed over as ordinary blocks. Asides outside the
# article stay asides.
_ASIDES_IN_ARTICLE = "//article//aside | //main//aside | //*[@role='main']//aside"
# The publication date, from markup. An article may be dated after the machine's clock (a post
# scheduled ahead, a clock behind): htmldate refuses dates after today unless told a later bound.
_DATES = {"original_date": True, "extensive_search": False, "max_date": "2100-12-31"}


def html_to_markdown(html: str) -> tuple[str, Metadata]:
    """The article's text as markdown (empty when the page has none) and its metadata."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return "", Metadata()
    drop_hidden_elements(tree)  # comments, hidden elements: what the page does not show
    for graphic in tree.xpath("//svg | //math | //template"):
        graphic.drop_tree()  # an icon's <title> is a label for screen readers, not text ("Share on X")
    found = trafilatura.extract_metadata(copy.deepcopy(tree), date_config=_DATES)
    for aside in tree.xpath(_ASIDES_IN_ARTICLE):
        aside.tag = "div"
    for pre in tree.xpath("//pre[not(.//code)]"):
        _as_code(pre)  # trafilatura fences <pre><code> only: a bare <pre> came out as loose lines
    _collapse_spaces(tree)
    for caption in tree.xpath("//table/caption"):
        # trafilatura renders a caption as a fake first row; it is the table's title, said before it
        table = caption.getparent()
        table.remove(caption)
        caption.tag = "p"
        table.addprevious(caption)
    text = trafilatura.extract(
        tree,
        output_format="markdown",
        include_tables=True,
        include_formatting=True,
        include_comments=False,
        include_links=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    meta = Metadata(
        title=_whole_title(_clean(found.title) if found else None, tree),
        authors=split_names(_clean(found.author) or "") if found else (),
        date=find_date(found.date or "") if found else None,
        url=web_url(found.url or "") if found else None,
    )
    return _unescape(text or ""), meta


def _whole_title(title: str | None, tree: etree._Element) -> str | None:
    """The title as the page shows it: a headline cut short in its metadata ("Nurse Informaticist
    Careers in Canada") gives way to the page's <h1> or og:title that it begins."""
    if not title:
        return title
    shown = [_clean(h.text_content()) for h in tree.xpath("//h1")]
    shown += [_clean(m.get("content")) for m in tree.xpath("//meta[@property='og:title']")]
    longer = [t for t in shown if t and len(t) > len(title) and squash(t).startswith(squash(title))]
    return min(longer, key=len) if longer else title


_RUN_OF_SPACE = re.compile(r"\s*\n\s*")


def _collapse_spaces(tree: etree._Element) -> None:
    """A line break in a page's source is a space on the page, outside a listing: a paragraph
    wrapped in the source next to a <br> came out as two lines, and so two paragraphs."""
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("pre", "code", "textarea", "script", "style"):
            continue
        inside = any(a.tag in ("pre", "code") for a in node.iterancestors())
        if not inside and node.text and "\n" in node.text:
            node.text = _RUN_OF_SPACE.sub(" ", node.text)
        parent = node.getparent()
        in_listing = parent is not None and (parent.tag in ("pre", "code") or inside)
        if node.tail and "\n" in node.tail and not in_listing:
            node.tail = _RUN_OF_SPACE.sub(" ", node.tail)


def _as_code(pre: etree._Element) -> None:
    """A <pre>'s text put in a <code> inside it, as most pages write a listing; markup inside a
    listing (<b>, <span>) is no part of its text."""
    code = lxml.html.Element("code")
    code.text = "".join(pre.itertext())
    for child in list(pre):
        pre.remove(child)
    pre.text = None
    pre.append(code)


# markdown's backslash escapes ("max\_pages"); an escaped | stays, it is a pipe inside a table cell
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{}~])")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _unescape(markdown: str) -> str:
    """The text as the page shows it: escapes undone, except inside code listings."""
    lines, inside = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            inside = not inside
        lines.append(line if inside or _FENCE.match(line) else _ESCAPED.sub(r"\1", line))
    return "\n".join(lines)


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None
