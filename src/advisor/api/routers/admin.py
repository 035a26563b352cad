"""What operators use over HTTP, behind the admin token: re-index, the library, the gaps."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from advisor.api.deps import AdminDep, ServicesDep
from advisor.api.openapi import errors
from advisor.api.schemas import GapOut, LibraryEntryOut, ReindexIn, ReindexOut
from advisor.conversation.gaps import gap_report
from advisor.index.library import library

__all__ = ["router"]

router = APIRouter(tags=["admin"])


def _listing(model: Any) -> dict[str, Any]:
    """/docs' example of a 200 that is a list of `model` (merged into the operation last)."""
    example = model.model_config["json_schema_extra"]["examples"]
    return {"responses": {"200": {"content": {"application/json": {"example": example}}}}}


@router.post(
    "/api/reindex", response_model=ReindexOut, responses=errors(400, 401, 403, 409, 413, 422, protected=False)
)
async def reindex(_: AdminDep, services: ServicesDep, body: ReindexIn | None = None) -> dict[str, Any]:
    """Re-index the corpus (bearer ADVISOR_ADMIN_TOKEN) and switch to it without a restart."""
    report = await run_in_threadpool(services.reindexer.run, bool(body and body.full))
    return report.to_json()


@router.get(
    "/api/admin/library",
    response_model=list[LibraryEntryOut],
    responses=errors(401, 403, protected=False),
    openapi_extra=_listing(LibraryEntryOut),
)
async def admin_library(_: AdminDep, services: ServicesDep) -> list[dict[str, Any]]:
    """What the index being served holds, per article, newest first (as `advisor library --json`)."""
    version = services.advisor.retriever.version
    days = services.settings.stale_after_days
    entries = await run_in_threadpool(library, version, dt.date.today(), days)
    return [entry.to_json() for entry in entries]


@router.get(
    "/api/admin/gaps",
    response_model=list[GapOut],
    responses=errors(401, 403, 422, protected=False),
    openapi_extra=_listing(GapOut),
)
async def admin_gaps(
    _: AdminDep,
    services: ServicesDep,
    since: Annotated[
        dt.date | None, Query(description="only questions asked since this day (YYYY-MM-DD)")
    ] = None,
) -> list[dict[str, Any]]:
    """Questions refused, answered "not covered" or voted not helpful, grouped by meaning,
    largest group first (as `advisor gaps --json`)."""
    store, embedder = services.advisor.store, services.query_encoder
    gaps = await run_in_threadpool(gap_report, store, lambda: embedder, since)
    return [gap.to_json() for gap in gaps]
