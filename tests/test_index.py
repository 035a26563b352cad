"""The FAISS store on disk: atomic versions, checks on load, crashes, HNSW, one writer."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from advisor.index.build import build_index
from advisor.index.store import (
    UNITS_HNSW_FROM,
    IndexNotFound,
    IndexUnusable,
    ReindexRunning,
    current_version_name,
    load_index,
    unit_index_kind,
    writer_lock,
)
from advisor.index.vectors import VectorStore

from .conftest import CountingEmbedder


def _build(corpus: Path, index: Path, embedder: CountingEmbedder, **kw: object) -> None:
    build_index(corpus, index, lambda: embedder, model_name=embedder.name, **kw)  # type: ignore[arg-type]


def test_no_index_yet_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="run `advisor index`"):
        load_index(tmp_path)


def test_build_writes_a_version_and_switches_current(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(corpus_copy, index, CountingEmbedder())
    first = current_version_name(index)
    (corpus_copy / "new.md").write_text("# New\n\nA brand new article about data engineering.\n")
    _build(corpus_copy, index, CountingEmbedder())
    second = current_version_name(index)
    assert first and second and first != second
    assert (index / "versions" / first).is_dir()  # the previous version stays for a while
    assert load_index(index).name == second


def test_model_mismatch_asks_for_a_full_rebuild(corpus_copy: Path, tmp_path: Path) -> None:
    _build(corpus_copy, tmp_path / "index", CountingEmbedder())
    with pytest.raises(IndexUnusable, match="--full"):
        load_index(tmp_path / "index", model="another-model", dim=16)
    with pytest.raises(IndexUnusable, match="--full"):
        load_index(tmp_path / "index", model="all-MiniLM-L6-v2", dim=768)


def test_vectors_and_metadata_that_disagree_are_refused(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(corpus_copy, index, CountingEmbedder())
    chunks = index / "versions" / current_version_name(index) / "chunks.jsonl"  # type: ignore[operator]
    lines = chunks.read_text().splitlines()
    chunks.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(IndexUnusable, match="disagree"):
        load_index(index)


@pytest.mark.parametrize("file", ["vectors.faiss", "units.faiss", "quotes.faiss"])
def test_a_vector_file_damaged_in_place_is_refused_at_load(
    corpus_copy: Path, tmp_path: Path, file: str
) -> None:
    index = tmp_path / "index"
    _build(corpus_copy, index, CountingEmbedder())
    name = str(current_version_name(index))
    path = index / "versions" / name / file
    stored = VectorStore.load(path)
    ids, vectors = stored.stored()
    size = path.stat().st_size
    noise = np.random.default_rng(7).standard_normal(vectors.shape).astype(np.float32)
    VectorStore.of("flat", stored.dim, ids, noise).save(path)  # the same size, other contents
    assert path.stat().st_size == size
    with pytest.raises(IndexUnusable) as caught:  # before: loaded, and search gave score null
        load_index(index)
    assert str(caught.value) == (
        f"index/versions/{name}/{file} does not match its checksum (damaged): run `advisor index --full`"
    )


def test_a_version_written_without_checksums_still_loads(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    _build(corpus_copy, index, CountingEmbedder())
    manifest = index / "versions" / str(current_version_name(index)) / "manifest.json"
    written = json.loads(manifest.read_text())
    assert set(written["checksums"]) == {"vectors.faiss", "units.faiss", "quotes.faiss"}
    manifest.write_text(json.dumps({k: v for k, v in written.items() if k != "checksums"}))
    assert load_index(index).chunk_count > 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"garbage\x00\xff../../etc", "index/CURRENT is not UTF-8 text"),
        (b"../../etc", "index/CURRENT holds '../../etc', which is not a version's name"),
        (
            b"20260101T000000-abcdef",
            "index/CURRENT names version 20260101T000000-abcdef, which does not exist",
        ),
    ],
)
def test_a_pointer_that_names_no_version_is_refused_in_one_line(
    corpus_copy: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    index = tmp_path / "index"
    _build(corpus_copy, index, CountingEmbedder())
    (index / "CURRENT").write_bytes(content)
    with pytest.raises(IndexUnusable) as caught:
        load_index(index)
    assert str(caught.value).startswith(message) and str(caught.value).endswith("run `advisor index --full`")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda m: [m], "is damaged (a JSON list, not an object)"),
        (lambda m: {k: v for k, v in m.items() if k != "model"}, "is damaged ('model' missing)"),
        (lambda m: m | {"dim": "384"}, "is damaged ('dim' not an int)"),
    ],
    ids=["not-an-object", "no-model", "dim-a-string"],
)
def test_a_damaged_manifest_is_one_line_naming_the_file(
    corpus_copy: Path, tmp_path: Path, damage: object, message: str
) -> None:
    index = tmp_path / "index"
    _build(corpus_copy, index, CountingEmbedder())
    name = current_version_name(index)
    manifest = index / "versions" / str(name) / "manifest.json"
    manifest.write_text(json.dumps(damage(json.loads(manifest.read_text()))))  # type: ignore[operator]
    for attempt in (lambda: load_index(index), lambda: _build(corpus_copy, index, CountingEmbedder())):
        with pytest.raises(IndexUnusable) as caught:
            attempt()
        assert (
            str(caught.value) == f"index/versions/{name}/manifest.json {message}: run `advisor index --full`"
        )
    _build(corpus_copy, index, CountingEmbedder(), full=True)  # and the advice works
    assert load_index(index).name != name


def test_crash_before_the_switch_leaves_the_previous_version(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    _build(corpus_copy, index, CountingEmbedder())
    before = load_index(index)
    (corpus_copy / "new.md").write_text("# New\n\nAnother article about prompt engineering.\n")
    real_replace = os.replace

    def crash_on_switch(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "CURRENT":
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_switch)
    with pytest.raises(OSError, match="power cut"):
        _build(corpus_copy, index, CountingEmbedder())
    monkeypatch.undo()
    after = load_index(index)
    assert after.name == before.name and after.chunk_count == before.chunk_count
    _build(corpus_copy, index, CountingEmbedder())  # and the next build completes
    assert load_index(index).documents.keys() >= {"new.md"}


@pytest.mark.slow
def test_index_killed_at_random_moments_stays_loadable(
    corpus_copy: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """kill -9 of a real `advisor index --full` (real model) at random moments."""
    env = cli_env | {"ADVISOR_CORPUS_DIR": str(corpus_copy)}
    index = Path(env["ADVISOR_INDEX_DIR"])
    command = [sys.executable, "-m", "advisor.cli", "index", "--full", "--json"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    baseline = load_index(index).chunk_count
    rng = random.Random(7)
    for _ in range(20):  # from interpreter start-up to the atomic switch and after
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 8.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        version = load_index(index)  # whatever moment it died at, the index loads...
        assert version.chunk_count == baseline
        assert version.vectors.search(np.ones(version.dim, dtype=np.float32) / version.dim**0.5, 3)
    result = subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    assert json.loads(result.stdout)["chunks"] == baseline  # ...and a clean re-index completes
    assert not list((index / "versions").glob("*.tmp"))


def test_hnsw_index_finds_the_same_neighbours(corpus_copy: Path, tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    _build(corpus_copy, tmp_path / "flat", embedder)
    _build(corpus_copy, tmp_path / "hnsw", embedder, kind="hnsw")
    flat, hnsw = load_index(tmp_path / "flat"), load_index(tmp_path / "hnsw")
    assert hnsw.kind == "hnsw" and hnsw.chunk_count == flat.chunk_count
    query = embedder.embed_query("salary")
    assert [i for i, _ in flat.vectors.search(query, 5)] == [i for i, _ in hnsw.vectors.search(query, 5)]
    # the units' two views are searched too: approximately, like the chunks, and still readable
    for version in (flat, hnsw):
        for store in (version.unit_vectors, version.quote_vectors):
            assert store is not None and store.approximate == (version is hnsw)
    assert hnsw.quote_vectors is not None
    stored_ids, stored = hnsw.quote_vectors.stored()
    assert np.allclose(hnsw.quote_vectors.vector(int(stored_ids[0])), stored[0])


def test_only_one_writer_at_a_time(tmp_path: Path) -> None:
    with (
        writer_lock(tmp_path),
        pytest.raises(ReindexRunning),
        writer_lock(tmp_path),
    ):
        pass


def test_units_are_searched_approximately_once_exact_search_would_be_slow() -> None:
    assert unit_index_kind("flat", UNITS_HNSW_FROM - 1) == "flat"
    assert unit_index_kind("flat", UNITS_HNSW_FROM) == "hnsw"
    assert unit_index_kind("hnsw", 10) == "hnsw"
