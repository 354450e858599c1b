"""Speed and memory of `legdx screen` on synthetic cohorts: one process, and Dask.

    .venv/bin/python -m bench.bench_screen [--engines local,dask] 1000000 10000000

For each size: write a synthetic cohort (the KB's own model) to a temporary Parquet file, then
screen it in a fresh process per engine and report wall time, CPU time, rows/s and that process's
peak resident memory (flat memory means the peak hardly grows with the number of rows).
`local` is one process (pin it with `taskset -c 0` for one core); `dask` is a LocalCluster of two
single-threaded workers in the same process (give it two cores), so its figures beside `local`
show what Dask adds or gains.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
from legdx.pipeline import default_compiled
ckb = default_compiled()
engine, source, output = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
wall, cpu = time.perf_counter(), time.process_time()
if engine == "dask":
    from legdx.batch.cluster import screen_with_dask
    summary = screen_with_dask(source, output, ckb, workers=2)
else:
    from legdx.batch.screen import screen_file
    summary = screen_file(source, output, ckb)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report the parent's peak
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"rows": summary.rows, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "peak_mb": peak_kb / 1024}))
"""


def main(sizes: list[int], engines: list[str]) -> None:
    from legdx.batch.synthetic import write_synthetic_cohort
    from legdx.pipeline import default_compiled

    ckb = default_compiled()
    print("| engine | rows | wall | CPU | rows/s (wall) | rows/s (CPU) | peak memory |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            cohort, out = Path(tmp) / f"cohort_{n}.parquet", Path(tmp) / f"out_{n}.parquet"
            started = time.perf_counter()
            write_synthetic_cohort(cohort, ckb, n, seed=1)
            made = time.perf_counter() - started
            for engine in engines:
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, engine, str(cohort), str(out)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                r = json.loads(done.stdout.strip().splitlines()[-1])
                rates = f"{r['rows'] / r['wall']:,.0f} | {r['rows'] / r['cpu']:,.0f}"
                print(
                    f"| {engine} | {r['rows']:,} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {rates} | "
                    f"{r['peak_mb']:.0f} MB |  (cohort written in {made:.0f} s)",
                    flush=True,
                )
                out.unlink()
            cohort.unlink()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--engines", default="local", help="comma-separated: local, dask")
    args = parser.parse_args()
    main(args.sizes, args.engines.split(","))
