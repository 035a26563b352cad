"""Synthetic scale: flat vs HNSW at 100k and 1M chunks, and the whole advisor at 100k.

    python bench/scale.py [--sizes 100000 1000000]     (part of make bench)

Vectors are clustered (real embeddings are, uniform random ones are HNSW's worst case):
n/100 centres on the unit sphere, each vector a centre plus noise, re-normalised.
Latency is single-query, single-thread, as the server searches. Recall@10 is HNSW's
top 10 against flat's exact top 10 for the same queries.

At 100k the script also writes a real index folder (synthetic vectors, chunk texts made
of corpus sentences, each sentence a unit with its own vector near its chunk's, so unit
evidence is searched too) and measures, in a fresh process, the real model + index + BM25
+ units hybrid search and that process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
from _common import ROOT, peak_rss_mb, percentiles

from advisor.corpus.chunking import Chunk
from advisor.corpus.units import Unit, quote_text, unit_embedding_text, unit_faiss_id
from advisor.index.store import DocRecord, save_index, unit_index_kind
from advisor.index.vectors import VectorStore
from advisor.ingest import load_corpus

DIM = 384
QUERIES = 300
UNITS_PER_CHUNK = 4


def clustered(n: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.standard_normal((max(n // 100, 1), DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(start + 100_000, n)
        noise = rng.standard_normal((stop - start, DIM)).astype(np.float32) * 0.06
        block = centres[rng.integers(0, len(centres), stop - start)] + noise
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def vector_run(n: int, rng: np.random.Generator) -> dict[str, object]:
    vectors = clustered(n, rng)
    ids = np.arange(n, dtype=np.int64)
    queries = (
        vectors[rng.integers(0, n, QUERIES)] + rng.standard_normal((QUERIES, DIM)).astype(np.float32) * 0.03
    )
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    result: dict[str, object] = {"chunks": n}
    truth = None
    for kind in ("flat", "hnsw"):
        faiss.omp_set_num_threads(2)  # building may use both cores
        start = time.perf_counter()
        store = VectorStore.of(kind, DIM, ids, vectors)  # type: ignore[arg-type]
        build_s = time.perf_counter() - start
        faiss.omp_set_num_threads(1)  # searching: one query at a time
        latencies = []
        found = []
        for q in queries:
            start = time.perf_counter()
            neighbours = [i for i, _ in store.search(q, 10)]
            latencies.append((time.perf_counter() - start) * 1000)
            found.append(neighbours)
        if truth is None:
            truth = found
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth, strict=True)])
        size_mb = store.size_bytes() / 2**20
        result[kind] = {
            **percentiles(latencies),
            "recall@10_vs_flat": round(float(recall), 4),
            "index_mb": round(size_mb, 1),
            "build_seconds": round(build_s, 1),
        }
        del store
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


def write_synthetic_index(folder: Path, n: int, kind: str, rng: np.random.Generator) -> None:
    docs, _ = load_corpus(ROOT / "corpus")
    sentences = [s for d in docs for s in re.split(r"(?<=[.!?])\s+", d.text) if len(s.split()) > 4]
    records = {
        f"synthetic-{i}": DocRecord(
            f"synthetic-{i}", f"corpus/synthetic-{i}.md", f"Article {i}", None, None, "", ()
        )
        for i in range(n // 100)
    }  # fmt: skip
    chunks, units = {}, []
    for i in range(n):
        picks = [sentences[p] for p in rng.integers(0, len(sentences), UNITS_PER_CHUNK)]
        doc_id = f"synthetic-{i // 100}"
        chunk = Chunk(f"{doc_id}#{i}", doc_id, "Section", " ".join(picks), i % 100)
        chunks[i] = chunk
        units += [Unit(f"{chunk.chunk_id}~{j}", chunk.doc_id, chunk.chunk_id, "sentence", text, "Section",
                       None, None, None, j) for j, text in enumerate(picks)]  # fmt: skip
    vectors = clustered(n, rng)
    near = np.repeat(vectors, UNITS_PER_CHUNK, axis=0)
    near += rng.standard_normal(near.shape).astype(np.float32) * 0.03
    near /= np.linalg.norm(near, axis=1, keepdims=True)
    faiss.omp_set_num_threads(2)
    store = VectorStore.of(kind, DIM, np.arange(n, dtype=np.int64), vectors)  # type: ignore[arg-type]
    unit_ids = [unit_faiss_id(u, unit_embedding_text(u)) for u in units]
    quote_ids = [unit_faiss_id(u, quote_text(u)) for u in units]
    unit_kind = unit_index_kind(kind, len(units))  # type: ignore[arg-type]
    unit_vectors = VectorStore.of(unit_kind, DIM, np.array(unit_ids, dtype=np.int64), near)
    quote_vectors = VectorStore.of(unit_kind, DIM, np.array(quote_ids, dtype=np.int64), near)
    save_index(folder, model="all-MiniLM-L6-v2", dim=DIM, kind=kind, vectors=store,  # type: ignore[arg-type]
               chunks=chunks, documents=records, salaries=[], units=units, unit_vectors=unit_vectors,
               quote_vectors=quote_vectors)  # fmt: skip


SERVE_PROBE = """
import json, sys, time
sys.path.insert(0, {bench!r})
from _common import peak_rss_mb, percentiles, questions, timed_ms
from advisor.config import load_settings
from advisor.retrieval import open_retriever
start = time.perf_counter()
retriever = open_retriever(load_settings(index_dir={index!r}))
load_s = time.perf_counter() - start
qs = questions()
for q in qs[:5]:
    retriever.search(q)
lat = [timed_ms(lambda q=q: retriever.search(q, k=5)) for q in qs * 4]
rss = round(peak_rss_mb(), 1)
load = round(load_s, 1)
print(json.dumps({{"load_seconds": load, "hybrid": percentiles(lat), "peak_rss_mb": rss}}))
"""


def advisor_run(n: int, kind: str, rng: np.random.Generator) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic_index(Path(tmp), n, kind, rng)
        probe = SERVE_PROBE.format(bench=str(Path(__file__).parent), index=tmp)
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        return {"chunks": n, "kind": kind, **json.loads(out.stdout.splitlines()[-1])}


def run(sizes: list[int], with_advisor: bool = True) -> dict[str, list[dict[str, object]]]:
    rng = np.random.default_rng(0)
    result: dict[str, list[dict[str, object]]] = {"advisor": [], "vectors": []}
    if with_advisor:
        for kind in ("flat", "hnsw"):
            result["advisor"].append(advisor_run(100_000, kind, rng))
            print(json.dumps({"advisor_at_scale": result["advisor"][-1]}), flush=True)
    for n in sizes:
        result["vectors"].append(vector_run(n, rng))
        print(json.dumps({"vectors_at_scale": result["vectors"][-1]}), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--skip-advisor", action="store_true")
    args = parser.parse_args()
    run(args.sizes, not args.skip_advisor)


if __name__ == "__main__":
    main()
