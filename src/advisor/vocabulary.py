"""The words the advisor understands, learned from the corpus; and the one sentence splitter."""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# A sentence ends at . ! or ? followed by space and a capital, digit, quote or bracket.
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s+[A-Z0-9\"“(])|$)")


def split_sentences(line: str) -> list[str]:
    """The sentences of one line of text, stripped, in order; each is a substring of the line."""
    return [s for m in _SENTENCE.finditer(line) if (s := m.group(0).strip())]
