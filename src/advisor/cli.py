"""The `advisor` command: index the corpus, search it, and (later) ask and serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from advisor.answer.models import Answer, Citation
from advisor.config import Settings, check_corpus_dir, load_settings
from advisor.conversation import ConversationNotFound
from advisor.embedding import load_embedder
from advisor.engine import Advisor, AnswerUnavailable, BadQuestion, clean_question
from advisor.errors import AdvisorError, BadInput
from advisor.index.build import build_index
from advisor.index.store import load_index
from advisor.ingest import shown
from advisor.retrieval.retriever import Hit, open_retriever
from advisor.services import open_advisor

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
    except ConversationNotFound as exc:
        print(f"advisor: no conversation with id {exc}", file=sys.stderr)
        return exc.exit_code
    except AnswerUnavailable as exc:
        print(f"advisor: {exc}; the sources were: {_source_list(exc.hits)}", file=sys.stderr)
        return exc.exit_code
    except AdvisorError as exc:  # bad usage or input exits 2, anything else 1 (errors.py)
        print(f"advisor: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("advisor: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: one line, no traceback
        print(f"advisor: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


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

    serve = commands.add_parser("serve", help="run the web app and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="processes sharing index and database")
    serve.set_defaults(run=_serve)
    return parser


def _index(args: argparse.Namespace, settings: Settings) -> int:
    corpus = args.corpus or settings.corpus_dir
    index_dir = args.index or settings.index_dir
    check_corpus_dir(corpus)
    kind = "hnsw" if args.hnsw else settings.index_kind
    report = build_index(
        corpus,
        index_dir,
        lambda: load_embedder(settings),
        model_name=settings.embedding_model,
        full=args.full,
        kind=kind,
        progress=not args.json,
    )
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
    return clean_question(query)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
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
    print("advisor> ", end="", flush=True)
    try:
        for event in advisor.stream(question, conversation):
            if event.kind == "token":
                print(event.data["text"], end="", flush=True)
            elif event.kind == "error":
                error: AnswerUnavailable = event.data["exception"]
                print(f"\n[{error}] The sources I found: {_source_list(error.hits)}")
                return None
            elif event.kind == "done":
                answer: Answer = event.data["answer"]
                print()
                return answer
    except BadQuestion as exc:
        print(f"[{exc}]")
    return None


def _serve(args: argparse.Namespace, settings: Settings) -> int:
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
