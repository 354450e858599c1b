"""The legdx model as a pgmpy Bayesian network, for the speed race and the cross-check test.

The causes are one node (every condition and "something else"), each finding a child. legdx's
shares are ``softmax(log prior share + sum of log-LRs / temperature)``; a network gives
``P(cause | answers) ∝ P(cause) * prod P(answer | cause)``. The two agree exactly when each
child's table holds ``P(state | cause) = exp(log-LR / temperature) * k`` with one constant ``k`` per
finding for all causes: ``k`` cancels when the posterior is normalised. The rows must sum to one,
so each finding has one more state, "rest", that takes what is left; it is never observed. A
known male rules the female-only causes out through one more child, ``known_male``, impossible
under those causes and equally likely under all others.

Group damping (correlated findings count less) is switched off on both sides: a Bayesian network
cannot express it (``dataclasses.replace(ckb, damping=1.0)``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from legdx.kb.compile import CompiledKB

CAUSE = "cause"
KNOWN_MALE = "known_male"


def undamped(ckb: CompiledKB) -> CompiledKB:
    """The compiled KB with group damping switched off (what a Bayesian network can hold)."""
    return dataclasses.replace(ckb, damping=1.0)


def build_network(ckb: CompiledKB) -> Any:
    """A pgmpy DiscreteBayesianNetwork holding legdx's competing model (without group damping)."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    n_causes = len(ckb.condition_ids) + 1
    prior = np.append(np.exp(ckb.prior_logshare), np.exp(ckb.other_logshare))
    network = DiscreteBayesianNetwork([(CAUSE, f) for f in ckb.finding_ids] + [(CAUSE, KNOWN_MALE)])
    cpds = [TabularCPD(CAUSE, n_causes, (prior / prior.sum())[:, None])]
    for fid, states in zip(ckb.finding_ids, ckb.finding_states, strict=True):
        rows = np.array(states)
        weights = np.exp(np.column_stack([ckb.llr[rows], ckb.other_llr[rows]]) / ckb.temperature)  # (k, causes)
        weights = weights / weights.sum(axis=0).max()  # the one constant per finding
        table = np.vstack([weights, 1.0 - weights.sum(axis=0)])  # + "rest"
        table = np.clip(table, 0.0, 1.0)  # rounding can leave "rest" at -1e-17
        cpds.append(TabularCPD(fid, len(states) + 1, table, evidence=[CAUSE], evidence_card=[n_causes]))
    possible = np.append(~ckb.female_only, True).astype(float) * 0.5
    cpds.append(
        TabularCPD(KNOWN_MALE, 2, np.vstack([1.0 - possible, possible]), evidence=[CAUSE], evidence_card=[n_causes])
    )
    network.add_cpds(*cpds)
    return network


def evidence_of(finding_ids: tuple[str, ...], codes: Any, male: bool) -> dict[str, int]:
    """One row of answer codes (0 unknown, i + 1 the i-th state) as pgmpy evidence."""
    evidence = {fid: int(code) - 1 for fid, code in zip(finding_ids, codes, strict=True) if code}
    if male:
        evidence[KNOWN_MALE] = 1
    return evidence


def pgmpy_shares(inference: Any, finding_ids: tuple[str, ...], codes: Any, male: Any) -> Any:
    """(N, C + 1) posterior over the causes by exact variable elimination, one row at a time."""
    out = []
    for row, is_male in zip(codes, male, strict=True):
        result = inference.query([CAUSE], evidence=evidence_of(finding_ids, row, bool(is_male)), show_progress=False)
        out.append(result.values)
    return np.array(out)
