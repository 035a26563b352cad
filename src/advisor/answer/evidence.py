"""What a passage says about a question, read from its words and meaning, not its search rank.

Composition chooses among the passages a search returned; which of them comes first depends
on how the search fused its lists, so choices made by rank change with the fusion. A
passage's evidence is the same whatever the order: the question's words it holds, each
weighted by how rare it is among the library's passages (a word every passage uses tells
little), and its calibrated relevance (`Hit.relevance`, closeness in meaning).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from advisor.answer.quotes import content_words
from advisor.retrieval import Hit

__all__ = ["Evidence"]

W_RELEVANCE = 1.0  # closeness in meaning against the share of the question's words a passage holds


class Evidence:
    """Scores passages for a question by their own content; built once per index version."""

    def __init__(self, passages: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for text in passages:
            counts.update(content_words(text))
            total += 1
        self._idf = {word: math.log(1 + total / n) for word, n in counts.items()}
        self._unseen = math.log(1 + max(total, 1))  # a word no passage holds is the rarest

    def weight(self, word: str) -> float:
        return self._idf.get(word, self._unseen)

    def words(self, question: str, hit: Hit) -> float:
        """The share of the question's words (weighted by rarity) the passage, its title or heading holds."""
        asked = content_words(question)
        total = sum(self.weight(w) for w in asked)
        if not total:
            return 0.0
        held = asked & content_words(f"{hit.title} {hit.section or ''} {hit.text}")
        return sum(self.weight(w) for w in held) / total

    def score(self, question: str, hit: Hit) -> float:
        return self.words(question, hit) + W_RELEVANCE * hit.relevance

    def order(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        """The hits by evidence, best first, their ranks numbered in that order."""
        scored = sorted(hits, key=lambda h: -self.score(question, h))
        return [replace(h, rank=i) for i, h in enumerate(scored, start=1)]
