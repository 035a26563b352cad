"""Wiring, in one place: the advisor built from settings, and what a running server holds
(the advisor, the re-indexer, metrics). The CLI and the web app both start here."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from advisor.answer.freshness import Freshness
from advisor.config import Settings
from advisor.conversation import ConversationStore, StoreLimits
from advisor.embedding import Embedder, load_embedder
from advisor.embedding.batching import BatchingEmbedder, serving_embedder
from advisor.engine import Advisor
from advisor.index.build import IndexReport, build_index
from advisor.index.store import (
    IndexUnusable,
    IndexVersion,
    ReindexRunning,
    current_version_name,
    load_index,
    version_exists,
)
from advisor.llm import LLMClient, OpenAICompatibleClient
from advisor.metrics import Metrics
from advisor.retrieval import Retriever, open_retriever
from advisor.retrieval.expansion import load_word_vectors

__all__ = [
    "ReindexRunning", "Reindexer", "Services", "llm_client", "open_advisor", "start_services", "store_limits",
]  # fmt: skip

log = logging.getLogger("advisor.services")


def llm_client(settings: Settings) -> LLMClient | None:
    """The configured OpenAI-compatible backend, or None for extractive answers only."""
    if settings.answer_mode == "extractive" or not (settings.llm_base_url and settings.llm_model):
        return None
    return OpenAICompatibleClient(
        settings.llm_base_url,
        settings.llm_model,
        settings.resolved_llm_api_key(),
        connect_timeout=settings.llm_connect_timeout,
        read_timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def open_advisor(
    settings: Settings,
    retriever: Retriever | None = None,
    observe: Callable[[str, float], None] | None = None,
    *,
    serving: bool = False,
) -> Advisor:
    """The advisor the settings describe: index, conversation store and (optional) LLM.

    `serving`: for the server, whose callers' stored conversations are capped per owner; the
    command line's are not (they are the machine owner's), and both keep the retention."""
    return Advisor(
        retriever or open_retriever(settings),
        ConversationStore(settings.conversation_store_location(), store_limits(settings, serving)),
        llm_client(settings),
        settings.answer_mode,
        observe=observe,
        freshness=Freshness(settings.stale_after_days),
    )


def store_limits(settings: Settings, serving: bool) -> StoreLimits:
    """The per-owner caps (the server's only) and the retention (ADVISOR_RETENTION_DAYS)."""
    return StoreLimits(
        settings.max_conversations_per_owner if serving else None,
        settings.max_turns_per_owner if serving else None,
        settings.retention_days or None,
    )


class Reindexer:
    """Runs one re-index at a time, then switches the advisor to the new version atomically."""

    def __init__(
        self,
        settings: Settings,
        advisor: Advisor,
        embedder: Embedder,
        on_switch: Callable[[IndexVersion], None] | None = None,
    ) -> None:
        self.settings = settings
        self.advisor = advisor
        self.embedder = embedder
        self.on_switch = on_switch or (lambda version: None)
        self._lock = threading.Lock()
        self.problem: str | None = None  # why index/CURRENT cannot be followed; None when it can
        self._failed: str | None = None  # the CURRENT content that failed to load, not retried

    def run(self, full: bool) -> IndexReport:
        """Blocking: call off the event loop. Requests in flight finish on the old version."""
        if not self._lock.acquire(blocking=False):
            raise ReindexRunning("a re-index is already running")
        try:
            report = build_index(
                self.settings.corpus_dir, self.settings.index_dir, lambda: self.embedder,
                model_name=self.embedder.name, full=full, kind=self.settings.index_kind,
            )  # fmt: skip
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
        if self._lock.locked():
            return False
        try:
            name = current_version_name(self.settings.index_dir)
        except IndexUnusable as exc:  # unreadable, not UTF-8, or not a version's name
            return self._broken(exc.message, None)
        if name is None:
            return self._broken("index/CURRENT is missing", None)
        if not version_exists(self.settings.index_dir, name):  # the one being served, deleted, too
            gone = f"index/CURRENT names version {name}, which does not exist (deleted?)"
            return self._broken(f"{gone}: run `advisor index --full`", None)
        if name == self.advisor.retriever.version.name:
            return self._broken(None, None)
        if name == self._failed:
            return False  # the same broken pointer: not loaded again until it changes
        try:
            version = load_index(self.settings.index_dir, self.embedder.name, self.embedder.dim)
        except IndexUnusable as exc:
            return self._broken(f"index/CURRENT names {name[:80]!r}, which does not load: {exc}", name)
        self.switch(version)
        self._broken(None, None)
        return True

    def _broken(self, problem: str | None, failed: str | None) -> bool:
        """Record why the pointer cannot be followed; log only when that changes."""
        if problem != self.problem:
            if problem:
                log.warning("%s; still serving version %s", problem, self.advisor.retriever.version.name)
            else:
                log.info("index/CURRENT is readable again")
        self.problem, self._failed = problem, failed
        return False

    def switch(self, version: IndexVersion) -> None:
        words = self.advisor.retriever.words  # the same model's: a version switch keeps them
        retriever = Retriever(version, self.embedder, allow_flagged=self.settings.allow_flagged, words=words)
        self.advisor.use(retriever)
        self.on_switch(version)


@dataclass
class Services:
    """What a running server holds."""

    settings: Settings
    advisor: Advisor
    reindexer: Reindexer
    metrics: Metrics
    query_encoder: BatchingEmbedder

    def close(self) -> None:
        """Blocking: stop the query encoder once the last request is answered; close the store's pool."""
        self.query_encoder.close()
        self.advisor.store.close()


def start_services(settings: Settings, model: Embedder | None, metrics: Metrics) -> Services:
    """Blocking (loads the model and the index): call once, off the event loop."""
    embedder = serving_embedder(model or load_embedder(settings), settings)
    version = load_index(settings.index_dir, model=embedder.name, dim=embedder.dim)
    words = load_word_vectors(embedder, settings.encoder_cache_dir()) if settings.word_expansion else None
    retriever = Retriever(version, embedder, allow_flagged=settings.allow_flagged, words=words)
    advisor = open_advisor(settings, retriever, observe=metrics.observe_stage, serving=True)
    reindexer = Reindexer(settings, advisor, embedder, on_switch=metrics.observe_index)
    reindexer.switch(version)
    return Services(settings, advisor, reindexer, metrics, embedder)
