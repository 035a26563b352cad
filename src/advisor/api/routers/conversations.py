"""Stored conversations and feedback on their answers."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from advisor.api.citation_context import with_context
from advisor.api.deps import AdvisorDep, OwnerDep
from advisor.api.openapi import errors
from advisor.api.schemas import ConversationOut, FeedbackIn, OkOut

__all__ = ["router"]

router = APIRouter(tags=["advisor"])


@router.get("/api/conversations/{conversation_id}", response_model=ConversationOut, responses=errors(404))
async def conversation(conversation_id: str, advisor: AdvisorDep, owner: OwnerDep) -> dict[str, Any]:
    """Every turn of a conversation: each question as typed, each answer whole, as the page showed
    it (404 to anyone but its owner)."""
    messages = await run_in_threadpool(advisor.store.messages, conversation_id, owner)
    version = advisor.retriever.version
    shown = [m.to_json() | {"citations": with_context(m.citations, version)} for m in messages]
    return {"id": conversation_id, "messages": shown}


@router.post("/api/feedback", response_model=OkOut, responses=errors(400, 404, 422))
async def feedback(body: FeedbackIn, advisor: AdvisorDep, owner: OwnerDep) -> dict[str, bool]:
    """Helpful (1) or not (-1), on the answer of turn `turn_id` (or at `message_index`, counting
    from 0, the first question); a caller's second vote on an answer replaces the first."""
    vote = partial(advisor.store.add_feedback, body.conversation_id, body.message_index, body.rating,
                   body.comment, owner, turn_id=body.turn_id)  # fmt: skip
    await run_in_threadpool(vote)
    return {"ok": True}
