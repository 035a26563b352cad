"""ASGI servers side by side under the advisor app: latency, slow clients, descriptor floods.

    pip install hypercorn granian     # the other candidates: not dependencies of the advisor
    python bench/servers.py [--only NAME ...] [--out bench/servers.json]
    python bench/servers.py --interleaved 150 --out bench/servers-latency.json

For each candidate (plain uvicorn, `advisor serve` = uvicorn with the guard, Hypercorn,
Granian), on one core-shared machine, one after another:
  1. latency of GET /health and POST /api/search, one client and 8 concurrent clients;
  2. slow clients: 300 idle connections and 100 that trickle a header a byte a second,
     while /health is probed twice a second for 25 s; how many attackers are still
     connected at 15 s and 25 s (every candidate is given a 10 s header/read deadline);
  3. a descriptor flood: the server runs with a 1,024-descriptor limit (soft and hard) and
     1,100 idle connections arrive; how many /health probes answer during the flood.
With --interleaved, all candidates run at once and take one request each in turn, so that
the noise of a shared machine falls on all of them alike (the fair latency comparison).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from _common import percentiles
from _server import _wait, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUERIES = ["What does a junior ML engineer earn in the UK?", "Do I need a PhD?", "MLflow",
           "Which certifications matter for ML engineers?", "How do I move into MLOps?"]  # fmt: skip
HEADER_DEADLINE = 10


def commands(port: int) -> dict[str, list[str]]:
    app = "advisor.api:create_app"
    return {
        "uvicorn": [sys.executable, "-m", "uvicorn", "--factory", app, "--port", str(port),
                    "--timeout-keep-alive", "5", "--log-level", "warning"],
        "advisor serve": [sys.executable, "-m", "advisor.cli", "serve", "--port", str(port)],  # + guard
        "hypercorn": [str(BIN / "hypercorn"), "--bind", f"127.0.0.1:{port}", "--keep-alive", "5",
                      "--read-timeout", str(HEADER_DEADLINE), f"{app}()"],
        "granian": [str(BIN / "granian"), "--interface", "asgi", "--factory", "--host", "127.0.0.1",
                    "--port", str(port), "--http1-header-read-timeout", str(HEADER_DEADLINE * 1000),
                    "--log-level", "warning", app],
    }  # fmt: skip


@contextmanager
def running(name: str, env: dict[str, str], descriptor_limit: int | None = None) -> Iterator[int]:
    port = free_port()

    def limit() -> None:
        if descriptor_limit:
            resource.setrlimit(resource.RLIMIT_NOFILE, (descriptor_limit, descriptor_limit))

    process = subprocess.Popen(commands(port)[name], env=env, preexec_fn=limit,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _wait(f"http://127.0.0.1:{port}/health", process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port: int, method: str, path: str, body: dict[str, object] | None = None,
            timeout: float = 10) -> float:  # fmt: skip
    """Milliseconds for one request on a fresh connection; raises on failure."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, payload, {"content-type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000


def latency(port: int) -> dict[str, object]:
    def health() -> float:
        return request(port, "GET", "/health")

    def search(i: int = 0) -> float:
        return request(port, "POST", "/api/search", {"query": QUERIES[i % len(QUERIES)], "k": 5})

    for i in range(10):
        search(i)  # warm-up
    results: dict[str, object] = {
        "health_1": percentiles([health() for _ in range(200)]),
        "search_1": percentiles([search(i) for i in range(100)]),
    }
    results["health_8"] = percentiles(concurrently(lambda i: health(), clients=8, each=25))
    results["search_8"] = percentiles(concurrently(search, clients=8, each=25))
    return results


def concurrently(call: Callable[[int], float], clients: int, each: int) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        mine = [call(offset + i) for i in range(each)]
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def still_open(sockets: list[socket.socket]) -> int:
    count = 0
    for s in sockets:
        try:
            s.setblocking(False)
            if s.recv(1, socket.MSG_PEEK) == b"":
                continue
            count += 1  # it answered something, e.g. a 408: count it as open until closed
        except BlockingIOError:
            count += 1
        except OSError:
            continue
    return count


def slow_clients(port: int) -> dict[str, object]:
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
    trickling = []
    for _ in range(100):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /health HTTP/1.1\r\nHost: a\r\n")
        trickling.append(s)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(1.0):
            for s in trickling:
                with suppress(OSError):
                    s.send(b"x")

    threading.Thread(target=trickle, daemon=True).start()
    probes: list[float] = []
    failures = 0
    counts: dict[str, int] = {}
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < 25:
        try:
            probes.append(request(port, "GET", "/health", timeout=10))
        except Exception:
            failures += 1
        if elapsed >= 15 and "open_at_15s" not in counts:
            counts["open_at_15s"] = still_open(idle + trickling)
        time.sleep(0.5)
    counts["open_at_25s"] = still_open(idle + trickling)
    stop.set()
    for s in idle + trickling:
        s.close()
    return {"health_during": percentiles(probes) | {"max_ms": round(max(probes), 1)} if probes else None,
            "probes_failed": failures, "probes": len(probes) + failures, **counts}  # fmt: skip


def descriptor_flood(name: str, env: dict[str, str]) -> dict[str, object]:
    resource.setrlimit(resource.RLIMIT_NOFILE, (8192, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    try:
        with running(name, env, descriptor_limit=1024) as port:
            return _flood(port)
    except RuntimeError:
        return {"start": "failed: does not start with 1,024 descriptors"}


def _flood(port: int) -> dict[str, object]:
    sockets = []
    refused = 0
    for _ in range(1100):
        try:
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            refused += 1
    ok, failed = 0, 0
    for _ in range(10):
        try:
            request(port, "GET", "/health", timeout=5)
            ok += 1
        except Exception:
            failed += 1
        time.sleep(0.3)
    for s in sockets:
        s.close()
    time.sleep(1)
    try:
        request(port, "GET", "/health", timeout=10)
        after = "ok"
    except Exception as exc:
        after = f"failed: {exc}"
    return {"connects_refused": refused, "health_ok": ok, "health_failed": failed, "health_after": after}


def interleaved_latency(names: list[str], env: dict[str, str], rounds: int) -> dict[str, object]:
    """All candidates up at once, one request to each in turn: the machine's noise hits all alike."""
    with ExitStack() as stack:
        ports = {name: stack.enter_context(running(name, env)) for name in names}
        samples: dict[str, dict[str, list[float]]] = {name: {"health": [], "search": []} for name in names}
        for i in range(rounds):
            for name, port in ports.items():
                samples[name]["health"].append(request(port, "GET", "/health"))
                query = {"query": QUERIES[i % len(QUERIES)], "k": 5}
                samples[name]["search"].append(request(port, "POST", "/api/search", query))
        return {name: {kind: percentiles(values[10:]) for kind, values in by_kind.items()}
                for name, by_kind in samples.items()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="*", help="candidate names (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "servers.json")
    parser.add_argument("--interleaved", type=int, metavar="ROUNDS", help="only the interleaved latency run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"ADVISOR_INDEX_DIR": f"{tmp}/index", "ADVISOR_DATA_DIR": f"{tmp}/data",
                            "ADVISOR_RATE_LIMIT": "1000000/minute",
                            "ADVISOR_HEADER_TIMEOUT": str(HEADER_DEADLINE)}  # fmt: skip
        subprocess.run([sys.executable, "-m", "advisor.cli", "index"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        load = f"2 cores shared by 7 developers; load average {os.getloadavg()[0]:.1f} at start"
        results: dict[str, object] = {"load": load}
        if args.interleaved:
            results["interleaved"] = interleaved_latency(
                args.only or list(commands(0)), env, args.interleaved
            )
            print(json.dumps(results["interleaved"]), flush=True)
            args.only = []
        for name in args.only if args.only is not None else list(commands(0)):
            print(f"== {name}", flush=True)
            entry: dict[str, object] = {}
            try:
                with running(name, env) as port:
                    entry["latency"] = latency(port)
                    print(json.dumps(entry["latency"]), flush=True)
                    entry["slow_clients"] = slow_clients(port)
                    print(json.dumps(entry["slow_clients"]), flush=True)
            except RuntimeError as exc:  # it did not start: say so and go on to the next one
                entry["start"] = f"failed: {exc}"
            entry["descriptor_flood"] = descriptor_flood(name, env)
            print(json.dumps(entry["descriptor_flood"]), flush=True)
            results[name] = entry
        results["load_end"] = f"load average {os.getloadavg()[0]:.1f} at the end"
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
