"""The encoder backends side by side, in one run: speed of a query and of a batch, and
retrieval quality on the held-out set's test half with each backend encoding the queries.

    python bench/encoders.py [--set eval/heldout_retrieval.jsonl]      (part of make bench)

The index is the one built by `advisor index` (documents encoded by PyTorch), so a backend
is judged on what switching it in a running server changes. Timings interleave backends.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

from _common import ROOT, percentiles

from advisor.config import load_settings
from advisor.embedding import Embedder, load_embedder
from advisor.retrieval import Retriever, open_retriever

BACKENDS = ("torch", "onnx", "onnx-int8")
HELDOUT = ROOT / "eval" / "heldout_retrieval.jsonl"
ROUNDS = 30


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def quality(retriever: Retriever, records: list[dict[str, Any]]) -> dict[str, float]:
    """recall@5 and MRR@10 of hybrid search: rank of the first passage holding a gold phrase."""
    ranks = []
    for record in records:
        gold = [_norm(g) for g in record["gold"]]
        hits = retriever.search(record["question"], k=10)
        ranks.append(next((h.rank for h in hits if any(g in _norm(h.text) for g in gold)), None))
    n = len(ranks)
    return {"questions": n, "recall@5": round(sum(1 for r in ranks if r and r <= 5) / n, 4),
            "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4)}  # fmt: skip


def main(heldout: Path = HELDOUT) -> dict[str, Any]:
    records = [json.loads(line) for line in heldout.read_text().splitlines() if line.strip()]
    test = [r for r in records if r.get("split") == "test"]
    base = load_settings()
    embedders: dict[str, Embedder] = {b: load_embedder(base.model_copy(update={"embedding_backend": b}))
                                      for b in BACKENDS}  # fmt: skip
    reference = open_retriever(base, embedders["torch"])
    queries = [r["question"] for r in test]
    single: dict[str, list[float]] = {b: [] for b in BACKENDS}
    batch8: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for b in BACKENDS:
        embedders[b].embed_batch(queries[:8])  # warm-up
    for i in range(ROUNDS):
        for b in BACKENDS:
            q = queries[i % len(queries)]
            start = time.perf_counter()
            embedders[b].embed_batch([q])
            single[b].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            embedders[b].embed_batch(queries[i % 8 : i % 8 + 8])
            batch8[b].append((time.perf_counter() - start) * 1000)
    torch_vectors = embedders["torch"].embed(queries)
    result: dict[str, Any] = {"set": heldout.name, "split": "test", "backends": {}}
    for b in BACKENDS:
        vectors = embedders[b].embed(queries)
        result["backends"][b] = {
            "query": percentiles(single[b]),
            "batch_of_8": percentiles(batch8[b]),
            "min_cosine_to_torch": round(float((vectors * torch_vectors).sum(axis=1).min()), 4),
            **quality(Retriever(reference.version, embedders[b]), test),
        }
    print(json.dumps({"encoders": result}))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=HELDOUT, help="held-out retrieval questions (JSON lines)")
    main(parser.parse_args().set)
