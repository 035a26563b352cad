"""Re-indexing over HTTP, behind the admin token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from advisor.api.deps import AdminDep, ServicesDep
from advisor.api.openapi import errors
from advisor.api.schemas import ReindexIn, ReindexOut

__all__ = ["router"]

router = APIRouter(tags=["admin"])


@router.post(
    "/api/reindex", response_model=ReindexOut, responses=errors(400, 401, 403, 409, 413, 422, protected=False)
)
async def reindex(_: AdminDep, services: ServicesDep, body: ReindexIn | None = None) -> dict[str, Any]:
    """Re-index the corpus (bearer ADVISOR_ADMIN_TOKEN) and switch to it without a restart."""
    report = await run_in_threadpool(services.reindexer.run, bool(body and body.full))
    return report.to_json()
