"""An Answer as OpenAI shapes it: a chat.completion, or a stream of chat.completion.chunk lines.

Usage is the LLM backend's own count when it reports one; otherwise (extractive answers, and
backends that do not count streamed answers) word pieces counted with the embedding model's
tokenizer: the messages the caller sent, and the answer text.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fastapi.sse import format_sse_event

from advisor.answer.models import Answer, Citation
from advisor.api.errors import unavailable_body
from advisor.api.openai_schemas import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    Choice,
    ChunkChoice,
    Delta,
    FinishReason,
    Usage,
)
from advisor.api.problems import openai_error
from advisor.api.schemas import CitationOut
from advisor.engine import Event
from advisor.errors import AdvisorError

__all__ = ["Completion", "sources_text"]


def sources_text(citations: list[Citation]) -> str:
    """The citations as plain text after the answer, for clients that keep only the text."""
    if not citations:
        return ""
    lines = ["", "", "Sources:"]
    for c in citations:
        where = f" › {c.section}" if c.section else ""
        lines.append(f"[{c.n}] {c.title}{where} ({c.source})")
        lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


@dataclass
class Completion:
    """One /v1 completion being built: its id, model and how to count tokens."""

    model: str
    prompt: str  # the caller's messages, for counting
    count_tokens: Callable[[str], int]
    inline_sources: bool = False
    include_usage: bool = False
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex}")
    created: int = field(default_factory=lambda: int(time.time()))

    def usage(self, answer: Answer, text: str) -> Usage:
        report = answer.generation
        if report and report.prompt_tokens is not None and report.completion_tokens is not None:
            prompt, completion = report.prompt_tokens, report.completion_tokens
        else:
            prompt, completion = self.count_tokens(self.prompt), self.count_tokens(text)
        return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)

    def text(self, answer: Answer) -> str:
        return answer.answer + (sources_text(answer.citations) if self.inline_sources else "")

    def whole(self, answer: Answer) -> ChatCompletion:
        text = self.text(answer)
        return ChatCompletion(
            id=self.id, created=self.created, model=self.model,
            choices=[Choice(message=AssistantMessage(content=text), finish_reason=_finish(answer))],
            usage=self.usage(answer, text), citations=_citations(answer), refused=answer.refused,
            conversation_id=answer.conversation_id or None,
        )  # fmt: skip

    def chunks(self, events: Iterator[Event]) -> Iterator[bytes]:
        """`data:` lines; runs in a worker thread (Starlette iterates sync generators off the loop)."""
        yield self._chunk(Delta(role="assistant", content=""))
        for event in events:
            if event.kind == "token":
                yield self._chunk(Delta(content=event.data["text"]))
            elif event.kind == "done":
                answer: Answer = event.data["answer"]
                if self.inline_sources and answer.citations:
                    yield self._chunk(Delta(content=sources_text(answer.citations)))
                last = ChunkChoice(delta=Delta(), finish_reason=_finish(answer))
                yield self._line(
                    ChatCompletionChunk(
                        id=self.id, created=self.created, model=self.model, choices=[last],
                        citations=_citations(answer), refused=answer.refused,
                        conversation_id=answer.conversation_id or None,
                    )
                )  # fmt: skip
                if self.include_usage:
                    usage = self.usage(answer, self.text(answer))
                    yield self._line(self._base(choices=[], usage=usage))
            elif event.kind == "error":  # the LLM failed, or the store would not keep the turn
                error: AdvisorError = event.data["exception"]
                body = unavailable_body(error)
                detail = body["detail"] if isinstance(body["detail"], dict) else {}
                problem = openai_error(error.status, body["error"], code=error.code, **detail)
                yield format_sse_event(data_str=json.dumps(problem))
        yield format_sse_event(data_str="[DONE]")

    def _base(self, **fields: object) -> ChatCompletionChunk:
        return ChatCompletionChunk.model_validate(
            {"id": self.id, "created": self.created, "model": self.model, **fields}
        )

    def _chunk(self, delta: Delta) -> bytes:
        return self._line(self._base(choices=[ChunkChoice(delta=delta, finish_reason=None)]))

    @staticmethod
    def _line(chunk: ChatCompletionChunk) -> bytes:
        """OpenAI's chunk: the advisor's fields only where set, a delta without empty keys, and
        finish_reason null until the end."""
        body = chunk.model_dump(mode="json")
        for name in ("usage", "citations", "refused", "conversation_id"):
            if name not in chunk.model_fields_set:
                del body[name]
        for choice in body["choices"]:
            choice["delta"] = {k: v for k, v in choice["delta"].items() if v is not None}
        return format_sse_event(data_str=json.dumps(body, ensure_ascii=False))


def _finish(answer: Answer) -> FinishReason:
    report = answer.generation
    return "length" if report is not None and report.finish_reason == "length" else "stop"


def _citations(answer: Answer) -> list[CitationOut]:
    return [CitationOut.model_validate(c.to_json()) for c in answer.citations]
