"""The encoder backends side by side, in one run: speed of a query and of a batch, and
retrieval quality on the held-out set (each half, and both) with each backend encoding the queries.

    python bench/encoders.py      (part of make bench)

The index is the one built by `advisor index` with the default backend, so a backend is
judged on what switching it in a running server changes; quality is eval/retrieval.py's
own measure (the gold phrase in a passage of the gold article). Timings interleave backends.
"""

from __future__ import annotations

import json
import time
from typing import Any

from _common import percentiles
from retrieval import HELDOUT, first_relevant_rank, load_heldout, scores

from advisor.config import load_settings
from advisor.embedding import Embedder, load_embedder
from advisor.retrieval import Retriever, open_retriever

BACKENDS = ("torch", "onnx", "onnx-int8")
ROUNDS = 30


def main() -> dict[str, Any]:
    halves = {split: load_heldout(HELDOUT, split) for split in ("dev", "test")}
    halves["both"] = halves["dev"] + halves["test"]
    base = load_settings()
    embedders: dict[str, Embedder] = {b: load_embedder(base.model_copy(update={"embedding_backend": b}))
                                      for b in BACKENDS}  # fmt: skip
    reference = open_retriever(base, embedders["torch"])
    queries = [q.text for q in halves["test"]]
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
    result: dict[str, Any] = {"set": HELDOUT.name, "backends": {}}
    for b in BACKENDS:
        vectors = embedders[b].embed(queries)
        result["backends"][b] = {
            "query": percentiles(single[b]),
            "batch_of_8": percentiles(batch8[b]),
            "min_cosine_to_torch": round(float((vectors * torch_vectors).sum(axis=1).min()), 4),
            "quality": _quality(
                Retriever(reference.version, embedders[b], reference.options, words=reference.words), halves
            ),
        }
    print(json.dumps({"encoders": result}))
    return result


def _quality(retriever: Retriever, halves: dict[str, list[Any]]) -> dict[str, dict[str, float]]:
    """recall@1, recall@5 and MRR@10 of the shipped search on each half, and on both."""
    return {
        name: scores([first_relevant_rank(retriever, q) for q in questions])
        for name, questions in halves.items()
    }


if __name__ == "__main__":
    main()
