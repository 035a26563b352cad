"""Retrieval quality: recall@1, recall@5 and MRR@10 for each component, on every question set.

    python eval/retrieval.py [--json] [--misses SET] [--refusals] [--dev]      (make eval)

Sets: the held-out questions (eval/heldout_retrieval.jsonl, written by someone who read only
the articles) in their dev and test halves, their two-typo variants (eval/typos.py), and
eval/golden.jsonl. A question counts as answered at rank r when the r-th passage comes from
its article and contains one of its gold phrases (compared case-insensitively, spaces
squashed). Tune on dev only; the test half is for reporting.

--refusals also runs the test half and its typo variants through the real Advisor
(`advisor ask`, extractive) and reports the share of each refused.

--dev reads no test question: the dev half by style (paraphrase, terse, rambling), its typo
variants and golden, for tuning runs (and --refusals then runs the dev half).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advisor.config import load_settings
from advisor.index.store import IndexVersion
from advisor.retrieval import RetrievalOptions, Retriever, open_retriever

HERE = Path(__file__).parent
GOLDEN = HERE / "golden.jsonl"
HELDOUT = HERE / "heldout_retrieval.jsonl"
TYPOS = HERE / "heldout_retrieval_typos.jsonl"


@dataclass(frozen=True)
class Question:
    text: str
    phrases: tuple[str, ...]
    doc_id: str | None = None
    style: str = ""  # how the writer phrased it: paraphrase, terse, rambling
    original: str = ""  # a typo variant's question as written (eval/typos.py)


@dataclass(frozen=True)
class Component:
    """One ablation row: a search mode with some of the retriever's additions switched on."""

    name: str
    mode: str
    options: dict[str, bool]


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


def load_heldout(path: Path, split: str) -> list[Question]:
    questions = []
    for line in path.read_text().splitlines():
        if line.strip() and (record := json.loads(line))["split"] == split:
            doc_id = record["doc"]  # a document's id is its path below the corpus folder
            phrases = tuple(_norm(g) for g in record["gold"])
            style, original = record.get("style", ""), record.get("original", "")
            questions.append(Question(record["question"], phrases, doc_id, style, original))
    return questions


def question_sets(dev_only: bool = False) -> dict[str, list[Question]]:
    golden = [Question(q, tuple(p)) for q, p in load_golden()]
    if dev_only:
        dev = load_heldout(HELDOUT, "dev")
        styles = sorted({q.style for q in dev if q.style})
        by_style = {f"dev {style}": [q for q in dev if q.style == style] for style in styles}
        return {"dev": dev, **by_style, "dev+typos": load_heldout(TYPOS, "dev"), "golden": golden}
    return {
        "dev": load_heldout(HELDOUT, "dev"),
        "test": load_heldout(HELDOUT, "test"),
        "dev+typos": load_heldout(TYPOS, "dev"),
        "test+typos": load_heldout(TYPOS, "test"),
        "golden": golden,
    }


# (ablation row, option) in the order the rows add them to plain fusion (RetrievalOptions).
ABLATIONS: list[tuple[str, str]] = [
    ("thesaurus from the model", "derived_thesaurus"),
    ("hand thesaurus (0.1.0)", "thesaurus"),
    ("spelling correction", "spelling"),
    ("unit evidence (fused)", "unit_fusion"),
    ("score fusion for every rank", "score_fusion"),
    ("each line's shown text (score fusion)", "quote_evidence"),
]
# Rows measured against the full configuration with some parts off: the road not taken. Options
# that lost on dev were deleted from the retriever; their figures stay in docs/QUALITY.md.
ALTERNATIVES: list[tuple[str, dict[str, bool]]] = [
    ("(alt) without the hand thesaurus", {"thesaurus": False}),
    ("(alt) without either thesaurus", {"thesaurus": False, "derived_thesaurus": False}),
    ("(alt) rank fusion (RRF) for every rank", {"score_fusion": False}),
]


def components() -> list[Component]:
    """The ablation rows, each adding one thing to the row before (from fusion on)."""
    rows = [
        Component("dense alone", "dense", {}),
        Component("BM25 alone", "bm25", {}),
        Component("fusion (RRF)", "hybrid", {}),
    ]
    on: dict[str, bool] = {}
    for name, option in ABLATIONS:
        on = {**on, option: True}
        rows.append(Component(f"+ {name}", "hybrid", dict(on)))
    for name, changed in ALTERNATIVES:
        rows.append(Component(name, "hybrid", {**on, **changed}))
    return rows


def shipped_row() -> str:
    """The ablation row with every addition on: what the retriever does by default."""
    return [c.name for c in components() if not c.name.startswith("(alt)")][-1]


def first_relevant_rank(retriever: Retriever, question: Question, mode: str = "hybrid") -> int | None:
    for hit in retriever.search(question.text, k=10, mode=mode):  # type: ignore[arg-type]
        if question.doc_id is not None and hit.doc_id not in (question.doc_id, Path(question.doc_id).stem):
            continue
        if any(p in _passage(hit.text) for p in question.phrases):
            return hit.rank
    return None


def _passage(text: str) -> str:
    """A passage as gold phrases are matched: also with a table row's cell separators left out
    (a gold phrase copied from a row whose cells ran together in the file)."""
    joined = re.sub(r"\s*\|\s*", "", text)
    return f"{_norm(text)} {_norm(joined)}"


def scores(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "recall@1": round(sum(r == 1 for r in ranks if r) / n, 3),
        "recall@5": round(sum(r <= 5 for r in ranks if r) / n, 3),
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 3),
    }


def retriever_with(version: IndexVersion, base: Retriever, options: dict[str, bool]) -> Retriever:

    return Retriever(version, base.embedder, RetrievalOptions.only(**options), words=base.words)


def mrr_interval(ranks: list[int | None], resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """The 95% bootstrap interval of MRR@10: how far it could move with other questions like these.

    The questions are drawn again with replacement, `resamples` times, with a fixed seed.
    """
    reciprocal = np.array([1 / r if r else 0.0 for r in ranks])
    if not len(reciprocal):
        return 0.0, 0.0
    draws = np.random.default_rng(seed).integers(0, len(reciprocal), (resamples, len(reciprocal)))
    low, high = np.percentile(reciprocal[draws].mean(axis=1), [2.5, 97.5])
    return round(float(low), 3), round(float(high), 3)


def all_ranks(
    base: Retriever, sets: dict[str, list[Question]], rows: list[Component] | None = None
) -> dict[str, dict[str, list[int | None]]]:
    """Each question's first relevant rank, by component (all of them unless rows says which) and set."""
    table: dict[str, dict[str, list[int | None]]] = {}
    for component in rows if rows is not None else components():
        retriever = retriever_with(base.version, base, component.options)
        table[component.name] = {
            name: [first_relevant_rank(retriever, q, component.mode) for q in questions]
            for name, questions in sets.items()
        }
    return table


def evaluate(
    base: Retriever, sets: dict[str, list[Question]], rows: list[Component] | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """Scores of each component (all of them unless rows says which) on each set."""
    return score_table(all_ranks(base, sets, rows))


def score_table(ranks: dict[str, dict[str, list[int | None]]]) -> dict[str, dict[str, dict[str, float]]]:
    return {c: {name: scores(r) for name, r in by_set.items()} for c, by_set in ranks.items()}


def restored(base: Retriever, questions: list[Question]) -> tuple[int, int]:
    """(typo variants the speller turns back into the question as written, variants)."""
    variants = [q for q in questions if q.original]
    return sum(base.correct(q.text).text == q.original for q in variants), len(variants)


def refusals(base: Retriever, questions: list[Question]) -> float:
    """Share of questions the real extractive Advisor refuses."""
    from advisor.conversation import ConversationStore
    from advisor.engine import Advisor

    with tempfile.TemporaryDirectory() as folder:
        advisor = Advisor(base, ConversationStore(Path(folder) / "eval.db"), None, "extractive")
        refused = [q.text for q in questions if advisor.ask(q.text).refused]
    for text in refused:
        print(f"  refused: {text}", file=sys.stderr)
    return round(len(refused) / (len(questions) or 1), 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", metavar="SET", help="list the questions of SET not in the top 5")
    parser.add_argument("--refusals", action="store_true", help="share of test and test+typos refused by ask")
    parser.add_argument(
        "--dev", action="store_true", help="no test question: dev by style, dev+typos, golden"
    )
    args = parser.parse_args()
    base = open_retriever(load_settings())
    # Every component searches the same questions: encode each once.
    base.embedder.embed_query = functools.lru_cache(maxsize=None)(base.embedder.embed_query)  # type: ignore[method-assign]
    sets = question_sets(dev_only=args.dev)
    ranks = all_ranks(base, sets)
    table = score_table(ranks)
    shipped = ranks[shipped_row()]
    intervals = {name: mrr_interval(r) for name, r in shipped.items()}
    half = "dev" if args.dev else "test"
    refused = (
        {name: refusals(base, sets[name]) for name in (half, f"{half}+typos")} if args.refusals else None
    )
    spelling = {name: restored(base, sets[name]) for name in sets if name.endswith("+typos")}
    if args.json:
        print(json.dumps({"sizes": {k: len(v) for k, v in sets.items()}, "table": table,
                          "refused": refused, "restored": spelling,
                          "mrr_interval": intervals}))  # fmt: skip
    else:
        sizes = ", ".join(f"{k} {len(v)}" for k, v in sets.items())
        print(f"questions: {sizes}; {base.version.chunk_count} chunks; R@1 / R@5 / MRR@10")
        print(f"{'component':28}" + "".join(f"{name:>21}" for name in sets))
        for component, row in table.items():
            cells = "".join(
                f"{r['recall@1']:7.3f}{r['recall@5']:7.3f}{r['mrr@10']:7.3f}" for r in row.values()
            )
            print(f"{component:28}{cells}")
        print(f"{shipped_row()}: 95% bootstrap interval of MRR@10 (questions drawn again, 2,000 times)")
        print("  " + ", ".join(f"{name} {low:.3f}-{high:.3f}" for name, (low, high) in intervals.items()))
        for name, (exact, total) in spelling.items():
            print(f"{name} turned back by the speller into the question as written: {exact}/{total}")
        for name, share in (refused or {}).items():
            print(f"{name} refused by advisor ask: {share:.3f}")
    if args.misses:
        for question in sets[args.misses]:
            rank = first_relevant_rank(base, question)
            if rank is None or rank > 5:
                print(f"  rank {rank}: {question.text}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
