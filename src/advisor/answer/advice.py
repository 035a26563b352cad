"""Yes/no advice: the reason a passage gives right after answering "Yes." or "No." outright.

An FAQ reply that opens with a bare "No." is the article answering a question like the
user's; the sentences after it carry its meaning and are quoted together, verbatim. The
bare word itself is left out: it answers the FAQ's question, which may be worded the other
way round from the user's.

Where the FAQ's own question (its heading, ingest/shapes.py) asks what the user asks, its
reply answers, bare word and all, first (`faq_reply`): close in meaning (FAQ_MATCH, the
model's cosine of the two questions) and no "not" or "without" in one that the other lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from advisor.answer.quotes import Quote, content_words, quotes_from_hits
from advisor.retrieval.retriever import Hit

__all__ = ["direct_answers", "faq_reply"]

# Fitted on the dev operator articles: the same question reworded scored 0.68-0.99 in meaning
# ("do I have to speak German to work as an AI PM in Berlin?" / "Do I need to speak German?"
# 0.68) and held 0.78-1.0 of the FAQ's words; other FAQs at most 0.75 and 0.67 ("... / Can I
# get a visa to work as an AI PM in Germany?": 0.74, "visa" missing), never both.
FAQ_MATCH = 0.65
FAQ_WORDS = 0.7  # of the FAQ question's words, weighted by rarity, the share the user's holds
REPLY_SENTENCES = 3  # the reply's opening sentences quoted as its answer
_NEGATION = re.compile(r"\b(?:not|no|never|without|cannot)\b|n't\b", re.I)

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


def faq_reply(
    question: str,
    hits: Sequence[Hit],
    units: Mapping[str, Sequence[Any]],
    embed: Callable[[str], np.ndarray],
    weight: Callable[[str], float],
) -> Quote | None:
    """The reply of the retrieved FAQ whose own question asks what `question` asks, if any:
    close in meaning, and holding its words (each `weight`ed by rarity) mostly in `question`."""
    asked = embed(question)
    words = content_words(question)
    best: tuple[float, Hit] | None = None
    for hit in hits:
        faq = (hit.section or "").rsplit(" > ", 1)[-1].strip()
        if not faq.endswith("?") or bool(_NEGATION.search(faq)) != bool(_NEGATION.search(question)):
            continue
        own = content_words(faq)
        share = sum(weight(w) for w in own & words) / max(sum(weight(w) for w in own), 1e-9)
        closeness = float(embed(faq) @ asked)
        if closeness >= FAQ_MATCH and share >= FAQ_WORDS and (best is None or closeness + share > best[0]):
            best = (closeness + share, hit)
    return _reply(best[1], units) if best else None


def _reply(hit: Hit, units: Mapping[str, Sequence[Any]]) -> Quote | None:
    """A reply's opening sentences, verbatim, as one quote."""
    sentences = sorted(
        (q for q in quotes_from_hits([hit], units) if q.kind == "sentence"), key=lambda q: q.position
    )
    if not sentences:
        return None
    text = hit.text
    start = text.find(sentences[0].text)
    end = start + len(sentences[0].text)
    for after in sentences[1:REPLY_SENTENCES]:
        at = text.find(after.text, end)
        if at < 0 or "\n" in text[end:at]:
            break
        end = at + len(after.text)
    return replace(sentences[0], text=text[start:end], unit_id=None) if start >= 0 else None
