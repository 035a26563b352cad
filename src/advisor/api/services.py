"""What the app holds while it runs: settings, the advisor, the re-indexer, metrics."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from advisor.answer.engine import Advisor
from advisor.api.metrics import Metrics
from advisor.batching import BatchingEmbedder
from advisor.config import Settings
from advisor.index import IndexError_, IndexVersion, current_version_name, load_index
from advisor.indexing import IndexReport, build_index
from advisor.retrieval import Retriever

__all__ = ["ReindexRunning", "Reindexer", "Services"]

log = logging.getLogger("advisor.api")


class ReindexRunning(RuntimeError):
    pass


class Reindexer:
    """Runs one re-index at a time, then switches the advisor to the new version atomically."""

    def __init__(
        self, settings: Settings, advisor: Advisor, embedder: BatchingEmbedder, metrics: Metrics
    ) -> None:
        self.settings = settings
        self.advisor = advisor
        self.embedder = embedder
        self.metrics = metrics
        self._lock = threading.Lock()

    def run(self, full: bool) -> IndexReport:
        """Blocking: call off the event loop. Requests in flight finish on the old version."""
        if not self._lock.acquire(blocking=False):
            raise ReindexRunning("a re-index is already running")
        try:
            try:
                report = build_index(
                    self.settings.corpus_dir, self.settings.index_dir, lambda: self.embedder,
                    model_name=self.embedder.name, full=full, kind=self.settings.index_kind,
                )  # fmt: skip
            except IndexError_ as exc:
                if "already running" in str(exc):  # another process holds the index lock
                    raise ReindexRunning(str(exc)) from None
                raise
            if report.version != self.advisor.retriever.version.name:
                self.switch(load_index(self.settings.index_dir, self.embedder.name, self.embedder.dim))
            return report
        finally:
            self._lock.release()

    def follow_current(self) -> bool:
        """Switch to the version another process made current; False when nothing changed.

        Several workers share one index folder: whichever of them re-indexes, the others
        see the CURRENT pointer move and load the new version themselves.
        """
        name = current_version_name(self.settings.index_dir)
        if name is None or name == self.advisor.retriever.version.name or self._lock.locked():
            return False
        try:
            version = load_index(self.settings.index_dir, self.embedder.name, self.embedder.dim)
        except IndexError_ as exc:
            log.warning("index version %s not loaded, still serving the previous one: %s", name, exc)
            return False
        self.switch(version)
        return True

    def switch(self, version: IndexVersion) -> None:
        self.advisor.use(Retriever(version, self.embedder))
        self.metrics.documents.set(len(version.documents))
        self.metrics.chunks.set(version.chunk_count)


@dataclass
class Services:
    settings: Settings
    advisor: Advisor
    reindexer: Reindexer
    metrics: Metrics
