"""``legdx screen --engine dask``: the same chunks, scored by dask.distributed workers.

This process reads the input in chunks (so a bad file fails here, with the same one-line message)
and submits each chunk to the cluster with :func:`legdx.batch.screen.score_table`, the function
the local run uses; at most a few chunks per worker are in flight, and results are written in
input order, so the output is the same file the local run writes. Without a scheduler address a
LocalCluster is started in this process's threads (no worker processes to spawn, so no
``if __name__ == "__main__"`` guard is needed by callers).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from legdx.batch.screen import CHUNK_ROWS, ScreenSummary, open_input, output_schema_for, score_table, screen_output
from legdx.errors import InvalidCase
from legdx.kb.compile import CompiledKB

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ROWS_PER_TASK", "screen_with_dask"]

ROWS_PER_TASK = CHUNK_ROWS * 8  # enough work per task to hide the scheduler's overhead
IN_FLIGHT_PER_WORKER = 2


def _score_task(table: pa.Table, first_row: int) -> pa.Table:
    """Runs on a worker: score a task's rows a cache-sized chunk at a time with the packaged KB."""
    import pyarrow as pa

    from legdx.pipeline import default_compiled

    ckb = default_compiled()
    parts = [
        score_table(table.slice(start, CHUNK_ROWS), ckb, first_row=first_row + start)
        for start in range(0, table.num_rows, CHUNK_ROWS)
    ]
    return pa.concat_tables(parts) if parts else score_table(table, ckb, first_row=first_row)


def screen_with_dask(
    source: Path,
    output: Path,
    ckb: CompiledKB,
    *,
    scheduler: str | None = None,
    map_path: Path | None = None,
    workers: int = 2,
    rows_per_task: int = ROWS_PER_TASK,
) -> ScreenSummary:
    """Score ``source`` on a dask.distributed cluster into ``output`` (see :func:`legdx.batch.screen.screen_file`).

    Args:
        map_path: the OMOP map, when ``source`` is an OMOP CDM folder (read here, scored on the workers).
        scheduler: a scheduler address (``tcp://host:8786``); None starts a LocalCluster of ``workers`` threads.
        rows_per_task: rows read and sent to a worker at a time.

    Raises:
        InvalidCase: the input cannot be read, the output cannot be written or the scheduler cannot be reached.
    """
    from distributed import Client, LocalCluster

    schema, _, chunks = open_input(source, ckb, map_path=map_path, chunk_rows=rows_per_task)
    cluster: Any = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InvalidCase(scheduler or "LocalCluster", f"cannot be reached ({exc})") from None
    try:
        in_flight: deque[Any] = deque()
        limit = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {})))
        with screen_output(output, output_schema_for(schema, ckb)) as out:
            first_row = 0
            for table in chunks:
                out.summary.count_empty(table)
                # scattered, not embedded in the task: a task's embedded data stayed in memory after it
                # finished (about 200 MB per million rows); a scattered chunk goes with its future
                chunk = client.scatter(table, hash=False)
                in_flight.append(client.submit(_score_task, chunk, first_row, pure=False))
                first_row += table.num_rows
                if len(in_flight) >= limit:
                    out.write(in_flight.popleft().result())
            while in_flight:
                out.write(in_flight.popleft().result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return out.summary
