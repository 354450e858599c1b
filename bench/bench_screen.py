"""Speed and memory of `legdx screen` on synthetic cohorts, one process (one core).

    .venv/bin/python -m bench.bench_screen 100000 1000000

For each size: write a synthetic cohort (the KB's own model) to a temporary Parquet file, then
screen it in a fresh process and report wall time, CPU time, rows/s and that process's peak
resident memory (flat memory means the peak hardly grows with the number of rows).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from legdx.batch.screen import screen_file
from legdx.pipeline import default_compiled
ckb = default_compiled()
wall, cpu = time.perf_counter(), time.process_time()
summary = screen_file(Path(sys.argv[1]), Path(sys.argv[2]), ckb)
print(json.dumps({"rows": summary.rows, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main(sizes: list[int]) -> None:
    from legdx.batch.synthetic import write_synthetic_cohort
    from legdx.pipeline import default_compiled

    ckb = default_compiled()
    print("| rows | wall | CPU | rows/s (wall) | rows/s (CPU) | peak memory |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            cohort, out = Path(tmp) / f"cohort_{n}.parquet", Path(tmp) / f"out_{n}.parquet"
            started = time.perf_counter()
            write_synthetic_cohort(cohort, ckb, n, seed=1)
            made = time.perf_counter() - started
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(cohort), str(out)], check=True, capture_output=True, text=True
            )
            r = json.loads(done.stdout)
            print(
                f"| {r['rows']:,} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['rows'] / r['wall']:,.0f} | "
                f"{r['rows'] / r['cpu']:,.0f} | {r['peak_mb']:.0f} MB |  (cohort written in {made:.0f} s)"
            )
            cohort.unlink()
            out.unlink()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
