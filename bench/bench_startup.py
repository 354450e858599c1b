"""App start to first answer, and to the first description read, on loopback (issue 10).

Starts `legdx serve` (the README's main job) on a free port with a fresh SQLite database, and
measures the time from launching the process to the first 200 on `/`, then to the first
assessment of a free-text description (the text reader warms up in the background, so this is
what a person who types at once would wait). Then it kills the server with SIGKILL and measures
the restart on the same database. Run: .venv/bin/python -m bench.bench_startup [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TEXT = {"text": "67M, calves ache after two blocks, eases when he stops. Smoker. ABI 0.62."}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _until_ok(method: str, url: str, deadline: float, **kw: object) -> float:
    while time.monotonic() < deadline:
        try:
            if httpx.request(method, url, timeout=30, **kw).status_code in (200, 201):  # type: ignore[arg-type]
                return time.monotonic()
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"no answer from {url}")


def one_run(data_dir: Path) -> dict[str, float]:
    port = _port()
    env = {**os.environ, "LEGDX_DATA_DIR": str(data_dir), "LEGDX_RATE_LIMIT": "off"}
    exe = str(Path(sys.executable).with_name("legdx"))
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        first = _until_ok("GET", f"{base}/", t0 + 60)
        text = _until_ok("POST", f"{base}/api/v1/assessments", t0 + 60, json=TEXT)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return {"first_answer_s": first - t0, "first_text_s": text - t0}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs = [
            one_run(Path(tmp)) for _ in range(args.runs)
        ]  # run 1 creates the database; later runs restart after SIGKILL
    out = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
    out["fresh_database_first_answer_s"] = round(runs[0]["first_answer_s"], 2)
    out["runs"] = args.runs
    print(json.dumps(out) if args.json else out)


if __name__ == "__main__":
    main()
