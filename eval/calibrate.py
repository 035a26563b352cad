"""Fit the relevance calibration and the refusal bar, on dev questions only.

    python eval/calibrate.py      prints CALIBRATION_SLOPE and CALIBRATION_INTERCEPT for retrieval.py,
                                  and MIN_RELEVANCE and MIN_RELEVANCE_ALL_UNKNOWN for answer/refusal.py

Relevance: logistic regression of "holds the gold phrase" on the best cosine similarity of each
top-10 passage of the dev half (the chunk's or its best unit's). Refusal: a line on (unknown share,
logit of the best passage's relevance) that refuses every off-topic question (eval/out_of_scope.jsonl,
the dev half's out_of_scope answers) and the fewest in-scope ones (the dev half, clean and misspelled,
eval/golden.jsonl, the dev half of eval/answers.jsonl), halfway across the gap. Also prints, for the
test half, the mean relevance of gold and of other passages and the share of it refused (a check).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass

import numpy as np
from retrieval import HERE, Question, _norm, question_sets

from advisor.answer.question import Kind, read_question
from advisor.answer.refusal import required_relevance
from advisor.config import load_settings
from advisor.retrieval import Retriever, open_retriever
from advisor.retrieval.hits import CALIBRATION_INTERCEPT, CALIBRATION_SLOPE


def examples(retriever: Retriever, questions: list[Question]) -> tuple[np.ndarray, np.ndarray]:
    """(best cosine, relevant) for each of the top 10 passages of each question."""
    x, y = [], []
    for question in questions:
        for hit in retriever.search(question.text, k=10):
            # relevance = logistic(a s + b), so s can be read back from the hit's relevance
            p = min(max(hit.relevance, 1e-6), 1 - 1e-6)
            x.append((math.log(p / (1 - p)) - CALIBRATION_INTERCEPT) / CALIBRATION_SLOPE)
            y.append(hit.doc_id == question.doc_id and any(g in _norm(hit.text) for g in question.phrases))
    return np.array(x), np.array(y, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, steps: int = 50) -> tuple[float, float]:
    """Logistic regression by Newton's method, with a whisker of ridge for stability."""
    X = np.column_stack([x, np.ones_like(x)])
    w = np.zeros(2)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-X @ w))
        gradient = X.T @ (p - y) + 1e-3 * w
        hessian = X.T @ (X * (p * (1 - p))[:, None]) + 1e-3 * np.eye(2)
        w -= np.linalg.solve(hessian, gradient)
    return float(w[0]), float(w[1])


@dataclass(frozen=True)
class Asked:
    """What the refusal rule reads of one question."""

    unknown_share: float
    relevance: float  # the best passage's, as the refusal rule sees it
    exempt: bool  # refused or answered whatever the line: a personal decision, or a known role/tool


def asked(retriever: Retriever, text: str) -> Asked:
    query = retriever.correct(text).text
    question = read_question(query, retriever.version.vocabulary, query)
    hits = retriever.search(query, k=5)
    exempt = question.kind is Kind.OUT_OF_SCOPE or retriever.version.vocabulary.knows(
        question.entities.roles, question.entities.tools
    )
    best = max((h.relevance for h in hits), default=1e-6)
    return Asked(retriever.unknown_share(query), min(max(best, 1e-6), 1 - 1e-6), exempt)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def fit_refusal(in_scope: list[Asked], off_topic: list[Asked]) -> tuple[float, float]:
    """(relevance needed with nothing unknown, with everything unknown): the line logit(relevance) =
    a + b * unknown share that refuses every off-topic question and the fewest in-scope ones,
    the widest gap winning a tie, placed halfway across it."""
    best: tuple[int, float, float, float] | None = None
    for step in range(0, 101):
        b = step / 10
        top = max(_logit(q.relevance) - b * q.unknown_share for q in off_topic if not q.exempt)
        margins = [_logit(q.relevance) - b * q.unknown_share - top for q in in_scope if not q.exempt]
        gap = min((m for m in margins if m > 0), default=0.0)
        refused = sum(m <= 0 for m in margins)
        if best is None or (refused, -gap) < (best[0], -best[1]):
            best = (refused, gap, top + gap / 2, b)
    assert best is not None
    _, _, a, b = best
    return 1 / (1 + math.exp(-a)), 1 / (1 + math.exp(-(a + b)))


def refusal_sets() -> tuple[list[str], list[str], list[str]]:
    """(in-scope dev questions, off-topic dev questions, test-half questions with their typos)."""
    sets = question_sets()
    answers = [json.loads(line) for line in (HERE / "answers.jsonl").read_text().splitlines() if line.strip()]
    dev_answers = [a for a in answers if a["split"] == "dev" and a["kind"] != "not_covered"]
    in_scope = [q.text for name in ("dev", "dev+typos", "golden") for q in sets[name]]
    in_scope += [a["question"] for a in dev_answers if a["kind"] != "out_of_scope"]
    lines = (HERE / "out_of_scope.jsonl").read_text().splitlines()
    off_topic = [json.loads(line)["question"] for line in lines if line.strip()]
    off_topic += [a["question"] for a in dev_answers if a["kind"] == "out_of_scope"]
    test = [q.text for name in ("test", "test+typos") for q in sets[name]]
    return in_scope, off_topic, test


def main() -> int:
    retriever = open_retriever(load_settings())
    sets = question_sets()
    x, y = examples(retriever, sets["dev"])
    slope, intercept = fit(x, y)
    print(f"CALIBRATION_SLOPE = {slope:.2f}\nCALIBRATION_INTERCEPT = {intercept:.2f}")
    tx, ty = examples(retriever, sets["test"])
    p = 1 / (1 + np.exp(-(slope * tx + intercept)))
    gold, other = p[ty == 1].mean(), p[ty == 0].mean()
    print(f"test half: mean relevance of gold passages {gold:.2f}, of the others {other:.2f}")
    in_scope, off_topic, test = refusal_sets()
    low, high = fit_refusal([asked(retriever, q) for q in in_scope], [asked(retriever, q) for q in off_topic])
    print(f"MIN_RELEVANCE = {low:.3f}\nMIN_RELEVANCE_ALL_UNKNOWN = {high:.3f}")
    tested = [asked(retriever, q) for q in test]
    refused = sum(not q.exempt and q.relevance < required_relevance(q.unknown_share) for q in tested)
    print(f"test half and its typos, refused by the shipped bar: {refused}/{len(tested)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
