"""Synthetic cohorts sampled from the knowledge base's own model, for tests and benchmarks (no patient data).

Each person gets one cause: a condition, by its prior share, or "something else". Every finding is
then drawn from its state probabilities given that cause (``CompiledKB.p_given``; for "something
else", the average of ``p_given_not``), a measured value uniformly inside its band, and is then
hidden with a per-finding missingness rate, as records leave most things unrecorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from legdx.kb.compile import CompiledKB
from legdx.kb.schema import FindingCategory, FindingKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["UNLINKED_PRESENT", "synthetic_cohort", "write_synthetic_cohort"]

UNLINKED_PRESENT = 0.05


def synthetic_cohort(
    ckb: CompiledKB, n: int, *, seed: int = 0, missing: tuple[float, float] = (0.5, 0.95), first_id: int = 1
) -> pa.Table:
    """``n`` synthetic people as a wide table (person_id, age, sex and one column per finding).

    Args:
        ckb: the compiled knowledge base whose model is sampled.
        n: number of rows.
        seed: the random seed; the same seed gives the same table.
        missing: the range of per-finding missingness rates (each finding draws its own rate).
        first_id: person_id of the first row.
    """
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    kb = ckb.kb
    n_c = len(ckb.condition_ids)
    prior = np.append(np.exp(ckb.prior_logshare), np.exp(ckb.other_logshare))
    cause = rng.choice(n_c + 1, size=n, p=prior / prior.sum())
    state_p = np.column_stack([ckb.p_given, ckb.p_given_not.mean(axis=1)])  # (S, C + 1)
    # A yes/no finding a cause's file does not mention has no likelihood (the compiler gives it
    # 1/2 either way); such a finding is uncommon, so it is drawn as present one time in twenty.
    for fi, states in enumerate(ckb.finding_states):
        if kb.findings[ckb.finding_ids[fi]].kind is FindingKind.BINARY:
            present, absent = states
            unlinked = np.append(ckb.llr[present] == 0.0, False) & (state_p[present] == 0.5)
            state_p[present, unlinked], state_p[absent, unlinked] = UNLINKED_PRESENT, 1 - UNLINKED_PRESENT
    female_cause = np.append(ckb.female_only, False)[cause]
    female = female_cause | (rng.random(n) < 0.5)
    sex = np.where(female, "female", "male").astype(object)
    sex[(rng.random(n) < 0.1) & ~female_cause] = None
    age = pa.array(rng.integers(18, 96, size=n), mask=rng.random(n) < 0.1)
    columns: dict[str, pa.Array] = {
        "person_id": pa.array(np.arange(first_id, first_id + n, dtype=np.int64)),
        "age": age,
        "sex": pa.array(sex, pa.string()),
    }
    rates = rng.uniform(*missing, size=len(ckb.finding_ids))
    for fi, fid in enumerate(ckb.finding_ids):
        finding = kb.findings[fid]
        if finding.category is FindingCategory.DEMOGRAPHIC:
            continue
        p = state_p[list(ckb.finding_states[fi])][:, cause]  # (k, n)
        p = np.cumsum(p / p.sum(axis=0), axis=0)
        drawn = (rng.random(n) > p[:-1]).sum(axis=0)  # state ordinal per person
        hidden = rng.random(n) < rates[fi]
        if finding.sex == "female":
            hidden |= sex != "female"  # not asked of a man, nor of someone whose sex is not recorded
        if finding.kind is FindingKind.BINARY:
            columns[fid] = pa.array(drawn == 0, mask=hidden)
            continue
        lows, highs = [], []
        low = finding.range.min if finding.range else 0.0
        for band in finding.bands:
            high = band.upper.value if band.upper is not None else (finding.range.max if finding.range else low * 2)
            lows.append(low)
            highs.append(high)
            low = high
        lo, hi = np.array(lows)[drawn], np.array(highs)[drawn]
        columns[fid] = pa.array(lo + (hi - lo) * rng.uniform(0.05, 0.95, size=n), mask=hidden)
    return pa.table(columns)


def write_synthetic_cohort(path: Path, ckb: CompiledKB, n: int, *, seed: int = 0, chunk_rows: int = 1_000_000) -> None:
    """Write ``n`` synthetic people to a Parquet file, a chunk at a time (memory stays flat)."""
    import pyarrow.parquet as pq

    writer = None
    try:
        for i, start in enumerate(range(0, n, chunk_rows)):
            table = synthetic_cohort(ckb, min(chunk_rows, n - start), seed=seed + i, first_id=start + 1)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=65_536)
    finally:
        if writer is not None:
            writer.close()
