"""Liveness and metrics: open to anyone, never rate-limited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from advisor.api.deps import ServicesDep
from advisor.api.schemas import HealthOut, IndexInfo, ReadyOut
from advisor.services import Services

__all__ = ["router"]

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthOut)
async def health(request: Request) -> HealthOut:
    """Liveness and the index being served. On the event loop, with no dependency that could
    wait for a worker thread: it answers however many requests are in flight."""
    services: Services = request.app.state.services
    return HealthOut(status="ok", index=_index_info(services))


@router.get("/health/ready", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
async def ready(request: Request) -> Any:
    """Readiness: 503 with the reason while index/CURRENT cannot be followed (the loaded
    version keeps serving meanwhile); 200 once it can."""
    services: Services = request.app.state.services
    problem = services.reindexer.problem
    body = ReadyOut(status="unready" if problem else "ready", reason=problem, index=_index_info(services))
    return JSONResponse(body.model_dump(), status_code=503 if problem else 200)


def _index_info(services: Services) -> IndexInfo:
    version = services.advisor.retriever.version
    return IndexInfo(version=version.name, documents=len(version.documents), chunks=version.chunk_count)


METRICS_EXAMPLE = """\
# HELP advisor_request_seconds HTTP request latency by route
# TYPE advisor_request_seconds histogram
advisor_request_seconds_count{method="POST",route="/api/chat",status="200"} 42.0
advisor_index_chunks 118.0
"""


@router.get(
    "/metrics", response_class=Response,
    responses={200: {"description": "Prometheus text format",
                     "content": {"text/plain": {"example": METRICS_EXAMPLE}}}},
)  # fmt: skip
def metrics(services: ServicesDep) -> Response:
    """Prometheus metrics: request latency by route, retrieval and LLM time, index size."""
    return Response(services.metrics.render(), media_type="text/plain; version=0.0.4")
