"""Liveness and metrics: open to anyone, never rate-limited."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from advisor.api.deps import AdvisorDep, ServicesDep
from advisor.api.schemas import HealthOut, IndexInfo

__all__ = ["router"]

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthOut)
def health(advisor: AdvisorDep) -> HealthOut:
    """Liveness and the index being served."""
    version = advisor.retriever.version
    index = IndexInfo(version=version.name, documents=len(version.documents), chunks=version.chunk_count)
    return HealthOut(status="ok", index=index)


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
