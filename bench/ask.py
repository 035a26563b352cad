"""`advisor ask` in extractive mode: answer latency after loading, over the golden set.

    python bench/ask.py            (part of make bench)

Each question is a new conversation: retrieval, unit scoring, composition and the SQLite
write of the turn are all inside the timing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _common import percentiles, questions, timed_ms

from advisor.config import load_settings
from advisor.conversation import ConversationStore
from advisor.engine import Advisor
from advisor.retrieval import open_retriever

REPEATS = 3


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        store = ConversationStore(Path(tmp) / "bench.db")
        advisor = Advisor(open_retriever(load_settings()), store, mode="extractive")
        qs = questions()
        cold = [timed_ms(lambda q=q: advisor.ask(q)) for q in qs]  # first pass: unit cache empty
        warm = [timed_ms(lambda q=q: advisor.ask(q)) for _ in range(REPEATS) for q in qs]
    result = {"questions": len(qs), "first_pass": percentiles(cold), "repeated": percentiles(warm)}
    print(json.dumps({"ask_extractive": result}))
    return result


if __name__ == "__main__":
    main()
