"""The one mechanism that picks what an answer opens with, for every kind of question.

An ask's focus is its own words, each weighted by how rare it is among the library's quotable
lines: "drift" and "open-source" tell lines apart, "tool" and "use" hardly. A line that holds
the focus (in its text, or less so in its lead-in and heading) and is close in meaning to the
ask, and has the shape the ask wants (a duration for "how long", a name for "which tool", a
figure for "how much"), opens the answer; a kind's structure (a table, steps, pay lines) comes
after it, never instead of it. Nothing here knows any article: the weights are the library's
own word counts, and the shapes are English forms.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import Stemmer

from advisor.answer.quotes import Quote, QuoteRanker, is_aside
from advisor.text.money import has_money

__all__ = ["ASKING_WORDS", "Articles", "Focus", "Opening", "Scored", "stems"]

W_FOCUS = 0.8  # the share of the ask's weighted focus a line holds, against its cosine to the ask
W_HEADER = 0.8  # focus held only by a line's lead-in or heading counts this much
W_SHAPE = 0.2  # a line of the shape the ask wants
W_ARTICLE = 0.5  # x the share of the ask its article holds anywhere (Articles.share)
W_PASSAGE = 0.2  # x its passage's relevance (Hit.relevance) against the best passage's
LEAD_IN_PENALTY = 0.3  # a line that only introduces what follows ("Here are the major tracks:")
ASIDE_PENALTY = 0.25
ROW_PENALTY = 0.3
CANDIDATES = 24  # lines embedded and scored in full, by their focus first

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")


@functools.lru_cache(maxsize=1 << 16)  # the library's lines are read for every ask
def stems(text: str) -> frozenset[str]:
    """A text's words, Snowball-stemmed ("maths" and "math", "visas" and "visa" are one)."""
    low = re.sub(r"\bml\b", "machine learning", text.lower())
    return frozenset(_STEMMER.stemWords(_WORD.findall(low)))


# Words that ask, not what is asked about.
ASKING_WORDS = stems(
    "what whats which who whom how why when where is are was were do does did can could should would "
    "will shall may might must i im me my mine you your we us our they them their it its this that "
    "these those there here a an the some any much many more most really actually even just also "
    "ok okay so please tell know want like need get getting go going good best better worth use used "
    "using thing things way ways kind sort type one ones lot lots someone anyone somebody people "
    "and or of to in on for with at by from as into about than then if not no yes be been being "
    "long take takes taking often"  # "how long does it take", "how often": forms of asking
)
_DURATION = re.compile(
    r"\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several)"
    r"(?:\s*(?:[–-]|to)\s*\d+)?[\s-]+(?:days?|weeks?|months?|years?)\b",
    re.I,
)
_NAME = re.compile(
    r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}\w*|[A-Z][\w.+-]*(?:\s+[A-Z][\w.+-]*)+)"
)
_YES_NO = re.compile(r"^(?:\*\*)?(?:yes|no|not necessarily|absolutely|definitely|it depends)\b", re.I)
_ASKS_DURATION = re.compile(
    r"\bhow (?:long|many (?:days|weeks|months|years))\b|\bhow much time\b|\btimeline\b|"
    r"\b(?:a|one|two|\d+|six|twelve)\s+(?:years?|months?|weeks?)\b.*\b(?:realistic|enough|possible|doable|feasible)\b",
    re.I,
)
_ASKS_FREQUENCY = re.compile(r"\bhow (?:often|frequently|regularly)\b", re.I)
_FREQUENCY = re.compile(
    r"\bevery\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|quarters?|seasons?)\b|"
    r"\b(?:once|twice|\w+ times)\s+(?:a|per|every|each)\b|\b(?:per|a|each) (?:year|month|week|day)\b|"
    r"\b(?:annual(?:ly)?|yearly|monthly|weekly|biennial\w*|valid for)\b",
    re.I,
)
_ASKS_COUNT = re.compile(r"\bhow many\s+(\w+(?:\s+\w+)?)", re.I)  # "how many (written) exams"
_NUMBER = re.compile(
    r"^(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|hundred|dozen)$",
    re.I,
)
_ASKS_WHEN = re.compile(r"^\W*(?:so |and |but )?(?:when|at what point)\b", re.I)
_WHEN = re.compile(r"\b(?:once|after|before|until|as soon as|first|then)\b", re.I)
_ASKS_MONEY = re.compile(r"\b(?:how much|salary|salaries|pay|paid|earn|cost|price)\b", re.I)
_ASKS_NAME = re.compile(
    r"^\W*(?:which|what)\s+(?:\w+\s+){0,3}?(?:tools?|frameworks?|librar(?:y|ies)|platforms?|languages?|"
    r"databases?|certifications?|certs?|courses?|roles?|jobs?|models?|services?|resources?)\b",
    re.I,
)
_ASKS_YES_NO = re.compile(
    r"^\W*(?:so |and |but |ok,? )?(?:do|does|did|is|are|was|can|could|should|will|would|am|have|has|must)\b",
    re.I,
)


class Focus:
    """The library's lines' words, each weighted by its rarity among them (inverse document frequency)."""

    def __init__(self, lines: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for line in lines:
            counts.update(stems(line))
            total += 1
        self._idf = {word: math.log(1 + total / n) for word, n in counts.items()}
        self.unseen = math.log(1 + max(total, 1))  # a word no line holds weighs most

    def terms(self, ask: str) -> dict[str, float]:
        """The ask's own words (not the words that ask), each with its weight."""
        return {w: self._idf.get(w, self.unseen) for w in stems(ask) - ASKING_WORDS}

    def holds(self, word: str) -> bool:
        return word in self._idf

    def share(self, terms: dict[str, float], text: str) -> float:
        """The weighted share of the terms a text holds."""
        total = sum(terms.values())
        if not total:
            return 0.0
        held = terms.keys() & stems(text)
        return sum(terms[w] for w in held) / total


class Articles:
    """Each article's words, for how much of an ask an article holds anywhere. A word is weighed
    by its rarity among articles: the ask's subject ("robotics") is the word few articles name,
    and a line from an article that never names it answers another subject."""

    def __init__(self, words: dict[str, frozenset[str]]) -> None:
        self._words = words
        counts = Counter(w for held in words.values() for w in held)
        total = len(words)
        self._idf = {w: math.log(1 + total / n) for w, n in counts.items()}

    def share(self, terms: dict[str, float], doc_id: str) -> float:
        """The share of the ask's words (weighed by their rarity among articles) the article holds."""
        weights = {t: self._idf[t] for t in terms if t in self._idf}  # words no article holds tell none apart
        total = sum(weights.values())
        held = self._words.get(doc_id, frozenset())
        return sum(w for t, w in weights.items() if t in held) / total if total else 0.0


@dataclass(frozen=True)
class Scored:
    quote: Quote
    score: float
    focus: float  # the share of the ask's focus the line itself holds
    framed: float = 0.0  # ... with its lead-in, heading and title counted (W_HEADER)


class Opening:
    """Scores an ask's candidate lines; the best one opens its answer."""

    def __init__(
        self,
        ranker: QuoteRanker,
        focus: Focus,
        articles: Articles | None = None,
    ) -> None:
        self.ranker = ranker
        self.focus = focus
        self.articles = articles or Articles({})

    def rank(self, ask: str, query: str, quotes: Sequence[Quote], subject: bool = True) -> list[Scored]:
        """The lines best first. `ask` is the question as asked (its focus); `query` what was searched.
        subject=False: the ask describes a person, not a subject an article is about (role fit),
        so which article a line comes from does not count."""
        if not quotes:
            return []
        terms = self.focus.terms(ask)
        own = np.array([self.focus.share(terms, q.text) for q in quotes])
        around = np.array([self.focus.share(terms, f"{q.text} {q.header} {q.hit.title}") for q in quotes])
        focus = own + W_HEADER * (around - own)
        article = np.array([self.articles.share(terms, q.hit.doc_id) if subject else 0.0 for q in quotes])
        shape = np.array([W_SHAPE * _has_shape(ask, q) for q in quotes])
        top = max((q.hit.relevance for q in quotes), default=0.0) or 1.0
        passage = np.array([W_PASSAGE * q.hit.relevance / top for q in quotes])  # how near its passage is
        penalty = np.array([_penalty(ask, q) for q in quotes])
        cheap = W_FOCUS * focus + W_ARTICLE * article + shape + passage - penalty
        candidates = np.argsort(-cheap)[:CANDIDATES]
        chosen = [quotes[i] for i in candidates]
        cosine = self.ranker.quote_vectors(chosen) @ self.ranker.embedder.embed_query(query)
        scored = [
            Scored(quotes[i], float(cheap[i] + cosine[n]), float(own[i]), float(focus[i]))
            for n, i in enumerate(candidates)
        ]
        return sorted(scored, key=lambda s: -s.score)


def _has_shape(ask: str, quote: Quote) -> bool:
    text = quote.text
    if _ASKS_WHEN.match(ask):  # "when should I take it?": a line saying once, after or before what
        return bool(_WHEN.search(text) or _DURATION.search(text))
    if _ASKS_DURATION.search(ask):
        return quote.kind != "row" and bool(_DURATION.search(text))
    if _ASKS_FREQUENCY.search(ask):  # "how often must I renew it?": every, valid for, once a year
        return bool(_FREQUENCY.search(text) or _DURATION.search(text))
    if counted := _ASKS_COUNT.search(ask):  # "how many exams?": a number of exams
        return _counts(text, counted.group(1))
    if _ASKS_YES_NO.match(ask):
        return bool(_YES_NO.match(text))
    if _ASKS_NAME.match(ask):
        return bool(_NAME.search(text))
    if _ASKS_MONEY.search(ask):
        return has_money(text)  # any currency, code or word (text/money.py)
    return False


def _counts(text: str, counted: str) -> bool:
    """Whether a text gives a number of what is counted: "seven exams", "3 written papers"."""
    want = stems(counted) - ASKING_WORDS
    words = _WORD.findall(text.lower())
    return any(
        _NUMBER.match(word) and want & stems(" ".join(words[i + 1 : i + 4])) for i, word in enumerate(words)
    )


def _penalty(ask: str, quote: Quote) -> float:
    text = quote.text.strip()
    penalty = ASIDE_PENALTY if is_aside(quote, ask) else 0.0
    if quote.kind == "row" and not _ASKS_MONEY.search(ask):  # a table row answers what its table is of
        penalty += ROW_PENALTY
    if text.endswith(":") and len(text.split()) < 20:  # a lead-in says nothing until its list
        penalty += LEAD_IN_PENALTY
    return penalty
