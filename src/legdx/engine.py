"""Posterior probabilities, explanations and the value of asking or testing.

The model (DESIGN.md, "Reasoning") gives two numbers per condition, from the same evidence:

* ``probability``: the chance the condition is present at all (several can be). Each condition is
  its own hypothesis against all other leg pain: prior odds times the likelihood ratio of every
  answered finding (LR+ when present, LR- when absent, the band's LR for a measured value; unknown
  findings count 1). Triage uses it, so a dangerous condition is never diluted by a rival.
* ``share``: the chance that this condition is *the* cause of the complaint. The conditions and an
  explicit "something else" (a cause outside the knowledge base) compete for one unit of
  probability. With the likelihood ratios read against the same reference (people with leg pain),
  hypothesis ``h`` scores ``log prior_share[h] + L[h] / T``, where ``L[h]`` is the sum of its
  damped log-LRs and ``T`` the calibration temperature (``share_temperature``), and the shares are
  the softmax of the scores. A cause that explains the findings better takes share from one that
  explains them less, and findings that no modelled cause explains raise "something else". The
  explanation stays exact: ``log(share[h] / share[else]) = log(prior_share[h] / prior_share[else])
  + (L[h] - L[else]) / T``, with every term of ``L`` listed as a contribution.

Correlated findings: findings that report the same mechanism share a ``group`` in findings.yaml
(for example the four restless-legs criteria, or the signs of a clot). Within a group, for each
condition, supporting log-LRs are sorted by size and weighted 1, d, d^2, ... and opposing ones
likewise, where d is the ``group_damping`` threshold (0.5). So the strongest finding counts
fully, the next counts half, and a group can never be counted twice over. The weights depend only
on the set of answers, not their order, and adding a supporting finding never lowers a condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from legdx.case import Case, check_case, finding_value_problem
from legdx.kb.compile import ABSENT, PRESENT, BoolArray, CompiledKB, FloatArray, IntArray
from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING, Finding, FindingKind

__all__ = [
    "CaseStates",
    "EvidenceBlock",
    "Posterior",
    "RowPosterior",
    "ValuedTest",
    "band_codes",
    "band_of",
    "binary_entropy",
    "competing_shares",
    "competing_shares_rows",
    "evidence_blocks",
    "expected_information",
    "gain_by_condition",
    "posterior",
    "present_probability",
    "resolve_states",
    "row_posterior",
    "triage_probability",
    "value_of_tests",
]


@dataclass(frozen=True)
class CaseStates:
    """A case resolved to knowledge-base states. ``states`` is sorted, so order of answers never matters."""

    states: IntArray
    values: dict[str, bool | float]  # finding id -> the value given (includes age_years, female_sex)
    bands: dict[str, str]  # numeric finding id -> band id
    female: bool | None


@dataclass(frozen=True)
class Posterior:
    logodds: FloatArray  # (C,) log-odds that each condition is present
    probability: FloatArray  # (C,) chance each condition is present at all
    share: FloatArray  # (C,) chance each condition is the cause; with other_share sums to 1
    other_share: float  # chance the cause is none of the modelled conditions ("something else")
    contributions: FloatArray  # (len(states), C) damped log-LR of each answered state
    other_contributions: FloatArray  # (len(states),) damped log-LR of each answered state for "something else"
    states: IntArray
    # warning signs that point outside the knowledge base and fired: (rule id, log-LR for "something else")
    other_from_rules: tuple[tuple[str, float], ...] = ()


def band_codes(finding: Finding, values: FloatArray) -> npt.NDArray[np.uint8]:
    """The band of every measured value as ``i + 1`` for the finding's ``i``-th band, 0 for NaN.

    Bands are read in order; a value falls in the first whose upper bound admits it (the last band
    takes anything above)."""
    codes = np.zeros(len(values), dtype=np.uint8)
    open_rows = ~np.isnan(values)
    for i, band in enumerate(finding.bands):
        if band.upper is None:
            admits = open_rows
        else:
            admits = open_rows & (
                (values < band.upper.value) | ((values == band.upper.value) if band.upper_inclusive else False)
            )
        codes[admits] = i + 1
        open_rows = open_rows & ~admits
    codes[open_rows] = len(finding.bands)
    return codes


def band_of(finding: Finding, value: float) -> str:
    """Return the id of the band a measured value falls in (:func:`band_codes` for one value)."""
    return finding.bands[int(band_codes(finding, np.array([float(value)]))[0]) - 1].id


def resolve_states(case: Case, ckb: CompiledKB, extra: dict[str, bool | float] | None = None) -> CaseStates:
    """Check a case against the knowledge base and map it to states.

    Args:
        case: the validated case.
        ckb: the compiled knowledge base.
        extra: findings read from free text; explicit ``case.findings`` win over them, and a text
            value that would be bad input (out of range, or contradicting the case's sex) is ignored.

    Raises:
        InvalidCase: every problem :func:`legdx.case.case_problems` finds, at once.
    """
    kb = ckb.kb
    check_case(case, kb)
    values: dict[str, bool | float] = dict(case.findings)
    for fid, value in (extra or {}).items():
        finding = kb.findings.get(fid)
        if finding is None or fid in values or finding_value_problem(finding, value) is not None:
            continue
        if case.sex == "male" and finding.sex == "female":
            continue
        values[fid] = value
    if case.age is not None and AGE_FINDING in kb.findings:
        values[AGE_FINDING] = float(case.age)
    female: bool | None = None if case.sex is None else case.sex == "female"
    if female is None and isinstance(values.get(FEMALE_FINDING), bool):
        female = bool(values[FEMALE_FINDING])  # sex read from free text
    if female is None and any(v is True and kb.findings[f].sex == "female" for f, v in values.items()):
        female = True
    if female is not None and FEMALE_FINDING in kb.findings:
        values[FEMALE_FINDING] = female

    idx: list[int] = []
    bands: dict[str, str] = {}
    for fid, value in values.items():
        finding = kb.findings[fid]
        if finding.kind is FindingKind.BINARY:
            idx.append(ckb.state_index[(fid, PRESENT if value else ABSENT)])
        else:
            band = band_of(finding, float(value))
            bands[fid] = band
            idx.append(ckb.state_index[(fid, band)])
    return CaseStates(states=np.array(sorted(idx), dtype=np.int64), values=values, bands=bands, female=female)


def damp_groups(llr: FloatArray, groups: IntArray, damping: float) -> FloatArray:
    """Apply within-group damping to answered log-LRs (rows = answered states, cols = conditions).

    For each condition, the supporting log-LRs of a group are ranked (largest first, ties going to
    the earlier row) and weighted ``damping ** rank``; opposing ones likewise. Ranks come from one
    pairwise comparison over the k answered rows (k is small), with no Python loop over groups.
    Leading axes are a batch: ``llr`` may be (..., k, C), with the same ``groups`` (k,) for all.
    A row of zeros (an unanswered finding) never changes the weight of another row.

    >>> import numpy as np
    >>> damp_groups(np.log([[4.0], [4.0], [2.0]]), np.array([0, 0, -1]), 0.5).round(3).ravel().tolist()
    [1.386, 0.693, 0.693]
    """
    k = llr.shape[-2]
    if k < 2:
        return llr.copy()
    same = (groups[:, None] == groups[None, :]) & (groups[:, None] >= 0)  # (k, k): rows sharing a group
    earlier = np.tri(k, k, -1, dtype=bool)  # earlier[i, j]: row j comes before row i (j < i)
    pos = np.maximum(llr, 0.0)
    neg = np.maximum(-llr, 0.0)

    def rank(v: FloatArray) -> IntArray:
        # beats[..., i, j, c]: row j outranks row i for condition c within the same group
        vj, vi = v[..., None, :, :], v[..., :, None, :]
        beats = (vj > vi) | ((vj == vi) & earlier[:, :, None])
        result: IntArray = (beats & same[:, :, None]).sum(axis=-2)
        return result

    out: FloatArray = pos * damping ** rank(pos) - neg * damping ** rank(neg)
    return out


def present_probability(ckb: CompiledKB, evidence: FloatArray, male: BoolArray) -> tuple[FloatArray, FloatArray]:
    """Log-odds and probability that each condition is present, for rows of summed damped log-LRs.

    Args:
        ckb: the compiled knowledge base.
        evidence: (N, C) summed damped log-LR of each condition per row.
        male: (N,) true where the person is known not to be female (female-only causes are ruled out).

    Returns:
        ``(logodds, probability)``, both (N, C).
    """
    logodds = ckb.prior_logodds + evidence
    if male.any():
        logodds[np.ix_(male, ckb.female_only)] = -np.inf
    # 1 / (1 + exp(-logodds)), in place: the same operations, without their temporaries
    prob: FloatArray = np.negative(logodds)
    np.exp(prob, out=prob)
    prob += 1.0
    np.divide(1.0, prob, out=prob)
    return logodds, prob


def competing_shares_rows(
    ckb: CompiledKB, evidence: FloatArray, other_evidence: FloatArray, male: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Shares of the conditions (N, C) and of "something else" (N,) for rows of summed damped log-LRs."""
    t = ckb.temperature
    scores = np.empty((evidence.shape[0], evidence.shape[1] + 1))
    conditions = scores[:, :-1]
    np.divide(evidence, t, out=conditions)
    conditions += ckb.prior_logshare
    scores[:, -1] = ckb.other_logshare + other_evidence / t
    if male.any():
        conditions[np.ix_(male, ckb.female_only)] = -np.inf
    # a softmax over the conditions and "something else", in place
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores[:, :-1], scores[:, -1]


def competing_shares(
    ckb: CompiledKB, evidence: FloatArray, other_evidence: float, female: bool | None
) -> tuple[FloatArray, float]:
    """Shares of the conditions and of "something else" from their summed damped log-LRs.

    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> toy = SimpleNamespace(prior_logshare=np.log([0.4, 0.4]), other_logshare=np.log(0.2), temperature=1.0,
    ...                       female_only=np.array([False, False]))
    >>> shares, other = competing_shares(toy, np.array([np.log(4.0), 0.0]), 0.0, None)
    >>> [round(float(x), 3) for x in shares], round(other, 3)
    ([0.727, 0.182], 0.091)
    """
    shares, other = competing_shares_rows(
        ckb, np.asarray(evidence, dtype=float)[None, :], np.array([other_evidence]), np.array([female is False])
    )
    return shares[0], float(other[0])


def posterior(ckb: CompiledKB, cs: CaseStates, outside: tuple[tuple[str, float], ...] = ()) -> Posterior:
    """Posterior log-odds, probability and competing share of every condition for resolved case states.

    ``outside``: the warning signs that point outside the knowledge base and fire on these answers
    (``triage.outside_evidence``), each with its log-LR for "something else"; they are not damped,
    since each is one judgement about a combination of answers, not another correlated answer.
    """
    states = cs.states
    # "Something else" is damped with the same correlation groups, as one more column.
    raw = np.column_stack([ckb.llr[states], ckb.other_llr[states]])
    groups = ckb.finding_group[ckb.state_finding[states]]
    damped = damp_groups(raw, groups, ckb.damping)
    contrib, other_contrib = damped[:, :-1], damped[:, -1]
    logodds_rows, prob_rows = present_probability(ckb, contrib.sum(axis=0)[None, :], np.array([cs.female is False]))
    logodds, prob = logodds_rows[0], prob_rows[0]
    other_evidence = float(other_contrib.sum()) + sum(lo for _, lo in outside)
    share, other_share = competing_shares(ckb, contrib.sum(axis=0), other_evidence, cs.female)
    return Posterior(
        logodds=logodds,
        probability=prob,
        share=share,
        other_share=other_share,
        contributions=contrib,
        other_contributions=other_contrib,
        states=states,
        other_from_rules=outside,
    )


# ---------------------------------------------------------------- many rows at once (legdx screen)

MAX_PACKED_ANSWERS = 1024  # combinations of answers one lookup table of ungrouped findings may hold
FILL_WHOLE_TABLE = 4096  # a larger table (a big correlation group) is filled only for combinations met
TABLE_ROWS_PER_PASS = 2048  # combinations damped at once while filling a table (bounds memory)


@dataclass(frozen=True, eq=False)
class EvidenceBlock:
    """Findings whose damped log-LRs are looked up together, for every combination of their answers.

    An answer code is 0 for unknown and ``i + 1`` for a finding's ``i``-th state; a row's index into
    ``table`` is ``codes[:, columns] @ multipliers``. A correlation group is always one block
    (damping depends on all its answers); ungrouped findings are packed together because their
    log-LRs just add. Every entry is computed by :func:`damp_groups`, the function the one-case
    :func:`posterior` uses; a large table (the ten sites of pain: 3^10 combinations) is filled only
    for the combinations the rows hold, the first time they are met.
    """

    findings: IntArray  # (m,) finding indices, in knowledge-base (state) order
    columns: IntArray  # (m,) positions of those findings among the table's finding columns
    multipliers: IntArray  # (m,)
    table: FloatArray  # (P, C + 1) summed damped log-LR per combination; last column "something else"
    triage_delta: FloatArray | None  # (P, C) triage evidence minus evidence, None without a red flag
    filled: BoolArray  # (P,) entries computed so far

    def fill(self, ckb: CompiledKB, index: IntArray) -> None:
        """Compute the entries ``index`` names that are not computed yet."""
        todo = np.unique(index[~self.filled[index]])
        radices = [len(ckb.finding_states[f]) + 1 for f in self.findings]
        n_c = ckb.llr.shape[1]
        hypotheses = np.vstack([np.column_stack([ckb.llr, ckb.other_llr]), np.zeros((1, n_c + 1))])
        state_of = [np.array([-1, *ckb.finding_states[f]], dtype=np.int64) for f in self.findings]
        groups = ckb.finding_group[self.findings]
        for start in range(0, len(todo), TABLE_ROWS_PER_PASS):
            part = todo[start : start + TABLE_ROWS_PER_PASS]
            combos = np.column_stack(np.unravel_index(part, radices))  # (p, m) answer codes
            # State index of every answer; -1 (unknown) picks the appended all-zero row.
            states = np.column_stack([state_of[j][combos[:, j]] for j in range(len(self.findings))])
            damped = damp_groups(hypotheses[states], groups, ckb.damping)  # (p, m, C + 1)
            self.table[part] = damped.sum(axis=1)
            if self.triage_delta is not None:  # the clipping of triage_probability, answer by answer
                signs = np.append(ckb.red_flag_sign, 0)[states][:, :, None]
                contrib = damped[:, :, :n_c]
                clipped = np.where(signs > 0, np.maximum(contrib, 0.0), contrib)
                clipped = np.where(signs < 0, np.minimum(clipped, 0.0), clipped)
                self.triage_delta[part] = clipped.sum(axis=1) - self.table[part, :n_c]
            self.filled[part] = True


@dataclass(frozen=True)
class RowPosterior:
    """The posterior of many rows: what :func:`posterior` and :func:`triage_probability` give one case."""

    evidence: FloatArray  # (N, C) summed damped log-LRs; ``probability`` is computed from it on demand
    male: BoolArray  # (N,)
    share: FloatArray  # (N, C)
    other_share: FloatArray  # (N,)
    triage_probability: FloatArray  # (N, C)
    ckb: CompiledKB

    @property
    def probability(self) -> FloatArray:
        """(N, C) chance each condition is present (the same numbers as :attr:`Posterior.probability`)."""
        return present_probability(self.ckb, self.evidence, self.male)[1]


def _radices(ckb: CompiledKB, findings: list[int]) -> list[int]:
    return [len(ckb.finding_states[f]) + 1 for f in findings]


def _has_red_flag(ckb: CompiledKB, findings: list[int]) -> bool:
    return bool(ckb.red_flag_sign[np.concatenate([ckb.finding_states[f] for f in findings])].any())


@dataclass(frozen=True, eq=False)
class EvidenceTables:
    """Every block of one set of finding columns, with their tables stacked into one array each (a
    block's ``table`` and ``triage_delta`` are views into them), so one compiled loop can sum them."""

    blocks: tuple[EvidenceBlock, ...]
    table: FloatArray  # (sum of P, C + 1)
    triage_delta: FloatArray  # (sum of P over the blocks with a red flag, C)
    offsets: IntArray  # (B,) each block's first row in ``table``
    triage_offsets: IntArray  # (B,) each block's first row in ``triage_delta``; -1 without a red flag
    columns: IntArray  # every block's columns, one block after the other
    multipliers: IntArray  # the same for the multipliers
    column_starts: IntArray  # (B + 1,) where each block's columns start in ``columns``


@cache
def evidence_blocks(ckb: CompiledKB, finding_ids: tuple[str, ...]) -> EvidenceTables:
    """The lookup tables for a table whose finding columns are ``finding_ids`` (built once per column set)."""
    findings = [ckb.finding_index[f] for f in finding_ids]
    by_group: dict[int, list[int]] = {}
    loose: list[int] = []
    for col, f in enumerate(findings):
        g = int(ckb.finding_group[f])
        if g >= 0:
            by_group.setdefault(g, []).append(col)
        else:
            loose.append(col)
    packs: list[list[int]] = []
    size = MAX_PACKED_ANSWERS + 1
    for col in loose:
        radix = len(ckb.finding_states[findings[col]]) + 1
        if size * radix > MAX_PACKED_ANSWERS:
            packs.append([])
            size = 1
        packs[-1].append(col)
        size *= radix
    layout = []
    for cols in [*by_group.values(), *packs]:
        cols.sort(key=lambda c: findings[c])  # state order, as resolve_states sorts the answers
        block_findings = [findings[c] for c in cols]
        layout.append((cols, block_findings, int(np.prod(_radices(ckb, block_findings)))))
    n_c = ckb.llr.shape[1]
    sizes = np.array([size for _, _, size in layout], dtype=np.int64)
    flagged = np.array([_has_red_flag(ckb, bf) for _, bf, _ in layout], dtype=bool)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    triage_offsets = np.where(flagged, np.concatenate([[0], np.cumsum(sizes * flagged)[:-1]]), -1).astype(np.int64)
    table, triage_delta = np.zeros((int(sizes.sum()), n_c + 1)), np.zeros((int((sizes * flagged).sum()), n_c))
    blocks = []
    for b, (cols, block_findings, size) in enumerate(layout):
        radices = _radices(ckb, block_findings)
        block = EvidenceBlock(
            findings=np.array(block_findings, dtype=np.int64),
            columns=np.array(cols, dtype=np.int64),
            multipliers=np.array([int(np.prod(radices[i + 1 :])) for i in range(len(cols))], dtype=np.int64),
            table=table[offsets[b] : offsets[b] + size],
            triage_delta=triage_delta[triage_offsets[b] : triage_offsets[b] + size] if flagged[b] else None,
            filled=np.zeros(size, dtype=bool),
        )
        if size <= FILL_WHOLE_TABLE:
            block.fill(ckb, np.arange(size))
        blocks.append(block)
    return EvidenceTables(
        blocks=tuple(blocks),
        table=table,
        triage_delta=triage_delta,
        offsets=offsets,
        triage_offsets=triage_offsets,
        columns=np.concatenate([b.columns for b in blocks]).astype(np.int64),
        multipliers=np.concatenate([b.multipliers for b in blocks]).astype(np.int64),
        column_starts=np.concatenate([[0], np.cumsum([len(b.columns) for b in blocks])]).astype(np.int64),
    )


@cache
def _row_kernels() -> tuple[Any, Any, Any]:
    """The three compiled loops of :func:`row_posterior` (numba, from the ``scale`` extra), compiled once.

    ``block_indices``: each row's index into each block's table. ``add_blocks``: for every row, block
    by block, that entry added to the row's evidence and its triage correction to the triage
    evidence. The additions happen in the same order as a block-by-block numpy sum would make them,
    so the results are the same to the last bit (a block whose answers are all unknown is skipped:
    its entry is exactly zero); fused into one pass over the rows, they need no (N, C + 1) temporary
    per block, and they run about twice as fast (docs/benchmarks.md). Between the two, the big
    tables are filled for answers met for the first time. ``finish_rows``: per row, the shares
    (:func:`competing_shares_rows`) and the triage probabilities (:func:`present_probability`) in one
    pass; the same operations in the same order, equal to the numpy versions to within rounding
    (tests/batch/test_screen_identity.py). numba rather than hand-written C: it keeps the loop in
    Python source, compiles it on first use and caches the machine code.
    """
    import numba

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def block_indices(codes, columns, multipliers, column_starts, index):  # type: ignore[no-untyped-def]
        for r in range(index.shape[0]):
            for b in range(index.shape[1]):
                at = 0
                for k in range(column_starts[b], column_starts[b + 1]):
                    at += codes[r, columns[k]] * multipliers[k]
                index[r, b] = at

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def add_blocks(index, offsets, triage_offsets, table, triage_delta, evidence, triage):  # type: ignore[no-untyped-def]
        n_h = table.shape[1]
        acc, acc_triage = np.empty(n_h), np.empty(n_h - 1)  # one row's sums, kept apart from the outputs
        for r in range(index.shape[0]):
            acc[:] = 0.0
            acc_triage[:] = 0.0
            for b in range(index.shape[1]):
                if index[r, b] == 0:  # every answer unknown: the entry is all zeros
                    continue
                row = offsets[b] + index[r, b]
                for h in range(n_h):
                    acc[h] += table[row, h]
                if triage_offsets[b] >= 0:
                    t_row = triage_offsets[b] + index[r, b]
                    for h in range(n_h - 1):
                        acc_triage[h] += triage_delta[t_row, h]
            evidence[r, :] = acc
            triage[r, :] = acc_triage

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def finish_rows(  # type: ignore[no-untyped-def]
        evidence,
        triage_delta,
        male,
        prior_logshare,
        other_logshare,
        temperature,
        prior_logodds,
        female_only,
        share,
        other_share,
        triage,
    ):
        # per row, what competing_shares_rows and present_probability compute over whole arrays: the
        # softmax of the conditions and "something else", and each condition's chance of being present
        # with the warning-sign corrections; one pass, no (N, C) temporaries
        n_c = share.shape[1]
        scores = np.empty(n_c + 1)
        for r in range(share.shape[0]):
            top = -np.inf
            for h in range(n_c):
                s = evidence[r, h] / temperature + prior_logshare[h]
                if male[r] and female_only[h]:
                    s = -np.inf
                scores[h] = s
                top = max(top, s)
            scores[n_c] = other_logshare + evidence[r, n_c] / temperature
            top = max(top, scores[n_c])
            total = 0.0
            for h in range(n_c + 1):
                scores[h] = np.exp(scores[h] - top)
                total += scores[h]
            for h in range(n_c):
                share[r, h] = scores[h] / total
                if male[r] and female_only[h]:
                    triage[r, h] = 0.0
                else:
                    triage[r, h] = 1.0 / (1.0 + np.exp(-(prior_logodds[h] + (evidence[r, h] + triage_delta[r, h]))))
            other_share[r] = scores[n_c] / total

    return block_indices, add_blocks, finish_rows


def row_posterior(
    ckb: CompiledKB,
    finding_ids: tuple[str, ...],
    codes: npt.NDArray[np.integer[Any]],
    male: BoolArray,
    outside: FloatArray | None = None,
) -> RowPosterior:
    """The posterior of every row of an answer-code matrix, without a Python loop over rows.

    Args:
        ckb: the compiled knowledge base.
        finding_ids: the finding of each column of ``codes`` (each at most once; may include age and sex).
        codes: (N, len(finding_ids)); 0 = unknown, ``i + 1`` = the finding's ``i``-th state
            (binary findings: 1 present, 2 absent; numeric findings: their bands in order).
        male: (N,) true where the person is known not to be female.
        outside: (N,) summed log-LR for "something else" of the warning signs that point outside
            the knowledge base (``triage.outside_evidence_rows``), as ``outside`` of :func:`posterior`.
    """
    n_rows, n_c = codes.shape[0], ckb.llr.shape[1]
    tables = evidence_blocks(ckb, finding_ids)
    block_indices, add_blocks, finish_rows = _row_kernels()
    index = np.empty((n_rows, len(tables.blocks)), dtype=np.int64)
    block_indices(np.ascontiguousarray(codes), tables.columns, tables.multipliers, tables.column_starts, index)
    evidence, triage_delta = np.empty((n_rows, n_c + 1)), np.empty((n_rows, n_c))  # add_blocks writes every row
    for b, block in enumerate(tables.blocks):
        if not block.filled.all():  # a big correlation group meets new combinations of answers
            block.fill(ckb, index[:, b])
    add_blocks(index, tables.offsets, tables.triage_offsets, tables.table, tables.triage_delta, evidence, triage_delta)
    if outside is not None:
        evidence[:, n_c] += outside
    share, other_share, triage = np.empty((n_rows, n_c)), np.empty(n_rows), np.empty((n_rows, n_c))
    finish_rows(
        evidence,
        triage_delta,
        np.ascontiguousarray(male, dtype=np.bool_),
        ckb.prior_logshare,
        float(ckb.other_logshare),
        float(ckb.temperature),
        ckb.prior_logodds,
        ckb.female_only,
        share,
        other_share,
        triage,
    )
    return RowPosterior(
        evidence=evidence[:, :n_c], male=male, share=share, other_share=other_share, triage_probability=triage, ckb=ckb
    )


def triage_probability(ckb: CompiledKB, post: Posterior) -> FloatArray:
    """Condition probabilities used for triage, in which red flags can only raise urgency.

    A red flag answered yes keeps only the evidence it adds (its negative log-LRs are dropped) and
    one answered no keeps only the evidence it removes. So, for every condition, "yes" >= "unknown"
    >= "no", and a red flag can never lower a condition below the level it would have without it.
    (Example: sudden onset lowers stable claudication, but must not lower the urgency that possible
    claudication carries.) Group damping is monotone, so clipping after damping keeps this true.
    """
    sign = ckb.red_flag_sign[post.states][:, None]
    contrib = np.where(sign > 0, np.maximum(post.contributions, 0.0), post.contributions)
    contrib = np.where(sign < 0, np.minimum(contrib, 0.0), contrib)
    male = np.array([not np.isfinite(post.logodds).all()])  # only a known male rules a cause out
    result: FloatArray = present_probability(ckb, contrib.sum(axis=0)[None, :], male)[1][0]
    return result


def binary_entropy(p: FloatArray) -> FloatArray:
    """Entropy in bits of a yes/no variable with probability ``p``.

    >>> float(binary_entropy(np.array([0.5]))[0])
    1.0
    """
    q = np.clip(p, 1e-12, 1 - 1e-12)
    result: FloatArray = -(q * np.log2(q) + (1 - q) * np.log2(1 - q))
    return result


def gain_by_condition(prob: FloatArray, p_given: FloatArray, p_given_not: FloatArray) -> FloatArray:
    """Expected entropy reduction (bits) of each condition from asking a question.

    Args:
        prob: (C,) current probability of each condition.
        p_given: (..., O, C) probability of each of O outcomes given the condition.
        p_given_not: (..., O, C) the same without the condition.

    Returns:
        (..., C) expected information gain per condition, never negative.
    """
    p_outcome = prob * p_given + (1 - prob) * p_given_not
    post = np.divide(prob * p_given, p_outcome, out=np.zeros_like(p_outcome), where=p_outcome > 0)
    expected_h = (p_outcome * binary_entropy(post)).sum(axis=-2)
    result: FloatArray = np.clip(binary_entropy(prob) - expected_h, 0.0, None)
    return result


def expected_information(
    prob: FloatArray, p_given: FloatArray, p_given_not: FloatArray, weight: FloatArray
) -> FloatArray:
    """Weighted expected information gain (bits) of each candidate question, summed over conditions.

    >>> import numpy as np
    >>> prob = np.array([0.5])
    >>> perfect = expected_information(prob, np.array([[[1.0], [0.0]]]), np.array([[[0.0], [1.0]]]), np.ones(1))
    >>> useless = expected_information(prob, np.array([[[0.5], [0.5]]]), np.array([[[0.5], [0.5]]]), np.ones(1))
    >>> round(float(perfect[0]), 6), round(float(useless[0]), 6)
    (1.0, 0.0)
    """
    result: FloatArray = (gain_by_condition(prob, p_given, p_given_not) * weight).sum(axis=-1)
    return result


@dataclass(frozen=True)
class ValuedTest:
    test_id: str
    value: float  # weighted expected information, bits
    by_condition: FloatArray  # (C,) weighted gain per condition


@cache
def _test_arrays(ckb: CompiledKB) -> tuple[Any, ...]:
    """Per-KB arrays for valuing every test in one vectorised pass (outcomes zero-padded)."""
    kb = ckb.kb
    revealed = sorted({f for t in kb.tests.values() for f in t.reveals})
    o_max = max(len(ckb.finding_states[ckb.finding_index[f]]) for f in revealed)
    n_c = len(ckb.condition_ids)
    pg = np.zeros((len(revealed), o_max, n_c))
    pn = np.zeros((len(revealed), o_max, n_c))
    for i, f in enumerate(revealed):
        idx = list(ckb.finding_states[ckb.finding_index[f]])
        pg[i, : len(idx)] = ckb.p_given[idx]
        pn[i, : len(idx)] = ckb.p_given_not[idx]
    tests = list(kb.tests.values())
    reveal_matrix = np.array([[f in t.reveals for f in revealed] for t in tests], dtype=float)  # (T, F)
    acc = [
        (ti, ckb.condition_index[a.condition], a.sensitivity.value, a.specificity.value)
        for ti, t in enumerate(tests)
        for a in t.accuracy
    ]
    acc_test = np.array([a[0] for a in acc], dtype=np.int64)
    acc_cond = np.array([a[1] for a in acc], dtype=np.int64)
    acc_pg = np.array([[a[2], 1 - a[2]] for a in acc])  # (E, 2) outcomes positive / negative
    acc_pn = np.array([[1 - a[3], a[3]] for a in acc])
    return revealed, pg, pn, tests, reveal_matrix, acc_test, acc_cond, acc_pg, acc_pn


def value_of_tests(ckb: CompiledKB, post: Posterior, known: set[str]) -> list[ValuedTest]:
    """Expected information each test would add to the current differential, best first.

    A test that measures findings is valued by the findings it would reveal that are still unknown;
    a test that confirms a condition directly is valued by its sensitivity and specificity for it.
    """
    revealed, pg, pn, tests, reveal_matrix, acc_test, acc_cond, acc_pg, acc_pn = _test_arrays(ckb)
    prob = post.probability
    weight = ckb.danger_weight
    unknown = np.array([f not in known for f in revealed], dtype=float)  # (F,)
    per_finding = gain_by_condition(prob, pg, pn) * weight * unknown[:, None]  # (F, C)
    gain = reveal_matrix @ per_finding  # (T, C)
    if len(acc_test):
        p = prob[acc_cond][:, None]  # (E, 1)
        p_out = p * acc_pg + (1 - p) * acc_pn
        post_p = np.divide(p * acc_pg, p_out, out=np.zeros_like(p_out), where=p_out > 0)
        g = np.clip(binary_entropy(prob[acc_cond]) - (p_out * binary_entropy(post_p)).sum(axis=1), 0.0, None)
        np.add.at(gain, (acc_test, acc_cond), g * weight[acc_cond])
    totals = gain.sum(axis=1)
    out = [
        ValuedTest(test_id=t.id, value=float(totals[i]), by_condition=gain[i])
        for i, t in enumerate(tests)
        if totals[i] > 0
    ]
    out.sort(key=lambda t: (-t.value, t.test_id))
    return out
