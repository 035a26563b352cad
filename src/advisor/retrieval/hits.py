"""What a search returns: Hit, one passage with its article's metadata and calibrated relevance."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["CALIBRATION_INTERCEPT", "CALIBRATION_SLOPE", "Hit", "calibrated"]

# relevance = logistic(slope * best cosine + intercept), fitted by eval/calibrate.py on the dev
# half: each top-10 passage labelled by whether it holds the gold phrase. It reads only the
# cosine of one passage to one query, so it does not move with corpus size or rank.
CALIBRATION_SLOPE = 8.03
CALIBRATION_INTERCEPT = -6.37


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float  # fused score, 0..1 (weighted sum of the lists' scores); the mode's own score otherwise
    doc_id: str
    chunk_id: str
    title: str
    author: str | None
    date: str | None
    source: str
    section: str | None
    text: str
    similarity: float  # cosine similarity of the chunk to the query
    query: str = ""  # the query as searched: spelling corrected
    relevance: float = 0.0  # calibrated 0..1: how likely this passage answers the query
    url: str | None = None  # the original article on the web, when its metadata names one
    flagged: bool = False  # flagged as instructions to a model, let through by ADVISOR_ALLOW_FLAGGED

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def calibrated(similarity: float) -> float:
    """A cosine similarity as the probability that the passage answers the query (logistic fit)."""
    return 1.0 / (1.0 + math.exp(-(CALIBRATION_SLOPE * similarity + CALIBRATION_INTERCEPT)))
