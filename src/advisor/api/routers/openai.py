"""The OpenAI-compatible API: `GET /v1/models` and `POST /v1/chat/completions`."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from itertools import chain
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from advisor.answer.engine import AnswerUnavailable, Event
from advisor.api.deps import AdvisorDep, OwnerDep
from advisor.api.errors import unavailable_body
from advisor.api.openapi import EVENT_STREAM, errors
from advisor.api.schemas import OpenAIChatIn
from advisor.conversation import MAX_TURNS, Message

__all__ = ["MODEL_ID", "router"]

MODEL_ID = "career-advisor"
router = APIRouter(tags=["openai"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The completion; server-sent chunks when the request asks to stream",
          "content": EVENT_STREAM},
    **errors(400, 422, 503),
}  # fmt: skip


@router.get("/v1/models", responses=errors())
def models() -> dict[str, Any]:
    """OpenAI's model list: one model, `career-advisor`."""
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "career-advisor"}],
    }


@router.post("/v1/chat/completions", responses=RESPONSES)
async def chat_completions(body: OpenAIChatIn, advisor: AdvisorDep, owner: OwnerDep) -> Any:
    """OpenAI chat completions; the `messages` list is the conversation. Citations ride in a
    `citations` field of the response (and of the last chunk when streaming)."""
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise HTTPException(422, "the last message must come from the user")
    if len(turns) > 2 * MAX_TURNS:
        raise HTTPException(422, f"more than {MAX_TURNS} turns")
    history = [Message(m.role, m.text(), []) for m in turns[:-1]]
    question = turns[-1].text()
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if not body.stream:
        answer = await run_in_threadpool(advisor.ask, question, None, history, owner)
        return {
            "id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": [c.to_json() for c in answer.citations],
            "refused": answer.refused, "conversation_id": answer.conversation_id,
        }  # fmt: skip
    events = advisor.stream(question, None, history, owner)
    first = await run_in_threadpool(next, events)
    if first.kind == "error":
        return JSONResponse(unavailable_body(first.data["exception"]), status_code=503)
    return StreamingResponse(
        _chunks(chain([first], events), completion_id, created), media_type="text/event-stream"
    )


def _chunks(events: Iterator[Event], completion_id: str, created: int) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}  # fmt: skip
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for event in events:
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
