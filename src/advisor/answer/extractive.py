"""The extractive answerer: quotes the sentences, list items and table rows that answer.

It needs no LLM. Every claim in its answer is a verbatim quote from a passage, so every
citation quote is a substring of its chunk and no figure is ever rewritten.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from advisor.answer.models import Answer, Citation
from advisor.embedding import Embedder, Vectors
from advisor.retrieval import Hit
from advisor.salaries import SalaryRow
from advisor.vocabulary import split_sentences

__all__ = ["ExtractiveAnswerer", "Unit", "split_units"]

EMBED_CANDIDATES = 16  # units embedded per question (the cold path's main cost)
LEAD_IN_WORDS = 15  # a shorter sentence ending in ":" only introduces what follows
MAX_SUPPORT = 4  # supporting bullets after the first sentence
SUPPORT_RATIO = 0.6  # a bullet scores at least this share of the best unit
# A unit's score: meaning, shared words, its passage's rank, words shared with its heading.
W_COSINE, W_OVERLAP, W_RANK, W_HEADING = 1.0, 0.3, 0.3, 0.5
_STOP = set(
    [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from",
        "is", "are", "was", "were", "be", "been", "do", "does", "did", "i", "me", "my", "you",
        "your", "we", "our", "they", "them", "their", "it", "its", "this", "that", "these", "those",
        "what", "which", "who", "how", "much", "many", "can", "could", "should", "would", "will",
        "as", "about", "into", "than", "then", "so", "if", "not", "no", "yes", "get"
    ]
)  # fmt: skip
_QUALIFIERS = {"ai", "ml", "machin", "learni"}
_SALARY_INTENT = re.compile(
    r"\b(earn|earns|earning|salary|salaries|pay|paid|make|makes|compensation|income|wage|wages)\b", re.I
)
_REGION_WORDS = {
    "UK": ("uk", "britain", "united kingdom", "england", "london"),
    "US": ("us", "usa", "united states", "america", "american"),
    "Remote": ("remote",),
}
_LEVEL_WORDS = {
    "junior": ("junior", "entry", "0-2", "0–2", "graduate", "beginner"),
    "mid": ("mid", "2-5", "2–5", "3-5"),
    "senior": ("senior", "5–8", "5-8"),
    "staff": ("staff", "8+"),
    "principal": ("principal", "distinguished"),
}


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage: a sentence, a list item or a table row."""

    text: str  # verbatim substring of the hit's text
    hit: Hit


def split_units(hit: Hit) -> list[Unit]:
    """Quotable units of a passage; table headers, lead-ins and code are context, not claims."""
    units: list[Unit] = []
    for line in hit.text.splitlines():
        line = line.strip()
        if not line or line.startswith(("| Role", "Role |")):
            continue
        if line.endswith(":") and len(line.split()) < LEAD_IN_WORDS:
            continue  # a lead-in such as "Skills needed:" says nothing by itself
        if re.match(r"^(import|from|def|class|return)\b|[({\[,]$", line):
            continue
        is_item = bool(re.match(r"^(?:[-*•]|\d+\.)\s+", line))
        is_row = "|" in line or (len(re.findall(r"[$£€]\d", line)) >= 2 and not line.endswith("."))
        pieces = [line] if is_item or is_row else _sentences(line)
        for piece in pieces:
            piece = re.sub(r"^(?:[-*•]|\d+\.)\s+", "", piece).strip()
            words = len(piece.split())
            if words >= 4 and piece in hit.text and (words >= LEAD_IN_WORDS or not piece.endswith(":")):
                units.append(Unit(piece, hit))
    return units


_ANAPHORA = re.compile(r"^(This|These|That|Those|It|Its|They|Their|Both|Such)\b")


def _sentences(line: str) -> list[str]:
    """Sentences, each kept with the one before when it opens with "This", "It", "They"..."""
    sentences: list[str] = []
    for sentence in split_sentences(line):
        if sentences and _ANAPHORA.match(sentence):
            start = line.index(sentences[-1])
            sentences[-1] = line[start : line.index(sentence, start + len(sentences[-1])) + len(sentence)]
        else:
            sentences.append(sentence)
    return sentences


def _words(text: str) -> set[str]:
    """Content words, crudely stemmed (first six letters); "ML" reads as "machine learning"."""
    text = re.sub(r"\bml\b", "machine learning", text.lower())
    return {w[:6] for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP}


def _heading(hit: Hit) -> str:
    return (hit.section or "").rsplit(" > ", 1)[-1]


class ExtractiveAnswerer:
    """Picks and quotes the passages' best units; answers salary questions from parsed rows."""

    def __init__(self, embedder: Embedder, salaries: list[SalaryRow], cache_size: int = 4096) -> None:
        self.embedder = embedder
        self.salaries = salaries
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._cache_size = cache_size

    def answer(self, query: str, hits: list[Hit]) -> Answer:
        salary = self._salary_answer(query, hits) if _SALARY_INTENT.search(query) else None
        return salary or self._quote_answer(query, hits)

    # general questions -------------------------------------------------------------

    def _quote_answer(
        self,
        query: str,
        hits: list[Hit],
        max_units: int = MAX_SUPPORT + 1,
        exclude: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> Answer:
        units = [u for hit in hits for u in split_units(hit) if u.text not in exclude]
        if not units:
            return Answer("The passages I found contain no quotable text.", [], True, "extractive")
        scores = self._score(query, units)
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        chosen = [units[order[0]]]
        for i in order[1:]:
            unit = units[i]
            if len(chosen) >= max_units or scores[i] < best * SUPPORT_RATIO:
                break
            if any(_near_duplicate(unit.text, c.text) for c in chosen):
                continue
            chosen.append(unit)
        citations = [Citation.from_hit(n, u.hit, u.text) for n, u in enumerate(chosen, start=1)]
        lines = [f"{chosen[0].text} [1]"]
        if len(chosen) > 1:
            lines.append("")
            lines += [f"- {u.text} [{n}]" for n, u in enumerate(chosen[1:], start=2)]
        return Answer("\n".join(lines), citations, False, "extractive")

    def _score(self, query: str, units: list[Unit]) -> np.ndarray:
        """Meaning (cosine to the question), shared words, passage rank and heading, weighted.

        Only the EMBED_CANDIDATES units that score best without meaning are embedded; the
        rest keep their cheap score, which is low enough never to be chosen over them.
        """
        query_words = _words(query)
        overlap = np.array([len(query_words & _words(u.text)) / max(len(query_words), 1) for u in units])
        rank_bonus = np.array([(6 - min(u.hit.rank, 6)) / 5 for u in units])
        heading = np.array(  # the article's own heading says what a passage is about
            [len(query_words & _words(_heading(u.hit))) / max(len(query_words), 1) for u in units]
        )
        scored: np.ndarray = W_OVERLAP * overlap + W_RANK * rank_bonus + W_HEADING * heading
        candidates = np.argsort(-scored)[:EMBED_CANDIDATES]
        vectors = self._vectors([units[i].text for i in candidates])
        scored[candidates] += W_COSINE * (vectors @ self.embedder.embed_query(query))
        return scored

    def _vectors(self, texts: list[str]) -> Vectors:
        """Unit embeddings, cached: the same passages come back for many questions."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing), strict=True):
                self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        for text in texts:
            self._cache.move_to_end(text)
        return np.vstack([self._cache[t] for t in texts])

    # salary questions ---------------------------------------------------------------

    def _salary_answer(self, query: str, hits: list[Hit]) -> Answer | None:
        """Every matching salary row from the retrieved passages, each with its own source."""
        rows = [r for r in _matching_rows(query, self.salaries) if any(r.quote in h.text for h in hits)]
        if not rows:
            return None  # only quote what was retrieved, so the sources shown back every figure
        citations: list[Citation] = []
        lines: list[str] = []
        for row in rows:
            citation = next((c for c in citations if c.quote == row.quote), None)
            if citation is None:
                hit = next(h for h in hits if row.quote in h.text)
                citation = Citation.from_hit(len(citations) + 1, hit, row.quote)
                citations.append(citation)
            region = f", {row.region}" if row.region else ""
            context = row.quote.split(row.range, 1)[-1].strip()  # "(at OpenAI, DeepMind, ...)"
            context = f" {context}" if context.startswith("(") else ""
            lines.append(f"- **{_role_label(row)}{region}**: {row.range}{context} [{citation.n}]")
        sources = len({c.doc_id for c in citations})
        lead = (
            "The articles give these figures; they differ, so each is shown with its source:"
            if sources > 1
            else "The article gives these figures:"
        )
        # Context the tables leave out ("FAANG total compensation ... can reach ..."), if any.
        notes = self._quote_answer(query, hits, max_units=2, exclude={r.quote for r in rows})
        extra: list[str] = []
        for citation in notes.citations:
            if "|" in citation.quote or len(re.findall(r"[$£€]\d", citation.quote)) >= 2:
                continue  # another table row: the list above already speaks for the tables
            n = len(citations) + 1
            citations.append(Citation.from_hit(n, _hit_of(citation, hits), citation.quote))
            extra.append(f"- {citation.quote} [{n}]")
        body = [lead, "", *lines]
        if extra:
            body += ["", "Also from the articles:", "", *extra]
        return Answer("\n".join(body), citations, False, "extractive")


def _hit_of(citation: Citation, hits: list[Hit]) -> Hit:
    return next(h for h in hits if h.chunk_id == citation.chunk_id)


def _role_label(row: SalaryRow) -> str:
    """Role and level as the source writes them: "Junior ML Engineer (0-2 years)"."""
    if not row.level:
        return row.role
    glued = f"{row.role} ({row.level})"
    return glued if glued in row.quote else f"{row.role}, {row.level}"


_LEVEL_STEMS = {w[:6] for words in _LEVEL_WORDS.values() for w in words}


def _matching_rows(query: str, rows: list[SalaryRow]) -> list[SalaryRow]:
    """Rows for the role the question names, narrowed by region and level when it names them.

    Roles are compared on their head words ("prompt engineer", not "AI" or "ML", which
    qualify most roles here); the role sharing the most head words with the question wins.
    """
    q = query.lower()
    q_words = _words(q)

    def head_words(row: SalaryRow) -> set[str]:
        words = _words(row.role) - _QUALIFIERS
        return (words - _LEVEL_STEMS) or words  # "Principal / Distinguished" is a role too

    scored = [(len(head_words(r) & q_words), r) for r in rows]
    best = max((s for s, _ in scored), default=0)
    if best == 0:
        return []
    matched = [r for s, r in scored if s == best]
    regions = [name for name, words in _REGION_WORDS.items() if any(re.search(rf"\b{w}\b", q) for w in words)]
    if regions:
        matched = [r for r in matched if r.region in regions] or matched
    levels = [name for name, words in _LEVEL_WORDS.items() if any(w in q for w in words)]
    if levels:
        narrowed = [
            r
            for r in matched
            if any(w in f"{r.role} {r.level or ''}".lower() for lv in levels for w in _LEVEL_WORDS[lv])
        ]
        matched = narrowed or matched
    return matched[:12]


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(min(len(wa), len(wb)), 1) > 0.8
