"""Hard-wrapped Markdown -> one line per paragraph and list item, as Markdown itself reads it.

Articles saved from the web put each paragraph on one line, and the rest of ingest reads a
line as a block. Markdown written by people is often wrapped at 72-100 characters instead: a
sentence runs on over several lines, and read line by line its pieces become separate
paragraphs, a line ending in a comma looks like code, and a heading next to it is taken for
a code comment. Where a file is wrapped, markdown-it-py (a CommonMark parser) says which
lines make one paragraph or one list item, and those lines are joined.

Whether a file is wrapped is read from the file itself: inside what CommonMark calls a
paragraph, a wrapped file breaks mid-sentence before a lower-case word at least one time in
WRAPPED_SHARE (measured: 0.25-1.0 in wrapped articles and docs), where a file of one paragraph
per line, whose consecutive lines CommonMark also runs together, almost never does
(0.00-0.02 in the five shipped articles and the test articles). Code-looking lines do not count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

from advisor.ingest.blocks import looks_like_code

__all__ = ["unwrap"]

WRAPPED_SHARE = 0.2  # of the line breaks inside paragraphs, the share mid-sentence that means wrapped
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]*_]*$")
_QUOTE_MARK = re.compile(r"^\s*>\s?")
_PARSER = MarkdownIt("commonmark").enable("table")


def unwrap(lines: list[str], keep_apart: Callable[[str], bool] = lambda line: False) -> list[str]:
    """The lines with each wrapped paragraph and list item joined into one; unchanged when the
    text is not wrapped (one paragraph per line, or nothing runs over a line). Blank lines must
    still be there: they part paragraphs. A paragraph holding a line that `keep_apart` accepts
    (a byline's "Author: ..." and "Date: ...", read one line at a time) stays as it is."""
    spans = _paragraph_spans(lines)
    if not _is_wrapped(lines, spans):
        return lines
    joined: list[str] = []
    previous_end = 0
    for start, end in spans:
        if any(keep_apart(line) for line in lines[start:end]):
            continue
        joined += lines[previous_end:start]
        first = lines[start].rstrip()
        quoted = bool(_QUOTE_MARK.match(first))
        rest = [_QUOTE_MARK.sub("", line) if quoted else line for line in lines[start + 1 : end]]
        joined.append(" ".join([first, *(line.strip() for line in rest)]))
        previous_end = end
    return joined + lines[previous_end:]


def _paragraph_spans(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) line ranges of the paragraphs (list items' text included) over one line long."""
    tokens = _PARSER.parse("\n".join(lines))
    return [
        (token.map[0], token.map[1])
        for token in tokens
        if token.type == "paragraph_open" and token.map and token.map[1] - token.map[0] > 1
    ]


def _is_wrapped(lines: list[str], spans: list[tuple[int, int]]) -> bool:
    breaks = [
        (lines[i].strip(), lines[i + 1].strip())
        for start, end in spans
        for i in range(start, end - 1)
        if not looks_like_code(lines[i]) and not looks_like_code(lines[i + 1])
    ]
    mid_sentence = sum(not _ENDS_SENTENCE.search(a) and b[:1].islower() for a, b in breaks)
    return bool(breaks) and mid_sentence >= WRAPPED_SHARE * len(breaks)
