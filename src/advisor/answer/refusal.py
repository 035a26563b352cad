"""The one place that decides whether a question is refused, and the refusal that helps.

A refusal says why in one line, names what the library does cover nearby (its own
headings) and offers up to three questions it can answer that are closest to what was asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from advisor.answer.models import Answer, Mode
from advisor.answer.question import Kind, Question
from advisor.answer.suggestions import Suggester
from advisor.retrieval import Hit
from advisor.vocabulary import Vocabulary

__all__ = ["MIN_SIMILARITY", "UNKNOWN_TERM_SIMILARITY", "refusal", "refusal_reason"]

# Calibrated on eval/golden.jsonl, eval/followups.jsonl and eval/out_of_scope.jsonl
# (see README): the weakest in-scope question's best passage scores 0.227.
MIN_SIMILARITY = 0.20
UNKNOWN_TERM_SIMILARITY = 0.45  # below this, a topic word no article uses means "not covered"
MOSTLY_KNOWN = 0.15  # ... unless fewer than this share of the words are unknown
MOSTLY_KNOWN_SIMILARITY = 0.30  # ... and the best passage is at least this close
NOT_COVERED = "My career articles don't cover that, so I won't guess"


def refusal_reason(
    question: Question,
    hits: list[Hit],
    unknown_terms: Callable[[str], list[str]],
    vocabulary: Vocabulary,
) -> str | None:
    """Why the library cannot answer this question, or None when it can.

    Refused: personal decisions; questions whose best passage is far in meaning; and
    questions using words no article uses, unless they name a role or a distinctive tool
    the articles know, or nearly all their words are the articles' own.
    """
    if question.kind is Kind.OUT_OF_SCOPE:
        return "My career articles don't cover personal decisions like this one, so I won't make it for you"
    if vocabulary.knows(question.entities.roles, question.entities.tools):
        return None
    best = max((h.similarity for h in hits), default=0.0)
    if best < MIN_SIMILARITY:
        return NOT_COVERED
    unknown = unknown_terms(question.query) if best < UNKNOWN_TERM_SIMILARITY else []
    mostly_known = best >= MOSTLY_KNOWN_SIMILARITY and len(unknown) / _words(question.query) < MOSTLY_KNOWN
    if unknown and not mostly_known:
        return NOT_COVERED
    return None


def _words(text: str) -> int:
    return max(len(re.findall(r"[A-Za-z]{3,}", text)), 1)


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
