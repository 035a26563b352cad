"""Load against a real server: 8 and 32 clients for 60 s on /api/search and /api/chat,
requests/s for /api/search with 1 and 2 workers, and /health while 16 slow answers stream.

    python bench/load.py [--seconds 60]      (part of make bench)

The load generator runs on the same 2-core machine as the server, so it takes CPU the
server would otherwise have: the figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from _server import advisor_server
from loadgen import health_during_streams, load

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fake_llm import FakeLLM


def main(seconds: float = 60) -> dict[str, Any]:
    result: dict[str, Any] = {"load": [], "workers": {}}
    with tempfile.TemporaryDirectory() as data:
        with advisor_server(data) as url:
            for path in ("/api/search", "/api/chat"):
                for clients in (8, 32):
                    run = asyncio.run(load(url, path, clients, seconds))
                    result["load"].append({"path": path, **run})
                    print(json.dumps({"load": result["load"][-1]}), flush=True)
        for workers in (1, 2):
            with advisor_server(data, workers=workers) as url:
                asyncio.run(load(url, "/api/search", 16, 5))  # warm every worker
                run = asyncio.run(load(url, "/api/search", 16, seconds / 2))
                result["workers"][workers] = run
                print(json.dumps({"workers": workers, **run}), flush=True)
        fake = FakeLLM("ok", reply=" ".join(["token"] * 20), delay=0.15)
        try:
            slow = {
                "ADVISOR_LLM_BASE_URL": fake.base_url,
                "ADVISOR_LLM_MODEL": "fake",
                "ADVISOR_ANSWER_MODE": "llm",
            }
            with advisor_server(data, **slow) as url:
                result["health_during_streams"] = asyncio.run(health_during_streams(url, streams=16))
                print(json.dumps(result["health_during_streams"]), flush=True)
        finally:
            fake.close()
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    main(parser.parse_args().seconds)
