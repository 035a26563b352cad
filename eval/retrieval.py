"""Retrieval quality on the golden set: recall@1, recall@5 and MRR@10 for each mode.

    python eval/retrieval.py [--json]      (make eval)

A question counts as answered at rank r when the r-th passage contains its gold phrase
(or one of them, where several articles answer it), compared case-insensitively.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from advisor.config import load_settings
from advisor.retrieval import Retriever, open_retriever

GOLDEN = Path(__file__).with_name("golden.jsonl")
MODES = ("dense", "bm25", "hybrid")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def load_golden(path: Path = GOLDEN) -> list[tuple[str, list[str]]]:
    items = []
    for line in path.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            phrases = record["phrase"] if isinstance(record["phrase"], list) else [record["phrase"]]
            items.append((record["question"], [_norm(p) for p in phrases]))
    return items


def first_relevant_rank(retriever: Retriever, question: str, phrases: list[str], mode: str) -> int | None:
    for hit in retriever.search(question, k=10, mode=mode):  # type: ignore[arg-type]
        if any(p in _norm(hit.text) for p in phrases):
            return hit.rank
    return None


def evaluate(retriever: Retriever, golden: list[tuple[str, list[str]]]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for mode in MODES:
        ranks = [first_relevant_rank(retriever, q, p, mode) for q, p in golden]
        n = len(ranks)
        results[mode] = {
            "recall@1": sum(r == 1 for r in ranks if r) / n,
            "recall@5": sum(r <= 5 for r in ranks if r) / n,
            "mrr@10": sum(1 / r for r in ranks if r) / n,
            "missed@10": float(sum(r is None for r in ranks)),
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list questions not answered in the top 5")
    args = parser.parse_args()
    retriever = open_retriever(load_settings())
    golden = load_golden()
    results = evaluate(retriever, golden)
    if args.json:
        print(json.dumps({"questions": len(golden), **results}))
        return 0
    print(f"golden set: {len(golden)} questions, {retriever.version.chunk_count} chunks")
    print(f"{'mode':8} {'recall@1':>9} {'recall@5':>9} {'MRR@10':>8}")
    for mode, r in results.items():
        print(f"{mode:8} {r['recall@1']:9.3f} {r['recall@5']:9.3f} {r['mrr@10']:8.3f}")
    if args.misses:
        for question, phrases in golden:
            rank = first_relevant_rank(retriever, question, phrases, "hybrid")
            if rank is None or rank > 5:
                print(f"  hybrid rank {rank}: {question}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
