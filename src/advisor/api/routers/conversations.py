"""Stored conversations and feedback on their answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.concurrency import run_in_threadpool

from advisor.api.citation_context import with_context
from advisor.api.deps import AdvisorDep, OwnerDep
from advisor.api.openapi import errors
from advisor.api.schemas import ConversationOut, FeedbackIn, OkOut

__all__ = ["router"]

router = APIRouter(tags=["advisor"])


@router.get("/api/conversations/{conversation_id}", response_model=ConversationOut, responses=errors(404))
async def conversation(conversation_id: str, advisor: AdvisorDep, owner: OwnerDep) -> dict[str, Any]:
    """Every turn of a conversation, with the citations of each answer (404 to anyone but its owner)."""
    messages = await run_in_threadpool(advisor.store.messages, conversation_id, owner)
    version = advisor.retriever.version
    shown = [m.to_json() | {"citations": with_context(m.citations, version)} for m in messages]
    return {"id": conversation_id, "messages": shown}


@router.post("/api/feedback", response_model=OkOut, responses=errors(400, 404, 422))
async def feedback(body: FeedbackIn, advisor: AdvisorDep, owner: OwnerDep) -> dict[str, bool]:
    """Thumbs up (1) or down (-1) on one answer (message_index counts from 0, the first question)."""
    try:
        await run_in_threadpool(
            advisor.store.add_feedback,
            body.conversation_id,
            body.message_index,
            body.rating,
            body.comment,
            owner,
        )
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"ok": True}
