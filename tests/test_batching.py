"""Query batching and caching: concurrent queries share model calls, and nothing changes for a user."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import load_settings
from advisor.embedding import Embedder, Vectors
from advisor.embedding.batching import BatchingEmbedder, EmbedderClosed

from .conftest import CountingEmbedder


class GatedEmbedder(CountingEmbedder):
    """Holds its first call until released, so that queries pile up behind it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            self.entered.set()
            assert self.release.wait(10)
        return super().embed_batch(texts)


def wait_for(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def queries_behind_a_busy_model(
    encoder: BatchingEmbedder, model: GatedEmbedder, texts: list[str]
) -> dict[str, Vectors]:
    """Send 'first' (which holds the model), then `texts` from their own threads; release; results."""
    with ThreadPoolExecutor(len(texts) + 1) as pool:
        first = pool.submit(encoder.embed_query, "first")
        assert model.entered.wait(10)
        futures = {text: pool.submit(encoder.embed_query, text) for text in dict.fromkeys(texts)}
        wait_for(lambda: encoder.pending() == len(texts))
        model.release.set()
        first.result(10)
        return {text: future.result(10) for text, future in futures.items()}


def test_a_lone_query_is_encoded_at_once_and_equals_the_models_vector() -> None:
    model = CountingEmbedder()
    with BatchingEmbedder(model, max_wait_ms=50) as encoder:
        vector = encoder.embed_query("What does an MLOps engineer do?")
    assert np.array_equal(vector, CountingEmbedder().embed_query("What does an MLOps engineer do?"))
    assert encoder.batch_sizes == [1]


def test_queries_that_arrive_while_the_model_is_busy_share_one_call() -> None:
    model = GatedEmbedder()
    texts = [f"question {n}" for n in range(6)]
    with BatchingEmbedder(model, cache_size=0) as encoder:
        vectors = queries_behind_a_busy_model(encoder, model, texts)
    assert model.calls == [["first"], texts]
    for text in texts:  # each caller gets its own query's vector
        assert np.array_equal(vectors[text], CountingEmbedder().embed_query(text))


def test_a_batch_never_exceeds_the_batch_size() -> None:
    model = GatedEmbedder()
    texts = [f"question {n}" for n in range(5)]
    with BatchingEmbedder(model, max_batch=2, cache_size=0) as encoder:
        queries_behind_a_busy_model(encoder, model, texts)
    assert [len(call) for call in model.calls] == [1, 2, 2, 1]
    assert sorted(t for call in model.calls[1:] for t in call) == texts


def test_the_same_query_sent_by_several_clients_at_once_is_encoded_once() -> None:
    model = GatedEmbedder()
    with BatchingEmbedder(model, cache_size=0) as encoder, ThreadPoolExecutor(5) as pool:
        first = pool.submit(encoder.embed_query, "first")
        assert model.entered.wait(10)
        same = [pool.submit(encoder.embed_query, "Do I need a PhD?") for _ in range(4)]
        wait_for(lambda: encoder.pending() == 4)
        model.release.set()
        first.result(10)
        vectors = [f.result(10) for f in same]
    assert model.calls == [["first"], ["Do I need a PhD?"]]
    assert all(np.array_equal(v, vectors[0]) for v in vectors)


def test_repeated_queries_come_from_the_cache_and_cannot_be_changed_by_a_caller() -> None:
    model = CountingEmbedder()
    with BatchingEmbedder(model, cache_size=2) as encoder:
        first = encoder.embed_query("a")
        assert encoder.embed_query("a") is first
        with pytest.raises(ValueError):
            first[0] = 0.0  # shared with every later caller: read-only
        encoder.embed_query("b")
        encoder.embed_query("c")  # "a" is now the least recently used, and dropped
        encoder.embed_query("a")
    assert model.texts == ["a", "b", "c", "a"]


def test_without_a_cache_every_query_reaches_the_model() -> None:
    model = CountingEmbedder()
    with BatchingEmbedder(model, cache_size=0) as encoder:
        encoder.embed_query("a")
        encoder.embed_query("a")
    assert model.texts == ["a", "a"]


def test_batching_off_encodes_on_the_callers_thread() -> None:
    threads: list[str] = []

    class ThreadNoting(CountingEmbedder):
        def embed_batch(self, texts: Sequence[str]) -> Vectors:
            threads.append(threading.current_thread().name)
            return super().embed_batch(texts)

    with BatchingEmbedder(ThreadNoting(), max_batch=0) as encoder:
        vector = encoder.embed_query("a")
    assert threads == [threading.current_thread().name]
    assert np.array_equal(vector, CountingEmbedder().embed_query("a"))


def test_a_model_error_reaches_every_caller_of_the_batch_and_the_next_query_works() -> None:
    class FailsOnce(GatedEmbedder):
        def embed_batch(self, texts: Sequence[str]) -> Vectors:
            if len(self.calls) == 1:  # the second call: the batch of waiting queries
                self.calls.append(list(texts))
                raise RuntimeError("model exploded")
            return super().embed_batch(texts)

    model = FailsOnce()
    with BatchingEmbedder(model, cache_size=0) as encoder, ThreadPoolExecutor(4) as pool:
        first = pool.submit(encoder.embed_query, "first")
        assert model.entered.wait(10)
        waiting = [pool.submit(encoder.embed_query, t) for t in ("b", "c", "d")]
        wait_for(lambda: encoder.pending() == 3)
        model.release.set()
        first.result(10)
        for future in waiting:
            with pytest.raises(RuntimeError, match="model exploded"):
                future.result(10)
        assert encoder.embed_query("e").shape == (CountingEmbedder.dim,)


def test_close_finishes_waiting_queries_then_refuses_new_ones() -> None:
    model = GatedEmbedder()
    encoder = BatchingEmbedder(model, cache_size=0)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(encoder.embed_query, "first")
        assert model.entered.wait(10)
        waiting = pool.submit(encoder.embed_query, "waiting")
        wait_for(lambda: encoder.pending() == 1)
        closing = pool.submit(encoder.close)
        model.release.set()
        closing.result(10)
        assert first.result(10).shape == waiting.result(10).shape == (CountingEmbedder.dim,)
    assert not encoder.running
    with pytest.raises(EmbedderClosed):
        encoder.embed_query("too late")
    encoder.close()  # twice is harmless


def test_bulk_embedding_passes_straight_through() -> None:
    model = CountingEmbedder()
    with BatchingEmbedder(model) as encoder:
        vectors = encoder.embed(["one", "two", "three"], batch_size=2)
    assert vectors.shape == (3, CountingEmbedder.dim) and model.texts == ["one", "two", "three"]
    assert encoder.batch_sizes == []


# ----------------------------------------------------------------------------- the real model


def test_batched_vectors_of_the_real_model_match_one_at_a_time(real_embedder: Embedder) -> None:
    questions = [
        "What does a junior ML engineer earn in the UK?",
        "Do I need a PhD?",
        "Which certifications matter for ML engineers, and how long does it take to earn them?",
        "MLflow",
    ] * 4
    alone = {q: real_embedder.embed_query(q) for q in questions}
    encoder = BatchingEmbedder(real_embedder, max_wait_ms=5, cache_size=0)
    with encoder, ThreadPoolExecutor(len(questions)) as pool:
        together = list(pool.map(encoder.embed_query, questions))
    for question, vector in zip(questions, together, strict=True):
        assert float(vector @ alone[question]) > 0.9999  # padding in a batch changes nothing that matters


class Recording(Embedder):
    """The real model, noting every text it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        return self.inner.embed_batch(texts)


def test_the_app_encodes_a_question_once_for_chat_and_search_and_stops_its_encoder(
    tmp_path: Path, real_index: Path, real_embedder: Embedder
) -> None:
    settings = load_settings(index_dir=real_index, data_dir=tmp_path, answer_mode="extractive")
    model = Recording(real_embedder)
    question = "How long does it take to get an entry-level ML job?"
    with TestClient(create_app(settings, embedder=model)) as client:
        assert client.post("/api/chat", json={"message": question}).status_code == 200
        assert client.post("/api/search", json={"query": question}).json()["hits"]
        encoder = client.app.state.services.query_encoder  # type: ignore[attr-defined]
        assert encoder.running
    assert model.texts.count(question) == 1
    assert not encoder.running
