"""The row-wise screen gives, row by row, what legdx.assess gives the same person as a Case."""

from __future__ import annotations

import math

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")

from legdx.batch.screen import PERSON_COLUMNS, score_table  # noqa: E402
from legdx.batch.synthetic import synthetic_cohort  # noqa: E402
from legdx.case import parse_case  # noqa: E402
from legdx.pipeline import assess, default_compiled  # noqa: E402

ROWS = 1500  # assess takes about 10 ms a row here; this keeps the test near 20 s


def _case(row: dict) -> dict:
    """The person of one table row as CONTRACT.md's case JSON (empty cells left out: unknown)."""
    findings = {k: v for k, v in row.items() if k not in PERSON_COLUMNS and v is not None}
    case: dict = {"findings": findings}
    if row.get("age") is not None:
        case["age"] = row["age"]
    if row.get("sex") is not None:
        case["sex"] = row["sex"]
    return case


@pytest.fixture(scope="module")
def cohort():
    ckb = default_compiled()
    # Low missingness makes crowded rows (many warning signs, damped groups); high makes sparse ones.
    crowded = synthetic_cohort(ckb, ROWS // 2, seed=7, missing=(0.5, 0.9))
    sparse = synthetic_cohort(ckb, ROWS - ROWS // 2, seed=8, missing=(0.8, 0.99), first_id=ROWS // 2 + 1)
    table = pa.concat_tables([crowded, sparse])
    return ckb, table, score_table(table, ckb)


def test_every_row_matches_assess(cohort):
    ckb, table, out = cohort
    kb = ckb.kb
    rows, scored = table.to_pylist(), out.to_pylist()
    levels = set()
    for row, got in zip(rows, scored, strict=True):
        a = assess(parse_case(_case(row), kb), ckb)
        assert got["error"] is None
        assert got["person_id"] == row["person_id"]
        for c in a.conditions:
            assert math.isclose(got[f"share__{c.id}"], c.share, abs_tol=1e-9), (row["person_id"], c.id)
        assert math.isclose(got["share__something_else"], a.something_else.share, abs_tol=1e-9)
        assert got["top_condition"] == a.conditions[0].id, row["person_id"]
        assert got["triage_level"] == a.triage.level.value, row["person_id"]
        signs = [x.finding for x in a.answered if x.value is True and kb.findings[x.finding].red_flag]
        assert got["warning_signs"] == signs
        levels.add(got["triage_level"])
    assert levels == {"routine", "soon", "urgent", "emergency"}  # the sample reaches every level


def test_shares_add_up_and_rows_keep_their_order(cohort):
    ckb, table, out = cohort
    shares = np.column_stack([out.column(f"share__{c}").to_numpy() for c in ckb.condition_ids])
    total = shares.sum(axis=1) + out.column("share__something_else").to_numpy()
    assert np.allclose(total, 1.0, atol=1e-12)
    assert out.column("person_id").to_pylist() == table.column("person_id").to_pylist()
