"""Index build throughput against a bare model.encode of the same texts, and incremental re-index.

build_over_encode compares the whole build (chunks and their units) with encoding the
chunk texts alone, which is what a build cost before units (0.1.0: 1.08x).

    python bench/build.py          (part of make bench)

The model is loaded once, before anything is timed, and handed to both sides.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT

from advisor.config import load_settings
from advisor.corpus.chunking import chunk_document, context_text
from advisor.embedding import load_embedder
from advisor.index.build import build_index
from advisor.ingest import load_corpus


def main() -> dict[str, float]:
    embedder = load_embedder(load_settings())
    docs, _ = load_corpus(ROOT / "corpus")
    texts = [context_text(d.title, c.section, c.text) for d in docs for c in chunk_document(d)]
    embedder.embed(texts[:64])  # warm-up: first calls pay for lazy initialisation

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            embedder.embed(texts, batch_size=64)
            encode_s = time.perf_counter() - start
            index = Path(tmp) / f"index-{len(runs)}"
            start = time.perf_counter()
            report = build_index(corpus, index, lambda: embedder, model_name=embedder.name)
            build_s = time.perf_counter() - start
            runs.append((build_s / encode_s, build_s, encode_s, report.chunks))
        ratio, build_s, encode_s, chunks = sorted(runs)[1]  # the median run

        article = corpus / "classpedia-become-ai-ml-engineer-2026.txt"
        article.write_text(article.read_text().replace("structured starting map", "structured map"))
        start = time.perf_counter()
        changed = build_index(corpus, index, lambda: embedder, model_name=embedder.name)
        reindex_s = time.perf_counter() - start
        start = time.perf_counter()
        build_index(corpus, index, lambda: embedder, model_name=embedder.name)
        noop_s = time.perf_counter() - start
        noop_command_s = _noop_command_seconds(corpus, index)

    result = {
        "chunks": chunks,
        "build_seconds": round(build_s, 3),
        "bare_encode_seconds": round(encode_s, 3),
        "build_over_encode": round(ratio, 3),
        "build_chunks_per_second": round(chunks / build_s, 1),
        "reindex_one_article_seconds": round(reindex_s, 3),
        "reindex_one_article_embedded": changed.embedded,
        "reindex_one_article_units_embedded": changed.units_embedded,
        "reindex_over_full_build": round(reindex_s / build_s, 3),
        "noop_reindex_seconds": round(noop_s, 4),
        "noop_reindex_command_seconds": round(noop_command_s, 3),
    }
    print(json.dumps({"build": result}))
    return result


def _noop_command_seconds(corpus: Path, index: Path) -> float:
    """The whole `advisor index` command with nothing to do: start-up included (goal < 2 s)."""
    env = os.environ | {"ADVISOR_CORPUS_DIR": str(corpus), "ADVISOR_INDEX_DIR": str(index)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "advisor.cli", "index", "--json"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
