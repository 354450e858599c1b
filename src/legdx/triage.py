"""Urgency and safe advice.

Triage is the highest level among (a) red-flag rules in ``triage.yaml`` that fire on the case's
findings and measured values and (b) each condition's own ``urgency`` once its probability reaches
the named threshold. Because the result is a maximum, adding a red flag can only raise it.

Advice is chosen from the leading conditions and the triage level, then every item is checked
against its ``withhold_when`` rules; an item that could harm this person is moved to
``withheld`` with the reason, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from legdx.case import AdviceOut, Triage, WithheldAdvice
from legdx.engine import CaseStates, Posterior, triage_probability
from legdx.kb.compile import CompiledKB
from legdx.kb.load import KnowledgeBase
from legdx.kb.schema import AdviceItem, AdviceTag, Rule, TriageLevel

__all__ = ["CaseFacts", "case_facts", "choose_advice", "rule_fires", "triage"]


@dataclass(frozen=True)
class CaseFacts:
    """What rules look at: findings present, bands of measured values, condition probabilities."""

    present: frozenset[str]
    bands: Mapping[str, str]
    probability: Mapping[str, float]
    reported: Mapping[str, float] | None = None  # the probabilities shown to the person, for reason texts


def case_facts(ckb: CompiledKB, cs: CaseStates, post: Posterior) -> CaseFacts:
    """Facts for triage: probabilities in which red flags can only raise urgency (engine.triage_probability)."""
    tprob = triage_probability(ckb, post)
    probability = {cid: float(tprob[i]) for i, cid in enumerate(ckb.condition_ids)}
    present = frozenset(f for f, v in cs.values.items() if v is True)
    reported = {cid: float(post.probability[i]) for i, cid in enumerate(ckb.condition_ids)}
    return CaseFacts(present=present, bands=cs.bands, probability=probability, reported=reported)


def rule_fires(rule: Rule, facts: CaseFacts, kb: KnowledgeBase) -> bool:
    """True when every non-empty clause of ``rule`` holds for ``facts``.

    >>> from legdx.kb.schema import Rule
    >>> facts = CaseFacts(frozenset({"fever"}), {}, {})
    >>> rule_fires(Rule(all=["fever"]), facts, None), rule_fires(Rule(all=["fever", "dark_urine"]), facts, None)
    (True, False)
    """
    if rule.always:
        return True
    if rule.all and not all(f in facts.present for f in rule.all):
        return False
    if rule.any and not any(f in facts.present for f in rule.any):
        return False
    if rule.bands and not any(facts.bands.get(f) in bs for f, bs in rule.bands.items()):
        return False
    if rule.unless_bands and any(facts.bands.get(f) in bs for f, bs in rule.unless_bands.items()):
        return False
    if rule.probable and not any(facts.probability.get(c, 0.0) >= kb.threshold(t) for c, t in rule.probable.items()):
        return False
    return True


def triage(kb: KnowledgeBase, facts: CaseFacts) -> tuple[Triage, list[str]]:
    """Return the triage (level and reasons, most urgent first) and the red flags found."""
    fired: list[tuple[TriageLevel, str]] = []
    red_flags: list[str] = []
    for rule in kb.triage_rules:
        if rule_fires(rule, facts, kb):
            fired.append((rule.level, rule.reason))
            if rule.level.rank >= TriageLevel.URGENT.rank:
                red_flags.append(rule.reason)
    for cid, cond in kb.conditions.items():
        p = facts.probability.get(cid, 0.0)
        if p >= kb.threshold(cond.urgency.threshold) and cond.urgency.level is not TriageLevel.ROUTINE:
            shown = (facts.reported or facts.probability).get(cid, p)
            fired.append((cond.urgency.level, f"{cond.lay_name} is {shown:.0%} likely: {cond.urgency.reason}"))
    if not fired:
        return Triage(
            level=TriageLevel.ROUTINE, reasons=["No warning signs were found; self-care is reasonable for now."]
        ), []
    fired.sort(key=lambda lr: -lr[0].rank)
    top = fired[0][0]
    reasons = list(dict.fromkeys(reason for level, reason in fired if level is top))
    reasons += list(dict.fromkeys(reason for level, reason in fired if level is not top))
    return Triage(level=top, reasons=reasons), list(dict.fromkeys(red_flags))


_TAG_ORDER = {AdviceTag.EMERGENCY_CARE: 0, AdviceTag.SEE_CLINICIAN: 1}


def _order(item: AdviceItem) -> int:
    return min((_TAG_ORDER.get(t, 2) for t in item.tags), default=2)


def choose_advice(
    kb: KnowledgeBase, facts: CaseFacts, level: TriageLevel, leading: list[str]
) -> tuple[list[AdviceOut], list[WithheldAdvice]]:
    """Pick advice for the triage level and the leading conditions, withholding unsafe items.

    In an emergency only the emergency guidance is given: self-care must not delay care.
    """
    candidates: list[str] = [a.id for a in kb.advice.values() if level in a.for_triage]
    if level is TriageLevel.EMERGENCY:  # only condition-specific emergency guidance joins it
        candidates.extend(
            aid
            for cid in leading
            for aid in kb.conditions[cid].advice
            if AdviceTag.EMERGENCY_CARE in kb.advice[aid].tags
        )
    else:
        for cid in leading:
            candidates.extend(kb.conditions[cid].advice)
        candidates.extend(
            a.id for a in kb.advice.values() if a.offer_when is not None and rule_fires(a.offer_when, facts, kb)
        )
    given: list[AdviceItem] = []
    withheld: list[WithheldAdvice] = []
    for aid in dict.fromkeys(candidates):
        item = kb.advice[aid]
        reason = next((r for r in item.withhold_when if rule_fires(r, facts, kb)), None)
        if reason is None:
            given.append(item)
        else:
            withheld.append(WithheldAdvice(id=item.id, tags=list(item.tags), why=reason.why, source=reason.source))
    given.sort(key=_order)  # stable: emergency first, then clinician contact, then self-care
    return [AdviceOut(id=a.id, text=a.text, tags=list(a.tags), source=a.source) for a in given], withheld
