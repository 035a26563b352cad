"""Prometheus metrics of one app (its own registry, so every test app starts at zero).

Under `advisor serve --workers N` each worker writes its figures to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) and /metrics, whichever
worker answers it, reports the sum over all of them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Gauge, Histogram, generate_latest, multiprocess

if TYPE_CHECKING:
    from advisor.index.store import IndexVersion

__all__ = ["Metrics"]


class Metrics:
    """multiprocess_dir: the folder the workers share (None: this process only)."""

    def __init__(self, multiprocess_dir: Path | None = None) -> None:
        self.registry = CollectorRegistry()
        self.multiprocess_dir = multiprocess_dir
        self.requests = Histogram(
            "advisor_request_seconds", "HTTP request latency by route", ["method", "route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.stages = Histogram(
            "advisor_stage_seconds", "Time spent in retrieval and in the LLM", ["stage"],
            registry=self.registry,
        )  # fmt: skip
        # Every worker serves the same index: report the largest figure among live workers.
        self.documents = Gauge(
            "advisor_index_documents", "Documents in the served index", registry=self.registry,
            multiprocess_mode="livemax",
        )  # fmt: skip
        self.chunks = Gauge(
            "advisor_index_chunks", "Chunks in the served index", registry=self.registry,
            multiprocess_mode="livemax",
        )  # fmt: skip

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).observe(seconds)

    def observe_stage(self, stage: str, seconds: float) -> None:
        self.stages.labels(stage).observe(seconds)

    def observe_index(self, version: IndexVersion) -> None:
        self.documents.set(len(version.documents))
        self.chunks.set(version.chunk_count)

    def render(self) -> bytes:
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined, path=str(self.multiprocess_dir))  # type: ignore[no-untyped-call]
        return generate_latest(combined)

    def close(self) -> None:
        """This worker is stopping: its gauges stop counting (its counts stay in the sums)."""
        if self.multiprocess_dir is not None:
            multiprocess.mark_process_dead(os.getpid(), str(self.multiprocess_dir))  # type: ignore[no-untyped-call]
