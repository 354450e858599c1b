"""`legdx screen --engine dask` writes the file the single-process run writes."""

from __future__ import annotations

import pytest

pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("distributed")

from legdx.batch.cluster import screen_with_dask  # noqa: E402
from legdx.batch.screen import screen_file  # noqa: E402
from legdx.batch.synthetic import write_synthetic_cohort  # noqa: E402
from legdx.pipeline import default_compiled  # noqa: E402


def test_local_cluster_of_two_workers_matches_one_process(tmp_path):
    ckb = default_compiled()
    cohort = tmp_path / "cohort.parquet"
    write_synthetic_cohort(cohort, ckb, 20_000, seed=5, chunk_rows=7_000)
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    local = screen_file(cohort, one, ckb)
    distributed = screen_with_dask(cohort, many, ckb, workers=2, rows_per_task=3_000)  # tasks finish out of order
    assert pq.read_table(one).equals(pq.read_table(many))
    assert (distributed.rows, distributed.triage, distributed.top_condition) == (
        local.rows,
        local.triage,
        local.top_condition,
    )
