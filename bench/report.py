"""Run every benchmark in one go and write docs/PERFORMANCE.md (and the raw docs/performance.json).

    python bench/report.py [--load-seconds 60] [--sizes 100000 1000000]      (make bench)

Ratios are taken within this one run, so they compare like with like on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import api
import ask
import build
import load
import scale
import search
import ttft

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    started = time.time()
    results: dict[str, Any] = {
        "build": build.main(),
        "search": search.main(),
        "ask": ask.main(),
        "api": api.main(),
        "ttft": ttft.main(),
        "load": load.main(args.load_seconds),
        "scale": scale.run(args.sizes),
    }
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "date": time.strftime("%Y-%m-%d"), "minutes": round((time.time() - started) / 60, 1)}  # fmt: skip
    (DOCS / "performance.json").write_text(json.dumps(results, indent=1))
    (DOCS / "PERFORMANCE.md").write_text(render(results))
    print("wrote docs/PERFORMANCE.md")


def render(r: dict[str, Any]) -> str:
    b, s, a, h, t, lo = r["build"], r["search"], r["ask"], r["api"], r["ttft"], r["load"]
    m = r["machine"]
    lines = [
        "# Performance",
        "",
        f"Measured by `make bench` (`python bench/report.py`) on {m['date']}: {m['cpus']} CPU cores, no GPU,",
        f"Python {m['python']}, extractive answers unless said; the whole run took {m['minutes']} minutes.",
        "Every ratio compares figures taken in this same run. Raw figures: `docs/performance.json`.",
        "",
        "## Indexing (bench/build.py)",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| full build, {b['chunks']} chunks | {b['build_seconds']} s, {b['build_chunks_per_second']} chunks/s |",
        f"| bare `model.encode` of the same chunk texts | {b['bare_encode_seconds']} s |",
        f"| **build / bare encode** | **{b['build_over_encode']}x** (goal ≤ 1.3x) |",
        f"| re-index after one changed article | {b['reindex_one_article_seconds']} s, "
        f"{b['reindex_one_article_embedded']} chunks embedded |",
        f"| **re-index / full build** | **{b['reindex_over_full_build']}x** |",
        f"| no-op re-index (no model loaded) | {b['noop_reindex_seconds']} s |",
        f"| no-op `advisor index`, whole command | {b.get('noop_reindex_command_seconds')} s (goal < 2 s) |",
        "",
        "## Search and answers",
        "",
        "| measure | p50 | p95 | p99 |",
        "|---|---|---|---|",
        _row("hybrid search in process (bench/search.py)", s["hybrid"]),
        _row("floor: encode the query + one FAISS search", s["floor_encode_plus_faiss"]),
        _row("`advisor ask`, extractive, first pass (bench/ask.py)", a["first_pass"]),
        _row("`advisor ask`, extractive, repeated", a["repeated"]),
        _row("`/api/search` on loopback (bench/api.py)", h["api_search"]),
        _row("`/api/chat` on loopback, extractive", h["api_chat"]),
        _row("first event of a streamed `/api/chat`", h["chat_stream_first_event"]),
        "",
        f"- **`/api/search` p50 / in-process floor p50: "
        f"{h['api_search']['p50_ms'] / s['floor_encode_plus_faiss']['p50_ms']:.2f}x**, "
        f"p95 / floor p95: {h['api_search']['p95_ms'] / s['floor_encode_plus_faiss']['p95_ms']:.2f}x (goal ≤ 1.5x).",
        f"- Streamed time to first token with the llama.cpp server (SmolLM2-135M, bench/ttft.py): "
        f"direct p50 {t['direct_first_token_p50_ms']} ms, through the advisor p50 {t['advisor_first_token_p50_ms']} ms; "
        f"**the advisor adds {t['advisor_minus_direct_p50_ms']} ms** (median of {t['pairs']} paired, cold "
        "measurements; goal < 50 ms).",
        "",
        "## Load (bench/load.py, a real uvicorn process, load generated on the same machine)",
        "",
        "| endpoint | clients | seconds | requests | errors | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in lo["load"]:
        lines.append(
            f"| `{run['path']}` | {run['clients']} | {run['seconds']} | {run['requests']} | {run['errors']} | "
            f"{run['requests_per_second']} | {run['p50_ms']} | {run['p95_ms']} | {run['p99_ms']} |"
        )
    w1, w2 = (
        lo["workers"]["1"] if "1" in lo["workers"] else lo["workers"][1],
        (lo["workers"]["2"] if "2" in lo["workers"] else lo["workers"][2]),
    )
    hs = lo["health_during_streams"]
    lines += [
        "",
        f"- `/api/search` with 16 clients: **1 worker {w1['requests_per_second']} requests/s, 2 workers "
        f"{w2['requests_per_second']} requests/s** ({w2['requests_per_second'] / w1['requests_per_second']:.2f}x; "
        "two cores are shared by the workers and the load generator).",
        f"- `/health` while {hs['streams']} slow streamed answers were in flight: p50 {hs['health_p50_ms']} ms, "
        f"**p95 {hs['health_p95_ms']} ms** (goal < 100 ms), {hs['health_errors']} errors.",
        "",
        "## Scale (bench/scale.py, synthetic clustered vectors, single-thread search)",
        "",
        "| chunks | index | p50 ms | p95 ms | recall@10 vs flat | index MB | build s |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in r["scale"]["vectors"]:
        for kind in ("flat", "hnsw"):
            k = v[kind]
            lines.append(
                f"| {v['chunks']:,} | {kind} | {k['p50_ms']} | {k['p95_ms']} | {k['recall@10_vs_flat']} | "
                f"{k['index_mb']} | {k['build_seconds']} |"
            )
    lines += ["", "The whole advisor at 100k chunks (model + index + BM25, hybrid search, fresh process):", "",
              "| index | p50 ms | p95 ms | peak memory MB | load s |", "|---|---|---|---|---|"]  # fmt: skip
    for adv in r["scale"]["advisor"]:
        lines.append(
            f"| {adv['kind']} | {adv['hybrid']['p50_ms']} | {adv['hybrid']['p95_ms']} | {adv['peak_rss_mb']} | "
            f"{adv['load_seconds']} |"
        )
    return "\n".join(lines) + "\n"


def _row(name: str, p: dict[str, float]) -> str:
    return f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} |"


if __name__ == "__main__":
    main()
