"""The HTTP endpoints. Thin: validate, call one service off the event loop, shape the reply."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from advisor.answer.engine import AnswerUnavailable, Event
from advisor.api.deps import ServicesDep
from advisor.api.errors import unavailable_body
from advisor.api.schemas import (
    AnswerOut,
    ChatIn,
    ConversationOut,
    ErrorOut,
    FeedbackIn,
    HealthOut,
    OkOut,
    OpenAIChatIn,
    ReindexIn,
    ReindexOut,
    SearchIn,
    SearchOut,
)
from advisor.conversation import Message

__all__ = ["router"]

MODEL_ID = "career-advisor"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        400: "Malformed JSON", 401: "Missing or wrong API key", 404: "Unknown conversation",
        413: "Body over 1 MB", 422: "Invalid request (empty or over-long message, wrong types)",
        429: "Too many requests (see Retry-After)", 503: "LLM backend down: the sources come back in detail",
    }.items()
}  # fmt: skip
STREAMED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The answer; server-sent events when the request asks to stream",
        "content": {
            "text/event-stream": {
                "schema": {  # one server-sent event; `data` is JSON text
                    "type": "object",
                    "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
                    "required": ["data"],
                }
            }
        },
    },
    **ERRORS,
}
router = APIRouter()


# ------------------------------------------------------------------------------ service


@router.get("/health", response_model=HealthOut, tags=["service"])
def health(services: ServicesDep) -> dict[str, Any]:
    """Liveness and the index being served."""
    version = services.advisor.retriever.version
    return {"status": "ok", "index": {"version": version.name, "documents": len(version.documents),
                                      "chunks": version.chunk_count}}  # fmt: skip


@router.get("/metrics", tags=["service"], response_class=Response)
def metrics(services: ServicesDep) -> Response:
    """Prometheus metrics: request latency by route, retrieval and LLM time, index size."""
    return Response(services.metrics.render(), media_type="text/plain; version=0.0.4")


# ------------------------------------------------------------------------------ search and chat


@router.post("/api/search", response_model=SearchOut, responses=ERRORS, tags=["advisor"])
async def search(body: SearchIn, services: ServicesDep) -> dict[str, Any]:
    """Retrieval only: the passages that best answer the query."""
    hits = await run_in_threadpool(services.advisor.retriever.search, body.query, body.k)
    return {"hits": [h.to_json() for h in hits]}


@router.post("/api/chat", response_model=AnswerOut, responses=STREAMED, tags=["advisor"])
async def chat(body: ChatIn, services: ServicesDep) -> Any:
    """A grounded answer with citations; with `"stream": true`, server-sent events
    `token`, `citations`, `done` (the ANSWER) or `error` (with the sources)."""
    if not body.stream:
        answer = await run_in_threadpool(services.advisor.ask, body.message, body.conversation_id)
        return answer.to_json()
    events = services.advisor.stream(body.message, body.conversation_id)
    first = await run_in_threadpool(next, events)  # bad question, unknown conversation: JSON error
    return StreamingResponse(_sse(first, events), media_type="text/event-stream",
                             headers={"cache-control": "no-cache", "x-accel-buffering": "no"})  # fmt: skip


def _sse(first: Event, rest: Iterator[Event]) -> Iterator[str]:
    """Runs in a worker thread (Starlette iterates sync generators off the loop)."""
    for event in _chain(first, rest):
        if event.kind == "done":
            data: dict[str, Any] = event.data["answer"].to_json()
        elif event.kind == "error":
            data = unavailable_body(event.data["exception"])
        else:
            data = event.data
        yield f"event: {event.kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _chain(first: Event, rest: Iterator[Event]) -> Iterator[Event]:
    yield first
    yield from rest


@router.get("/api/conversations/{conversation_id}", response_model=ConversationOut, responses=ERRORS,
            tags=["advisor"])  # fmt: skip
async def conversation(conversation_id: str, services: ServicesDep) -> dict[str, Any]:
    """Every turn of a conversation, with the citations of each answer."""
    messages = await run_in_threadpool(services.advisor.store.messages, conversation_id)
    return {"id": conversation_id, "messages": [m.to_json() for m in messages]}


@router.post("/api/feedback", response_model=OkOut, responses=ERRORS, tags=["advisor"])
async def feedback(body: FeedbackIn, services: ServicesDep) -> dict[str, bool]:
    """Thumbs up (1) or down (-1) on one answer (message_index counts from 0, the first question)."""
    try:
        await run_in_threadpool(
            services.advisor.store.add_feedback, body.conversation_id, body.message_index, body.rating,
            body.comment,
        )  # fmt: skip
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"ok": True}


# ------------------------------------------------------------------------------ admin


REINDEX_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": ErrorOut, "description": "Re-indexing over HTTP is disabled"},
    409: {"model": ErrorOut, "description": "A re-index is already running"},
}


@router.post("/api/reindex", response_model=ReindexOut, responses=REINDEX_ERRORS, tags=["admin"])
async def reindex(
    services: ServicesDep,
    body: ReindexIn | None = None,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Re-index the corpus (bearer ADVISOR_ADMIN_TOKEN) and switch to it without a restart."""
    token = services.settings.admin_token
    if not token:
        raise HTTPException(403, "re-indexing over HTTP is disabled (set ADVISOR_ADMIN_TOKEN)")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "missing or wrong admin token", headers={"www-authenticate": "Bearer"})
    report = await run_in_threadpool(services.reindexer.run, bool(body and body.full))
    return report.to_json()


# ------------------------------------------------------------------------------ OpenAI-compatible


@router.get("/v1/models", tags=["openai"])
def models() -> dict[str, Any]:
    """OpenAI's model list: one model, `career-advisor`."""
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "career-advisor"}],
    }


@router.post("/v1/chat/completions", responses=STREAMED, tags=["openai"])
async def chat_completions(body: OpenAIChatIn, services: ServicesDep) -> Any:
    """OpenAI chat completions; the `messages` list is the conversation. Citations ride in a
    `citations` field of the response (and of the last chunk when streaming)."""
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise HTTPException(422, "the last message must come from the user")
    if len(turns) > 2 * 50:
        raise HTTPException(422, "more than 50 turns")
    history = [Message(m.role, m.text(), []) for m in turns[:-1]]
    question = turns[-1].text()
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if not body.stream:
        answer = await run_in_threadpool(services.advisor.ask, question, None, history)
        return {
            "id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": [c.to_json() for c in answer.citations],
            "refused": answer.refused, "conversation_id": answer.conversation_id,
        }  # fmt: skip
    events = services.advisor.stream(question, None, history)
    first = await run_in_threadpool(next, events)
    if first.kind == "error":
        return JSONResponse(unavailable_body(first.data["exception"]), status_code=503)
    return StreamingResponse(
        _openai_chunks(first, events, completion_id, created), media_type="text/event-stream"
    )


def _openai_chunks(first: Event, rest: Iterator[Event], completion_id: str, created: int) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}  # fmt: skip
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for event in _chain(first, rest):
        if event.kind == "token":
            yield chunk({"content": event.data["text"]})
        elif event.kind == "done":
            answer = event.data["answer"]
            yield chunk({}, "stop", citations=[c.to_json() for c in answer.citations],
                        refused=answer.refused, conversation_id=answer.conversation_id)  # fmt: skip
        elif event.kind == "error":
            error: AnswerUnavailable = event.data["exception"]
            yield f"data: {json.dumps({'error': unavailable_body(error)})}\n\n"
    yield "data: [DONE]\n\n"
