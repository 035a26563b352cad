"""The one place that decides whether a question is refused, and the refusal that helps.

A refusal says why in one line, names what the library does cover nearby (its own
headings) and offers up to three questions it can answer that are closest to what was asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from advisor.answer.models import Answer, Mode
from advisor.answer.question import Kind, Question
from advisor.answer.suggestions import Suggester
from advisor.corpus.vocabulary import Vocabulary
from advisor.retrieval import Hit

__all__ = ["MIN_RELEVANCE", "MIN_RELEVANCE_ALL_UNKNOWN", "NOT_COVERED", "refusal", "refusal_reason"]

# A question is refused when its best passage's calibrated relevance (Hit.relevance: the chunk's
# or its best unit's, 0-1) is under a bar that rises with the share of the question the articles
# have no words for: MIN_RELEVANCE when the articles know every word, MIN_RELEVANCE_ALL_UNKNOWN
# when they know none, in between on the logit scale. Fitted by `python eval/calibrate.py` on the
# dev halves (clean and misspelled), eval/golden.jsonl, eval/out_of_scope.jsonl and the dev half
# of eval/answers.jsonl: every off-topic question refused, the fewest in-scope ones.
MIN_RELEVANCE = 0.022
MIN_RELEVANCE_ALL_UNKNOWN = 0.168
NOT_COVERED = "My career articles don't cover that, so I won't guess"


def refusal_reason(
    question: Question,
    hits: list[Hit],
    unknown_share: Callable[[str], float],
    vocabulary: Vocabulary,
) -> str | None:
    """Why the library cannot answer this question, or None when it can.

    Refused: personal decisions; and questions whose best passage is not relevant enough
    for how much of the (spelling-corrected) question the articles have no words for,
    unless they name a role or a distinctive tool the articles know.
    """
    if question.kind is Kind.OUT_OF_SCOPE:
        return "My career articles don't cover personal decisions like this one, so I won't make it for you"
    if vocabulary.knows(question.entities.roles, question.entities.tools):
        return None
    best = max((h.relevance for h in hits), default=0.0)
    if best < required_relevance(unknown_share(question.query)):
        return NOT_COVERED
    return None


def required_relevance(unknown_share: float) -> float:
    """The relevance the best passage needs when this share (0-1) of the question is unknown."""
    low, high = _logit(MIN_RELEVANCE), _logit(MIN_RELEVANCE_ALL_UNKNOWN)
    return 1.0 / (1.0 + math.exp(-(low + (high - low) * unknown_share)))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def refusal(reason: str, question: Question, suggester: Suggester, mode: Mode) -> Answer:
    """A refusal that names the library's nearby topics and offers answerable questions."""
    topics = suggester.topics(question.query)
    offers = suggester.closest(question.query)
    parts = [f"{reason}."]
    if topics:
        parts.append("The articles cover topics such as: " + "; ".join(topics) + ".")
    if offers:
        parts.append("Questions I can answer from them include:\n\n" + "\n".join(f"- {q}" for q in offers))
    answer = Answer("\n\n".join(parts), [], True, mode)
    answer.kind = Kind.OUT_OF_SCOPE.value
    answer.suggestions = offers
    return answer
