"""Fusing rankings: a weighted sum of scores (what ships), and reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor.retrieval.dense import Ranking

__all__ = ["RRF_K", "FusionWeights", "fuse_ranks", "fuse_scores"]

RRF_K = 60  # the constant from Cormack et al.; rank 1 in both lists scores 2/61


@dataclass(frozen=True)
class FusionWeights:
    """Score fusion: dense x chunk cosine + unit x best unit cosine + keyword x (BM25 / the query's best).

    A weighted sum of scores beats rank fusion when tuned (Bruch et al., "An Analysis of Fusion
    Functions for Hybrid Retrieval", 2023): it keeps how far apart the candidates are. Only the
    ratios matter; `python eval/fusion.py` fits them on the dev half by a grid search.
    """

    dense: float = 1.0
    unit: float = 1.25  # fitted on dev by eval/fusion.py (1.0 and 0.15 before, by hand)
    keyword: float = 0.2
    # x the best cosine of a unit's shown text (its line without the heading path: the quote
    # index), a second view of the same sentence; chosen on dev (docs/QUALITY.md)
    quote: float = 0.25


def fuse_scores(
    weights: FusionWeights,
    dense: Ranking,
    keyword: Ranking,
    units: Ranking,
    quotes: Ranking,
    cosine: Callable[[int], float],
) -> Ranking:
    """Every candidate of any list ranked by a weighted sum of its scores, scaled to 0..1.

    `cosine(id)` gives the chunk's cosine when dense search did not return it.
    """
    w = weights
    chunk_cosine, bm25, best_unit = dict(dense), dict(keyword), dict(units)
    top = max(bm25.values(), default=0.0) or 1.0
    # (weight, each chunk's best cosine, the floor for a chunk none of whose units came near)
    evidence = [
        (weight, best, min(best.values()))
        for weight, best in ((w.unit, best_unit), (w.quote, dict(quotes)))
        if best
    ]
    cosines = w.dense + sum(weight for weight, _, _ in evidence)
    scored: Ranking = []
    for faiss_id in sorted(chunk_cosine.keys() | bm25.keys() | best_unit.keys()):
        similarity = chunk_cosine.get(faiss_id)
        if similarity is None:
            similarity = cosine(faiss_id)
        score = w.dense * similarity + w.keyword * bm25.get(faiss_id, 0.0) / top
        score += sum(weight * best.get(faiss_id, floor) for weight, best, floor in evidence)
        # from -cosines..cosines + keyword to 0..1; the order is the same
        scored.append((faiss_id, (score + cosines) / (2 * cosines + w.keyword)))
    return sorted(scored, key=lambda item: -item[1])


def fuse_ranks(*rankings: Ranking) -> Ranking:
    """Reciprocal rank fusion, scaled so that first place in every list scores 1.0."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (faiss_id, _) in enumerate(ranking, start=1):
            fused[faiss_id] = fused.get(faiss_id, 0.0) + 1.0 / (RRF_K + rank)
    best = len(rankings) / (RRF_K + 1)
    return sorted(((i, s / best) for i, s in fused.items()), key=lambda item: -item[1])
