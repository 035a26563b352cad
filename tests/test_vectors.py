"""The vector-store seam over real FAISS: what goes in comes back by id, from memory and from disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from advisor.index.vectors import VectorStore


def _unit_rows(n: int, dim: int, seed: int = 3) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_a_vector_is_found_by_its_own_id_after_a_save_and_a_load(kind: str, tmp_path: Path) -> None:
    ids = np.array([11, 2**62 + 5, 7, 123456789], dtype=np.int64)  # ids the caller chooses, 63-bit
    rows = _unit_rows(4, 16)
    store = VectorStore.of(kind, 16, ids, rows)  # type: ignore[arg-type]
    store.save(tmp_path / "v.faiss")
    loaded = VectorStore.load(tmp_path / "v.faiss")
    assert len(loaded) == 4 and loaded.dim == 16 and loaded.approximate == (kind == "hnsw")
    for i, row in zip(ids.tolist(), rows, strict=True):
        best_id, score = loaded.search(row, 1)[0]
        assert best_id == i and score == pytest.approx(1.0, abs=1e-5)
        assert np.allclose(loaded.vector(i), row)
    stored_ids, stored = loaded.stored()
    assert sorted(stored_ids.tolist()) == sorted(ids.tolist()) and stored.shape == (4, 16)


def test_removed_vectors_are_no_longer_found() -> None:
    rows = _unit_rows(3, 8)
    store = VectorStore.of("flat", 8, np.array([1, 2, 3], dtype=np.int64), rows)
    assert store.remove([2, 99]) == 1  # 99 was never there
    assert 2 not in {i for i, _ in store.search(rows[1], 3)} and len(store) == 2


def test_asking_for_more_than_it_holds_returns_what_it_holds() -> None:
    store = VectorStore.empty("flat", 8)
    assert store.search(_unit_rows(1, 8)[0], 5) == []
    store.add(np.array([4], dtype=np.int64), _unit_rows(1, 8))
    assert [i for i, _ in store.search(_unit_rows(1, 8, seed=9)[0], 5)] == [4]
