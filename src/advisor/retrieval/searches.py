"""One turn's searches: each (query, k) searched once, its spelling already corrected, timed.

The engine makes one per turn and searches each ask's passages with it before composing; a
composer that needs more (a comparison's sides, a yes/no question's deeper search, a list's
qualifying words) asks the same object, so no query is searched twice in a turn and the
turn's retrieval time counts every search.
"""

from __future__ import annotations

import time

from advisor.retrieval.hits import Hit
from advisor.retrieval.retriever import Retriever

__all__ = ["Searches"]


class Searches:
    def __init__(self, retriever: Retriever) -> None:
        self._retriever = retriever
        self._found: dict[tuple[str, int], list[Hit]] = {}
        self.seconds = 0.0  # spent searching, for the retrieval metric

    def __call__(self, query: str, k: int = 5) -> list[Hit]:
        key = (query, k)
        if key not in self._found:
            started = time.perf_counter()
            self._found[key] = self._retriever.search(query, k=k, spelled=True)
            self.seconds += time.perf_counter() - started
        return self._found[key]
