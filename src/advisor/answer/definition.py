"""Definition answers: the line that defines the term, then what the role or term involves.

"What is X?" opens with the line that defines X wherever the library has it ("X (its
expansion) ..." or "X is ..."), with the sentence after it when that one refers back
("Think of them as ...", or "The appointed actuary ..." after 'translated as "appointed
actuary"'). "What does an X do all day?" keeps to X's own sections, and a
list it quotes from ("Day-to-day tasks:") is shown whole, in the article's order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from advisor.answer.quotes import Quote, QuoteRanker, quotes_from_hits
from advisor.answer.sources import Library
from advisor.retrieval import Hit

__all__ = [
    "MAX_LIST",
    "asked_term",
    "best_quotes",
    "defining_quote",
    "list_after",
    "on_role",
    "refers_back",
    "whole_list",
]

MAX_LIST = 20  # items of one list shown; a longer one says how many more it has
_ASKED = re.compile(
    r"^\W*(?:so |and |ok,? )?(?:what(?:'s| is| are)|define|explain|meaning of|who (?:is|are))\s+"
    r"(?:an? |the )?(.+?)\s*\??$|^\W*what does (?:an? |the )?(.+?) (?:mean|stand for)\s*\??$",
    re.IGNORECASE,
)
_REFERS_BACK = re.compile(r"\b(them|they|it|this|these|those|such)\b", re.IGNORECASE)
REFER_WORDS = 4  # a pronoun among a sentence's first words points at the sentence before


def asked_term(question: str) -> str | None:
    """The term a "what is X?" question asks about, as typed; None for other questions."""
    match = _ASKED.match(question.strip())
    term = (match.group(1) or match.group(2)) if match else None
    return term if term and len(term.split()) <= 4 else None


def defining_quote(term: str, hits: Sequence[Hit], library: Library) -> Quote | None:
    """The first line in the library that defines the term: "X (expansion) ..." or "X is/are/means ..."."""
    name = re.escape(term)
    expands = re.compile(rf"(?<![\w-]){name}\s+\((?=[A-Z])[^)]{{3,80}}\)", re.IGNORECASE)
    verb = r"(?:(?:is|are) (?:an?|the)\b|refers to|means|stands for)"
    states = re.compile(rf"^(?:[^:]{{0,30}}:\s*)?(?:an? |the )?{name}\s+{verb}", re.IGNORECASE)
    first = list(dict.fromkeys(h.chunk_id for h in hits))  # the passages found first, then the rest
    low = term.lower()
    for chunk_id in [*first, *(c for c in library.units if c not in first)]:
        for unit in library.units[chunk_id]:
            if unit.kind != "sentence" or low not in unit.text.lower():  # cheap test first
                continue
            if expands.search(unit.text) or states.search(unit.text):
                return next((q for q in library.quotes(unit.chunk_id) if unit.text in q.text), None)
    return None


def refers_back(quote: Quote, library: Library) -> Quote | None:
    """The sentence right after a quote when its first words point back at it ("Think of them as ...")."""
    after = [q for q in library.quotes(quote.hit.chunk_id) if q.position == quote.position + 1]
    if after and after[0].kind == "sentence" and quote.kind == "sentence":
        # Its own words: a quote of a "They ..." sentence already carries the sentence before it.
        units = library.units.get(quote.hit.chunk_id, ())
        own = next((u.text for u in units if u.position == after[0].position), after[0].text)
        opening = " ".join(own.split()[:REFER_WORDS])
        if (_REFERS_BACK.search(opening) or _names_again(opening, quote.text)) and own not in quote.text:
            return replace(after[0], text=own, context=None, hit=quote.hit)
    return None


_GLOSS = re.compile(r"[\"“]([^\"”]{3,60})[\"”]|\*\*([^*]{3,60})\*\*")


def _names_again(opening: str, before: str) -> bool:
    """Whether a sentence opens by naming what the one before introduced, in quotes or bold:
    'usually translated as "appointed actuary".' then "The appointed actuary confirms ..."."""
    named = [a or b for a, b in _GLOSS.findall(before)]
    low = opening.lower()
    return any(re.match(rf"^(?:the |an? |this |each )?{re.escape(n.lower())}\b", low) for n in named)


def on_role(quotes: Sequence[Quote], roles: Sequence[str]) -> list[Quote]:
    """The quotes from a named role's own sections, or that name it; all of them if none do."""
    if not roles:
        return list(quotes)
    wanted = [r.lower() for r in roles]
    own = [q for q in quotes if any(r in (q.hit.section or "").lower() for r in wanted)]
    return own or list(quotes)


def whole_list(item: Quote, library: Library) -> list[Quote]:
    """Every item of the list an item belongs to (same passage, same lead-in), in order (callers
    show MAX_LIST of them and say how many more)."""
    items = [
        replace(q, hit=item.hit)
        for q in library.quotes(item.hit.chunk_id)
        if q.kind == "item" and q.context == item.context
    ]
    return sorted(items, key=lambda q: q.position) or [item]


def best_quotes(query: str, hits: Sequence[Hit], roles: Sequence[str], library: Library,
                ranker: QuoteRanker, limit: int) -> list[Quote]:  # fmt: skip
    """The best quotes about the question, kept to the role it names."""
    return ranker.best(query, on_role(quotes_from_hits(hits, library.units), roles), limit)


def list_after(quote: Quote, library: Library) -> list[Quote]:
    """The list a sentence's paragraph goes on to introduce ("... build fluency in classical ML.
    These techniques ...:" then its items), whole; empty when the paragraph introduces none."""
    if quote.kind != "sentence":
        return []
    text = quote.hit.text
    end = text.find(quote.text) + len(quote.text)
    for item in library.quotes(quote.hit.chunk_id):
        if item.kind == "item" and item.position > quote.position and item.context:
            at = text.find(item.context, end - len(quote.text))
            if end - len(quote.text) >= 0 and at >= 0 and "\n" not in text[end:at]:
                return whole_list(replace(item, hit=quote.hit), library)
            return []
    return []
