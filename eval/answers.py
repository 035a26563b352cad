"""Answer quality in extractive mode, through the real Advisor and a real SQLite store.

    python eval/answers.py [--json] [--show]      (make eval)

- golden set: share of answers that contain the gold phrase; share refused
- every citation quote verbatim in its chunk and in the raw article file
- out-of-scope set: share refused (goal: all)
- follow-ups: second turns whose rewritten query finds the gold passage in the top 5
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from advisor.answer.engine import Advisor
from advisor.config import load_settings
from advisor.conversation import ConversationStore
from advisor.retrieval import open_retriever

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from retrieval import load_golden  # noqa: E402


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _phrases(record: dict[str, object]) -> list[str]:
    phrase = record["phrase"]
    return [_norm(p) for p in (phrase if isinstance(phrase, list) else [phrase])]  # type: ignore[union-attr]


def evaluate(advisor: Advisor, corpus_dir: Path, show: bool = False) -> dict[str, float]:
    raw = " ".join(_norm(p.read_text()) for p in corpus_dir.rglob("*") if p.is_file())
    chunks = {c.chunk_id: c.text for c in advisor.retriever.version.chunks.values()}
    golden = load_golden()
    contained = refused = quotes = verbatim = 0
    for question, phrases in golden:
        answer = advisor.ask(question)
        text = _norm(answer.answer)
        hit = any(p in text for p in phrases)
        contained += hit
        refused += answer.refused
        for citation in answer.citations:
            quotes += 1
            verbatim += citation.quote in chunks[citation.chunk_id] and _norm(citation.quote) in raw
        if show and not hit:
            print(f"MISS {question}\n{answer.answer}\n", file=sys.stderr)
    oos = [json.loads(line)["question"] for line in (HERE / "out_of_scope.jsonl").read_text().splitlines()]
    oos_refused = 0
    for question in oos:
        answer = advisor.ask(question)
        oos_refused += answer.refused
        if show and not answer.refused:
            print(f"ANSWERED OUT OF SCOPE {question}\n{answer.answer}\n", file=sys.stderr)
    followups = [json.loads(line) for line in (HERE / "followups.jsonl").read_text().splitlines()]
    found = 0
    for record in followups:
        first, second = record["turns"]
        conversation = advisor.ask(first).conversation_id
        answer = advisor.ask(second, conversation)
        hits = advisor.retriever.search(answer.query, k=5)
        ok = any(p in _norm(h.text) for h in hits for p in _phrases(record))
        found += ok
        if show and not ok:
            print(f"FOLLOW-UP MISS {second!r} -> {answer.query!r}", file=sys.stderr)
    return {
        "golden_questions": len(golden),
        "gold_phrase_in_answer": contained / len(golden),
        "in_scope_refused": refused / len(golden),
        "citation_quotes": quotes,
        "quotes_verbatim": verbatim / max(quotes, 1),
        "out_of_scope_questions": len(oos),
        "out_of_scope_refused": oos_refused / len(oos),
        "followups": len(followups),
        "followups_found_top5": found,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="print the misses")
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        advisor = Advisor(
            open_retriever(settings), ConversationStore(Path(tmp) / "eval.db"), mode="extractive"
        )
        results = evaluate(advisor, settings.corpus_dir, args.show)
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:24} {value:.3f}" if isinstance(value, float) else f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
