"""The `advisor` command from a cold process: how long a user waits for an answer at the prompt.

    python bench/cli.py [--runs 7] [--src DIR]

Each run is a new process (`python -m advisor.cli ...`), timed from its start to its exit:
interpreter start-up, imports, loading the model and the index, the answer and the write of
the turn. The index is built once, beforehand, in a temporary folder from the corpus; the
ONNX export and word vectors come from the usual encoder folder (made there if missing).
One untimed `advisor ask` first warms the page cache (the runs measure a cold process, not a
cold disk). Questions rotate through the page's starter questions. Goal: `advisor ask` at
most 2.5 s. Run it from the repository's root, where the settings' relative folders point.

--src runs another source tree with this interpreter (PYTHONPATH), to compare before/after:
    git archive <commit> src | tar -x -C /tmp/before && python bench/cli.py --src /tmp/before/src
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT

from advisor.config import load_settings
from advisor.engine import STARTER_QUESTIONS

GOAL_SECONDS = 2.5
CPU_SECONDS: list[float] = []
HEAVY = ("torch", "sentence_transformers", "transformers", "fastapi", "uvicorn", "openai", "trafilatura")
# What the command imported, read in the same process after main() returns (one extra run).
_MODULES = f"""
import sys
from advisor.cli import main
try:
    sys.exit(main(sys.argv[1:]))
finally:
    print("MODULES", [m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)
"""


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold processes per command (default 7)")
    parser.add_argument("--src", type=Path, help="a source tree to run instead of the installed package")
    args = parser.parse_args()
    return run(args.runs, args.src)


def run(runs: int = 7, src: Path | None = None) -> dict[str, object]:
    """Time each command in `runs` cold processes; print and return the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        env = _environment(Path(tmp), src)
        build = _run(["index", "--json"], env)  # also makes the encoder folder's files if missing
        _run(["ask", STARTER_QUESTIONS[0]], env)  # untimed: the page cache warm, word vectors made
        commands = {
            "help": lambda n: ["--help"],
            "search": lambda n: ["search", STARTER_QUESTIONS[n % len(STARTER_QUESTIONS)], "-k", "3"],
            "ask": lambda n: ["ask", STARTER_QUESTIONS[n % len(STARTER_QUESTIONS)]],
        }
        load_before = os.getloadavg()[0]
        result: dict[str, object] = {"runs": runs, "index_build_seconds": round(build, 2)}
        for name, argv in commands.items():
            CPU_SECONDS.clear()
            seconds = [_run(argv(n), env) for n in range(runs)]
            result[name] = {
                "median_s": round(statistics.median(seconds), 3),
                "worst_s": round(max(seconds), 3),
                "best_s": round(min(seconds), 3),
                "all_s": [round(s, 3) for s in seconds],
                "cpu_median_s": round(statistics.median(CPU_SECONDS), 3),
                "imports": _imports(argv(0), env),
            }
        result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    ask = result["ask"]
    assert isinstance(ask, dict)
    result["ask_within_goal"] = ask["worst_s"] <= GOAL_SECONDS
    print(json.dumps({"cli": result}))
    return result


def _environment(tmp: Path, src: Path | None) -> dict[str, str]:
    """Private index and data folders; the encoder folder the settings name, so nothing is exported twice."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    env |= {
        "ADVISOR_CORPUS_DIR": str(ROOT / "corpus"),
        "ADVISOR_INDEX_DIR": str(tmp / "index"),
        "ADVISOR_DATA_DIR": str(tmp / "data"),
        "ADVISOR_ENCODER_DIR": str(load_settings().encoder_cache_dir().resolve()),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    return env


def _run(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from the process's start to its exit; a failed command stops the benchmark.

    The CPU seconds the process used are kept in CPU_SECONDS: on a machine others share, wall
    time moves with their load, CPU time much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "advisor.cli", *argv], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"advisor {' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def _imports(argv: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries the command loaded (none of PyTorch's family on the ONNX path)."""
    done = subprocess.run([sys.executable, "-c", _MODULES, *argv], env=env, capture_output=True, text=True)
    line = next((x for x in done.stderr.splitlines() if x.startswith("MODULES ")), "MODULES []")
    return list(json.loads(line.removeprefix("MODULES ").replace("'", '"')))


if __name__ == "__main__":
    main()
