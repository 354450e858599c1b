"""Urgency and safe advice.

Triage is the highest level among (a) the warning-sign rules in ``triage.yaml`` that fire on the
case's findings, measured values and age, and (b) each condition's own ``urgency`` once its
probability of being present reaches the named threshold. Because the result is a maximum, adding
a warning sign can only raise it. Then a safety net that does not depend on naming the cause:
"routine" (self-care) stands only when a harmless cause clearly leads the differential, nothing
points to a cause outside the knowledge base, no must-not-miss condition is still in doubt and no
warning sign is present or left unanswered; otherwise the level is at least "soon", and the
reason says in plain words that the picture does not fit a common cause well.

Advice is chosen from the leading causes and the triage level, then every item is checked:
against the level (self-care never sits beside "get seen today"), against its ``withhold_when``
rules (a fact that makes it unsafe for this person), and against its ``ask_first`` facts (a
contraindication that is not yet known withholds it with "check first" until it is asked). An item
held back is listed with the reason, never silently dropped. At most five items are given, ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from legdx.case import AdviceOut, Triage, WithheldAdvice
from legdx.engine import CaseStates, Posterior, triage_probability
from legdx.kb.compile import BoolArray, CompiledKB, FloatArray, IntArray
from legdx.kb.load import KnowledgeBase
from legdx.kb.schema import AGE_FINDING, AdviceItem, AdviceTag, Condition, Rule, TriageLevel

__all__ = [
    "MAX_ADVICE",
    "CaseFacts",
    "answer_facts",
    "RowFacts",
    "case_facts",
    "choose_advice",
    "outside_evidence",
    "outside_evidence_rows",
    "rule_fires",
    "rule_fires_rows",
    "triage",
    "triage_rows",
]

MAX_ADVICE = 5  # items given to the person, best first
# Loading a leg that hurts for a reason nobody has found can harm it (a torn tendon, a stress
# fracture, a clot): when the cause may lie outside the knowledge base, exercise, stretching and
# heat wait for a clinician's examination.
LOADING_TAGS = frozenset({AdviceTag.EXERCISE, AdviceTag.STRETCHING, AdviceTag.HEAT})
WAIT_FOR_CAUSE = (
    "Your answers do not fit a common cause well, so exercise, stretching and heat should wait until a"
    " clinician has examined the leg and found the cause."
)
DOES_NOT_FIT = (
    "The answers do not fit a common, harmless cause well enough to be sure what this is, "
    "so a clinician should take a look."
)
SIGN_PRESENT = (
    "Your answers include a possible warning sign: {signs}. Nothing points to an emergency, but a clinician "
    "should take a look within days."
)
SIGN_NOT_KNOWN = (
    "Not yet known, and possibly a warning sign: {signs}. Until it is ruled out, a clinician should take a look."
)
NO_WARNING_SIGNS = (
    "No warning signs were found, and the picture fits a common, harmless cause; self-care is reasonable for now."
)
SAFETY_NET = "expert:safety-net"  # the source of the safety net's own rules (sources.yaml)
CHECK_FIRST = "Check with a pharmacist or clinician before trying this: "  # followed by what we do not know


@dataclass(frozen=True)
class CaseFacts:
    """What rules look at: findings present and known, bands of measured values, age, and the
    differential (triage probabilities, the probabilities shown, the competing shares)."""

    present: frozenset[str]
    bands: Mapping[str, str]
    probability: Mapping[str, float]
    known: frozenset[str] = frozenset()  # findings answered either way
    unknown: frozenset[str] = frozenset()  # findings explicitly answered "don't know"
    age: float | None = None
    female: bool | None = None
    share: Mapping[str, float] = field(default_factory=dict)
    other_share: float = 0.0


def case_facts(
    ckb: CompiledKB,
    cs: CaseStates,
    post: Posterior,
    *,
    unknown: frozenset[str] = frozenset(),
    assumed: frozenset[str] = frozenset(),
) -> CaseFacts:
    """Facts for triage: probabilities in which red flags can only raise urgency (engine.triage_probability).

    ``unknown``: findings answered "don't know"; ``assumed``: warning signs the person was unsure
    about, treated as present for triage only (they never move the differential).
    """
    tprob = triage_probability(ckb, post)
    return replace(
        answer_facts(cs),
        present=frozenset(f for f, v in cs.values.items() if v is True) | assumed,
        probability={cid: float(tprob[i]) for i, cid in enumerate(ckb.condition_ids)},
        unknown=unknown,
        share={cid: float(post.share[i]) for i, cid in enumerate(ckb.condition_ids)},
        other_share=post.other_share,
    )


def answer_facts(cs: CaseStates) -> CaseFacts:
    """The facts of the answers alone, before any differential is known."""
    age = cs.values.get(AGE_FINDING)
    return CaseFacts(
        present=frozenset(f for f, v in cs.values.items() if v is True),
        bands=cs.bands,
        probability={},
        known=frozenset(cs.values),
        age=float(age) if age is not None and not isinstance(age, bool) else None,
        female=cs.female,
    )


def outside_evidence(ckb: CompiledKB, cs: CaseStates) -> tuple[tuple[str, float], ...]:
    """The warning signs that point outside the knowledge base and fire on the answers, each with its
    log-LR for "something else" (``engine.posterior``'s ``outside``).

    Only answers count: a warning sign the person was unsure about raises urgency, never the
    differential.
    """
    facts = answer_facts(cs)
    return tuple(
        (rule.id, float(np.log(rule.points_outside.value)))
        for rule in ckb.kb.triage_rules
        if rule.points_outside is not None and rule_fires(rule, facts, ckb.kb)
    )


def outside_evidence_rows(ckb: CompiledKB, facts: RowFacts) -> FloatArray:
    """:func:`outside_evidence` for many rows, summed per row (``engine.row_posterior``'s ``outside``).

    ``facts`` may be :meth:`RowFacts.answers_only`: these rules never look at the differential
    (``TriageRule`` forbids ``probable``).
    """
    total = np.zeros(len(facts.age))
    for rule in ckb.kb.triage_rules:
        if rule.points_outside is not None:
            total += np.where(rule_fires_rows(rule, facts, ckb), np.log(rule.points_outside.value), 0.0)
    return total


def rule_fires(rule: Rule, facts: CaseFacts, kb: KnowledgeBase) -> bool:
    """True when every non-empty clause of ``rule`` holds for ``facts``.

    >>> from legdx.kb.schema import Rule
    >>> facts = CaseFacts(frozenset({"fever"}), {}, {}, age=70)
    >>> rule_fires(Rule(all=["fever"]), facts, None), rule_fires(Rule(all=["fever", "dark_urine"]), facts, None)
    (True, False)
    >>> older, unless_fever = Rule(all=["fever"], age_at_least=65), Rule(all=["fever"], none=["fever"])
    >>> rule_fires(older, facts, None), rule_fires(unless_fever, facts, None)
    (True, False)
    """
    if rule.always:
        return True
    if rule.all and not all(f in facts.present for f in rule.all):
        return False
    if rule.any and not any(f in facts.present for f in rule.any):
        return False
    if rule.also_any and not any(f in facts.present for f in rule.also_any):
        return False
    if rule.none and any(f in facts.present for f in rule.none):
        return False
    if rule.unless_no and any(f in facts.known and f not in facts.present for f in rule.unless_no):
        return False
    if rule.age_at_least is not None and (facts.age is None or facts.age < rule.age_at_least):
        return False
    if rule.age_below is not None and (facts.age is None or facts.age >= rule.age_below):
        return False
    if rule.bands and not any(facts.bands.get(f) in bs for f, bs in rule.bands.items()):
        return False
    if rule.unless_bands and any(facts.bands.get(f) in bs for f, bs in rule.unless_bands.items()):
        return False
    if rule.probable and not any(facts.probability.get(c, 0.0) >= kb.threshold(t) for c, t in rule.probable.items()):
        return False
    return True


def _why_not_routine(kb: KnowledgeBase, facts: CaseFacts) -> str | None:
    """The safety net: self-care only when a harmless cause clearly explains the picture.

    Returns None when self-care stands, otherwise the plain reason it does not: a warning sign
    present (that no rule made more urgent), one left unanswered, or a picture that does not fit.
    """
    present = sorted(f for f in facts.present if _warning_sign_here(kb, f, facts))
    if present:
        return SIGN_PRESENT.format(signs=_listed(kb.findings[f].plain for f in present))
    unknown = sorted(f for f in facts.unknown if _warning_sign_here(kb, f, facts))
    if unknown:
        return SIGN_NOT_KNOWN.format(signs=_listed(kb.findings[f].plain for f in unknown))
    return None if _harmless_cause_leads(kb, facts) else DOES_NOT_FIT


def _warning_sign_here(kb: KnowledgeBase, finding: str, facts: CaseFacts) -> bool:
    """Is this finding a warning sign for the safety net in this case? Not when what explains it is
    present (``expected_with``: a swollen ankle, or a sudden start, after rolling the ankle)."""
    f = kb.findings[finding]
    return f.red_flag and not any(other in facts.present for other in f.expected_with)


def _listed(labels: Iterable[str]) -> str:
    """The labels as "a; b; c" (a label may hold its own commas: "a fever, or feeling hot and shivery")."""
    return "; ".join(labels)


def _harmless_cause_leads(kb: KnowledgeBase, facts: CaseFacts) -> bool:
    if not facts.share:
        return True
    leader = max(facts.share, key=lambda c: facts.share[c])
    cond = kb.conditions[leader]
    # A harmless cause: not a must-not-miss, and one that never warrants more than a visit within
    # days (whether it does here is its own urgency rule, applied above when it is likely enough).
    if cond.must_not_miss or cond.urgency.level.rank > TriageLevel.SOON.rank:
        return False
    if facts.share[leader] < kb.threshold("clear_lead") or facts.other_share >= kb.threshold("unexplained"):
        return False
    doubt = kb.threshold("danger_doubt")
    return not any(c.must_not_miss and facts.probability.get(cid, 0.0) >= doubt for cid, c in kb.conditions.items())


def _outshone(cond: Condition) -> bool:
    """May this condition's urgency give way when another cause explains the picture far better?
    Only a check within days or the same day for a cause that is not must-not-miss (a torn Achilles
    tendon beside a sprain that explains the pop): an emergency urgency, or a dangerous cause,
    always applies once the cause is possible."""
    return not cond.must_not_miss and cond.urgency.level in (TriageLevel.SOON, TriageLevel.URGENT)


def triage(kb: KnowledgeBase, facts: CaseFacts) -> tuple[Triage, list[str]]:
    """Return the triage (level and reasons, most urgent first) and the warning signs found."""
    fired: list[tuple[TriageLevel, str]] = []
    red_flags: list[str] = []
    for rule in kb.triage_rules:
        if rule_fires(rule, facts, kb):
            fired.append((rule.level, rule.reason))
            if rule.level.rank >= TriageLevel.URGENT.rank:
                red_flags.append(rule.reason)
    for cid, cond in kb.conditions.items():
        p = facts.probability.get(cid, 0.0)
        # a cause that is not must-not-miss but clearly leads the differential is possible whatever
        # its probability alone: otherwise a rare cause (low prior) that explains the picture best
        # would be passed over, and the safety net would call it a harmless lead
        leads = not cond.must_not_miss and facts.share.get(cid, 0.0) >= kb.threshold("clear_lead")
        if cond.urgency.level is TriageLevel.ROUTINE or (p < kb.threshold(cond.urgency.threshold) and not leads):
            continue
        if _outshone(cond) and facts.share.get(cid, 0.0) < kb.threshold("possible_share"):
            continue  # possible, but another cause explains the picture far better: a check within days can wait
        # no percentage here: the result shows each cause's share once, in its own words
        fired.append((cond.urgency.level, f"{cond.lay_name} is possible: {cond.urgency.reason}"))
    if not fired or max(level.rank for level, _ in fired) == TriageLevel.ROUTINE.rank:
        held_back = _why_not_routine(kb, facts)
        if held_back is None:
            return Triage(level=TriageLevel.ROUTINE, reasons=[NO_WARNING_SIGNS]), red_flags
        fired.append((TriageLevel.SOON, held_back))
    fired.sort(key=lambda lr: -lr[0].rank)
    top = fired[0][0]
    reasons = list(dict.fromkeys(reason for level, reason in fired if level is top))
    reasons += list(dict.fromkeys(reason for level, reason in fired if level is not top))
    return Triage(level=top, reasons=reasons), list(dict.fromkeys(red_flags))


# ---------------------------------------------------------------- many rows at once (legdx screen)


@dataclass(frozen=True)
class RowFacts:
    """What :func:`triage` looks at, for many rows: the answer codes of ``engine.row_posterior``
    (0 unknown, ``i + 1`` the finding's ``i``-th state), age, and the differential."""

    finding_ids: tuple[str, ...]
    codes: npt.NDArray[np.integer[Any]]  # (N, len(finding_ids))
    age: FloatArray  # (N,) NaN when unknown
    probability: FloatArray  # (N, C) triage probabilities (engine.RowPosterior.triage_probability)
    share: FloatArray  # (N, C)
    other_share: FloatArray  # (N,)

    @classmethod
    def answers_only(
        cls, finding_ids: tuple[str, ...], codes: npt.NDArray[np.integer[Any]], age: FloatArray
    ) -> RowFacts:
        """The answers before the differential is known (its arrays are empty until :meth:`with_differential`)."""
        n = len(age)
        return cls(finding_ids, codes, age, np.empty((n, 0)), np.empty((n, 0)), np.empty(n))

    def with_differential(self, probability: FloatArray, share: FloatArray, other_share: FloatArray) -> RowFacts:
        """The same answers with the differential; the column-major copy of the codes is kept, not made again."""
        out = replace(self, probability=probability, share=share, other_share=other_share)
        if "_columns" in self.__dict__:
            out.__dict__["_columns"] = self.__dict__["_columns"]  # cached_property's own slot: same answers
        return out

    @cached_property
    def _columns(self) -> tuple[dict[str, int], npt.NDArray[np.integer[Any]]]:
        """Each finding's column, and the codes one finding after another: the rules read whole
        columns, which a row-major matrix would spread over a cache line per row."""
        return {f: i for i, f in enumerate(self.finding_ids)}, np.ascontiguousarray(self.codes.T)

    def _column(self, finding: str) -> npt.NDArray[np.integer[Any]] | None:
        index, by_finding = self._columns
        return by_finding[index[finding]] if finding in index else None

    def present(self, finding: str) -> BoolArray:
        """Rows where a binary finding is present (a finding without a column is never present)."""
        column = self._column(finding)
        return np.zeros(len(self.age), dtype=bool) if column is None else column == 1

    def absent(self, finding: str) -> BoolArray:
        """Rows where a binary finding was answered "no" (a finding without a column never was)."""
        column = self._column(finding)
        return np.zeros(len(self.age), dtype=bool) if column is None else column == 2

    def in_bands(self, kb: KnowledgeBase, finding: str, bands: list[str]) -> BoolArray:
        """Rows where a measured finding falls in one of ``bands``."""
        column = self._column(finding)
        if column is None:
            return np.zeros(len(self.age), dtype=bool)
        codes = [i + 1 for i, b in enumerate(kb.findings[finding].bands) if b.id in bands]
        result: BoolArray = np.isin(column, codes)
        return result


def rule_fires_rows(rule: Rule, facts: RowFacts, ckb: CompiledKB) -> BoolArray:
    """:func:`rule_fires` for every row at once, clause by clause."""
    kb = ckb.kb
    n = len(facts.age)
    fires = np.ones(n, dtype=bool)
    if rule.always:
        return fires

    def anyof(findings: list[str]) -> BoolArray:
        out = np.zeros(n, dtype=bool)
        for f in findings:
            out |= facts.present(f)
        return out

    for f in rule.all:
        fires &= facts.present(f)
    if rule.any:
        fires &= anyof(rule.any)
    if rule.also_any:
        fires &= anyof(rule.also_any)
    if rule.none:
        fires &= ~anyof(rule.none)
    for f in rule.unless_no:
        fires &= ~facts.absent(f)
    with np.errstate(invalid="ignore"):  # NaN (unknown age) compares false, as None fails the rule
        if rule.age_at_least is not None:
            fires &= facts.age >= rule.age_at_least
        if rule.age_below is not None:
            fires &= facts.age < rule.age_below
    if rule.bands:
        hit = np.zeros(n, dtype=bool)
        for f, bs in rule.bands.items():
            hit |= facts.in_bands(kb, f, bs)
        fires &= hit
    for f, bs in rule.unless_bands.items():
        fires &= ~facts.in_bands(kb, f, bs)
    if rule.probable:
        likely = np.zeros(n, dtype=bool)
        for c, t in rule.probable.items():
            likely |= facts.probability[:, ckb.condition_index[c]] >= kb.threshold(t)
        fires &= likely
    return fires


def triage_rows(ckb: CompiledKB, facts: RowFacts) -> IntArray:
    """The triage level of every row as its rank (``TriageLevel.rank``): the rules of :func:`triage`.

    Rows differ from one case only in what they cannot hold: no "don't know" answers and no
    findings read from text, so no warning sign is assumed.
    """
    kb = ckb.kb
    n = len(facts.age)
    top = np.full(n, -1, dtype=np.int64)  # -1: nothing fired
    for rule in kb.triage_rules:
        top = np.where(rule_fires_rows(rule, facts, ckb), np.maximum(top, rule.level.rank), top)
    for ci, cid in enumerate(ckb.condition_ids):
        cond = kb.conditions[cid]
        if cond.urgency.level is not TriageLevel.ROUTINE:
            likely = facts.probability[:, ci] >= kb.threshold(cond.urgency.threshold)
            if not cond.must_not_miss:
                likely |= facts.share[:, ci] >= kb.threshold("clear_lead")
            if _outshone(cond):
                likely &= facts.share[:, ci] >= kb.threshold("possible_share")
            top = np.where(likely, np.maximum(top, cond.urgency.level.rank), top)
    # The safety net of _why_not_routine, for the rows that would otherwise be routine.
    unsafe = np.zeros(n, dtype=bool)
    for f in facts.finding_ids:
        if kb.findings[f].red_flag:
            explained = np.zeros(n, dtype=bool)
            for other in kb.findings[f].expected_with:
                explained |= facts.present(other)
            unsafe |= facts.present(f) & ~explained
    leader = facts.share.argmax(axis=1)  # the first of equal shares, as max() over the dict
    harmless = np.array(
        [not c.must_not_miss and c.urgency.level.rank <= TriageLevel.SOON.rank for c in kb.conditions.values()]
    )
    unsafe |= ~harmless[leader]
    unsafe |= facts.share[np.arange(n), leader] < kb.threshold("clear_lead")
    unsafe |= facts.other_share >= kb.threshold("unexplained")
    must_not_miss = np.array([c.must_not_miss for c in kb.conditions.values()])
    unsafe |= (facts.probability[:, must_not_miss] >= kb.threshold("danger_doubt")).any(axis=1)
    routine = top <= TriageLevel.ROUTINE.rank
    result: IntArray = np.where(routine, np.where(unsafe, TriageLevel.SOON.rank, TriageLevel.ROUTINE.rank), top)
    return result


_STANDING = {AdviceTag.EMERGENCY_CARE: 0, AdviceTag.SEE_CLINICIAN: 1}


def _allowed_at(item: AdviceItem, level: TriageLevel) -> bool:
    if item.for_triage:
        return level in item.for_triage
    if level is TriageLevel.EMERGENCY:
        return AdviceTag.EMERGENCY_CARE in item.tags  # self-care must not delay emergency care
    return level in item.given_at


def _ask_first_reason(kb: KnowledgeBase, item: AdviceItem, facts: CaseFacts) -> str | None:
    """Why the item must wait: a contraindication that has not been asked yet (None when all are known)."""
    missing = []
    for first in item.ask_first:
        if first.finding == AGE_FINDING:
            known = facts.age is not None
        else:  # pregnancy and the like are known not to apply to a male
            known = first.finding in facts.known or (
                facts.female is False and kb.findings[first.finding].sex == "female"
            )
        if not known:
            missing.append(first.why.rstrip("."))
    return CHECK_FIRST + "; ".join(missing) + "." if missing else None


def choose_advice(
    kb: KnowledgeBase,
    facts: CaseFacts,
    level: TriageLevel,
    leading: list[str],
    also_likely: Sequence[str] = (),
) -> tuple[list[AdviceOut], list[WithheldAdvice]]:
    """Pick advice for the triage level and the leading causes (most likely first), safely.

    Returns at most :data:`MAX_ADVICE` items, ranked: emergency care, then seeing a clinician,
    then what the leading causes call for (the likelier cause first, then each item's ``rank``).
    Items that could harm this person, or whose safety depends on a fact not yet asked, are
    returned in the second list with the reason. ``also_likely``: conditions likely to be present
    that do not lead; their advice is never given, but what would be unsafe in it is listed too
    (compression with arterial disease beside a venous cause). When the cause may lie outside the
    knowledge base (the safety net's "unexplained" share), the leading causes' loading advice
    (:data:`LOADING_TAGS`) waits.
    """
    cause_unclear = facts.other_share >= kb.threshold("unexplained")
    candidates: dict[str, int] = {}  # advice id -> position of the cause that calls for it
    for a in kb.advice.values():
        if level in a.for_triage:
            candidates.setdefault(a.id, -1)
    for pos, cid in enumerate(leading):
        for aid in kb.conditions[cid].advice:
            candidates.setdefault(aid, pos)
    for a in kb.advice.values():
        if a.offer_when is not None and rule_fires(a.offer_when, facts, kb):
            candidates.setdefault(a.id, len(leading))
    warn_only = {aid: None for cid in also_likely for aid in kb.conditions[cid].advice if aid not in candidates}
    given: list[tuple[tuple[int, int, int], AdviceItem]] = []
    withheld: list[WithheldAdvice] = []
    for aid in [*candidates, *warn_only]:
        item = kb.advice[aid]
        if item.requires is not None and not rule_fires(item.requires, facts, kb):
            continue
        # What would be unsafe for this person is shown as withheld at any level (a clinician and
        # the person should know that compression or exercise is wrong here), before the level filter.
        unsafe = next((r for r in item.withhold_when if rule_fires(r, facts, kb)), None)
        if unsafe is not None:
            withheld.append(WithheldAdvice(id=item.id, tags=list(item.tags), why=unsafe.why, source=unsafe.source))
            continue
        if aid in warn_only or not _allowed_at(item, level):
            continue
        if cause_unclear and candidates[aid] >= 0 and LOADING_TAGS & set(item.tags):
            withheld.append(WithheldAdvice(id=item.id, tags=list(item.tags), why=WAIT_FOR_CAUSE, source=SAFETY_NET))
            continue
        wait = _ask_first_reason(kb, item, facts)
        if wait is not None:
            withheld.append(WithheldAdvice(id=item.id, tags=list(item.tags), why=wait, source=item.source))
            continue
        standing = min((_STANDING.get(t, 2) for t in item.tags), default=2)
        given.append(((standing, candidates[aid], item.rank), item))
    given.sort(key=lambda x: x[0])
    chosen = [item for _, item in given[:MAX_ADVICE]]
    return [AdviceOut(id=a.id, text=a.text, tags=list(a.tags), source=a.source) for a in chosen], withheld
