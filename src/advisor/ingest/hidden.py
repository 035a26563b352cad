"""Text an author hid is not text: HTML comments and hidden elements go before anything reads.

A page shows no `<!-- comment -->`, no element with the `hidden` attribute, `aria-hidden="true"`
or an inline style of `display: none` / `visibility: hidden`; neither does a Markdown file
that holds such HTML. A comment may run over many lines, and one never closed hides the rest
of the file (as CommonMark reads it). Code listings are left as written: a comment there is
part of the code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the HTML reader hands in its parsed tree; plain text needs no lxml
    from lxml import etree

__all__ = ["drop_hidden_elements", "drop_hidden_text"]

_STYLE = "translate(translate(@style, ' ', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_HIDDEN_XPATH = (
    f"//*[@hidden] | //*[@aria-hidden='true'] | //*[contains({_STYLE}, 'display:none')]"
    f" | //*[contains({_STYLE}, 'visibility:hidden')]"
)
_COMMENT = re.compile(r"[ \t]*<!--.*?(?:-->|\Z)", re.DOTALL)
_HIDING = (  # an attribute that hides its element
    r"""\s(?:hidden(?=[\s=/>])|aria-hidden\s*=\s*["']?true"""
    r"""|style\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden))"""
)
_HIDDEN_ELEMENT = re.compile(
    rf"[ \t]*<([A-Za-z][\w-]*)\b[^>]*?{_HIDING}[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)


def drop_hidden_elements(tree: etree._Element) -> None:
    """Remove comments and hidden elements from a parsed page, keeping the text after each."""
    for node in tree.xpath("//comment()"):
        _drop(node)
    for node in tree.xpath(_HIDDEN_XPATH):
        _drop(node)


def _drop(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def drop_hidden_text(text: str) -> str:
    """Markdown or plain text without HTML comments and hidden elements, outside code fences."""
    pieces = re.split(
        r"(^\s*(?:```|~~~).*?(?:^\s*(?:```|~~~)[^\n]*$|\Z))", text, flags=re.MULTILINE | re.DOTALL
    )
    return "".join(piece if i % 2 else _visible(piece) for i, piece in enumerate(pieces))


def _visible(text: str) -> str:
    if "<" not in text:
        return text
    text = _HIDDEN_ELEMENT.sub("", text)
    return _COMMENT.sub("", text)
