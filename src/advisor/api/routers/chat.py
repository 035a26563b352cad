"""Grounded answers: `POST /api/chat`, as JSON or as server-sent events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from typing import Any

from fastapi import APIRouter
from fastapi.sse import EventSourceResponse, format_sse_event
from starlette.concurrency import run_in_threadpool

from advisor.answer.models import Answer
from advisor.api.citation_context import with_context
from advisor.api.deps import AdvisorDep, OwnerDep
from advisor.api.errors import unavailable_body
from advisor.api.openapi import EVENT_STREAM, errors
from advisor.api.schemas import AnswerOut, ChatIn
from advisor.engine import Event
from advisor.index.store import IndexVersion

__all__ = ["STREAM_HEADERS", "router"]

router = APIRouter(tags=["advisor"])
# Proxies must pass each event on as it comes (nginx buffers unless told not to).
STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The answer; server-sent events when the request asks to stream",
          "content": EVENT_STREAM},
    **errors(400, 404, 422, 503),
}  # fmt: skip


@router.post("/api/chat", response_model=AnswerOut, responses=RESPONSES)
async def chat(body: ChatIn, advisor: AdvisorDep, owner: OwnerDep) -> Any:
    """A grounded answer with citations; with `"stream": true`, server-sent events
    `token`, `citations`, `done` (the ANSWER) or `error` (with the sources)."""
    version = advisor.retriever.version
    if not body.stream:
        answer = await run_in_threadpool(advisor.ask, body.message, body.conversation_id, None, owner)
        return _answer_json(answer, version)
    events = advisor.stream(body.message, body.conversation_id, None, owner)
    first = await run_in_threadpool(next, events)  # bad question, unknown conversation: JSON error
    return EventSourceResponse(_sse(chain([first], events), version), headers=STREAM_HEADERS)


def _answer_json(answer: Answer, version: IndexVersion) -> dict[str, Any]:
    data = answer.to_json()
    data["citations"] = with_context(data["citations"], version)
    return data


def _sse(events: Iterator[Event], version: IndexVersion) -> Iterator[bytes]:
    """Runs in a worker thread (Starlette iterates sync generators off the loop)."""
    for event in events:
        if event.kind == "done":
            data: dict[str, Any] = _answer_json(event.data["answer"], version)
        elif event.kind == "error":
            data = unavailable_body(event.data["exception"])
        elif event.kind == "citations":
            data = {"citations": with_context(event.data["citations"], version)}
        else:
            data = event.data
        yield format_sse_event(event=event.kind, data_str=json.dumps(data, ensure_ascii=False))
