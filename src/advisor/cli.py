"""The `advisor` command: index the corpus, search it, ask, chat and serve.

Each command imports what it uses when it runs (the engine, the index builder, the server),
so that a command loads only its own part of the house: `advisor ask` never loads the web
framework, `advisor index` never the answer composers, and none of them PyTorch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.config import Settings, check_corpus_dir, load_settings
from advisor.errors import AdvisorError, BadInput

if TYPE_CHECKING:
    from advisor.answer.models import Answer, Citation
    from advisor.conversation.gaps import Gap
    from advisor.engine import Advisor
    from advisor.index.library import LibraryEntry
    from advisor.retrieval import Hit

__all__ = ["main"]

EXAMPLES = """\
examples:
  advisor index                      build the index, or update it for changed articles
  advisor index --full --json        rebuild everything and print the counts as JSON
  advisor search "What does a junior ML engineer earn in the UK?" -k 3
  advisor search - < questions.txt   one query per line in, one JSON line out
  advisor ask "Do I need a PhD to become an ML engineer?"
  advisor ask - < questions.txt      one answer per line, as JSON
  advisor chat                       a conversation in the terminal (/sources, /new, /quit)
  advisor library                    what the index holds, per article, and which are stale
  advisor gaps --since 2026-06-01    questions the library failed, grouped by meaning
"""


class UsageError(BadInput):
    """Bad input from the user: exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings()
        return int(args.run(args, settings))
    except AdvisorError as exc:  # bad usage or input exits 2, anything else 1 (errors.py)
        print(f"advisor: {_explain(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("advisor: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: one line, no traceback
        print(f"advisor: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _explain(exc: AdvisorError) -> str:
    """The error's line: an unknown conversation names its id, a failed LLM the sources found."""
    if "advisor.engine" not in sys.modules:  # neither error is raised before the engine is loaded
        return str(exc)
    from advisor.conversation import ConversationNotFound
    from advisor.engine import AnswerUnavailable

    if isinstance(exc, ConversationNotFound):
        return f"no conversation with id {exc}"
    if isinstance(exc, AnswerUnavailable):
        return f"{exc}; the sources were: {_source_list(exc.hits)}"
    return str(exc)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor",
        description="Career Advisor: grounded answers from a curated library of career articles.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    index = commands.add_parser("index", help="build or incrementally update the index")
    index.add_argument("--corpus", type=Path, help="folder of articles (ADVISOR_CORPUS_DIR)")
    index.add_argument("--index", type=Path, help="index folder (ADVISOR_INDEX_DIR)")
    index.add_argument("--full", action="store_true", help="re-embed every article")
    index.add_argument("--hnsw", action="store_true", help="HNSW instead of exact search")
    index.add_argument("--json", action="store_true", help="print the counts as JSON")
    index.set_defaults(run=_index)

    search = commands.add_parser("search", help="retrieve passages for a query")
    search.add_argument("query", help="the query, or - to read one query per line from stdin")
    search.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    search.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(run=_search)

    ask = commands.add_parser("ask", help="one grounded answer")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--conversation", metavar="ID", help="continue this conversation")
    ask.add_argument("--json", action="store_true", help="print the ANSWER as JSON")
    ask.set_defaults(run=_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal")
    chat.set_defaults(run=_chat)

    shelf = commands.add_parser("library", help="what the index holds, per article")
    shelf.add_argument("--json", action="store_true", help="print the list as JSON")
    shelf.set_defaults(run=_library)

    gaps = commands.add_parser("gaps", help="questions refused, not covered or voted not helpful, by meaning")
    gaps.add_argument(
        "--since", type=_day, metavar="DATE", help="only questions asked since DATE (YYYY-MM-DD)"
    )
    gaps.add_argument("--json", action="store_true", help="print the groups as JSON")
    gaps.set_defaults(run=_gaps)

    serve = commands.add_parser("serve", help="run the web app and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes sharing index and database")
    serve.set_defaults(run=_serve)
    return parser


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.embedding import Embedder, embedding_model_name, load_embedder
    from advisor.index.build import build_index
    from advisor.ingest import shown
    from advisor.retrieval.expansion import load_word_vectors

    corpus = args.corpus or settings.corpus_dir
    index_dir = args.index or settings.index_dir
    check_corpus_dir(corpus)
    kind = "hnsw" if args.hnsw else settings.index_kind
    loaded: list[Embedder] = []

    def model() -> Embedder:  # called by the build only when it has something to embed
        loaded.append(load_embedder(settings))
        return loaded[0]

    report = build_index(
        corpus,
        index_dir,
        model,
        model_name=embedding_model_name(settings),
        full=args.full,
        kind=kind,
        progress=not args.json,
    )
    if loaded:  # the thesaurus's word vectors (once per model) are made now, not at the first question
        words_progress = None if args.json else "embedding English words"
        load_word_vectors(loaded[0], settings.encoder_cache_dir(), words_progress)
    for skipped in report.skipped:
        print(f"advisor: {skipped}", file=sys.stderr)
    for warning in report.warnings:  # what ingest could not read (also kept with the index version)
        print(f"advisor: warning: {shown(warning['source'])}: {warning['warning']}", file=sys.stderr)
    for flag in report.flagged:  # kept out of answers unless ADVISOR_ALLOW_FLAGGED=1
        where = f" › {flag['section']}" if flag["section"] else ""
        excerpt = flag["excerpt"]
        print(f"advisor: flagged {flag['source']}{where}: {flag['reason']}: “{excerpt}”", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(
            f"{report.documents} documents, {report.chunks} chunks "
            f"(added {report.added}, changed {report.changed}, removed {report.removed}, "
            f"unchanged {report.unchanged}; {report.embedded} chunks embedded) "
            f"in {report.seconds:.2f} s -> version {report.version}"
        )
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.retrieval import open_retriever

    if not 1 <= args.k <= 100:
        raise UsageError("-k must be between 1 and 100")
    if args.query == "-":
        retriever = open_retriever(settings)
        for line in sys.stdin:
            query = line.strip()
            if not query:
                continue
            hits = retriever.search(query[:4000], k=args.k, mode=args.mode)
            _print_json({"query": query, "hits": [h.to_json() for h in hits]})
        return 0
    query = _check_query(args.query)
    hits = open_retriever(settings).search(query, k=args.k, mode=args.mode)
    if args.json:
        _print_json({"hits": [h.to_json() for h in hits]})
    else:
        _print_hits(hits)
    return 0


def _check_query(query: str) -> str:
    from advisor.engine import clean_question

    return clean_question(query)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.engine import AnswerUnavailable, BadQuestion, clean_question
    from advisor.services import open_advisor

    if args.question != "-":
        clean_question(args.question)  # a bad question fails before the model loads
    advisor = open_advisor(settings)
    if args.question == "-":
        for line in sys.stdin:
            question = line.strip()
            if not question:
                continue
            try:
                _print_json({"query": question, **advisor.ask(question).to_json()})
            except (BadQuestion, AnswerUnavailable) as exc:
                _print_json({"query": question, "error": str(exc)})
        return 0
    answer = advisor.ask(args.question, args.conversation)
    if args.json:
        _print_json(answer.to_json())
    else:
        print(answer.answer)
        _print_citations(answer.citations)
        print(f"\n(conversation {answer.conversation_id})", file=sys.stderr)
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.services import open_advisor

    advisor = open_advisor(settings)
    print(f"Career Advisor ({advisor.mode} answers). /sources shows the last sources, /new starts over,")
    print("/quit leaves. Ask about AI and ML careers:")
    conversation: str | None = None
    last: Answer | None = None
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if question in ("/quit", "/exit"):
            return 0
        if question == "/new":
            conversation, last = None, None
            print("(a new conversation)")
            continue
        if question == "/sources":
            _print_citations(last.citations if last else [])
            continue
        if not question:
            continue
        last = _chat_turn(advisor, question, conversation) or last
        conversation = last.conversation_id if last else conversation


def _chat_turn(advisor: Advisor, question: str, conversation: str | None) -> Answer | None:
    from advisor.engine import AnswerUnavailable, BadQuestion

    error: AnswerUnavailable | None = None
    try:
        with _Reply() as reply:
            for event in advisor.stream(question, conversation):
                if event.kind == "token":
                    reply.add(event.data["text"])
                elif event.kind == "error":
                    error = event.data["exception"]
                    break
                elif event.kind == "done":
                    answer: Answer = event.data["answer"]
                    reply.finish(answer.answer)
                    return answer
    except BadQuestion as exc:
        print(f"[{exc}]")
    if error is not None:  # printed below the part of the answer that came
        print(f"[{error}] The sources I found: {_source_list(error.hits)}")
    return None


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def _library(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.index.library import library
    from advisor.index.store import load_index

    entries = library(load_index(settings.index_dir), dt.date.today(), settings.stale_after_days)
    if args.json:
        _print_json([e.to_json() for e in entries])
    else:
        _print_library(entries, settings.stale_after_days)
    return 0


def _gaps(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.conversation import ConversationStore
    from advisor.conversation.gaps import gap_report
    from advisor.embedding import load_embedder

    store = ConversationStore(settings.conversation_store_location())
    try:
        gaps = gap_report(store, lambda: load_embedder(settings), args.since)
    finally:
        store.close()
    if args.json:
        _print_json([g.to_json() for g in gaps])
    else:
        _print_gaps(gaps, args.since)
    return 0


class _Reply:
    """A streamed answer as it arrives: on a terminal, its Markdown rendered by rich and redrawn
    as it grows (the whole answer once it is done); elsewhere, the text as it comes."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._live: Any = None
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.live import Live
            from rich.markdown import Markdown

            self._live = Live(
                console=Console(),
                get_renderable=lambda: Markdown("".join(self._parts)),
                refresh_per_second=8,
                vertical_overflow="ellipsis",  # while it streams; the end shows all of it
            )

    def __enter__(self) -> _Reply:
        print("advisor>" if self._live else "advisor> ", end="\n" if self._live else "", flush=True)
        if self._live:
            self._live.start()
        return self

    def add(self, text: str) -> None:
        self._parts.append(text)
        if not self._live:
            print(text, end="", flush=True)

    def finish(self, text: str) -> None:
        """The answer as stored, which may differ from what streamed (citations checked)."""
        if self._live:
            self._parts[:] = [text]

    def __exit__(self, *exc: object) -> None:
        if self._live:
            self._live.stop()
        elif self._parts:
            print()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from advisor.index.store import load_index
    from advisor.server import serve

    if not 1 <= args.workers <= 64:
        raise UsageError("--workers must be between 1 and 64")
    load_index(settings.index_dir)  # fail fast, with the usual one line, if there is no index
    serve(settings, args.host, args.port, args.workers)
    return 0


def _print_citations(citations: list[Citation]) -> None:
    if not citations:
        print("(no sources)")
    for c in citations:
        where = f" › {c.section}" if c.section else ""
        print(f"[{c.n}] {c.title}{where} ({c.source})\n    “{c.quote}”")


def _source_list(hits: list[Hit]) -> str:
    return "; ".join(f"{h.title} ({h.source})" for h in hits) or "none"


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _print_library(entries: list[LibraryEntry], stale_after_days: int) -> None:
    if not entries:
        print("The index holds no articles.")
    print(f"{'date':<10}  {'chunks':>6} {'salary':>6} {'lists':>5} {'tables':>6} {'plans':>5} "
          f"{'flagged':>7}  title")  # fmt: skip
    for e in entries:
        date = (e.date or "undated") + ("*" if e.stale else "")
        print(f"{date:<10}  {e.chunks:>6} {e.salary_facts:>6} {e.lists:>5} {e.tables:>6} {e.plans:>5} "
              f"{len(e.flagged):>7}  {e.title}")  # fmt: skip
        by = ", ".join(e.authors) or "no author"
        print(f"{'':<12}{by} · {e.source}" + (f" · {e.url}" if e.url else ""))
        for warning in e.warnings:
            print(f"{'':<12}warning: {warning}")
        for flag in e.flagged:
            where = f" › {flag.section}" if flag.section else ""
            print(f"{'':<12}flagged{where}: {flag.reason}: “{flag.excerpt}”")
    stale = sum(e.stale for e in entries)
    print(f"\n{len(entries)} articles; {stale} stale (* older than {stale_after_days} days, or undated)")


def _print_gaps(gaps: list[Gap], since: dt.date | None) -> None:
    when = f" since {since.isoformat()}" if since else ""
    if not gaps:
        print(f'No question was refused, answered "not covered" or voted not helpful{when}.')
        return
    print(f"{sum(g.count for g in gaps)} failed questions{when}, in {len(gaps)} groups, largest first:")
    for number, gap in enumerate(gaps, 1):
        reasons = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in gap.reasons.items() if n)
        print(f"\n{number}. {gap.count} questions ({reasons})")
        for example in gap.examples:
            print(f"   - {example}")


def _print_hits(hits: list[Hit]) -> None:
    if not hits:
        print("No passages found.")
    for hit in hits:
        where = f"{hit.title}" + (f" › {hit.section}" if hit.section else "")
        print(f"[{hit.rank}] {hit.score:.2f}  {where}\n    {hit.source}")
        for line in hit.text.splitlines()[:6]:
            print(f"    {line[:160]}")
        print()


if __name__ == "__main__":
    sys.exit(main())
