"""Fit the relevance calibration on the dev half: logistic regression of "holds the gold phrase"
on the best cosine similarity of each top-10 passage (the chunk's or its best unit's).

    python eval/calibrate.py      prints CALIBRATION_SLOPE and CALIBRATION_INTERCEPT for retrieval.py

Also prints, for the test half, the mean relevance of gold and of other passages (a check).
"""

from __future__ import annotations

import math
import sys

import numpy as np
from retrieval import Question, _norm, question_sets

from advisor.config import load_settings
from advisor.retrieval import CALIBRATION_INTERCEPT, CALIBRATION_SLOPE, Retriever, open_retriever


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
