"""Throughput and latency of POST /api/v1/assessments on loopback against a real uvicorn.

Starts `uvicorn --factory legdx.web.app:create_app` (one worker) on a free 127.0.0.1 port with a
fresh SQLite database (or LEGDX_DATABASE_URL / --database-url), warms it up, then sends a bounded
number of requests from a few client threads and reports requests per second and p50 / p90 / p99
latency. Every request stores an assessment (durable commit: SQLite WAL with synchronous=FULL).

    .venv/bin/python -m bench.bench_api                     # 2000 requests, concurrency 4
    .venv/bin/python -m bench.bench_api -n 500 -c 1 --json  # one figure set as JSON

The server and the client share the machine (2 cores here), so the figures are a floor.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from tests.serving import ServerStartError, spawn_server

REPO = Path(__file__).resolve().parents[1]
CASES = [
    {
        "age": 67,
        "sex": "male",
        "findings": {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True, "abi": 0.62},
    },
    {
        "age": 45,
        "sex": "female",
        "findings": {"urge_to_move": True, "worse_at_night": True, "relieved_by_movement": True, "ferritin_ug_l": 30},
    },
    {"age": 58, "findings": {"sudden_muscle_tightening": True, "worse_at_night": True, "taking_diuretic": True}},
    {
        "age": 72,
        "sex": "male",
        "findings": {
            "unilateral_leg_swelling": True,
            "calf_tenderness": True,
            "recent_immobilization_or_surgery": True,
        },
    },
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    # a trusted batch client on loopback: the rate limit would stop the run after 60 requests
    env = {**os.environ, "LEGDX_DATABASE_URL": db_url, "LEGDX_ENVIRONMENT": "test", "LEGDX_RATE_LIMIT": "off"}
    try:
        proc: subprocess.Popen[bytes] = spawn_server(port=port, env=env, log=log, cwd=REPO)
    except ServerStartError as exc:
        raise SystemExit(str(exc)) from None
    return proc


class RequestFailed(Exception):
    """A request the benchmark needed did not succeed (the run stops: figures need every one)."""


def spread(
    base: str, n: int, concurrency: int, one: Callable[[httpx.Client, int], dict[str, float]]
) -> tuple[dict[str, list[float]], float]:
    """Call ``one(client, i)`` for i in 0..n-1 over ``concurrency`` client threads.

    ``one`` returns named latencies in seconds (e.g. {"post": 0.004}); returns every name's
    latencies and the wall time. Any RequestFailed stops the run with its message."""
    latencies: dict[str, list[float]] = {}
    lock = threading.Lock()
    counter = iter(range(n))
    errors: list[str] = []

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                try:
                    timed = one(client, i)
                except RequestFailed as exc:
                    errors.append(str(exc))
                    continue
                with lock:
                    for name, seconds in timed.items():
                        latencies.setdefault(name, []).append(seconds)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. {errors[0]}")
    return latencies, wall


def create(client: httpx.Client, i: int) -> dict[str, float]:
    t0 = time.perf_counter()
    r = client.post("/api/v1/assessments", json=CASES[i % len(CASES)])
    if r.status_code != 201:
        raise RequestFailed(f"{r.status_code} {r.text[:200]}")
    return {"post": time.perf_counter() - t0}


def run(base: str, n: int, concurrency: int) -> tuple[list[float], float]:
    latencies, wall = spread(base, n, concurrency, create)
    return latencies["post"], wall


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--requests", type=int, default=2000)
    ap.add_argument("-c", "--concurrency", type=int, default=4)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--database-url", default=os.environ.get("LEGDX_DATABASE_URL"))
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 64:
        raise SystemExit("requests must be 1-100000 and concurrency 1-64")
    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        port = free_port()
        proc = start_server(db_url, port, Path(tmp) / "server.log")
        try:
            base = f"http://127.0.0.1:{port}"
            run(base, args.warmup, args.concurrency)
            lat, wall = run(base, args.requests, args.concurrency)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    result = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "database": db_url.split(":", 1)[0],
        "rps": round(args.requests / wall, 1),
        "p50_ms": round(pct(lat, 0.50) * 1000, 2),
        "p90_ms": round(pct(lat, 0.90) * 1000, 2),
        "p99_ms": round(pct(lat, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"POST /api/v1/assessments, {result['requests']} requests, concurrency {result['concurrency']}, "
        f"{result['database']}, {result['cpus']} CPUs (server and client on one machine)"
    )
    print(
        f"  throughput {result['rps']} req/s   p50 {result['p50_ms']} ms   p90 {result['p90_ms']} ms   "
        f"p99 {result['p99_ms']} ms   mean {result['mean_ms']} ms"
    )


if __name__ == "__main__":
    main()
