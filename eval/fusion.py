"""Fit score fusion's weights on the dev half: a grid search, smoothed to prefer a plateau.

The weights rank every passage (RetrievalOptions.score_fusion).

    python eval/fusion.py [--json]

Only the ratios of the three weights matter (FusionWeights), so the chunk cosine's weight
stays 1 and the grid spans the unit cosine's and the keyword share's. Each point is scored
by MRR@10 on the dev half; the point chosen is the inner one whose 3 x 3 neighbourhood has the
best mean, so that one lucky question does not pick a spike. Golden is shown beside it (it must
not regress); the test half is never read here.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from dataclasses import asdict, replace

import numpy as np
from retrieval import first_relevant_rank, question_sets, scores

from advisor.config import load_settings
from advisor.retrieval import RetrievalOptions, Retriever, open_retriever
from advisor.retrieval.fusion import FusionWeights

UNIT_GRID = (0.5, 0.75, 1.0, 1.25, 1.5)
KEYWORD_GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
FIT_SET = "dev"
SHOWN_SETS = ("dev", "dev+typos", "golden")


def surface(
    base: Retriever, sets: dict[str, list], weights: FusionWeights, options: RetrievalOptions
) -> dict[str, np.ndarray]:
    """MRR@10 of each grid point (unit weight x keyword weight) on each set."""
    grid = {name: np.zeros((len(UNIT_GRID), len(KEYWORD_GRID))) for name in sets}
    for i, unit in enumerate(UNIT_GRID):
        for j, keyword in enumerate(KEYWORD_GRID):
            point = replace(weights, unit=unit, keyword=keyword)
            retriever = Retriever(base.version, base.embedder, options, words=base.words, weights=point)
            for name, questions in sets.items():
                grid[name][i, j] = scores([first_relevant_rank(retriever, q) for q in questions])["mrr@10"]
    return grid


def plateau(grid: np.ndarray) -> tuple[int, int]:
    """The inner grid point whose 3 x 3 neighbourhood scores best on average.

    Only inner points qualify: an edge point's mean would be over fewer neighbours.
    """
    rows, cols = grid.shape
    inner = [(i, j) for i in range(1, rows - 1) for j in range(1, cols - 1)]
    return max(inner, key=lambda p: float(grid[p[0] - 1 : p[0] + 2, p[1] - 1 : p[1] + 2].mean()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    base = open_retriever(load_settings())
    base.embedder.embed_query = functools.lru_cache(maxsize=None)(base.embedder.embed_query)  # type: ignore[method-assign]
    sets = {name: questions for name, questions in question_sets().items() if name in SHOWN_SETS}
    weights = FusionWeights()
    options = RetrievalOptions()
    grid = surface(base, sets, weights, options)
    i, j = plateau(grid[FIT_SET])
    fitted = replace(weights, unit=UNIT_GRID[i], keyword=KEYWORD_GRID[j])
    if args.json:
        print(json.dumps({"fitted": asdict(fitted), "shipped": asdict(weights),
                          "grid": {name: g.round(3).tolist() for name, g in grid.items()},
                          "unit_grid": UNIT_GRID, "keyword_grid": KEYWORD_GRID}))  # fmt: skip
        return 0
    for name, g in grid.items():
        print(f"MRR@10 on {name} (rows: unit weight; columns: keyword weight)")
        print("unit \\ keyword" + "".join(f"{k:>8}" for k in KEYWORD_GRID))
        for unit, row in zip(UNIT_GRID, g, strict=True):
            print(f"{unit:>14}" + "".join(f"{v:8.3f}" for v in row))
    print(f"fitted on {FIT_SET} (best 3x3 neighbourhood): {fitted}; shipped: {weights}")
    print("at the fitted point: " + ", ".join(f"{n} {g[i, j]:.3f}" for n, g in grid.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
