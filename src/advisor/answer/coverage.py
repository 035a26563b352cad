"""Whether the library covers what an ask is about: "a cover letter", "a bootcamp", "a visa".

A career question can be in scope and still be about something no article treats. Such an ask
has a word no line of the library holds that carries its meaning: dropping it from the ask
moves the ask's embedding away (a filler word, "really" or "stuff", hardly moves it), and none
of the passages found is close in meaning to the whole ask. The answer then says so at the level
of the question, instead of composing unrelated lines. Thresholds are fitted on the dev half.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from advisor.answer.asks import split_asks
from advisor.answer.opening import ASKING_WORDS, Focus, stems
from advisor.answer.question import Kind, Question
from advisor.embedding import Embedder
from advisor.retrieval import Hit
from advisor.text.spelling import information

__all__ = ["Coverage"]

MIN_SALIENCE = 0.06  # 1 - cosine(ask, ask without the word): how much of the ask's meaning it carries
MAX_RELEVANCE = 0.2  # an ask whose best passage is this relevant is covered, whatever its words
MAX_FOCUS = 0.3  # an ask whose best line holds this share of its weighted focus is covered ...
STRONG_SALIENCE = 0.18  # ... unless the word no article has carries this much of its meaning
MAX_FOCUS_STRONG = 0.6  # ... and even then, a line holding this much of the rest answers it
MIN_INFORMATION = 7.5  # a word this common in English (spelling.information) is no topic of its own
NOUN_REACH = 3  # words back to the determiner or question word that introduces a named thing
_DETERMINERS = frozenset({"a", "an", "the", "any", "some", "which", "what", "whats", "this", "that", "these"})
_OWN = frozenset({"my", "our", "your", "his", "her", "their"})
_TOKEN = re.compile(r"[A-Za-z][\w'-]*")
# Kinds that read their subject elsewhere: pay says which role it has no figure for, role fit
# reads a background that is the asker's, not the topic, a comparison names its two sides, a plan
# is a plan whatever it should lead to, and a list question finds a list of what it asks or none.
_ELSEWHERE = frozenset({Kind.SALARY, Kind.ROLE_FIT, Kind.COMPARISON, Kind.PLAN, Kind.LIST, Kind.OUT_OF_SCOPE})


class Coverage:
    def __init__(self, focus: Focus, embedder: Embedder) -> None:
        self.focus = focus
        self.embedder = embedder

    def uncovered(self, question: Question, hits: Sequence[Hit], best_focus: float) -> list[str]:
        """What the ask is about that no article covers, as written; empty when covered.

        best_focus: the share of the ask's focus its best line holds (Opening): an ask whose
        other words a line answers is covered."""
        if question.kind in _ELSEWHERE or best_focus >= MAX_FOCUS_STRONG:
            return []
        if max((h.relevance for h in hits), default=0.0) >= MAX_RELEVANCE:
            return []
        text = " ".join(split_asks(question.text))  # what it asks, not what the asker tells of themselves
        tokens = _TOKEN.findall(text)
        unseen = [
            i for i, t in enumerate(tokens)
            if (s := stems(t)) and not any(self.focus.holds(w) for w in s)
            and information(t.lower()) >= MIN_INFORMATION and not _asking(t)
        ]  # fmt: skip
        if not unseen:
            return []
        whole = self.embedder.embed_query(text)
        found: list[str] = []
        for i in unseen:
            if i > 0 and tokens[i - 1].lower() in _OWN:  # "my CV" is the asker's, not the topic
                continue
            named = any(t.lower() in _DETERMINERS for t in tokens[max(0, i - NOUN_REACH) : i])
            if not named and not _plural(tokens[i]):
                continue  # a topic is a thing named ("a laptop", "which bootcamp", "visas"), not a mood
            salience = self._salience(text, tokens[i], whole)
            # A word carrying much of the ask is its topic even where a line holds its other words.
            if salience < MIN_SALIENCE or (best_focus >= MAX_FOCUS and salience < STRONG_SALIENCE):
                continue
            phrase = _phrase(tokens, i)
            if phrase not in found:
                found.append(phrase)
        return found

    def _salience(self, text: str, words: str, whole: object) -> float:
        without = re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", " ", text)
        return 1.0 - float(self.embedder.embed_query(without) @ whole)  # type: ignore[operator]


def _phrase(tokens: list[str], i: int) -> str:
    """The word as the ask names it, with the words before it that name it too ("cover letter")."""
    start = i
    while start > 0 and not _asking(tokens[start - 1]) and i - start < 1:
        start -= 1
    return " ".join(tokens[start : i + 1])


def _plural(token: str) -> bool:
    """A plural noun names things without a determiner ("sponsor work visas")."""
    low = token.lower()
    return len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is"))


def _asking(token: str) -> bool:
    """A word that asks rather than names (Opening's asking words)."""
    return not (stems(token) - ASKING_WORDS)
