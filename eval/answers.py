"""Answer quality in extractive mode, through the real Advisor and a real SQLite store.

    python eval/answers.py [--json] [--show] [--without NAME ...]      (make eval)
    python eval/answers.py --articles tests/data/operator_articles/heldout [--show]

Held-out sets, written by someone who read only the articles (tune on dev, report both):
- answers.jsonl: single questions with checks; pass rates per kind for the dev and test halves
- answers_fresh.jsonl: 40 more (5 of each kind), written by another reader of the articles
  after this round's tuning ended and never tuned on: a second test half ("fresh")
- conversations.jsonl: three-turn conversations; turns 2 and 3 are the follow-up turns
- advice.jsonl and advice_conversations.jsonl (0.3.0): 90 questions of eleven kinds, situations
  (people who describe themselves and ask several things) and factoids among them, and 16
  conversations that refer back to the person and to earlier answers; written by a reader of
  the articles only, split into dev and test halves by the writer, before any tuning on them
Checks (each must hold for the answer to pass):
- opening: alternatives, one of which must be in the answer's first paragraph (what a reader
  reads first: the direct answer)
- all: groups of alternatives; every group needs one alternative in the answer
- order: phrases that appear in the answer in this order
- none: phrases that must not appear
- opening: alternatives, one of which the answer's first sentence holds as whole words (the
  direct answer: "No", "Munich"); the first sentence ends at its first citation or line break
- not_covered: the answer says plainly that the articles do not give it ("None of the
  articles gives ...", or a refusal saying the articles do not cover it)
- refused: the answer is a refusal
Phrases are compared case-insensitively, with runs of white space as one space.

With --articles DIR: a folder of articles written by operators who never read the code, with
its metadata.json (each file's title, authors and date) and questions.jsonl (the same
checks). Its articles are indexed beside the corpus (the settings' corpus folder, the five
shipped articles), in a temporary folder, and only they are scored: the share of questions
that pass, and the articles whose title, authors and date are all right.

Also: the golden set's gold phrase in the answer; out-of-scope questions refused; false
refusals (in-scope questions refused); every citation quote verbatim in its chunk and in
the article file; the classifier's kind against the writer's (dev and test).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from advisor.answer.models import Answer
from advisor.config import Settings, load_settings
from advisor.conversation import ConversationStore
from advisor.embedding import load_embedder
from advisor.engine import Advisor
from advisor.index.build import build_index
from advisor.retrieval import RetrievalOptions, Retriever, open_retriever

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from retrieval import load_golden  # noqa: E402

# How an answer says a figure or fact is not in the library (agreed with the composer).
NOT_COVERED = re.compile(
    r"\bnone of the (?:articles|sources)\b|\bno article\b|\bthe articles? (?:do|does)n[o’']?t\b|"
    r"\b(?:do|does|don't|doesn't) (?:not )?(?:cover|give|say|state|list|mention)\b",
    re.IGNORECASE,
)
IN_SCOPE_EXCEPT = {"out_of_scope", "not_covered"}  # kinds a refusal may rightly answer
UNREAD_KINDS = {"factoid", "situation"}  # the writer's kinds that are not a Kind the advisor reads


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def first_paragraph(text: str) -> str:
    """The answer's opening: its text before the first blank line."""
    return text.strip().split("\n\n", 1)[0]


def check(answer: Answer, checks: dict[str, Any]) -> list[str]:
    """The checks an answer fails, each as a short reason (empty: it passes)."""
    text = _norm(answer.answer)
    failed: list[str] = []
    opening = checks.get("opening")
    if opening and not any(_norm(alt) in _norm(first_paragraph(answer.answer)) for alt in opening):
        failed.append(f"opening lacks {opening[0]!r}")
    for group in checks.get("all", []):
        if not any(_norm(alt) in text for alt in group):
            failed.append(f"missing {group[0]!r}")
    at = 0
    for phrase in checks.get("order", []):
        found = text.find(_norm(phrase), at)
        if found < 0:
            failed.append(f"order: {phrase!r} not after the previous step")
            break
        at = found + len(_norm(phrase))
    for phrase in checks.get("none", []):
        if _norm(phrase) in text:
            failed.append(f"says {phrase!r}")
    if checks.get("not_covered") and not NOT_COVERED.search(first_paragraph(answer.answer)):
        failed.append("does not say it is not covered")
    if checks.get("refused") and not answer.refused:
        failed.append("not refused")
    return failed


@dataclass
class Tally:
    passed: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, label: str = "") -> None:
        self.passed += ok
        self.total += 1
        if not ok and label:
            self.misses.append(label)

    @property
    def rate(self) -> float:
        return self.passed / max(self.total, 1)


class Verbatim:
    """Counts citation quotes found verbatim in their chunk and in the raw article files."""

    def __init__(self, advisor: Advisor, corpus_dir: Path) -> None:
        self.raw = " ".join(_norm(p.read_text()) for p in corpus_dir.rglob("*") if p.is_file())
        self.chunks = {c.chunk_id: c.text for c in advisor.retriever.version.chunks.values()}
        self.tally = Tally()

    def __call__(self, answer: Answer) -> None:
        for c in answer.citations:
            ok = c.quote in self.chunks.get(c.chunk_id, "") and self._in_files(c.quote)
            self.tally.add(ok, c.quote[:80])

    def _in_files(self, quote: str) -> bool:
        """Verbatim in an article file; a table row cell by cell (a file may part cells with
        spaces, or not at all, where the row shows them between bars)."""
        if quote.lstrip().startswith("|"):
            return all(
                _norm(cell) in self.raw for cell in quote.strip().strip("|").split(" | ") if cell.strip()
            )
        return _norm(quote) in self.raw


def _lines(name: str) -> list[dict[str, Any]]:
    path = HERE / name
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_answers(advisor: Advisor, verbatim: Callable[[Answer], None], show: bool) -> dict[str, Any]:
    """Single questions: pass rate per split and kind; refusals; kinds recognised."""
    by: dict[tuple[str, str], Tally] = defaultdict(Tally)
    false_refusals, kind_right, misspelled = Tally(), Tally(), Tally()
    refused_in_scope: list[str] = []
    for record in _lines("answers.jsonl") + _lines("answers_fresh.jsonl") + _lines("advice.jsonl"):
        answer = advisor.ask(record["question"])
        verbatim(answer)
        failed = check(answer, record["checks"])
        split, kind = record["split"], record["kind"]
        label = f"[{split} {kind} {record['id']}] {record['question']}: {'; '.join(failed)}"
        by[(split, kind)].add(not failed, label)
        by[(split, "all")].add(not failed)
        by[(f"{record['id'].split('-')[0] if '-' in record['id'] else 'a'}:{split}", "all")].add(not failed)
        if record.get("misspelled"):
            misspelled.add(not failed)
        if kind not in IN_SCOPE_EXCEPT:
            false_refusals.add(answer.refused)
            if answer.refused:
                refused_in_scope.append(f"{record['id']} {record['question']}")
        if kind not in IN_SCOPE_EXCEPT | UNREAD_KINDS:
            read_as = getattr(answer, "kind", None)  # 0.1.0 answers have no kind
            kind_right.add(read_as == kind, f"{record['id']} {kind} read as {read_as}")
        if show and failed:
            print(f"FAIL {label}\n{answer.answer}\n", file=sys.stderr)
    return {
        "tasks": {f"{s}/{k}": [t.passed, t.total] for (s, k), t in sorted(by.items())},
        "dev_pass": by[("dev", "all")].rate,
        "test_pass": by[("test", "all")].rate,
        "fresh_pass": by[("fresh", "all")].rate,
        "misspelled_pass": misspelled.rate,
        "false_refusals": false_refusals.rate,
        "false_refusal_questions": refused_in_scope,
        "kind_recognised": kind_right.rate,
    }


def run_conversations(advisor: Advisor, verbatim: Callable[[Answer], None], show: bool) -> dict[str, Any]:
    """Three-turn conversations: share of follow-up turns (2 and 3) that pass, per split."""
    by: dict[str, Tally] = defaultdict(Tally)
    for record in _lines("conversations.jsonl") + _lines("advice_conversations.jsonl"):
        conversation: str | None = None
        for n, turn in enumerate(record["turns"], start=1):
            answer = advisor.ask(turn["user"], conversation)
            conversation = answer.conversation_id
            verbatim(answer)
            failed = check(answer, turn["checks"])
            if n > 1:
                by[record["split"]].add(not failed)
                by["all"].add(not failed)
            if show and failed:
                print(f"FAIL [{record['id']} turn {n}] {turn['user']!r} -> {answer.query!r}: "
                      f"{'; '.join(failed)}\n{answer.answer}\n", file=sys.stderr)  # fmt: skip
    return {f"followup_turns_{k}": [t.passed, t.total] for k, t in sorted(by.items())} | {
        "followup_pass": by["all"].rate,
        "followup_test_pass": by["test"].rate,
    }


def run_golden(advisor: Advisor, verbatim: Callable[[Answer], None], show: bool) -> dict[str, Any]:
    """The older golden and out-of-scope sets: gold phrase in the answer; refusals."""
    golden, refused = Tally(), Tally()
    for question, phrases in load_golden():
        answer = advisor.ask(question)
        verbatim(answer)
        ok = any(p in _norm(answer.answer) for p in phrases)
        golden.add(ok, question)
        refused.add(answer.refused)
        if show and not ok:
            print(f"GOLDEN MISS {question}\n{answer.answer}\n", file=sys.stderr)
    oos = Tally()
    questions = [r["question"] for r in _lines("out_of_scope.jsonl")]
    questions += [r["question"] for r in _lines("answers.jsonl") if r["kind"] == "out_of_scope"]
    for question in questions:
        answer = advisor.ask(question)
        oos.add(answer.refused, question)
        if show and not answer.refused:
            print(f"ANSWERED OUT OF SCOPE {question}\n{answer.answer}\n", file=sys.stderr)
    return {
        "golden_phrase_in_answer": golden.rate,
        "golden_refused": refused.rate,
        "out_of_scope_refused": oos.rate,
    }


def evaluate(advisor: Advisor, corpus_dir: Path, show: bool = False) -> dict[str, Any]:
    verbatim = Verbatim(advisor, corpus_dir)
    results = run_answers(advisor, verbatim, show)
    results |= run_conversations(advisor, verbatim, show)
    results |= run_golden(advisor, verbatim, show)
    results["citation_quotes"] = verbatim.tally.total
    results["quotes_verbatim"] = verbatim.tally.rate
    if show:
        for quote in verbatim.tally.misses:
            print(f"NOT VERBATIM {quote!r}", file=sys.stderr)
    return results


def run_article_set(folder: Path, settings: Settings, show: bool) -> dict[str, Any]:
    """An operators' article set indexed beside the corpus: its questions and its metadata."""
    questions = [
        json.loads(line) for line in (folder / "questions.jsonl").read_text().splitlines() if line.strip()
    ]
    expected = json.loads((folder / "metadata.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(settings.corpus_dir, corpus)
        for entry in expected:
            shutil.copy(folder / entry["file"], corpus / entry["file"])
        if (settings.index_dir / "CURRENT").is_file():  # only the set's articles are embedded
            shutil.copytree(
                settings.index_dir, Path(tmp) / "index", ignore=shutil.ignore_patterns("encoders")
            )
        local = load_settings(corpus_dir=corpus, index_dir=Path(tmp) / "index",
                              encoder_dir=settings.encoder_cache_dir())  # fmt: skip
        embedder = load_embedder(local)
        build_index(corpus, local.index_dir, lambda: embedder, model_name=local.embedding_model)
        retriever = open_retriever(local, embedder)
        advisor = Advisor(retriever, ConversationStore(Path(tmp) / "eval.db"), mode="extractive")
        metadata = Tally()
        for entry in expected:
            record = retriever.version.documents[entry["file"]]
            got = {"title": record.title, "authors": list(record.authors), "date": record.date}
            want = {k: entry[k] for k in ("title", "authors", "date")}
            metadata.add(got == want, f"{entry['file']}: got {got}, want {want}")
        by: dict[str, Tally] = defaultdict(Tally)
        for record in questions:
            answer = advisor.ask(record["question"])
            failed = check(answer, record["checks"])
            label = f"[{record['kind']} {record['id']}] {record['question']}: {'; '.join(failed)}"
            by[record["kind"]].add(not failed, label)
            by["all"].add(not failed, label)
            if show and failed:
                print(f"FAIL {label}\n{answer.answer}\n", file=sys.stderr)
    if show:
        for miss in metadata.misses:
            print(f"METADATA {miss}", file=sys.stderr)
    return {
        "kinds": {k: [t.passed, t.total] for k, t in sorted(by.items()) if k != "all"},
        "questions_pass": by["all"].rate,
        "questions": [by["all"].passed, by["all"].total],
        "metadata_right": [metadata.passed, metadata.total],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="print every failed check with its answer")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=sorted(RetrievalOptions.__dataclass_fields__),
        help="switch off a part of retrieval (RetrievalOptions), e.g. thesaurus",
    )
    parser.add_argument("--articles", type=Path, help="score an operators' article set (see above)")
    args = parser.parse_args()
    settings = load_settings()
    if args.articles:
        return _print(run_article_set(args.articles, settings, args.show), args.json)
    retriever = open_retriever(settings)
    if args.without:  # what the answers would be without a part of retrieval (docs/QUALITY.md)
        options = replace(retriever.options, **{name: False for name in args.without})
        retriever = Retriever(retriever.version, retriever.embedder, options,
                              allow_flagged=settings.allow_flagged, words=retriever.words)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        store = ConversationStore(Path(tmp) / "eval.db")
        advisor = Advisor(retriever, store, mode="extractive")
        results = evaluate(advisor, settings.corpus_dir, args.show)
    return _print(results, args.json)


def _print(results: dict[str, Any], as_json: bool) -> int:
    if as_json:
        print(json.dumps(results))
        return 0
    for key, value in results.items():
        if isinstance(value, float):
            print(f"{key:28} {value:.3f}")
        elif isinstance(value, dict):
            for sub, (passed, total) in value.items():
                print(f"  {sub:26} {passed}/{total}")
        elif value:
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
