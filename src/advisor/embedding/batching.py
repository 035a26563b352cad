"""Query encoding for a server: concurrent queries share one model call, repeats hit a cache.

Each request thread hands its query to one encoding thread and waits. That thread takes
every query waiting at that moment (up to `max_batch`) and encodes them in one call, so
under load the model works on batches while a lone query is encoded at once. When the
previous call was a batch (the server is busy), it lingers up to `max_wait_ms` for more.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from advisor.config import Settings
from advisor.corpus.chunking import approx_tokens
from advisor.embedding.base import Embedder, Vectors
from advisor.errors import Unavailable

__all__ = ["BatchingEmbedder", "EmbedderClosed", "serving_embedder"]


class EmbedderClosed(Unavailable):
    """A query arrived after the server began shutting down."""


@dataclass
class _Request:
    text: str
    result: Future[Vectors] = field(default_factory=Future)


_STOP = _Request("")


class BatchingEmbedder(Embedder):
    """Wraps an embedder: embed_query is batched across threads and cached; bulk calls pass through.

    max_batch: most queries in one model call (0: no batching, each caller encodes its own).
    max_wait_ms: how long a busy server waits for more queries. cache_size: query vectors
    remembered (0: none).
    """

    def __init__(
        self, inner: Embedder, max_batch: int = 32, max_wait_ms: float = 2.0, cache_size: int = 1024
    ) -> None:
        if max_batch < 0:
            raise ValueError("max_batch must be 0 (off) or more")
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_batch = max_batch
        self.max_wait = max_wait_ms / 1000
        self.batch_sizes: list[int] = []  # of every model call, for tests and benchmarks
        self._queue: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        self._cache: OrderedDict[str, Vectors] = OrderedDict()  # the most recent queries' vectors
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if max_batch:
            self._thread = threading.Thread(target=self._run, name="query-encoder", daemon=True)
            self._thread.start()

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Bulk work (indexing, passages) goes straight to the model, unbatched and uncached."""
        return self.inner.embed_batch(texts)

    def embed_query(self, text: str) -> Vectors:
        """One query's vector (read-only: it may be shared with other callers)."""
        return self.submit_query(text).result()

    def submit_query(self, text: str) -> Future[Vectors]:
        """The query's vector to collect with .result(): from the cache, or from the encoding thread."""
        with self._cache_lock:
            vector = self._cache.get(text)
            if vector is not None:
                self._cache.move_to_end(text)
        if vector is not None:
            done: Future[Vectors] = Future()
            done.set_result(vector)
            return done
        return self._through_batch(text)

    def _remember(self, text: str, vector: Vectors) -> None:
        """Keep a query's vector (the thread that encoded it calls this, before handing it over)."""
        if not self._cache_size:
            return
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def count_tokens(self, text: str) -> int:
        """The wrapped model's own token count (usage in /v1 answers); approximate without one."""
        count = getattr(self.inner, "count_tokens", None)
        return int(count(text)) if count is not None else approx_tokens(text)

    @property
    def running(self) -> bool:
        """True until close(): queries are accepted."""
        return not self._closed

    def pending(self) -> int:
        """Queries waiting for the model."""
        return self._queue.qsize()

    def close(self) -> None:
        """Stop the encoding thread; queries already waiting are encoded first."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> BatchingEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------------

    def _through_batch(self, text: str) -> Future[Vectors]:
        request = _Request(text)
        if self._thread is None:  # no batching: the caller's own thread encodes
            try:
                vector: Vectors = self.inner.embed_batch([text])[0]
            except BaseException as exc:
                request.result.set_exception(exc)
                return request.result
            vector.setflags(write=False)
            self._remember(text, vector)
            request.result.set_result(vector)
            return request.result
        with self._close_lock:  # nothing enters the queue behind the stop marker
            if self._closed:
                raise EmbedderClosed("the query encoder is shut down")
            self._queue.put(request)
        return request.result

    def _run(self) -> None:
        busy = False
        while True:
            batch = [self._queue.get()]
            deadline = time.perf_counter() + (self.max_wait if busy else 0.0)
            while len(batch) < self.max_batch and batch[-1] is not _STOP:
                try:
                    batch.append(self._next(deadline))
                except queue.Empty:
                    break
            stop = batch[-1] is _STOP
            requests = batch[:-1] if stop else batch
            if requests:
                self._encode(requests)
            busy = len(requests) > 1
            if stop:
                return

    def _next(self, deadline: float) -> _Request:
        """The next waiting query, waiting for one until `deadline`; queue.Empty after it."""
        remaining = deadline - time.perf_counter()
        return self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()

    def _encode(self, requests: list[_Request]) -> None:
        texts = list(dict.fromkeys(r.text for r in requests))  # concurrent repeats are encoded once
        self.batch_sizes.append(len(texts))
        try:
            vectors = self.inner.embed_batch(texts)
        except BaseException as exc:  # the callers see the model's own error
            for request in requests:
                request.result.set_exception(exc)
            return
        rows = dict(zip(texts, vectors, strict=True))
        for text, row in rows.items():
            row.setflags(write=False)
            self._remember(text, row)
        for request in requests:
            request.result.set_result(rows[request.text])


def serving_embedder(embedder: Embedder, settings: Settings) -> BatchingEmbedder:
    """The embedder as a server uses it: batched and cached as configured."""
    return BatchingEmbedder(
        embedder,
        max_batch=settings.query_batch_size,
        max_wait_ms=settings.query_batch_wait_ms,
        cache_size=settings.query_cache_size,
    )
