"""What the library fails: stored questions that were refused, answered "not covered" or
voted not helpful, grouped by meaning, largest group first. An operator reads it as "what
to add next".

Only what the conversation store already keeps is read (the question, the answer's
opening, whether it cited anything, the last vote); nothing about who asked. The kind of
failure is derived from that: a refusal cites nothing; a "not covered" answer opens by
saying that no article gives what was asked (the composers' own opening).

Grouping: scikit-learn's agglomerative clustering of the questions' vectors (the advisor's
own embedding model), average linkage on cosine distance, cut at one distance instead of
a number of groups: deterministic, needs no count of topics in advance, and a topic asked
about once is a group of one rather than noise (HDBSCAN would drop it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from advisor.conversation.store import ConversationStore, StoredTurn
from advisor.embedding import Embedder

__all__ = ["MAX_DISTANCE", "Gap", "Reason", "failure_reasons", "find_gaps", "gap_report", "since_time"]

Reason = Literal["refused", "not_covered", "not_helpful"]
REASONS: tuple[Reason, ...] = ("refused", "not_covered", "not_helpful")
# A question joins a group when its average cosine distance to the group's questions is
# under this (similarity above 0.2). With the bundled model, questions on one topic average
# 0.33-0.42 similarity to each other and questions on different topics 0.03-0.04, in the
# tests' 25 questions on three topics; any cut from 0.75 to 0.9 groups them the same.
MAX_DISTANCE = 0.8
EXAMPLES = 3
# How the extractive composers open an answer about something no article gives ("None of
# the articles gives a salary for data engineer.", "None of the articles mentions H-1B.").
_NOT_COVERED_OPENING = re.compile(r"^\W*none of the articles\b", re.IGNORECASE)


@dataclass(frozen=True)
class Gap:
    """One group of failed questions that mean the same thing."""

    count: int  # failed turns in the group (a question asked twice counts twice)
    examples: tuple[str, ...]  # distinct questions, the most typical first
    reasons: dict[Reason, int] = field(default_factory=dict)
    last_asked: float = 0.0  # Unix time of the group's newest question

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "examples": list(self.examples),
            "reasons": {reason: self.reasons.get(reason, 0) for reason in REASONS},
            "last_asked": self.last_asked,
        }


def failure_reasons(turn: StoredTurn) -> list[Reason]:
    """Why this turn counts as a failure of the library; empty when it does not."""
    reasons: list[Reason] = []
    if not turn.cited:
        reasons.append("refused")
    elif (
        turn.not_covered if turn.not_covered is not None else _NOT_COVERED_OPENING.match(turn.answer_opening)
    ):
        reasons.append("not_covered")  # the ANSWER's field; turns stored before 0.3.0 by their opening
    if turn.rating == -1:
        reasons.append("not_helpful")
    return reasons


def find_gaps(
    turns: Iterable[StoredTurn], embedder: Embedder, max_distance: float = MAX_DISTANCE
) -> list[Gap]:
    """The failed turns grouped by the meaning of their questions, largest group first."""
    failed = [(turn, reasons) for turn in turns if (reasons := failure_reasons(turn))]
    if not failed:
        return []
    questions = list(dict.fromkeys(_key(turn.question) for turn, _ in failed))
    typed = {_key(turn.question): turn.question for turn, _ in reversed(failed)}  # first wording seen
    vectors = embedder.embed([typed[q] for q in questions])
    labels = _cluster(vectors, max_distance)
    group_of = dict(zip(questions, labels, strict=True))
    members: dict[int, list[tuple[StoredTurn, list[Reason]]]] = {}
    for turn, reasons in failed:
        members.setdefault(group_of[_key(turn.question)], []).append((turn, reasons))
    gaps = [_gap(group, questions, typed, vectors, labels, label) for label, group in members.items()]
    return sorted(gaps, key=lambda g: (-g.count, -g.last_asked))


def _key(question: str) -> str:
    """Questions that differ only in case and spacing are one question."""
    return " ".join(question.lower().split())


def _cluster(vectors: np.ndarray, max_distance: float) -> list[int]:
    if len(vectors) == 1:
        return [0]
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=max_distance, metric="cosine", linkage="average"
    )
    return [int(label) for label in model.fit_predict(vectors)]


def _gap(
    group: list[tuple[StoredTurn, list[Reason]]],
    questions: Sequence[str],
    typed: dict[str, str],
    vectors: np.ndarray,
    labels: Sequence[int],
    label: int,
) -> Gap:
    """One group: its distinct questions ordered by closeness to the group's centre."""
    rows = [i for i, lab in enumerate(labels) if lab == label]
    closeness = vectors[rows] @ vectors[rows].mean(axis=0)
    order = [typed[questions[rows[j]]] for j in np.argsort(-closeness, kind="stable")]
    reasons: Counter[Reason] = Counter(reason for _, found in group for reason in found)
    return Gap(
        count=len(group),
        examples=tuple(order[:EXAMPLES]),
        reasons=dict(reasons),
        last_asked=max(turn.created for turn, _ in group),
    )


def since_time(day: dt.date | None) -> float | None:
    """The Unix time at which `day` begins (UTC); None for no bound."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp()


def gap_report(
    store: ConversationStore, embedder: Callable[[], Embedder], since: dt.date | None = None
) -> list[Gap]:
    """The gaps in the questions stored since `since`; the embedder is loaded only if any failed."""
    turns = store.turns(since_time(since))
    if not any(failure_reasons(turn) for turn in turns):
        return []
    return find_gaps(turns, embedder())
