"""Run every benchmark in one go and write docs/PERFORMANCE.md (and the raw docs/performance.json).

    python bench/report.py [--load-seconds 60] [--sizes 100000 1000000] [--only load encoders]

Ratios are taken within this one run, so they compare like with like on a noisy machine.
--only re-measures the named sections and keeps the others from docs/performance.json
(the page says which sections were measured when, and the machine's load average).
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
import cli
import encoders
import load
import scale
import search
import ttft

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), help="sections to measure again")
    args = parser.parse_args()
    started = time.time()
    runners = {name: SECTIONS[name] for name in (args.only or SECTIONS)}
    kept: dict[str, Any] = json.loads((DOCS / "performance.json").read_text()) if args.only else {}
    results: dict[str, Any] = {name: value for name, value in kept.items() if name in SECTIONS}
    measured = kept.get("measured", {})
    for name, runner in runners.items():
        load_before = os.getloadavg()[0]
        results[name] = runner(args)
        measured[name] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                          "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)]}  # fmt: skip
    results["measured"] = measured
    results["machine"] = kept["machine"] if args.only else {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "date": time.strftime("%Y-%m-%d"), "minutes": round((time.time() - started) / 60, 1)}  # fmt: skip
    (DOCS / "performance.json").write_text(json.dumps(results, indent=1))
    (DOCS / "PERFORMANCE.md").write_text(render(results))
    print("wrote docs/PERFORMANCE.md")


SECTIONS: dict[str, Any] = {
    "build": lambda args: build.main(),
    "search": lambda args: search.main(),
    "ask": lambda args: ask.main(),
    "cli": lambda args: cli.run(),
    "api": lambda args: api.main(),
    "ttft": lambda args: ttft.main(),
    "encoders": lambda args: encoders.main(),
    "load": lambda args: load.main(args.load_seconds),
    "scale": lambda args: scale.run(args.sizes),
}


def render(r: dict[str, Any]) -> str:
    b, s, a, h, t, lo = r["build"], r["search"], r["ask"], r["api"], r["ttft"], r["load"]
    m = r["machine"]
    lines = [
        "# Performance",
        "",
        f"Measured by `make bench` (`python bench/report.py`) on {m['date']}: {m['cpus']} CPU cores, no GPU,",
        f"Python {m['python']}, extractive answers unless said; the whole run took {m['minutes']} minutes.",
        "Every ratio compares figures taken in this same run. Raw figures: `docs/performance.json`.",
        "A section measured again later (`--only`) says when, and under what machine load.",
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
        *_cli_rows(r.get("cli")),
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
    ]
    lines += _load_lines(lo, r.get("measured", {}).get("load"))
    lines += _encoder_lines(r.get("encoders"), r.get("measured", {}).get("encoders"))
    lines += [
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


def _when(measured: dict[str, Any] | None) -> str:
    if not measured:
        return ""
    before, after = measured["load_average"]
    return f"Measured {measured['date']}; 1-minute load average {before} at the start, {after} at the end."


def _load_lines(lo: dict[str, Any], measured: dict[str, Any] | None) -> list[str]:
    lines = ["## Load (bench/load.py, a real uvicorn process, load generated on the same machine)", "",
             _when(measured), "",
             "Two configurations in the same run: **baseline** is the 0.1.0 path (PyTorch encoder, each",
             "request encodes its own query, no query cache); **served** is the default (ONNX Runtime",
             "encoder, micro-batched queries, query cache). Every query is distinct, so no answer comes",
             "from the cache. The floor is one query encoded plus one FAISS search, in process, with",
             "the configuration's encoder; efficiency is requests/s at 8 clients × the floor's p50 in s.",
             f"The load generator is {lo.get('driver', 'httpx')}, on the same two cores; its own CPU time per",
             "request is in the last column.", "",
             "| configuration | floor p50 ms | lone `/api/search` p50 ms (× floor) | `/api/search` efficiency | `/api/chat` efficiency |",
             "|---|---|---|---|---|"]  # fmt: skip
    for c in lo["configurations"]:
        lines.append(f"| {c['name']} | {c['floor']['p50_ms']} | {c['lone_search']['p50_ms']} ({c['lone_over_floor']}x) | "
                     f"{c['efficiency']['/api/search']} | {c['efficiency']['/api/chat']} |")  # fmt: skip
    if "against_0_1_0_floor" in lo:
        f = lo["against_0_1_0_floor"]
        lines += ["", f"Against the {f['floor_of']} floor ({f['floor_p50_ms']} ms, the floor the issue measured), the served "
                  f"configuration's `/api/search` efficiency is **{f['efficiency']['/api/search']}** (`/api/chat` "
                  f"{f['efficiency']['/api/chat']}) and its lone request **{f['lone_over_floor']}x** the floor."]  # fmt: skip
    lines += ["", "| configuration | endpoint | clients | requests | errors | requests/s | p50 ms | p95 ms | p99 ms "
              "| driver CPU ms/request |", "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for c in lo["configurations"]:
        for run in c["load"]:
            lines.append(
                f"| {c['name']} | `{run['path']}` | {run['clients']} | {run['requests']} | {run['errors']} | "
                f"{run['requests_per_second']} | {run['p50_ms']} | {run['p95_ms']} | {run['p99_ms']} | "
                f"{run.get('driver_cpu_ms_per_request', '')} |"
            )
    w1, w2 = lo["workers"].get("1") or lo["workers"][1], lo["workers"].get("2") or lo["workers"][2]
    hs = lo["health_during_streams"]
    lines += [
        "",
        f"- `/api/search` with 16 clients (served configuration): **1 worker {w1['requests_per_second']} requests/s "
        f"(p95 {w1['p95_ms']} ms), 2 workers {w2['requests_per_second']} requests/s (p95 {w2['p95_ms']} ms)** "
        f"({w2['requests_per_second'] / w1['requests_per_second']:.2f}x; two cores are shared by the workers and the "
        "load generator).",
        f"- `/health` while {hs['streams']} slow streamed answers were in flight: p50 {hs['health_p50_ms']} ms, "
        f"**p95 {hs['health_p95_ms']} ms** (goal < 100 ms), {hs['health_errors']} errors.",
        "",
    ]
    return lines


def _encoder_lines(enc: dict[str, Any] | None, measured: dict[str, Any] | None) -> list[str]:
    if not enc:
        return []
    lines = ["## Encoder backends (bench/encoders.py)", "", _when(measured), "",
             f"Quality: the shipped hybrid search on `{enc['set']}` (dev half, test half, both), the index",
             "built by `advisor index`, queries encoded by each backend; recall@5 / MRR@10. The default",
             "may change only within 0.01 of the current one.", "",
             "| backend | one query p50 ms | 8 queries p50 ms | min cosine to PyTorch | dev | test | both |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, b in enc["backends"].items():
        q = {half: f"{v['recall@5']} / {v['mrr@10']}" for half, v in b["quality"].items()}
        lines.append(f"| {name} | {b['query']['p50_ms']} | {b['batch_of_8']['p50_ms']} | {b['min_cosine_to_torch']} | "
                     f"{q['dev']} | {q['test']} | {q['both']} |")  # fmt: skip
    return [*lines, ""]


def _cli_rows(c: dict[str, Any] | None) -> list[str]:
    """`advisor` commands from a cold process (bench/cli.py): seconds, shown as ms like the rest."""
    if not c:
        return []
    return [
        f"| `advisor {name}`, whole cold process (bench/cli.py, {c['runs']} runs; p95 column: worst) | "
        f"{c[name]['median_s'] * 1000:.0f} | {c[name]['worst_s'] * 1000:.0f} | |"
        for name in ("ask", "search", "help")
    ]


def _row(name: str, p: dict[str, float]) -> str:
    return f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} |"


if __name__ == "__main__":
    main()
