"""Yes/no advice: the reason a passage gives right after answering "Yes." or "No." outright.

An FAQ reply that opens with a bare "No." is the article answering a question like the
user's; the sentences after it carry its meaning and are quoted together, verbatim. The
bare word itself is left out: it answers the FAQ's question, which may be worded the other
way round from the user's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from advisor.answer.quotes import Quote

__all__ = ["direct_answers"]

REASON_SENTENCES = 2  # sentences after "No." that carry its reason
_BARE = re.compile(r"^(Yes|No|Absolutely|Not necessarily|Not at all)[.!]$", re.I)


def direct_answers(quotes: Sequence[Quote]) -> list[Quote]:
    """For each bare "Yes."/"No." quote, the sentences after it in the same paragraph, as one quote."""
    found: list[Quote] = []
    by_chunk: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_chunk.setdefault(quote.hit.chunk_id, []).append(quote)
    for members in by_chunk.values():
        members = sorted({q.position: q for q in members}.values(), key=lambda q: q.position)
        for i, quote in enumerate(members):
            if quote.kind != "sentence" or not _BARE.match(quote.text.strip()):
                continue
            text = quote.hit.text
            start = end = text.find(quote.text) + len(quote.text)
            for after in members[i + 1 : i + 1 + REASON_SENTENCES]:
                at = text.find(after.text, end)
                if at < 0 or "\n" in text[end:at] or after.kind != "sentence":
                    break
                start, end = (at if start == end else start), at + len(after.text)
            if end > start >= len(quote.text):
                # The reason alone: the bare "No." answers the FAQ's own question, which may not be
                # the user's ("Can I ... without a degree?" is answered "No." to "Do I need a PhD?").
                reply = text[start:end]
                found.append(replace(quote, text=reply, unit_id=None, position=quote.position + 1))
    return found
