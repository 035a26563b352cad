"""Prometheus metrics of one app (its own registry, so every test app starts at zero)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from advisor.index import IndexVersion

__all__ = ["Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "advisor_request_seconds", "HTTP request latency by route", ["method", "route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.stages = Histogram(
            "advisor_stage_seconds", "Time spent in retrieval and in the LLM", ["stage"],
            registry=self.registry,
        )  # fmt: skip
        self.documents = Gauge(
            "advisor_index_documents", "Documents in the served index", registry=self.registry
        )
        self.chunks = Gauge("advisor_index_chunks", "Chunks in the served index", registry=self.registry)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).observe(seconds)

    def observe_stage(self, stage: str, seconds: float) -> None:
        self.stages.labels(stage).observe(seconds)

    def observe_index(self, version: IndexVersion) -> None:
        self.documents.set(len(version.documents))
        self.chunks.set(version.chunk_count)

    def render(self) -> bytes:
        return generate_latest(self.registry)
