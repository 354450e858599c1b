"""Load test on loopback: throughput and p50 / p99 at concurrency 1, 4 and 16, and server memory.

Starts the app in a child uvicorn on 127.0.0.1 (fresh SQLite, or --database-url), rate limit off
(a trusted batch client on loopback), and for each concurrency sends a bounded number of
``POST /api/v1/assessments`` (each with its own Idempotency-Key, so the idempotency table is
written too) and reads each record back once (``GET /api/v1/assessments/{id}``, which writes an
audit event). The server's resident memory (VmRSS) is read before the first request and after
the last. Every request must succeed; the run stops by itself.

    .venv/bin/python -m bench.bench_load                  # 1000 requests per concurrency
    .venv/bin/python -m bench.bench_load -n 300 --json

The server and the client share the machine (2 cores here), so the figures are a floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from tests.serving import ServerStartError, spawn_server

from bench.bench_api import CASES, REPO, RequestFailed, free_port, pct, spread

CONCURRENCY = (1, 4, 16)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS for the server process")


def create_and_read(client: httpx.Client, i: int) -> dict[str, float]:
    t0 = time.perf_counter()
    r = client.post("/api/v1/assessments", json=CASES[i % len(CASES)], headers={"Idempotency-Key": str(uuid.uuid4())})
    t1 = time.perf_counter()
    if r.status_code != 201:
        raise RequestFailed(f"POST {r.status_code} {r.text[:200]}")
    g = client.get(r.headers["location"])
    if g.status_code != 200:
        raise RequestFailed(f"GET {g.status_code}")
    return {"post": t1 - t0, "get": time.perf_counter() - t1}


def run(base: str, n: int, concurrency: int) -> dict[str, float]:
    """``n`` creates, each followed by one read of the record, over ``concurrency`` client threads."""
    latencies, wall = spread(base, n, concurrency, create_and_read)
    lat_post, lat_get = latencies["post"], latencies["get"]
    return {
        "concurrency": concurrency,
        "creates": n,
        "requests_per_s": round(2 * n / wall, 1),
        "creates_per_s": round(n / wall, 1),
        "post_p50_ms": round(pct(lat_post, 0.50) * 1000, 1),
        "post_p99_ms": round(pct(lat_post, 0.99) * 1000, 1),
        "get_p50_ms": round(pct(lat_get, 0.50) * 1000, 1),
        "get_p99_ms": round(pct(lat_get, 0.99) * 1000, 1),
        "post_mean_ms": round(statistics.fmean(lat_post) * 1000, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--requests", type=int, default=1000, help="creates per concurrency (each also read once)")
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    if not 1 <= args.requests <= 20_000:
        raise SystemExit("requests must be 1-20000")
    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        port = free_port()
        env = {
            **os.environ,
            "LEGDX_DATABASE_URL": db_url,
            "LEGDX_ENVIRONMENT": "test",
            "LEGDX_RATE_LIMIT": "off",
            "LEGDX_DATA_DIR": tmp,
        }
        try:
            proc = spawn_server(port=port, env=env, log=Path(tmp) / "server.log", cwd=REPO)
        except ServerStartError as exc:
            raise SystemExit(str(exc)) from None
        try:
            base = f"http://127.0.0.1:{port}"
            before = rss_mib(proc.pid)
            run(base, args.warmup, 1)
            rows = [run(base, args.requests, c) for c in CONCURRENCY]
            after = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    result = {
        "database": db_url.split(":", 1)[0],
        "cpus": os.cpu_count(),
        "rss_mib_before": round(before, 1),
        "rss_mib_after": round(after, 1),
        "runs": rows,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"POST /api/v1/assessments + GET of the record, {args.requests} of each per concurrency, "
        f"{result['database']}, {result['cpus']} CPUs (server and client on one machine)"
    )
    print("| concurrency | requests/s | creates/s | POST p50 | POST p99 | GET p50 | GET p99 |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['concurrency']} | {r['requests_per_s']} | {r['creates_per_s']} | {r['post_p50_ms']} ms | "
            f"{r['post_p99_ms']} ms | {r['get_p50_ms']} ms | {r['get_p99_ms']} ms |"
        )
    print(f"server memory (VmRSS): {result['rss_mib_before']} MiB before, {result['rss_mib_after']} MiB after")


if __name__ == "__main__":
    main()
