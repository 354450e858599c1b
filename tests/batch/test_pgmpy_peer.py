"""legdx's row scoring and pgmpy's exact inference give the same posteriors on the same model."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pgmpy")
pa = pytest.importorskip("pyarrow")

from bench.pgmpy_model import build_network, pgmpy_shares, undamped  # noqa: E402

from legdx.batch.screen import PERSON_COLUMNS, decode_chunk  # noqa: E402
from legdx.batch.synthetic import synthetic_cohort  # noqa: E402
from legdx.engine import row_posterior  # noqa: E402
from legdx.pipeline import default_compiled  # noqa: E402


def test_posteriors_equal_pgmpy_variable_elimination():
    from pgmpy.inference import VariableElimination

    ckb = undamped(default_compiled())
    # crowded rows (many answers) and sparse ones, men among them (female-only causes ruled out)
    table = pa.concat_tables(
        [
            synthetic_cohort(ckb, 150, seed=21, missing=(0.3, 0.7)),
            synthetic_cohort(ckb, 150, seed=22, missing=(0.8, 0.99), first_id=151),
        ]
    )
    chunk = decode_chunk(table, tuple(n for n in table.column_names if n not in PERSON_COLUMNS), ckb)
    assert chunk.male.any() and (chunk.codes > 0).sum(axis=1).max() >= 40
    reference = pgmpy_shares(VariableElimination(build_network(ckb)), chunk.finding_ids, chunk.codes, chunk.male)
    post = row_posterior(ckb, chunk.finding_ids, chunk.codes, chunk.male)
    ours = np.column_stack([post.share, post.other_share])
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-9)
    assert np.all(post.share[chunk.male][:, ckb.female_only] == 0.0)  # and the peer agrees (checked above)


def test_damping_is_what_the_peer_cannot_hold():
    """Sanity of the comparison: with group damping on, legdx differs from the network on crowded rows."""
    from pgmpy.inference import VariableElimination

    damped = default_compiled()
    table = synthetic_cohort(damped, 40, seed=23, missing=(0.2, 0.5))
    chunk = decode_chunk(table, tuple(n for n in table.column_names if n not in PERSON_COLUMNS), damped)
    reference = pgmpy_shares(
        VariableElimination(build_network(undamped(damped))), chunk.finding_ids, chunk.codes, chunk.male
    )
    post = row_posterior(damped, chunk.finding_ids, chunk.codes, chunk.male)
    ours = np.column_stack([post.share, post.other_share])
    # compared as log shares: crowded synthetic rows put nearly all of the share on "something else",
    # so the shares themselves differ only in their tiny remainders
    both = (ours > 1e-12) & (reference > 1e-12)
    assert np.median(np.abs(np.log(ours[both]) - np.log(reference[both]))) > 0.1
