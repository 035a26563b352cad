"""The LLM answerer: numbered sources in delimiters, streamed tokens, checked citations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jinja2

from advisor.answer.citations import check_citations
from advisor.answer.grounding import Grounding
from advisor.answer.models import Answer
from advisor.conversation import Message
from advisor.corpus.chunking import approx_tokens
from advisor.embedding import Embedder
from advisor.llm import ChatMessage, GenerationOptions, LLMClient, StreamReport
from advisor.retrieval import Hit

__all__ = ["HISTORY_TOKENS", "LLMAnswerer"]

HISTORY_TOKENS = 600  # earlier turns sent along, newest first, within this budget
_NOT_COVERED = ("do not cover", "don't cover", "does not cover", "doesn't cover", "not covered")
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "prompts"),
    autoescape=False,  # plain text for a model, not HTML
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=False,
)


def trim_history(history: list[Message], budget: int = HISTORY_TOKENS) -> list[Message]:
    """The most recent messages that fit the budget, in their original order."""
    kept: list[Message] = []
    used = 0
    for message in reversed(history):
        cost = approx_tokens(message.content)
        if used + cost > budget:
            break
        kept.append(message)
        used += cost
    return kept[::-1]


class LLMAnswerer:
    def __init__(self, client: LLMClient, embedder: Embedder, max_tokens: int = 400) -> None:
        self.client = client
        self.embedder = embedder
        self.max_tokens = max_tokens

    def messages(
        self,
        question: str,
        hits: list[Hit],
        history: list[Message],
        grounding: Grounding | None = None,
        instructions: str | None = None,
    ) -> list[ChatMessage]:
        """System rules (then an API caller's instructions, below them), earlier turns, then the
        numbered sources, the composed facts and the question."""
        system = _TEMPLATES.get_template("system.j2").render(instructions=instructions)
        user = _TEMPLATES.get_template("answer.j2").render(
            question=question,
            hits=hits,
            kind=grounding.kind if grounding else None,
            facts=grounding.facts if grounding else "",
        )
        past = [ChatMessage(m.role, m.content) for m in trim_history(history)]
        return [ChatMessage("system", system), *past, ChatMessage("user", user)]

    def condense(self, question: str, history: list[Message]) -> str:
        """A standalone version of a follow-up question, written by the LLM."""
        prompt = _TEMPLATES.get_template("condense.j2").render(
            question=question, history=trim_history(history, 300)
        )
        rewritten = self.client.complete([ChatMessage("user", prompt)], max_tokens=60).strip()
        first_line = rewritten.splitlines()[0].strip() if rewritten else ""
        return first_line if 3 <= len(first_line) <= 300 else question

    def stream(
        self,
        question: str,
        hits: list[Hit],
        history: list[Message],
        grounding: Grounding | None = None,
        options: GenerationOptions | None = None,
        report: StreamReport | None = None,
    ) -> Iterator[str]:
        """The answer's tokens; `report` hears how the stream ended (finish reason, usage)."""
        options = options or GenerationOptions()
        messages = self.messages(question, hits, history, grounding, options.instructions)
        max_tokens = options.max_tokens or self.max_tokens
        yield from self.client.stream(messages, max_tokens, stop=options.stop, report=report)

    def finish(self, text: str, hits: list[Hit], grounding: Grounding | None = None) -> Answer:
        """The complete answer with citations for its [n] markers and what no source backs.

        With a grounding, the answer keeps the composed table, steps and chart, and cites
        what their cells cite besides the markers the LLM wrote.
        """
        citations, unsupported = check_citations(text, hits, self.embedder)
        refused = not citations and any(phrase in text.lower() for phrase in _NOT_COVERED)
        answer = Answer(text.strip(), citations, refused, "llm", unsupported=unsupported)
        if grounding is not None and not refused:
            composed = grounding.composed
            used = {c.n for c in citations}
            extra = [c for c in composed.citations if c.n not in used]
            answer.citations = sorted([*citations, *extra], key=lambda c: c.n)
            answer.kind, answer.table, answer.steps, answer.chart = (
                composed.kind, composed.table, composed.steps, composed.chart
            )  # fmt: skip
        return answer
