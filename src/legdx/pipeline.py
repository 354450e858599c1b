"""The pipeline: one call, :func:`assess`, that every door makes (Case in, Assessment out).

text -> findings (intake) -> states -> posterior (engine) -> triage -> advice -> tests -> Assessment.
The CLI, the JSON API, the web pages, both interviews, the evaluation harness, FHIR and batch all
call :func:`assess`; none of them wires these steps itself, so a case gets the same answer through
every door. The only other thing a door may do is parse its input (``legdx.case.parse_case``),
render the result (``legdx.report``) or store it (``legdx.store``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import cache, partial

import numpy as np

from legdx.case import (
    Answered,
    Assessment,
    Case,
    ConditionResult,
    Contribution,
    ManagementOut,
    NextTest,
    SomethingElse,
    SourceOut,
    UnderstoodFinding,
    WarningSignContribution,
    check_case,
)
from legdx.engine import CaseStates, Posterior, posterior, resolve_states, value_of_tests
from legdx.errors import InvalidCase, TextReaderUnavailable
from legdx.kb.compile import PRESENT, CompiledKB, FloatArray, compile_kb
from legdx.kb.load import load_kb
from legdx.kb.schema import FEMALE_FINDING, FindingCategory, FindingKind, TriageLevel
from legdx.triage import case_facts, choose_advice, outside_evidence, triage

__all__ = ["assess", "default_compiled", "read_text"]

log = logging.getLogger(__name__)

MAX_NEXT_TESTS = 5
SHARE_DIGITS = 9  # shares are rounded finely enough that they still add up to 1 within 1e-6
LEADING_SHARE = 0.1  # a cause with at least this share of the differential shapes the advice
MIN_TEST_VALUE_BITS = 0.01
TEST_FOCUS = 0.5  # at least this part of a test's value must concern causes that are in play ...
TEST_IN_PLAY = 0.05  # ... that is, at least this likely to be present
EMERGENCY_PREFIX = "EMERGENCY - get help now: "
UNSURE_PREFIX = "You were not sure about a warning sign, so to be safe it is treated as present: "


@cache
def default_compiled() -> CompiledKB:
    """The packaged knowledge base, loaded and compiled once per process."""
    return compile_kb(load_kb())


def _state_label(ckb: CompiledKB, fid: str, state: str, *, plain: bool = False) -> str:
    """A finding's state in a clinician's words ("no calf swelling"), or with ``plain`` in the
    person's ("Swollen calf: no"). Sex reads as female / male, never as "no female sex"."""
    f = ckb.kb.findings[fid]
    if fid == FEMALE_FINDING:
        return "Female" if state == PRESENT else "Male"
    label = f.plain if plain else f.clinician_label
    if f.kind is FindingKind.BINARY:
        if state == PRESENT:
            return label
        return f"{label}: no" if plain else f"no {label[0].lower()}{label[1:]}"
    band = next(b for b in f.bands if b.id == state)
    return f"{label}: {band.label}"


def _contributions(
    ckb: CompiledKB, post: Posterior, column: FloatArray, sources: Callable[[int], str]
) -> list[Contribution]:
    """The answered states that moved one hypothesis, largest first (they add up to its evidence)."""
    out = []
    for row, s in enumerate(post.states):
        lo = float(column[row])
        if abs(lo) < 1e-9:
            continue
        fid, state = ckb.state_names[s]
        out.append(
            Contribution.model_construct(
                finding=fid,
                state=state,
                label=_state_label(ckb, fid, state),
                plain=_state_label(ckb, fid, state, plain=True),
                log_odds=round(lo, 6),
                source=sources(int(s)),
            )
        )
    out.sort(key=lambda c: -abs(c.log_odds))
    return out


def _source(ckb: CompiledKB, condition: int, state: int) -> str:
    return ckb.sources.get((state, condition), "")


def _condition_results(ckb: CompiledKB, post: Posterior) -> list[ConditionResult]:
    """Every condition, the likeliest cause first (by share, then by probability of being present)."""
    results = []
    priors = 1.0 / (1.0 + np.exp(-ckb.prior_logodds))
    prior_shares = np.exp(ckb.prior_logshare)
    possible = ckb.kb.threshold("possible")
    for ci in np.lexsort((-post.probability, -post.share)):
        cond = ckb.kb.conditions[ckb.condition_ids[ci]]
        alongside = [
            other
            for other in ckb.condition_ids
            if post.probability[ci] >= possible
            and post.probability[ckb.condition_index[other]] >= possible
            and (other in cond.alongside or cond.id in ckb.kb.conditions[other].alongside)
        ]
        results.append(
            ConditionResult.model_construct(
                id=cond.id,
                name=cond.name,
                lay_name=cond.lay_name,
                icd10=list(cond.icd10),
                snomed=list(cond.snomed),
                probability=round(float(post.probability[ci]), 6),
                share=round(float(post.share[ci]), SHARE_DIGITS),
                prior=round(float(priors[ci]), 6),
                prior_share=round(float(prior_shares[ci]), SHARE_DIGITS),
                contributions=_contributions(ckb, post, post.contributions[:, ci], partial(_source, ckb, int(ci))),
                alongside=alongside,
            )
        )
    return results


def _something_else(ckb: CompiledKB, post: Posterior) -> SomethingElse:
    other = ckb.kb.something_else
    matters = other is not None and post.other_share >= ckb.kb.threshold("unexplained")
    return SomethingElse(
        share=round(post.other_share, SHARE_DIGITS),
        says=other.says if matters and other is not None else "",
        prior_share=round(float(np.exp(ckb.other_logshare)), SHARE_DIGITS),
        contributions=_contributions(ckb, post, post.other_contributions, lambda s: ckb.other_sources.get(s, "")),
        warning_signs=[_warning_sign_contribution(ckb, rule_id, lo) for rule_id, lo in post.other_from_rules],
    )


def _warning_sign_contribution(ckb: CompiledKB, rule_id: str, log_odds: float) -> WarningSignContribution:
    rule = next(r for r in ckb.kb.triage_rules if r.id == rule_id)
    assert rule.points_outside is not None  # only such rules are in Posterior.other_from_rules
    return WarningSignContribution(
        rule=rule_id, reason=rule.reason, log_odds=round(log_odds, 6), source=rule.points_outside.source
    )


def _contributing_factors(ckb: CompiledKB, post: Posterior, leading: list[str], bands: dict[str, str]) -> list[str]:
    """Present findings (or measured bands) that raise one of the leading conditions and say how."""
    out: list[str] = []
    lead_idx = [ckb.condition_index[c] for c in leading]
    for row, s in enumerate(post.states):
        fid, state = ckb.state_names[s]
        f = ckb.kb.findings[fid]
        text = f.worsens if state == PRESENT else f.worsens_bands.get(bands.get(fid, ""))
        if text and any(post.contributions[row, ci] > 0 for ci in lead_idx):
            out.append(text)
    return list(dict.fromkeys(out))


def read_text(case: Case, ckb: CompiledKB) -> list[UnderstoodFinding]:
    """The findings read from ``case.text`` (empty without text); explicit findings win over them.

    Raises:
        InvalidCase: the text is not usable (empty, control characters...).
        TextReaderUnavailable: the reader could not run (the ``nlp`` extra missing, or a failure
            that is not the text's fault).
    """
    if case.text is None:
        return []
    try:
        from legdx.intake import understand

        return understand(case, ckb)
    except InvalidCase:
        raise
    except ImportError as exc:
        raise TextReaderUnavailable(
            f"the free-text reader needs its extra: pip install 'legdx[nlp]' ({exc.name})"
        ) from exc
    except Exception as exc:  # a bug in the reader must not look like bad input, nor be hidden
        log.exception("free-text reader failed")
        raise TextReaderUnavailable(f"the free-text reader failed ({exc.__class__.__name__})") from exc


def _answered(ckb: CompiledKB, case: Case, cs: CaseStates) -> list[Answered]:
    """Every finding the assessment used, in the knowledge base's order, with the person's words."""
    out = []
    for fid, value in cs.values.items():
        f = ckb.kb.findings[fid]
        if f.category is FindingCategory.DEMOGRAPHIC:
            continue
        out.append(
            Answered(
                finding=fid,
                value=value,
                label=f.clinician_label,
                plain=f.plain,
                question=f.question,
                unit=f.unit,
                from_text=fid not in case.findings,
            )
        )
    order = {fid: i for i, fid in enumerate(ckb.finding_ids)}
    return sorted(out, key=lambda a: order[a.finding])


def _next_tests(ckb: CompiledKB, post: Posterior, cs: CaseStates, probability: dict[str, float]) -> list[NextTest]:
    """At most five tests that fit the picture, the most informative first.

    A test is only suggested to settle a cause that is really in play: most of its value must come
    from conditions at least ``TEST_IN_PLAY`` likely (no clot scan for plain night cramps or for
    arterial disease already proven, just because a clot is a must-not-miss cause), and a test
    whose results are already known is not suggested again. A cause that is not must-not-miss is
    in play only while it also holds ``TEST_IN_PLAY`` of the shares: no sleep study for restless
    legs once kneecap pain explains the picture.
    """
    kb = ckb.kb
    in_play = np.array(
        [
            probability[c] >= TEST_IN_PLAY
            and (kb.conditions[c].must_not_miss or post.share[ckb.condition_index[c]] >= TEST_IN_PLAY)
            for c in ckb.condition_ids
        ]
    )
    tests: list[NextTest] = []
    for tv in value_of_tests(ckb, post, known=set(cs.values)):
        if tv.value < MIN_TEST_VALUE_BITS or len(tests) == MAX_NEXT_TESTS:
            break
        test = kb.tests[tv.test_id]
        if tv.by_condition[in_play].sum() < TEST_FOCUS * tv.value:
            continue
        if test.reveals and all(f in cs.values for f in test.reveals):
            continue
        helped = [ckb.condition_ids[i] for i in np.argsort(-tv.by_condition)[:2] if tv.by_condition[i] > 1e-3]
        names = " and ".join(kb.conditions[c].lay_name.lower() for c in helped)
        why = f"{test.why} Here it would most help settle: {names}." if names else test.why
        tests.append(NextTest(id=test.id, name=test.name, lay_name=test.lay_name, why=why, value=round(tv.value, 4)))
    return tests


def _management(ckb: CompiledKB, leading: list[str]) -> list[ManagementOut]:
    """The clinician-facing management of the leading causes, the likeliest cause's first."""
    order = {cid: i for i, cid in enumerate(leading)}
    items = [m for m in ckb.kb.management.values() if any(c in order for c in m.conditions)]
    items.sort(key=lambda m: min(order.get(c, len(order)) for c in m.conditions))
    return [
        ManagementOut(
            id=m.id,
            for_conditions=[c for c in m.conditions if c in order],
            text_clinician=m.text_clinician,
            text_person=m.text_person,
            evidence=m.evidence,
            cautions=list(m.cautions),
            source=m.source,
        )
        for m in items
    ]


def _sources(ckb: CompiledKB, ids: list[str]) -> list[SourceOut]:
    kb = ckb.kb
    return [
        SourceOut(id=sid, citation=kb.sources[sid].citation, url=kb.sources[sid].url)
        for sid in dict.fromkeys(ids)
        if sid in kb.sources
    ]


def assess(case: Case, ckb: CompiledKB | None = None) -> Assessment:
    """Assess one case: read its text, weigh its findings, triage, choose safe advice and tests.

    Args:
        case: a case from :func:`legdx.case.parse_case` (free text in ``case.text`` is read here).
        ckb: the compiled knowledge base; the packaged one when ``None``.

    Raises:
        InvalidCase: every problem of the case against the knowledge base, at once.
        TextReaderUnavailable: the case has text and the reader cannot run.

    >>> from legdx.case import parse_case
    >>> assess(parse_case({"text": "67M, calves ache after two blocks, ABI 0.62"})).conditions[0].id
    'peripheral_artery_disease'
    """
    ckb = ckb or default_compiled()
    kb = ckb.kb
    check_case(case, kb)
    understood = read_text(case, ckb)
    extra = {u.finding: u.value for u in understood if u.used}
    cs = resolve_states(case, ckb, extra=extra)
    post = posterior(ckb, cs, outside_evidence(ckb, cs))
    probability = {cid: float(post.probability[i]) for i, cid in enumerate(ckb.condition_ids)}
    assumed = frozenset(u.finding for u in understood if u.uncertain and u.finding not in cs.values)
    facts = case_facts(ckb, cs, post, assumed=assumed, unknown=frozenset(case.unknown))
    # Advice is withheld on whichever probability is higher, the reported or the triage one.
    cautious = {c: max(p, facts.probability[c]) for c, p in probability.items()}

    tri, red_flags = triage(kb, facts)
    if assumed and tri.level.rank > TriageLevel.ROUTINE.rank:
        unsure = "; ".join(kb.findings[f].clinician_label.lower() for f in sorted(assumed))
        tri = tri.model_copy(update={"reasons": [*tri.reasons, f"{UNSURE_PREFIX}{unsure}."]})
    by_share = sorted(ckb.condition_ids, key=lambda c: -post.share[ckb.condition_index[c]])
    # no cause that reaches LEADING_SHARE: nothing known fits, so no cause-specific advice either
    leading = [c for c in by_share[:3] if post.share[ckb.condition_index[c]] >= LEADING_SHARE]
    likely = [c for c in by_share if c not in leading and probability[c] >= kb.threshold("possible")]
    advice, withheld = choose_advice(kb, replace(facts, probability=cautious), tri.level, leading, likely)

    # tests chosen to settle between causes that explain so little would mislead: the clinician examines first
    tests = _next_tests(ckb, post, cs, probability) if leading else []

    emergency = None
    if tri.level is TriageLevel.EMERGENCY:
        emergency = EMERGENCY_PREFIX + tri.reasons[0] + " Call your local emergency number now."
    conditions = _condition_results(ckb, post)
    something_else = _something_else(ckb, post)
    management = _management(ckb, leading) if tri.level is not TriageLevel.EMERGENCY else []
    # the warning signs that set or joined the level cite their guidelines first, as the result shows them first
    rule_sources = list(dict.fromkeys(r.source for r in kb.triage_rules if r.reason in tri.reasons))
    tri = tri.model_copy(update={"sources": [s for s in rule_sources if s in kb.sources]})
    cited = list(rule_sources)
    cited += [a.source for a in advice] + [w.source for w in withheld] + [m.source for m in management]
    cited += [x.source for c in conditions for x in c.contributions if x.source]
    cited += [x.source for x in something_else.contributions if x.source]
    cited += [kb.tests[t.id].source for t in tests]
    return Assessment(
        conditions=conditions,
        something_else=something_else,
        share_temperature=ckb.temperature,
        triage=tri,
        red_flags=red_flags,
        next_tests=tests,
        advice=advice,
        withheld_advice=withheld,
        management=management,
        contributing_factors=_contributing_factors(ckb, post, leading, cs.bands),
        disclaimer=kb.meta.disclaimer,
        emergency_message=emergency,
        kb_version=ckb.version,
        kb_checksum=ckb.checksum(),
        case=case,
        understood=understood,
        answered=_answered(ckb, case, cs),
        sources=_sources(ckb, cited),
    )
