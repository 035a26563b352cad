"""In-process search latency on the real corpus: hybrid search, and the floor it stands on.

    python bench/search.py         (part of make bench)

The floor is what no search can avoid: encoding the query plus one FAISS search.
"""

from __future__ import annotations

import json

import numpy as np
from _common import percentiles, questions, timed_ms

from advisor.config import load_settings
from advisor.retrieval import open_retriever

REPEATS = 10


def main() -> dict[str, object]:
    retriever = open_retriever(load_settings())
    queries = questions()
    for q in queries[:10]:
        retriever.search(q)  # warm-up
    search_ms: list[float] = []
    floor_ms: list[float] = []
    vectors = retriever.version.vectors
    for _ in range(REPEATS):
        for q in queries:
            search_ms.append(timed_ms(lambda q=q: retriever.search(q, k=5)))
            floor_ms.append(timed_ms(lambda q=q: vectors.search(retriever.embedder.embed_query(q), 5)))
    result = {
        "queries": len(search_ms),
        "chunks": retriever.version.chunk_count,
        "hybrid": percentiles(search_ms),
        "floor_encode_plus_faiss": percentiles(floor_ms),
        "p50_over_floor": round(float(np.median(search_ms) / np.median(floor_ms)), 2),
    }
    print(json.dumps({"search": result}))
    return result


if __name__ == "__main__":
    main()
