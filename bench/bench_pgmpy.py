"""The speed race against pgmpy, the standard Python Bayesian-network library (the `peer` extra).

    .venv/bin/python -m bench.bench_pgmpy [PEER_CASES] [LEGDX_ROWS]

Both hold the same model (bench/pgmpy_model.py: the causes as one node, each finding a child,
group damping off on both sides). The same synthetic people are scored by pgmpy's exact variable
elimination, one case at a time, and by legdx's row scoring (`engine.row_posterior`, the scoring
of `legdx screen`); the posteriors must agree to 1e-9. legdx's speed is taken on LEGDX_ROWS rows (the
peer cases repeated) after one warm-up pass, so its lookup tables are built once, as in a real run.
Run it pinned to one core (`taskset -c 0`) for per-core figures.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np


def main(peer_cases: int = 500, legdx_rows: int = 500_000) -> None:
    warnings.simplefilter("ignore", FutureWarning)  # pgmpy announces API moves on import
    from pgmpy.inference import VariableElimination

    from bench.pgmpy_model import build_network, pgmpy_shares, undamped
    from legdx.batch.screen import CHUNK_ROWS, PERSON_COLUMNS, decode_chunk
    from legdx.batch.synthetic import synthetic_cohort
    from legdx.engine import row_posterior
    from legdx.pipeline import default_compiled

    ckb = undamped(default_compiled())
    table = synthetic_cohort(ckb, peer_cases, seed=11, missing=(0.6, 0.95))
    chunk = decode_chunk(table, tuple(n for n in table.column_names if n not in PERSON_COLUMNS), ckb)
    inference = VariableElimination(build_network(ckb))

    started = time.process_time()
    reference = pgmpy_shares(inference, chunk.finding_ids, chunk.codes, chunk.male)
    peer_seconds = time.process_time() - started

    post = row_posterior(ckb, chunk.finding_ids, chunk.codes, chunk.male)  # warm-up: builds the lookup tables
    ours = np.column_stack([post.share, post.other_share])
    worst = float(np.abs(ours - reference).max())
    repeat = max(1, legdx_rows // peer_cases)
    codes, male = np.tile(chunk.codes, (repeat, 1)), np.tile(chunk.male, repeat)
    started = time.process_time()
    for start in range(0, len(codes), CHUNK_ROWS):  # in the chunks legdx screen scores
        row_posterior(ckb, chunk.finding_ids, codes[start : start + CHUNK_ROWS], male[start : start + CHUNK_ROWS])
    legdx_seconds = time.process_time() - started

    peer_rate, legdx_rate = peer_cases / peer_seconds, len(codes) / legdx_seconds
    print("| engine | cases | CPU time | cases/s | largest posterior difference |")
    print("|---|---|---|---|---|")
    print(f"| pgmpy {_version()} variable elimination | {peer_cases:,} | {peer_seconds:.2f} s | {peer_rate:,.0f} | |")
    ours_name = f"legdx row_posterior ({CHUNK_ROWS:,}-row chunks)"
    print(f"| {ours_name} | {len(codes):,} | {legdx_seconds:.2f} s | {legdx_rate:,.0f} | {worst:.1e} |")
    print(f"\nlegdx is {legdx_rate / peer_rate:,.0f}x pgmpy on the same model and cases")
    if worst > 1e-9:
        raise SystemExit(f"posteriors differ by {worst:.2e} (> 1e-9)")


def _version() -> str:
    import pgmpy

    return str(pgmpy.__version__)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
