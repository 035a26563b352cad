"""Retrieval only: `POST /api/search`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from advisor.api.deps import AdvisorDep
from advisor.api.openapi import errors
from advisor.api.schemas import SearchIn, SearchOut

__all__ = ["router"]

router = APIRouter(tags=["advisor"])


@router.post("/api/search", response_model=SearchOut, responses=errors(400, 422))
async def search(body: SearchIn, advisor: AdvisorDep) -> dict[str, Any]:
    """Retrieval only: the passages that best answer the query."""
    hits = await run_in_threadpool(advisor.retriever.search, body.query, body.k)
    return {"hits": [h.to_json() for h in hits]}
