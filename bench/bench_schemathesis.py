"""Schemathesis with every check against `legdx serve` on loopback, counting the requests it sent.

Starts the real command (`legdx serve`, fresh SQLite, rate limit off), creates an API key, runs
``st run --checks all`` (no check excluded, no failure ignored) with ``--max-examples`` per
operation, and counts the requests the server received from its own access log, one line per
request. Exits non-zero on any failure, any 5xx or any unhandled error in the server log.

    .venv/bin/python -m bench.bench_schemathesis                     # about 10,000+ requests
    .venv/bin/python -m bench.bench_schemathesis --max-examples 50   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.bench_api import REPO, free_port


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-examples", type=int, default=600)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    st = Path(sys.executable).with_name("st")
    legdx = [sys.executable, "-m", "legdx"]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {
            **os.environ,
            "LEGDX_DATA_DIR": tmp,
            "LEGDX_ENVIRONMENT": "test",
            "LEGDX_RATE_LIMIT": "off",
            "PYTHONWARNINGS": "ignore",
        }
        env.pop("LEGDX_DATABASE_URL", None)
        log = Path(tmp) / "serve.log"
        with log.open("wb") as fh:
            server = subprocess.Popen(
                [*legdx, "serve", "--port", str(port)], stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=REPO
            )
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise SystemExit("legdx serve did not start:\n" + log.read_text()[-2000:])
            key = subprocess.run(
                [*legdx, "apikey", "create", "--name", "bench"], capture_output=True, text=True, env=env, check=True
            ).stdout.strip()
            t0 = time.monotonic()
            out = subprocess.run(
                [
                    str(st), "run", f"http://127.0.0.1:{port}/openapi.json", "--checks", "all",
                    "--max-examples", str(args.max_examples), "--seed", str(args.seed),
                    "--header", f"X-API-Key: {key}", "--request-timeout", "60",
                ],
                capture_output=True, text=True, cwd=tmp, env={**env, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
            )  # fmt: skip
            seconds = time.monotonic() - t0
        finally:
            server.terminate()
            server.wait(timeout=30)
        text = log.read_text()
    statuses = re.findall(r"legdx\.access: \S+ \S+ (\d{3}) ", text)
    summary = re.search(r"(\d+) generated, (.*)", out.stdout)
    result = {
        "max_examples": args.max_examples,
        "seed": args.seed,
        "requests": len(statuses),
        "server_5xx": sum(s.startswith("5") for s in statuses),
        "unhandled_errors": text.count("unhandled "),
        "test_cases": summary.group(0) if summary else "?",
        "schemathesis_exit": out.returncode,
        "seconds": round(seconds),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(out.stdout[-3000:])
        print(json.dumps(result, indent=2))
    if out.returncode or result["server_5xx"] or result["unhandled_errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
