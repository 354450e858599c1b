"""Compile a validated knowledge base into frozen numpy arrays, once.

Every answer a finding can take is a *state*: a binary finding has two (present, absent), a
numeric finding one per band. ``llr[s, c]`` is the log likelihood ratio that state ``s`` applies
to condition ``c`` (0 when the condition file does not mention the finding). ``p_given[s, c]``
and ``p_given_not[s, c]`` are the probabilities of each state with and without the condition,
used to value questions and tests by expected information.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from legdx.kb.load import KnowledgeBase
from legdx.kb.schema import Condition, FindingCategory, FindingKind, FindingLink

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PRESENT, ABSENT = "present", "absent"
# Findings a cause must explain (risk factors, medicines and history need not be explained by it).
SYMPTOMS_AND_SIGNS = frozenset(
    {
        FindingCategory.RED_FLAG,
        FindingCategory.PATTERN,
        FindingCategory.CHARACTER,
        FindingCategory.PLACE,
        FindingCategory.SIGN,
        FindingCategory.EXAM,
    }
)


@dataclass(frozen=True, eq=False)
class CompiledKB:
    kb: KnowledgeBase
    condition_ids: tuple[str, ...]
    condition_index: dict[str, int]
    finding_ids: tuple[str, ...]
    finding_index: dict[str, int]
    state_names: tuple[tuple[str, str], ...]  # (finding id, state id) per state
    state_index: dict[tuple[str, str], int]
    finding_states: tuple[tuple[int, ...], ...]  # state indices of each finding
    state_finding: IntArray  # (S,) finding index of each state
    finding_group: IntArray  # (F,) correlation group index, -1 when ungrouped
    group_names: tuple[str, ...]
    prior_logodds: FloatArray  # (C,)
    prior_logshare: FloatArray  # (C,) log prior share of each condition in the competing differential
    other_logshare: float  # log prior share of "something else"
    other_llr: FloatArray  # (S,) log-LR of each state for "something else"
    other_sources: dict[int, str]  # state -> source id of the number used for "something else"
    temperature: float  # shares use log-likelihood ratios divided by this (calibration)
    female_only: npt.NDArray[np.bool_]  # (C,)
    danger_weight: FloatArray  # (C,) weight in expected-information sums
    llr: FloatArray  # (S, C)
    p_given: FloatArray  # (S, C)
    p_given_not: FloatArray  # (S, C)
    sources: dict[tuple[int, int], str]  # (state, condition) -> source id of the number used
    damping: float
    red_flag_sign: IntArray  # (S,) +1 for a red flag answered yes, -1 answered no, 0 otherwise

    @property
    def version(self) -> str:
        return self.kb.meta.kb_version

    def checksum(self) -> str:
        """The knowledge base's checksum (:attr:`KnowledgeBase.checksum`): what stored assessments keep."""
        return self.kb.checksum


def _binary_link(link: FindingLink) -> tuple[float, float, str, str]:
    """Return (sensitivity, specificity, source when present, source when absent) of a binary link."""
    if link.sensitivity is not None and link.specificity is not None:
        return (link.sensitivity.value, link.specificity.value, link.sensitivity.source, link.specificity.source)
    assert link.lr_pos is not None and link.lr_neg is not None  # guaranteed by FindingLink
    lp, ln = link.lr_pos.value, link.lr_neg.value
    # Solve LR+ = sens / (1 - spec) and LR- = (1 - sens) / spec for sens and spec.
    spec = (lp - 1.0) / (lp - ln)
    sens = lp * (1.0 - spec)
    return sens, spec, link.lr_pos.source, link.lr_neg.source


def compile_kb(kb: KnowledgeBase) -> CompiledKB:
    """Compile ``kb`` into arrays. Pure: the same KB always gives the same arrays."""
    conditions: list[Condition] = list(kb.conditions.values())
    cids = tuple(c.id for c in conditions)
    fids = tuple(kb.findings)
    states: list[tuple[str, str]] = []
    finding_states: list[tuple[int, ...]] = []
    for fid in fids:
        f = kb.findings[fid]
        names = [PRESENT, ABSENT] if f.kind is FindingKind.BINARY else [b.id for b in f.bands]
        start = len(states)
        states.extend((fid, s) for s in names)
        finding_states.append(tuple(range(start, len(states))))
    state_index = {s: i for i, s in enumerate(states)}
    n_s, n_c = len(states), len(cids)

    llr = np.zeros((n_s, n_c))
    # Unlinked findings carry no information: equal state probabilities with and without.
    p_given = np.zeros((n_s, n_c))
    for idxs in finding_states:
        p_given[list(idxs), :] = 1.0 / len(idxs)
    p_given_not = p_given.copy()
    sources: dict[tuple[int, int], str] = {}

    def link_column(link: FindingLink, llr_col: FloatArray, pg_col: FloatArray, pn_col: FloatArray) -> dict[int, str]:
        """Fill one hypothesis's column from one finding link; returns the source of each state's number."""
        f = kb.findings[link.finding]
        idxs = finding_states[fids.index(f.id)]
        if f.kind is FindingKind.BINARY:
            sens, spec, src_pos, src_neg = _binary_link(link)
            s_pres, s_abs = idxs
            llr_col[s_pres] = np.log(sens / (1.0 - spec))
            llr_col[s_abs] = np.log((1.0 - sens) / spec)
            pg_col[s_pres], pg_col[s_abs] = sens, 1.0 - sens
            pn_col[s_pres], pn_col[s_abs] = 1.0 - spec, spec
            return {s_pres: src_pos, s_abs: src_neg}
        band_lr = link.band_lr or {}
        lrs = np.array([band_lr[b.id].value if b.id in band_lr else 1.0 for b in f.bands])
        llr_col[list(idxs)] = np.log(lrs)
        # With no population distribution of the value in data, take the bands as equally
        # common without the condition; with it, proportional to their LRs. Used only to
        # rank questions and tests, never in the posterior.
        pn_col[list(idxs)] = 1.0 / len(idxs)
        pg_col[list(idxs)] = lrs / lrs.sum()
        return {state_index[(f.id, b.id)]: band_lr[b.id].source for b in f.bands if b.id in band_lr}

    for ci, cond in enumerate(conditions):
        for link in cond.findings:
            for state, source in link_column(link, llr[:, ci], p_given[:, ci], p_given_not[:, ci]).items():
                sources[(state, ci)] = source
    # A symptom or sign that a condition's file does not mention is, if present, slightly against it:
    # the condition does not explain it (the people who have it are mostly among the other causes).
    unexplained = kb.thresholds.get("unexplained_finding_lr")
    if unexplained is not None:
        lr = unexplained.value.value
        # what each condition accounts for: the findings it links, and those it explains without an LR
        explained = [{link.finding for link in cond.findings} | set(cond.explains) for cond in conditions]
        for fi, fid in enumerate(fids):
            f = kb.findings[fid]
            if f.kind is not FindingKind.BINARY or f.category not in SYMPTOMS_AND_SIGNS:
                continue
            s_pres = finding_states[fi][0]
            for ci, accounted in enumerate(explained):
                if fid not in accounted:
                    llr[s_pres, ci] = np.log(lr)
                    sources[(s_pres, ci)] = unexplained.value.source

    # "Something else" (a cause outside the knowledge base) is one more hypothesis with its own column.
    other_llr = np.zeros(n_s)
    other_sources: dict[int, str] = {}
    other = kb.something_else
    if other is not None:
        spare_pg, spare_pn = p_given[:, 0].copy(), p_given_not[:, 0].copy()  # not used for questions
        for link in other.findings:
            other_sources.update(link_column(link, other_llr, spare_pg, spare_pn))
    other_share = other.prior.value if other is not None else 0.0

    group_names = tuple(sorted({f.group for f in kb.findings.values() if f.group}))
    finding_group = np.array(
        [group_names.index(kb.findings[f].group) if kb.findings[f].group else -1 for f in fids],
        dtype=np.int64,
    )
    priors = np.array([c.prior.value for c in conditions])
    # Prior shares: the conditions' base rates, scaled so that they and "something else" add up to 1.
    prior_share = (1.0 - other_share) * priors / priors.sum()
    danger = kb.threshold("danger_weight")
    return CompiledKB(
        kb=kb,
        condition_ids=cids,
        condition_index={c: i for i, c in enumerate(cids)},
        finding_ids=fids,
        finding_index={f: i for i, f in enumerate(fids)},
        state_names=tuple(states),
        state_index=state_index,
        finding_states=tuple(finding_states),
        state_finding=np.array([fids.index(f) for f, _ in states], dtype=np.int64),
        finding_group=finding_group,
        group_names=group_names,
        prior_logodds=np.log(priors / (1.0 - priors)),
        prior_logshare=np.log(prior_share),
        other_logshare=float(np.log(other_share)) if other_share > 0 else -np.inf,
        other_llr=other_llr,
        other_sources=other_sources,
        temperature=kb.threshold("share_temperature"),
        female_only=np.array([c.sex == "female" for c in conditions]),
        danger_weight=np.array([danger if c.must_not_miss else 1.0 for c in conditions]),
        llr=llr,
        p_given=p_given,
        p_given_not=p_given_not,
        sources=sources,
        damping=kb.threshold("group_damping"),
        red_flag_sign=np.array(
            [(1 if s == PRESENT else -1) if kb.findings[f].red_flag else 0 for f, s in states], dtype=np.int64
        ),
    )
