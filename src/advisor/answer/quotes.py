"""Quotable pieces of the retrieved passages, each self-contained, ranked for a question.

A Quote is what a citation quotes (verbatim text of its chunk) plus what a reader needs
to understand it: a list item's lead-in or heading, the sentence a "This ..." sentence
refers to. It comes from the index's units when the version has them, else from the
passage's lines.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from advisor.corpus.units import shown_text
from advisor.embedding import Embedder, Vectors
from advisor.retrieval import Hit
from advisor.text.lexicon import split_sentences

__all__ = [
    "Quote",
    "QuoteRanker",
    "content_words",
    "is_aside",
    "quote_of_unit",
    "quotes_from_hits",
    "split_units",
]

UNRANKED = 99  # the rank Library.hit gives a passage the search did not return
EMBED_CANDIDATES = 16  # quotes embedded per question (the cold path's main cost)
LEAD_IN_WORDS = 15  # a shorter line ending in ":" only introduces what follows
# A quote's score: meaning, shared words, its passage's evidence, words shared with its heading.
W_COSINE, W_OVERLAP, W_PASSAGE, W_HEADING = 1.0, 0.3, 0.3, 0.5
ASIDE_PENALTY = 0.25  # anecdotes, taglines and market figures rank below on-topic facts
W_DURATION = 0.3  # "how long ...?": a line that states a duration ("8–12 weeks") answers it

_STOP = set(
    [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from",
        "is", "are", "was", "were", "be", "been", "do", "does", "did", "i", "me", "my", "you",
        "your", "we", "our", "they", "them", "their", "it", "its", "this", "that", "these", "those",
        "what", "which", "who", "how", "much", "many", "can", "could", "should", "would", "will",
        "as", "about", "into", "than", "then", "so", "if", "not", "no", "yes", "get"
    ]
)  # fmt: skip
_ANAPHORA = re.compile(r"^(This|These|That|Those|It|Its|They|Their|Them|Both|Such|He|She|Each)\b")
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
_CODE = re.compile(r"^(import|from|def|class|return)\b|[({\[,]$")
# Asides, told apart by their form, never by what one article says.
_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'd|my|me|we|We|our|Our|us)\b")
# An article speaking of itself ("This guide describes the roles, the tools ...") says what it covers,
# not what is true of any of it.
_ABOUT_ITSELF = re.compile(
    r"\b(?:this|the present|our) (?:guide|article|post|piece|blog|page|series|report)\b", re.I
)
_MARKET_FIGURE = re.compile(r"\d[\d.,]*\s*(?:%|(?:percent|billion|million|trillion)\b)", re.I)
_ASKS_MARKET = re.compile(
    r"\b(market|demand|growth|grow|growing|jobs?|hiring|openings|statistic|trend)", re.I
)
_ASKS_DURATION = re.compile(r"\bhow (?:long|many (?:days|weeks|months|years))\b|\bhow much time\b", re.I)
_NUMBER = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"
_DURATION = re.compile(
    rf"\b{_NUMBER}(?:\s*(?:[–-]|to)\s*{_NUMBER})?[\s-]+(?:days?|weeks?|months?|years?)\b", re.I
)
_ASKS_PERSONAL = re.compile(r"\b(author|story|stories|example|anecdote|experience of)\b", re.I)


@dataclass(frozen=True)
class Quote:
    """A quotable piece of a passage and what makes it readable on its own."""

    text: str  # verbatim in hit.text: what the citation quotes
    hit: Hit
    kind: str = "sentence"  # "sentence" | "item" | "row" | "code"
    context: str | None = None  # a list item's lead-in or heading; a row's header
    label: str | None = None  # "Month 1", "Phase 2", "Step 4": a step's label as written
    sequence: str | None = None  # the ordered sequence it belongs to
    position: int = 0  # document order
    unit_id: str | None = None  # the index unit it comes from, whose vector the index holds

    @property
    def heading(self) -> str:
        return (self.hit.section or "").rsplit(" > ", 1)[-1]

    @property
    def header(self) -> str:
        """What the list or section it belongs to says it is: its lead-in and heading path."""
        return f"{self.context or ''} {self.hit.section or ''}"

    def shown(self) -> str:
        """The quote as an answer line shows it: a list item after its lead-in."""
        return shown_text(self.kind, self.text, self.context)


def split_units(hit: Hit) -> list[Quote]:
    """Quotes read from a passage's lines: sentences, list items after their lead-in, rows."""
    quotes: list[Quote] = []
    lead_in: str | None = None
    header: str | None = None
    for line in hit.text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.endswith(":") and len(line.split()) < LEAD_IN_WORDS:
            lead_in = line  # "Skills needed:" says nothing itself; it heads the items below
            continue
        if line.startswith("|"):
            if header is None or set(line) <= set("|-: "):
                header = header or line
                continue
        elif _CODE.search(line):
            continue
        is_item = bool(_BULLET.match(line))
        is_row = line.startswith("|") or (len(re.findall(r"[$£€]\d", line)) >= 2 and not line.endswith("."))
        if is_item or is_row:
            text = _BULLET.sub("", line).strip()
            kind = "row" if is_row and not is_item else "item"
            quotes.append(Quote(text, hit, kind, header if kind == "row" else lead_in))
            continue
        lead_in = None
        quotes += [Quote(s, hit, "sentence") for s in _self_contained(line)]
    return [replace(q, position=i) for i, q in enumerate(quotes) if len(q.text.split()) >= 3]


def _self_contained(line: str) -> list[str]:
    """Sentences, each joined to the one before when it opens with "This", "It", "Both"..."""
    sentences: list[str] = []
    for sentence in split_sentences(line):
        if sentences and _ANAPHORA.match(sentence):
            start = line.index(sentences[-1])
            sentences[-1] = line[start : line.index(sentence, start + len(sentences[-1])) + len(sentence)]
        else:
            sentences.append(sentence)
    return sentences


def quotes_from_hits(hits: Sequence[Hit], units: Mapping[str, Sequence[Any]] | None = None) -> list[Quote]:
    """Every quote of the passages; from the index's units (by chunk id) where it has them."""
    quotes: list[Quote] = []
    for hit in hits:
        chunk_units = units.get(hit.chunk_id) if units else None
        quotes += [quote_of_unit(u, hit) for u in chunk_units] if chunk_units else split_units(hit)
    return [q for q in quotes if q.kind != "code"]


def quote_of_unit(unit: Any, hit: Hit) -> Quote:
    """A Unit (advisor.units) as a Quote; a "This ..." sentence takes its antecedent along."""
    text, context = unit.text, unit.context
    if context and unit.kind == "sentence":
        at = hit.text.find(context)
        end = at + len(context)
        rest = hit.text[end:]
        if (
            at >= 0
            and rest.lstrip().startswith(text)
            and not rest[: len(rest) - len(rest.lstrip())].count("\n")
        ):
            text, context = hit.text[at : end + (len(rest) - len(rest.lstrip())) + len(text)], None
    return Quote(text, hit, unit.kind, context, unit.label, unit.sequence, unit.position, unit.unit_id)


@functools.lru_cache(maxsize=1 << 16)  # the same passages' lines are read for many questions
def content_words(text: str) -> frozenset[str]:
    """Content words, crudely stemmed (first six letters); "ML" reads as "machine learning"."""
    text = re.sub(r"\bml\b", "machine learning", text.lower())
    return frozenset(w[:6] for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP)


def is_aside(quote: Quote, question: str) -> bool:
    """An author's anecdote, a tagline or a market statistic the question did not ask for."""
    text = quote.text
    if _ABOUT_ITSELF.search(text):
        return True
    if _FIRST_PERSON.search(text) and not _ASKS_PERSONAL.search(question):
        return True
    if _MARKET_FIGURE.search(text) and not _ASKS_MARKET.search(question):
        return True
    words = len(text.split())
    return quote.kind == "sentence" and (text.endswith(("!", "?")) or words < 6)


def near_duplicate(a: str, b: str) -> bool:
    wa, wb = content_words(a), content_words(b)
    return len(wa & wb) / max(min(len(wa), len(wb)), 1) > 0.8


class QuoteRanker:
    """Scores quotes for a question.

    A quote from one of the index's units is scored with the vector the index stored for its
    shown text (`unit_vector`); any other text is embedded once and cached across questions.
    """

    def __init__(
        self,
        embedder: Embedder,
        unit_vector: Callable[[str], Vectors | None] = lambda unit_id: None,
        passage_score: Callable[[str, Hit], float] | None = None,
        cache_size: int = 4096,
    ) -> None:
        """`passage_score(question, hit)` says how much a passage holds about a question
        (advisor.answer.evidence); without it a passage counts by its rank."""
        self.embedder = embedder
        self.passage_score = passage_score
        self.unit_vector = unit_vector
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()  # one ranker serves every request thread

    def scores(self, question: str, quotes: Sequence[Quote]) -> np.ndarray:
        """Meaning (cosine to the question), shared words, its passage's evidence and heading, weighted.

        Only the EMBED_CANDIDATES quotes that score best without meaning are embedded; the
        rest keep their cheap score, which is low enough never to be chosen over them.
        """
        if not quotes:
            return np.zeros(0)
        query_words = content_words(question)
        n = max(len(query_words), 1)
        overlap = np.array([len(query_words & content_words(q.shown())) / n for q in quotes])
        passage = self._passage_evidence(question, quotes)
        heading = np.array([len(query_words & content_words(q.heading)) / n for q in quotes])
        asides = np.array([ASIDE_PENALTY if is_aside(q, question) else 0.0 for q in quotes])
        scored: np.ndarray = W_OVERLAP * overlap + W_PASSAGE * passage + W_HEADING * heading - asides
        if _ASKS_DURATION.search(question):
            # Prose and list items: a table's "(0–2 years)" is a level of experience, not a duration.
            scored += np.array(
                [W_DURATION * (q.kind != "row" and bool(_DURATION.search(q.text))) for q in quotes]
            )
        candidates = np.argsort(-scored)[:EMBED_CANDIDATES]
        vectors = self.quote_vectors([quotes[i] for i in candidates])
        scored[candidates] += W_COSINE * (vectors @ self.embedder.embed_query(question))
        return scored

    def _passage_evidence(self, question: str, quotes: Sequence[Quote]) -> np.ndarray:
        """Each quote's passage's evidence as a share of the best passage's: what the passage says
        about the question, not where the search ranked it. A passage the search did not return
        (a list's continuation, a section's first line: `Library.hit`) has none."""
        if self.passage_score is None:  # no evidence given: the search's order stands in for it
            return np.array([(6 - min(q.hit.rank, 6)) / 5 for q in quotes])
        found: dict[str, float] = {}
        for q in quotes:
            if q.hit.chunk_id not in found:
                found[q.hit.chunk_id] = 0.0 if q.hit.rank >= UNRANKED else self.passage_score(question, q.hit)
        top = max(found.values()) or 1.0
        return np.array([found[q.hit.chunk_id] / top for q in quotes])

    def best(self, question: str, quotes: Sequence[Quote], limit: int, ratio: float = 0.6) -> list[Quote]:
        """Up to `limit` quotes scoring at least `ratio` of the best, near-duplicates dropped."""
        scores = self.scores(question, quotes)
        if not len(scores):
            return []
        order = np.argsort(-scores)
        top = float(scores[order[0]])
        chosen: list[Quote] = []
        for i in order:
            if len(chosen) >= limit or (chosen and scores[i] < top * ratio):
                break
            if not any(near_duplicate(quotes[i].text, c.text) for c in chosen):
                chosen.append(quotes[i])
        return chosen

    def quote_vectors(self, quotes: Sequence[Quote]) -> Vectors:
        """The index's vector of each quote's unit; the quote's embedding where it has none."""
        stored = [self.unit_vector(q.unit_id) if q.unit_id else None for q in quotes]
        missing = [q.shown() for q, vector in zip(quotes, stored, strict=True) if vector is None]
        embedded = iter(self.vectors(missing)) if missing else iter(())
        return np.vstack([next(embedded) if vector is None else vector for vector in stored])

    def vectors(self, texts: Iterable[str]) -> Vectors:
        """Embeddings of texts, cached: the same passages come back for many questions."""
        texts = list(texts)
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:  # embedded outside the lock: other questions need not wait for this one
            found |= dict(zip(missing, self.embedder.embed(missing), strict=True))
        with self._lock:
            for text in dict.fromkeys(texts):
                self._cache[text] = found[text]
                self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return np.vstack([found[t] for t in texts])
