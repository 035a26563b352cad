"""Yes/no advice: the reason a passage gives right after answering "Yes." or "No." outright.

An FAQ reply that opens with a bare "No." is the article answering a question like the
user's; the sentences after it carry its meaning and are quoted together, verbatim. The
bare word itself is left out: it answers the FAQ's question, which may be worded the other
way round from the user's.

Where the FAQ's own question (its heading, ingest/shapes.py) asks what the user asks, its
reply answers, bare word and all, first (`faq_reply`): close in meaning (FAQ_MATCH, the
model's cosine of the two questions), sharing their words both ways (FAQ_WORDS, FAQ_COVERED),
and no "not" or "without" in one that the other lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from advisor.answer.quotes import Quote, content_words, quotes_from_hits
from advisor.retrieval import Hit

__all__ = ["direct_answers", "faq_reply"]

# Fitted on the dev operator articles. The same question reworded: 0.68-0.99 in meaning (the
# FAQ's question alone or after its article's title, whichever is closer), 0.78-1.0 of the FAQ's
# words in the user's, 0.41-1.0 of the user's words in the FAQ or its title ("do I have to speak
# German to work as an AI PM in Berlin?" / "Do I need to speak German?": 0.68, 0.78, 0.41).
# Other questions failed one of them: "... / Can I get a visa to work as an AI PM in Germany?"
# 0.74 but 0.67 ("visa"); "I've been on a help desk for 3 years. Is cloud engineering a
# realistic next move ...?" / "What is a cloud engineer?" 0.73, 1.0 but 0.16.
FAQ_MATCH = 0.65
FAQ_WORDS = 0.7  # of the FAQ question's words, weighted by rarity, the share the user's holds
FAQ_COVERED = 0.3  # of the user's words, the share the FAQ question or its article's title holds
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
    close in meaning, its words (each `weight`ed by rarity) mostly in `question`, and enough
    of `question`'s in it or its article's title."""
    asked = embed(question)
    words = content_words(question)
    best: tuple[float, Hit] | None = None
    for hit in hits:
        faq = (hit.section or "").rsplit(" > ", 1)[-1].strip()
        if not faq.endswith("?") or bool(_NEGATION.search(faq)) != bool(_NEGATION.search(question)):
            continue
        own = content_words(faq)
        share = _share(own & words, own, weight)  # the FAQ asks nothing the user does not
        covered = _share(
            words & (own | content_words(hit.title)), words, weight
        )  # nor the user much it does not
        closeness = max(float(embed(faq) @ asked), float(embed(f"{hit.title}: {faq}") @ asked))
        close = closeness >= FAQ_MATCH and share >= FAQ_WORDS and covered >= FAQ_COVERED
        if close and (best is None or closeness + share > best[0]):
            best = (closeness + share, hit)
    return _reply(best[1], units) if best else None


def _share(part: frozenset[str], whole: frozenset[str], weight: Callable[[str], float]) -> float:
    return sum(weight(w) for w in part) / max(sum(weight(w) for w in whole), 1e-9)


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
