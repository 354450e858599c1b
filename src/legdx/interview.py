"""The interview: which question next, and when to stop. One engine for the web and the terminal; no I/O.

A person answers as little as possible, so every question is one answer, except a few short groups
(at most five items, each group with its own "none of these"): the first warning-sign screen, the
measured values a person may have, and the checks that make medicine advice safe. Counted as a
person counts them: every item of a group is an answer, age and sex are two.

Order:

1. Age and sex (skipped when the person's description gave them and they confirmed it).
2. The first warning-sign screen: the emergency signs worth asking everyone (findings whose
   ``ask_with`` is ``first_screen``), at most five, without those already known.
3. A question that could complete a warning-sign rule already partly met (one answer could raise
   the level), most urgent rule first; then the warning signs of any must-not-miss condition that
   has become possible (:func:`_escalation`).
4. Otherwise the single question about the telling features of the likely causes
   (:func:`_best_single`), among the questions that fit the person: nothing only a female body has
   for males, for girls before their periods or women past the age of periods (unless they have
   said otherwise); no examination findings in the person's interview (``"mode": "clinician"``
   allows them); the core vocabulary of leg pain before the rest.
5. Before stopping (or when the answers are nearly spent): the warning signs of every cause in play
   not yet asked (:func:`_warning_sweep`); once, the measured values (at most three) that would
   settle the likely causes, as one group a person without results skips with "I have no
   results" (recorded as don't know); and, when advice would be withheld only because its safety
   checks are not yet known (kidneys, blood thinners, ulcers, heart, asthma, pregnancy) and the
   interview is still short, those checks as one group; otherwise that advice stays withheld with
   "check first".

6. Before the end of an interview whose questions mostly did not fit (at least half the answers
   "don't know") with no cause standing out and nothing urgent found: the other emergency signs
   (those that need the fewest other findings to call for emergency care, at most three), even past
   the answer budget. A person whose leg pain is outside what the questions know about must not
   end on self-care without being asked whether they can stand, whether the pain is out of all
   proportion, or whether they are vomiting.

Stop when the answers call for emergency care; when a same-day warning sign has fired, no
emergency rule is still within reach (:func:`_emergency_reach`) and the one fact that would show
the sign is not what it seems has been asked (:func:`_exception_to_ask`); when one cause clearly leads the
shares with no must-not-miss condition in doubt; when no question is worth asking; or when the
answer budget is spent. A confirmed same-day sign in the description stops it before any question.

Findings the person confirmed from their own description are never asked again and never
overwritten: a screen only lists what is still unknown. State is immutable: every answer returns a
new :class:`InterviewState` that remembers the one before, so ``back()`` restores it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from legdx.case import AGE_MAX, Case, FindingValue, parse_case
from legdx.engine import CaseStates, Posterior, gain_by_condition, posterior, resolve_states
from legdx.errors import InvalidCase
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import Finding, FindingCategory, FindingKind, TriageLevel, TriageRule
from legdx.triage import CaseFacts, case_facts, outside_evidence, rule_fires, triage

__all__ = [
    "DEMOGRAPHICS",
    "FIRST_SCREEN",
    "MAX_ANSWERS",
    "MEDICINE_SAFETY",
    "MORE_WARNING_SIGNS",
    "RED_FLAG_SCREEN",
    "SAME_DAY_SIGNS",
    "TEST_RESULTS",
    "InterviewState",
    "Item",
    "Question",
    "answer",
    "answers_asked",
    "next_question",
    "question_catalogue",
    "question_findings",
    "stop_reason",
    "validate_state",
]

DEMOGRAPHICS = "demographics"
RED_FLAG_SCREEN = "red_flag_screen"  # the first warning-sign screen
MORE_WARNING_SIGNS = "more_warning_signs"  # the other emergency signs, as one screen (_more_warning_signs)
SAME_DAY_SIGNS = "same_day_signs"  # the same-day warning signs, as one screen, when the questions do not fit
FIRST_SCREEN = "first_screen"  # the question group whose findings make up that screen
MEDICINE_SAFETY = "medicine_safety"  # the group that makes medicine advice safe
TEST_RESULTS = "test_results"  # the group of measured values, for a person who has results
MAX_GROUP = 5  # items on one screen
DONT_KNOW_SHARE = 0.5  # when at least this share of the answers were "don't know", the questions did not fit ...
FINAL_LEADER_SHARE = 0.5  # ... unless one cause already has at least this share
FINAL_SIGNS = 3  # ... so this many other emergency signs are asked before the interview ends
FINAL_SIGNS_AGE = 80  # ... and always from this age (the very old often show serious illness quietly)
OUTSIDE_ASK_SHARE = 0.3  # "something else" still at its prior share when a poorly fitting interview closes ...
OUTSIDE_SIGN_LR = 4.0  # ... so the same-day facts pointing outside at least this much come first (_outside_signs)
UNSURE_OUTSIDE_SHARE = 0.5  # "something else" more likely than every modelled cause together: the questions fit poorly
OUTSIDE_SHARE = 0.8  # "something else" this likely: questions about the modelled causes no longer fit, so stop
MAX_ANSWERS = 24  # the budget of single answers; the closing screens and a follow-up may go past it (_past_budget)
SAFETY_CHECK_BUDGET = 12  # the medicine-safety checks are asked only if no more answers than this were asked
MIN_GAIN_BITS = 0.05  # below this no question is worth asking
LEADER_SHARE = 0.55  # a cause with at least this share ...
LEADER_MARGIN = 0.25  # ... and this far ahead of the next (or of "something else") clearly leads ...
CLEAR_GAIN_BITS = 1.0  # ... once no question is worth this much
SETTLED_GAIN_BITS = 0.25  # a leader with at least LEADER_SHARE - 0.15 is settled once no question is worth more
DANGER_DOUBT = (0.1, 0.5)  # a must-not-miss condition with a probability in this band is still in doubt
ESCALATION_PROBABILITY = 0.1  # a must-not-miss condition this likely has its warning signs asked before stopping
# Below thresholds.yaml's adult_questions_age the first screen asks a child's warning signs. Not standing
# or walking on the leg, a new limp (with hip, thigh or knee pain it is same-day), fever
# (a joint or bone infection), a hot swollen joint and severe pain after an injury are what make a
# child's leg pain urgent; a cold leg, saddle numbness, chest pain or dark urine are rare at that age
# and come in the later emergency-signs screen.
CHILD_SCREEN = ("unable_to_bear_weight", "limp", "fever", "hot_swollen_joint", "severe_pain_after_injury")
PERIOD_AGES = (10, 56)  # outside these ages nobody is asked about periods or pregnancy unless they raised it
# Choosing the next single question (tuned with simulated people on the development sets, docs/engine.md):
HALLMARK_SHARPNESS = 4.0  # how steeply a condition's lesser features count below its most telling one
SUPPORT_LR = 2.0  # a cause the person reported a feature of (LR+ at least this) is supported ...
DEPTH_SHARPNESS = 1.0  # ... and all its features, not only the most telling, ...
DEPTH_WEIGHT = 1.0  # ... count this much more: once walking brings the pain on, ask whether rest eases it
HALLMARK_DANGER = 2.0  # must-not-miss conditions weigh this much more when looking for their features
COVER_WEIGHT_POWER = 0.5  # weigh causes by share ** this: less likely causes still get their features asked
VAGUE_FACTOR = 0.2  # each "don't know" to one of a cause's features weighs that cause down this much
GAIN_WEIGHT = 0.1  # expected information still counts, at this weight beside the features' coverage
EXTENDED_WEIGHT = 0.2  # findings outside the core vocabulary are asked later
MEASURED_SHARE = 0.01  # a measured value is asked for only to settle causes with at least this share ...
MEASURED_GAIN_BITS = 0.03  # ... when it would tell at least this much about them
SWEEP_SHARE = 0.05  # the warning signs of causes with at least this share are asked before stopping ...
SWEEP_LR = 1.5  # ... those that point to the cause at least this much
SWEEP_RESERVE = 2  # ... and they come when this few answers are left, at the latest
REACH_MISSING = 1  # after a same-day sign, an emergency rule this many answers from firing is still asked about
MAX_RESULTS = 3  # measured values asked for in the one results group
RESULTS_BEFORE_END = 2  # the results group comes this many answers before the budget runs out, at the latest
REACH_FOLLOW_UP = 1  # answers past the budget for what could make a same-day sign an emergency (_emergency_reach)
RESULTS_FOLLOW_UP = 1  # answers past the budget for the warning sign a value from the results group calls for

QuestionKind = Literal["demographics", "screen", "items", "numbers", "yes_no", "number"]
Mode = Literal["person", "clinician"]
Answer = FindingValue | None  # None = "don't know"


class Item(BaseModel):
    finding: str
    text: str
    unit: str | None = None  # numeric items (kind "numbers") only
    min: float | None = None
    max: float | None = None


class Question(BaseModel):
    """One screen of the interview. ``answers_so_far`` and ``answers_left_at_most`` count single
    answers, the way the person experiences them (progress: "a few more, at most N")."""

    id: str
    kind: QuestionKind
    text: str
    why: str
    items: list[Item] = []
    finding: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    number: int = 1  # 1-based position of this screen
    answers_so_far: int = 0
    answers_left_at_most: int = MAX_ANSWERS


@dataclass(frozen=True)
class InterviewState:
    """Answers so far. ``answers`` maps finding id -> True / False / number / None (don't know).

    ``confirmed``: findings the person confirmed from their description (never asked again, never
    overwritten); ``mode``: "person" (the default: lay questions only) or "clinician".
    """

    age: int | None = None
    sex: Literal["female", "male"] | None = None
    answers: tuple[tuple[str, Answer], ...] = ()
    asked: tuple[str, ...] = ()
    confirmed: tuple[str, ...] = ()
    mode: Mode = "person"
    previous: InterviewState | None = field(default=None, repr=False, compare=False)

    def findings(self) -> dict[str, FindingValue]:
        return {f: v for f, v in self.answers if v is not None}

    def to_case(self) -> Case:
        unknown = sorted(f for f, v in self.answers if v is None)
        return Case(age=self.age, sex=self.sex, findings=self.findings(), unknown=unknown)

    def back(self) -> InterviewState:
        """The state before the last answer (the same state if nothing was answered)."""
        return self.previous if self.previous is not None else self

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "age": self.age,
            "sex": self.sex,
            "answers": dict(self.answers),
            "asked": list(self.asked),
        }
        if self.confirmed:
            out["confirmed"] = list(self.confirmed)
        if self.mode != "person":
            out["mode"] = self.mode
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InterviewState:
        """Rebuild a state sent back by a stateless client (validated like a case)."""
        answers = data.get("answers") or {}
        if not isinstance(answers, dict):
            raise InvalidCase("answers", "expected an object mapping finding ids to true, false, a number or null")
        asked = data.get("asked") or []
        if not isinstance(asked, list) or not all(isinstance(a, str) for a in asked):
            raise InvalidCase("asked", "expected a list of question ids")
        confirmed = data.get("confirmed") or []
        if not isinstance(confirmed, list) or not all(isinstance(c, str) and c in answers for c in confirmed):
            raise InvalidCase("confirmed", "expected a list of finding ids that are among the answers")
        mode: Mode = "clinician" if data.get("mode") == "clinician" else "person"
        if data.get("mode") not in (None, "person", "clinician"):
            raise InvalidCase("mode", f"expected 'person' or 'clinician', got {str(data.get('mode'))[:20]!r}")
        known = {k: v for k, v in answers.items() if v is not None}
        try:
            case = parse_case({"age": data.get("age"), "sex": data.get("sex"), "findings": known})
        except InvalidCase as exc:  # the answers live under "answers" in a state, not "findings"
            raise InvalidCase.of([(f.replace("findings.", "answers.", 1), p) for f, p in exc.problems]) from None
        return cls(
            age=case.age,
            sex=case.sex,
            answers=tuple(answers.items()),
            asked=tuple(asked),
            confirmed=tuple(confirmed),
            mode=mode,
        )


CLOSING_SCREENS = (MORE_WARNING_SIGNS, SAME_DAY_SIGNS)  # asked past the budget when the questions fit poorly


def _past_budget(state: InterviewState, asking: str | None = None) -> int:
    """The answers that may still come past the budget (after the question ``asking``, when given):
    the closing screens not yet asked and the one follow-up a same-day sign gets. The progress says
    "at most" and keeps the promise with these."""
    asked = {*state.asked, asking}
    return REACH_FOLLOW_UP + FINAL_SIGNS * sum(screen not in asked for screen in CLOSING_SCREENS)


def first_promise() -> int:
    """The most single answers an interview asks: what its first screen promises (31)."""
    return MAX_ANSWERS + _past_budget(InterviewState())


def answers_asked(question: Question) -> int:
    """Single answers a question asks for: one per item of a group, two for age and sex."""
    if question.kind == "demographics":
        return 2
    return len(question.items) if question.kind in ("screen", "items", "numbers") else 1


# ---------------------------------------------------------------- what may be asked of whom


def _fits(fid: str, state: InterviewState, ckb: CompiledKB) -> bool:
    """May this finding be asked of this person?"""
    f = ckb.kb.findings[fid]
    if f.category is FindingCategory.DEMOGRAPHIC or f.replaced_by is not None:
        return False
    if f.category is FindingCategory.EXAM and state.mode != "clinician":
        return False  # a person cannot report examination signs
    if f.told_only:
        return False  # an event a person tells (a snake bite), not asked of everyone
    if (
        f.asked_from is not None
        and state.age is not None
        and state.age < ckb.kb.threshold(f"{f.asked_from}_questions_age")
    ):
        return False  # not a question for a child (smoking, statins)
    if f.sex == "female":
        if state.sex != "female":
            return False  # unknown sex is asked first, so this is a male
        raised = any(v is True and ckb.kb.findings[g].sex == "female" for g, v in state.answers)
        if state.age is not None and not PERIOD_AGES[0] <= state.age <= PERIOD_AGES[1] and not raised:
            return False
    return True


@cache
def _adult_screen(ckb: CompiledKB) -> tuple[str, ...]:
    """The findings of the first-screen question group (the adult first warning-sign screen)."""
    return tuple(f.id for f in ckb.kb.findings.values() if f.ask_with == FIRST_SCREEN)


def _screen_findings(state: InterviewState, ckb: CompiledKB) -> tuple[str, ...]:
    """The first warning-sign screen: a child's own warning signs for a child, else the adult one."""
    answered = {f for f, _ in state.answers}
    child = state.age is not None and state.age < ckb.kb.threshold("adult_questions_age")
    first = CHILD_SCREEN if child else _adult_screen(ckb)
    return tuple(f for f in first if f not in answered and _fits(f, state, ckb))[:MAX_GROUP]


def _singles(state: InterviewState, ckb: CompiledKB) -> list[str]:
    """Findings that may still be asked one at a time."""
    answered = {f for f, _ in state.answers}
    screen = set(_screen_findings(state, ckb))  # still to come on the first screen
    return [
        fid
        for fid in ckb.finding_ids
        if fid not in answered and fid not in state.asked and fid not in screen and _fits(fid, state, ckb)
    ]


@cache
def _binary_arrays(ckb: CompiledKB) -> tuple[Any, Any, dict[str, int]]:
    """(F, 2, C) outcome probabilities of every binary finding, and each finding's row."""
    binary = [f for f in ckb.finding_ids if ckb.kb.findings[f].kind is FindingKind.BINARY]
    idx = np.array([ckb.finding_states[ckb.finding_index[f]] for f in binary])
    return ckb.p_given[idx], ckb.p_given_not[idx], {f: i for i, f in enumerate(binary)}


def _gains(fids: list[str], ckb: CompiledKB, post: Posterior) -> dict[str, Any]:
    """Weighted expected information (per condition) of asking each finding."""
    pg, pn, row = _binary_arrays(ckb)
    out: dict[str, Any] = {}
    binary = [f for f in fids if f in row]
    if binary:
        rows = [row[f] for f in binary]
        per = gain_by_condition(post.probability, pg[rows], pn[rows]) * ckb.danger_weight[None, :]
        out.update(zip(binary, per, strict=True))
    for fid in fids:
        if fid not in row:
            idx = list(ckb.finding_states[ckb.finding_index[fid]])
            out[fid] = gain_by_condition(post.probability, ckb.p_given[idx], ckb.p_given_not[idx]) * ckb.danger_weight
    return out


@cache
def _hallmark_table(ckb: CompiledKB, sharpness: float = -1.0) -> Any:
    """(F, C) how telling each finding is of each condition, 1 for its most telling feature and
    falling steeply for the rest (sensitivity x log LR+, relative to the condition's best, to the
    power HALLMARK_SHARPNESS; examination and measured findings excluded): what a person with that
    condition would report."""
    pres = np.array([ckb.finding_states[i][0] for i in range(len(ckb.finding_ids))])
    ok = np.array(
        [
            ckb.kb.findings[f].kind is FindingKind.BINARY
            and ckb.kb.findings[f].category not in (FindingCategory.DEMOGRAPHIC, FindingCategory.EXAM)
            for f in ckb.finding_ids
        ]
    )
    strength = np.where(ok[:, None], ckb.p_given[pres] * np.clip(ckb.llr[pres], 0, None), 0.0)  # (F, C)
    sharpness = HALLMARK_SHARPNESS if sharpness < 0 else sharpness
    return (strength / np.maximum(strength.max(axis=0, keepdims=True), 1e-9)) ** sharpness


# ---------------------------------------------------------------- the state of the differential


@dataclass(frozen=True)
class _Now:
    cs: CaseStates
    post: Posterior
    facts: CaseFacts
    level: TriageLevel
    warning_level: TriageLevel  # from warning-sign rules alone


def _now(state: InterviewState, ckb: CompiledKB) -> _Now:
    cs = resolve_states(state.to_case(), ckb)
    post = posterior(ckb, cs, outside_evidence(ckb, cs))
    unknown = frozenset(f for f, v in state.answers if v is None)
    facts = case_facts(ckb, cs, post, unknown=unknown)
    tri, _ = triage(ckb.kb, facts)
    fired = [r.level for r in ckb.kb.triage_rules if rule_fires(r, facts, ckb.kb)]
    warning = max(fired, key=lambda lv: lv.rank) if fired else TriageLevel.ROUTINE
    return _Now(cs, post, facts, tri.level, warning)


def _answer_count(state: InterviewState) -> int:
    """Single answers asked so far: every item shown was recorded (None when left unanswered)."""
    confirmed = set(state.confirmed)
    return sum(f not in confirmed for f, _ in state.answers) + (2 if DEMOGRAPHICS in state.asked else 0)


def _open_groups(
    rule: TriageRule, answers: dict[str, Answer], present: set[str], age: int | None
) -> list[list[str]] | None:
    """The rule's "any of" groups when the answers so far still let it fire, else None: the person's
    age is outside the rule's (a limping child's rule for a 24-year-old), a finding it needs was
    answered "no" or "don't know" (it is never asked again, so the rule cannot fire: asking its
    other findings would be wasted), a finding that rules it out is present or answered "no" where
    that rules it out, or every finding of a group was answered without a yes."""
    too_young = rule.age_at_least is not None and age is not None and age < rule.age_at_least
    too_old = rule.age_below is not None and age is not None and age >= rule.age_below
    if too_young or too_old:
        return None
    if any(f in answers and answers[f] is not True for f in rule.all):
        return None
    if any(answers.get(f) is False for f in rule.unless_no) or any(f in present for f in rule.none):
        return None
    groups = [g for g in (rule.any, rule.also_any) if g]
    if any(all(f in answers and answers[f] is not True for f in g) for g in groups):
        return None
    return groups


def _completing(
    state: InterviewState, ckb: CompiledKB, now: _Now, allowed: set[str], at_least: TriageLevel | None = None
) -> list[str]:
    """Findings that could complete a warning-sign rule already partly met (of at least the level
    ``at_least``, when given), most urgent rule first.

    A rule is partly met when one of its findings is present (or a measured value it reads is in its
    band: potassium 2.9 makes muscle weakness worth asking about) and none of its required findings
    is known to be absent; a yes to one of its missing findings would raise the triage level.
    """
    answers = dict(state.answers)
    present = {f for f, v in answers.items() if v is True}
    wanted: dict[str, tuple[int, int]] = {}  # (the rule's level, minus the answers it still needs)
    for rule in ckb.kb.triage_rules:
        if rule.level.rank <= now.level.rank or rule.probable or rule.always:
            continue
        if at_least is not None and rule.level.rank < at_least.rank:
            continue
        groups = _open_groups(rule, answers, present, state.age)
        if groups is None:
            continue
        in_band = any(now.facts.bands.get(f) in bands for f, bands in rule.bands.items())
        if rule.bands and not in_band and all(answers.get(f) is not None for f in rule.bands):
            continue  # every value it reads is known and none is in its band
        touched = in_band or any(f in present for f in rule.all) or any(f in present for g in groups for f in g)
        if not touched:
            continue
        missing = [f for f in rule.all if f not in present]
        for g in groups:
            if not any(f in present for f in g):
                missing += list(g)
        if not in_band:  # one value in its band is enough (the rule reads its bands with "any")
            missing += [f for f in rule.bands if f not in answers]
        # answers the rule still needs: a whole "any" group counts once (one yes in it is enough)
        needs = len([f for f in rule.all if f not in present]) + sum(
            1 for g in groups if not any(f in present for f in g)
        )
        for f in missing:
            if f in allowed:
                wanted[f] = max(wanted.get(f, (-1, 0)), (rule.level.rank, -needs))
    # the most urgent rule first and, among rules of one level, the one a single yes would complete
    # (a fever beside a red, hot leg before the diabetes and foot pain that another rule needs both of)
    return sorted(wanted, key=lambda f: (-wanted[f][0], -wanted[f][1]))


@cache
def _escalators(ckb: CompiledKB) -> dict[str, list[tuple[str, float]]]:
    """For each must-not-miss condition, the findings that would make its picture urgent or an
    emergency: warning signs that point to it (LR+ >= 2) and measured values whose bands a same-day
    or emergency rule reads. Asked before the interview stops while that condition is in play."""
    kb = ckb.kb
    band_rules = {f for r in kb.triage_rules if r.level.rank >= TriageLevel.URGENT.rank for f in r.bands}
    out: dict[str, list[tuple[str, float]]] = {}
    for ci, cid in enumerate(ckb.condition_ids):
        cond = kb.conditions[cid]
        if not cond.must_not_miss and cond.urgency.level.rank < TriageLevel.URGENT.rank:
            continue
        found = []
        for link in cond.findings:
            f = kb.findings[link.finding]
            states = ckb.finding_states[ckb.finding_index[f.id]]
            strength = float(np.max(ckb.llr[list(states), ci]))
            if (f.red_flag or f.id in band_rules) and strength >= np.log(2.0):
                found.append((f.id, strength))
        out[cid] = sorted(found, key=lambda x: -x[1])
    return out


def _escalation(ckb: CompiledKB, now: _Now, allowed: set[str]) -> str | None:
    """A warning sign or result still unasked that could make a condition in play more urgent."""
    best: tuple[float, str] | None = None
    for cid, found in _escalators(ckb).items():
        p = now.facts.probability[cid]
        if p < ESCALATION_PROBABILITY:
            continue
        for fid, strength in found:
            if fid in allowed:
                key = (p * strength, fid)
                if best is None or key > best:
                    best = key
                break  # the strongest unasked one for this condition
    return best[1] if best else None


@cache
def _warning_links(ckb: CompiledKB) -> tuple[tuple[str, ...], ...]:
    """For each condition, its warning signs (LR+ >= SWEEP_LR) that some rule reads at a level above
    routine, strongest first, then the warning signs of the causes that look like it
    (``look_alike_signs`` in its file)."""
    kb = ckb.kb
    read = {f: r.level for r in kb.triage_rules for f in (*r.all, *r.any, *r.also_any)}
    out = []
    for ci, cid in enumerate(ckb.condition_ids):
        links = []
        for link in kb.conditions[cid].findings:
            f = kb.findings[link.finding]
            if not f.red_flag or f.id not in read or f.kind is not FindingKind.BINARY:
                continue
            strength = float(ckb.llr[ckb.finding_states[ckb.finding_index[f.id]][0], ci])
            if strength >= np.log(SWEEP_LR):
                links.append((strength, f.id))
        linked = [f for _, f in sorted(links, reverse=True)]
        # then the warning signs of its look-alikes (a fever, a blistering rash or loin pain beside what
        # feels like sciatica), which are not its own features and so are never asked for its sake
        look_alike = [f for f in kb.conditions[cid].look_alike_signs if f in read and f not in linked]
        out.append(tuple([*linked, *look_alike]))
    return tuple(out)


def _warning_sweep(ckb: CompiledKB, now: _Now, allowed: set[str]) -> str | None:
    """A warning sign still unasked that goes with a cause in play (share >= SWEEP_SHARE), likeliest
    cause first: asked before the interview stops or runs out of answers, so it never ends without
    the warning signs of the causes it names (a numb, burning foot: is there an ulcer?)."""
    links = _warning_links(ckb)
    for ci in np.argsort(-now.post.share):
        if now.post.share[ci] < SWEEP_SHARE:
            break
        for fid in links[ci]:
            if fid in allowed:
                return str(fid)
    return None


def _emergency_reach(state: InterviewState, ckb: CompiledKB, now: _Now, allowed: set[str]) -> str | None:
    """After a same-day warning sign, before stopping: a question that could still show an emergency,
    from an emergency rule no answer has ruled out and at most REACH_MISSING answers from firing."""
    answers = dict(state.answers)
    present = {f for f, v in answers.items() if v is True}
    best: tuple[int, int, str] | None = None
    for rule in ckb.kb.triage_rules:
        if rule.level is not TriageLevel.EMERGENCY or rule.probable or rule.always or rule.bands:
            continue
        groups = _open_groups(rule, answers, present, state.age)
        if groups is None:
            continue
        missing = [f for f in rule.all if f not in present] + [
            g[0] if not any(f in allowed for f in g) else next(f for f in g if f in allowed)
            for g in groups
            if not any(f in present for f in g)
        ]
        askable = [f for f in missing if f in allowed]
        # among rules as near to firing, the one that builds on what the person said (a sickle-cell
        # disease: its crisis with severe pain or a fever, not confusion, which any rule could want)
        met = -sum(f in present for f in (*rule.all, *rule.any, *rule.also_any))
        key = (len(missing), met, askable[0] if askable else "")
        if askable and len(missing) <= REACH_MISSING and (best is None or key < best):
            best = key
    return best[2] if best else None


def _exception_to_ask(ckb: CompiledKB, now: _Now, allowed: set[str]) -> str | None:
    """After a same-day warning sign, before stopping: the one fact that shows the sign is not what it
    seems, when every same-day rule that fired names it among its exceptions (``none``): a leg that
    has been swollen for months is not the new swelling of a clot. Unknown, the rules stand; only a
    yes changes the level, as a clinician's first question would."""
    fired = [r for r in ckb.kb.triage_rules if r.level is now.warning_level and rule_fires(r, now.facts, ckb.kb)]
    if not fired:
        return None
    common = set(fired[0].none).intersection(*(r.none for r in fired[1:]))
    return next((f for f in fired[0].none if f in common and f in allowed), None)


def _results_to_ask(ckb: CompiledKB, now: _Now, gains: dict[str, Any]) -> tuple[str, ...]:
    """Measured values worth asking for, most telling first: those that would tell much about causes
    that are likely (at most MAX_RESULTS, asked once as one group a person without results skips)."""
    likely = now.post.share >= MEASURED_SHARE
    values = {f: float(g[likely].sum()) for f, g in gains.items() if ckb.kb.findings[f].kind is FindingKind.NUMERIC}
    ranked = sorted((f for f in values if values[f] >= MEASURED_GAIN_BITS), key=lambda f: (-values[f], f))
    return tuple(ranked[:MAX_RESULTS])


def _best_single(state: InterviewState, ckb: CompiledKB, now: _Now, gains: dict[str, Any]) -> str:
    """The single question to ask next: the telling features of the likely causes.

    A person can always say whether they have a cause's typical features (a cramp that knots the
    muscle, pain that comes on walking and eases standing still, burning on the outer thigh), so
    the question that covers the most likely causes' features (:func:`_hallmark_table`) comes
    first, causes weighted by ``share ** COVER_WEIGHT_POWER`` (must-not-miss ones more), with
    expected information as a smaller second term. A cause the person has already reported a telling
    feature of is pursued in depth (all its features count). A cause whose features drew "don't know" is
    weighed down when choosing (the differential itself is unchanged): the interview moves on to
    the other possibilities instead of asking about the same cause again and again.
    """
    table = _hallmark_table(ckb)
    weight = now.post.share**COVER_WEIGHT_POWER
    weight = weight * np.where(_must_not_miss(ckb), HALLMARK_DANGER, 1.0)
    vague = [ckb.finding_index[f] for f, v in state.answers if v is None]
    if vague:
        weight = weight * VAGUE_FACTOR ** table[vague].sum(axis=0)

    present = [ckb.finding_index[f] for f, v in state.answers if v is True and f in ckb.finding_index]
    pres_state = [ckb.finding_states[i][0] for i in present]
    supported = (ckb.llr[pres_state] >= np.log(SUPPORT_LR)).any(axis=0) if present else np.zeros(len(weight), bool)
    depth = _hallmark_table(ckb, DEPTH_SHARPNESS) @ (weight * supported)

    def score(fid: str) -> float:
        i = ckb.finding_index[fid]
        value = float(table[i] @ weight) + DEPTH_WEIGHT * float(depth[i]) + GAIN_WEIGHT * float(gains[fid].sum())
        return value if ckb.kb.findings[fid].core else value * EXTENDED_WEIGHT

    return max(gains, key=lambda f: (score(f), f))


def _enough(clear: bool, settled: bool, best_gain: float) -> bool:
    """Stop asking: the leader is clear, or settled with little left to learn, or nothing left to learn."""
    if best_gain < MIN_GAIN_BITS:
        return True
    return (clear and best_gain < CLEAR_GAIN_BITS) or (settled and best_gain < SETTLED_GAIN_BITS)


@cache
def _must_not_miss(ckb: CompiledKB) -> Any:
    return np.array([ckb.kb.conditions[c].must_not_miss for c in ckb.condition_ids])


def _leader_clear(ckb: CompiledKB, now: _Now) -> tuple[bool, bool]:
    """(clear, settled-if-nothing-much-left): the shares have one clear leader and no dangerous
    condition is still in doubt."""
    shares = now.post.share
    order = np.argsort(-shares)
    s1 = float(shares[order[0]])
    s2 = max(float(shares[order[1]]), now.post.other_share)
    must = _must_not_miss(ckb)
    tprob = np.array([now.facts.probability[c] for c in ckb.condition_ids])
    lo, hi = DANGER_DOUBT
    in_doubt = bool(np.any(must & (tprob >= lo) & (tprob < hi)))
    if in_doubt:
        return False, False
    return s1 >= LEADER_SHARE and s1 - s2 >= LEADER_MARGIN, s1 >= LEADER_SHARE - 0.15 and s1 - s2 >= LEADER_MARGIN


def _safety_checks(state: InterviewState, ckb: CompiledKB) -> tuple[str, ...]:
    """The medicine-safety facts still unknown that hold back advice the person would otherwise get."""
    from legdx.pipeline import assess

    a = assess(state.to_case(), ckb)
    wanted: list[str] = []
    for w in a.withheld_advice:
        item = ckb.kb.advice[w.id]
        if not item.ask_first or not w.why.startswith("Check with"):
            continue
        for first in item.ask_first:
            fid = first.finding
            if fid in ckb.kb.findings and fid not in dict(state.answers) and _fits(fid, state, ckb):
                if ckb.kb.findings[fid].category is not FindingCategory.DEMOGRAPHIC and fid not in wanted:
                    wanted.append(fid)
    return tuple(wanted[:MAX_GROUP])


@cache
def _other_emergency_signs(ckb: CompiledKB) -> tuple[str, ...]:
    """Emergency warning signs outside the first screen, those that need the fewest other findings
    to call for emergency care first (a sign that is an emergency almost by itself comes before a
    modifier such as a sudden start)."""
    return _signs_of_level(ckb, TriageLevel.EMERGENCY)


@cache
def _same_day_signs(ckb: CompiledKB) -> tuple[str, ...]:
    """Same-day warning signs that are not also emergency signs, in the same order."""
    emergency = set(_other_emergency_signs(ckb))
    return tuple(f for f in _signs_of_level(ckb, TriageLevel.URGENT) if f not in emergency)


@cache
def _closing_signs(ckb: CompiledKB) -> tuple[str, ...]:
    """The signs the last screen of a poorly fitting interview chooses from (the likeliest first, by
    :func:`_likeliest_signs`): the same-day signs, and the emergency signs that call for same-day care
    by themselves, which the screen before may have left out (a hot, swollen joint is an emergency
    only with a fever, so it comes late in that screen's order), and the facts that point outside the
    knowledge base (:func:`_outside_signs`). Not the first screen's signs (asked already), nor signs a
    person only tells (a testicle's pain is never asked)."""
    alone = _within(ckb, TriageLevel.URGENT, 0)
    first = set(_adult_screen(ckb))
    emergency = (
        f for f in _other_emergency_signs(ckb) if f in alone and f not in first and not ckb.kb.findings[f].told_only
    )
    return tuple(dict.fromkeys([*_same_day_signs(ckb), *emergency, *_outside_signs(ckb)]))


def _needs(ckb: CompiledKB, level: TriageLevel) -> dict[str, int]:
    """For each finding in the rules of one level, the fewest other findings a rule needs beside it."""
    need: dict[str, int] = {}
    for rule in ckb.kb.triage_rules:
        if rule.level is not level:
            continue
        groups = [g for g in (rule.any, rule.also_any) if g]
        for f in {*rule.all, *(f for g in groups for f in g)}:
            others = len([x for x in rule.all if x != f]) + sum(1 for g in groups if f not in g)
            need[f] = min(need.get(f, others), others)
    return need


def _within(ckb: CompiledKB, level: TriageLevel, others: int) -> set[str]:
    """Findings that call for this level with at most ``others`` other findings beside them."""
    return {f for f, n in _needs(ckb, level).items() if n <= others}


def _signs_of_level(ckb: CompiledKB, level: TriageLevel) -> tuple[str, ...]:
    """The warning signs of the rules of one level, those that need the fewest other findings first."""
    kb = ckb.kb
    need = _needs(ckb, level)
    signs = [
        f.id
        for f in kb.findings.values()
        if f.category is FindingCategory.RED_FLAG and f.id in need  # those already answered are left out later
    ]
    return tuple(sorted(signs, key=lambda f: need[f]))


def _more_warning_signs(
    state: InterviewState, ckb: CompiledKB, signs: tuple[str, ...] = (), every: bool = False
) -> tuple[str, ...]:
    """The other emergency signs (or the given signs) that fit the person and are still unknown
    (at most MAX_GROUP, or all of them with ``every``)."""
    answered = {f for f, _ in state.answers}
    signs = signs or _other_emergency_signs(ckb)
    open_signs = tuple(f for f in signs if f not in answered and _fits(f, state, ckb))
    return open_signs if every else open_signs[:MAX_GROUP]


def _more_signs_to_ask(state: InterviewState, ckb: CompiledKB, now: _Now, signs: tuple[str, ...]) -> tuple[str, ...]:
    """The FINAL_SIGNS other emergency signs to close with: those that would complete an emergency
    rule already partly met first, then the rest in their order (those that are emergencies almost by
    themselves first)."""
    first = _completing(state, ckb, now, set(signs), TriageLevel.EMERGENCY)
    return tuple([*first, *(f for f in signs if f not in first)][:FINAL_SIGNS])


@cache
def _outside_signs(ckb: CompiledKB) -> tuple[str, ...]:
    """Findings a person can be asked that call for same-day care by themselves and point to a cause
    outside the knowledge base at least OUTSIDE_SIGN_LR times more than to leg pain in general (a
    kidney stone's loin-to-groin colic, a sickle-cell disease), the strongest first."""
    alone = _within(ckb, TriageLevel.URGENT, 0) | _within(ckb, TriageLevel.EMERGENCY, 0)
    found = []
    for fid in alone:
        f = ckb.kb.findings[fid]
        if f.kind is not FindingKind.BINARY or f.told_only:
            continue
        lr = float(np.exp(ckb.other_llr[ckb.finding_states[ckb.finding_index[fid]][0]]))
        if lr >= OUTSIDE_SIGN_LR:
            found.append((-lr, fid))
    return tuple(fid for _, fid in sorted(found))


def _likeliest_signs(state: InterviewState, ckb: CompiledKB, now: _Now, signs: tuple[str, ...]) -> tuple[str, ...]:
    """Of these warning signs, the FINAL_SIGNS to close with: first those that would complete a rule
    already partly met (a fever beside a red, hot leg), then, while "something else" is still as
    likely as before any answer, those that point outside the knowledge base (:func:`_outside_signs`:
    a young man's aching thighs and back that fit no modelled cause, and his sickle-cell disease,
    which no question had reached), then those that would tell most about the causes in play (ties
    in the order given), so a rolled ankle is not asked about kidney-stone pain."""
    if not signs:
        return ()
    first = _completing(state, ckb, now, set(signs), TriageLevel.URGENT)
    if now.post.other_share >= OUTSIDE_ASK_SHARE:
        first += [f for f in _outside_signs(ckb) if f in signs and f not in first]
    gains = _gains(list(signs), ckb, now.post)
    order = {f: i for i, f in enumerate(signs)}
    rest = sorted((f for f in signs if f not in first), key=lambda f: (-round(float(gains[f].sum()), 6), order[f]))
    return tuple([*first, *rest][:FINAL_SIGNS])


def _dont_know_share(state: InterviewState) -> float:
    """The share of the person's answers that were "don't know" (what they confirmed aside)."""
    given = [v for f, v in state.answers if f not in state.confirmed]
    return sum(v is None for v in given) / len(given) if given else 0.0


# ---------------------------------------------------------------- the next question


def _plan(state: InterviewState, ckb: CompiledKB) -> tuple[Question | None, str | None]:
    """The next question and, when there is none, why the interview stops."""
    n = len(state.asked) + 1
    used = _answer_count(state)
    left = MAX_ANSWERS - used

    past_budget = _past_budget(state)

    def ask(**kw: Any) -> Question:
        q = Question(number=n, answers_so_far=used, **kw)
        # a closing screen comes past the budget, and more may follow it
        then = _past_budget(state, q.id) if q.id in CLOSING_SCREENS else 0
        return q.model_copy(update={"answers_left_at_most": max(answers_asked(q) + then, left + past_budget)})

    def single(chosen: str, gains: dict[str, Any]) -> Question:
        """One yes / no question, or one number, with why it is asked."""
        per = gains[chosen]
        top = [ckb.kb.conditions[ckb.condition_ids[i]].lay_name.lower() for i in np.argsort(-per)[:2] if per[i] > 0]
        f = ckb.kb.findings[chosen]
        why = f.why + (f" Here it helps tell apart {top[0]} and {top[1]}." if len(top) == 2 else "")
        if f.kind is FindingKind.NUMERIC:
            assert f.range is not None
            return ask(
                id=chosen,
                kind="number",
                text=f"{f.question} (If you have no result, choose 'I don't know'.)",
                why=why,
                finding=chosen,
                unit=f.unit,
                min=f.range.min,
                max=f.range.max,
            )
        return ask(id=chosen, kind="yes_no", text=f.question, why=why, finding=chosen)

    now = _now(state, ckb)
    if now.level is TriageLevel.EMERGENCY:
        return None, "the answers already call for emergency care"
    if state.confirmed and now.warning_level.rank >= TriageLevel.URGENT.rank and not state.asked:
        return None, "the description already calls for care today"  # a warning sign stops it at once
    if DEMOGRAPHICS not in state.asked and (state.age is None or state.sex is None):
        return ask(
            id=DEMOGRAPHICS,
            kind="demographics",
            text="How old are you, and are you female or male?",
            why=(
                "Age and sex change which causes are likely: narrowed arteries and spinal narrowing are much"
                " commoner after 60, and some causes only affect people who have periods."
            ),
        ), None

    def warning_screen(qid: str, findings: tuple[str, ...], text: str, why: str) -> Question:
        items = [Item(finding=f, text=ckb.kb.findings[f].question) for f in findings]
        return ask(id=qid, kind="screen", items=items, text=text, why=why)

    screen = _screen_findings(state, ckb)
    if RED_FLAG_SCREEN not in state.asked and screen:
        return warning_screen(
            RED_FLAG_SCREEN,
            screen,
            "First, the warning signs. Do any of these apply to you now? (Choose 'none of these' if none do.)",
            "These signs can mean a problem that needs help today or right now, so they come before anything else.",
        ), None
    more = _more_warning_signs(state, ckb, every=True) if MORE_WARNING_SIGNS not in state.asked else ()
    outside = now.post.other_share >= OUTSIDE_SHARE
    unsure = now.level.rank < TriageLevel.URGENT.rank and (
        (_dont_know_share(state) >= DONT_KNOW_SHARE and float(now.post.share.max()) < FINAL_LEADER_SHARE)
        or (state.age is not None and state.age >= FINAL_SIGNS_AGE)
        or now.post.other_share >= UNSURE_OUTSIDE_SHARE
        or MORE_WARNING_SIGNS in state.asked  # once judged a poor fit, both closing screens come
    )

    def more_signs() -> Question:
        return warning_screen(
            MORE_WARNING_SIGNS,
            _more_signs_to_ask(state, ckb, now, more),  # worked out only when the screen is asked
            "Before we finish: do any of these apply to you now? (Choose 'none of these' if none do.)",
            "Many questions did not fit what you have, so signs that need quick help are checked before the end.",
        )

    same_day = (
        _likeliest_signs(state, ckb, now, _more_warning_signs(state, ckb, _closing_signs(ckb), every=True))
        if SAME_DAY_SIGNS not in state.asked and unsure
        else ()
    )  # worked out only when the screen could be asked

    def same_day_signs() -> Question:
        return warning_screen(
            SAME_DAY_SIGNS,
            same_day,
            "And do any of these apply to you now? (Choose 'none of these' if none do.)",
            "These signs need a clinician to look the same day or sooner, so they are checked when the questions"
            " did not fit.",
        )

    if left <= 0:
        # a closing screen is asked past the budget, so a same-day sign it brings gets its follow-up too
        just_closed = bool(state.asked) and state.asked[-1] in CLOSING_SCREENS
        if now.warning_level.rank >= TriageLevel.URGENT.rank and (left > -REACH_FOLLOW_UP or just_closed):
            # a same-day sign that came with the last answers: what could make it an emergency, past the budget
            reach = _emergency_reach(state, ckb, now, set(_singles(state, ckb)))
            if reach is not None:
                return single(reach, _gains([reach], ckb, now.post)), None
        if more and unsure:
            return more_signs(), None  # never end a poorly fitting interview without the other emergency signs
        if same_day and unsure:
            return same_day_signs(), None  # ... nor without the same-day ones
        if TEST_RESULTS in state.asked and left > -RESULTS_FOLLOW_UP:
            # a value the results group brought into a warning band may call for its warning sign, past the budget
            follow = _completing(state, ckb, now, set(_singles(state, ckb)))
            if follow:
                return single(follow[0], _gains(follow[:1], ckb, now.post)), None
        return None, "the question budget is spent"
    allowed = set(_singles(state, ckb))
    completing = _completing(state, ckb, now, allowed)
    escalation = _escalation(ckb, now, allowed)
    if now.warning_level.rank >= TriageLevel.URGENT.rank and not completing and escalation is None:
        reach = _emergency_reach(state, ckb, now, allowed) or _exception_to_ask(ckb, now, allowed)
        if reach is None:
            return None, "a warning sign calls for care today"  # after asking what could make it an emergency
        completing = [reach]
    gains = _gains(sorted(allowed), ckb, now.post)
    best_gain = max((float(g.sum()) for g in gains.values()), default=0.0)  # what any question could still tell
    results = _results_to_ask(ckb, now, gains) if TEST_RESULTS not in state.asked else ()
    clear, settled = _leader_clear(ckb, now)
    stopping = _enough(clear, settled, best_gain) or outside
    sweep = _warning_sweep(ckb, now, allowed) if stopping or left <= SWEEP_RESERVE else None
    if completing:
        chosen = completing[0]  # a yes could raise the level: warning signs are settled first
    elif escalation is not None:
        chosen = escalation  # settle a must-not-miss condition in play before anything else
    elif sweep is not None:
        chosen = sweep  # never stop without the warning signs of the causes in play
    elif results and (stopping or left <= len(results) + RESULTS_BEFORE_END):
        # before stopping (or running out of answers): results the person may have that would settle a likely cause
        # keep an answer after the group: a value in a warning band makes its warning sign worth asking;
        # the whole group even when fewer answers are left (a low magnesium beside a low potassium had
        # been cut off by the budget, and the cause it settles with it)
        items = [_numeric_item(ckb.kb.findings[f]) for f in results]
        return ask(
            id=TEST_RESULTS,
            kind="numbers",
            items=items,
            text=(
                "Have you had blood tests or a check of the blood flow in your legs recently? If you have the"
                " results, enter any of these. If not, choose 'I have no results'."
            ),
            why="A measured value can settle between causes that answers alone cannot tell apart.",
        ), None
    elif stopping and more and unsure:
        return more_signs(), None
    elif stopping and same_day and unsure:
        return same_day_signs(), None
    elif stopping:
        checks = _safety_checks(state, ckb) if MEDICINE_SAFETY not in state.asked else ()
        if checks and used <= SAFETY_CHECK_BUDGET:
            group = ckb.kb.question_groups[MEDICINE_SAFETY]
            items = [Item(finding=f, text=ckb.kb.findings[f].question) for f in checks]
            return ask(id=MEDICINE_SAFETY, kind="items", items=items, text=group.caption, why=group.why), None
        if outside:
            return None, "the answers point to a cause outside what these questions cover"
        if clear and best_gain < CLEAR_GAIN_BITS:
            return None, "the leading cause is clear"
        if best_gain < MIN_GAIN_BITS:
            return None, "no remaining question would change the picture"
        return None, "the leading cause is settled and further questions would add little"
    else:
        chosen = _best_single(state, ckb, now, gains)
    return single(chosen, gains), None


def _numeric_item(f: Finding) -> Item:
    assert f.range is not None  # every measured finding has a range (checked when the KB loads)
    return Item(finding=f.id, text=f.question, unit=f.unit, min=f.range.min, max=f.range.max)


def next_question(state: InterviewState, ckb: CompiledKB) -> Question | None:
    """The next question, or None when the interview should stop."""
    return _plan(state, ckb)[0]


def stop_reason(state: InterviewState, ckb: CompiledKB) -> str | None:
    """Why the interview stopped (None while questions remain)."""
    return _plan(state, ckb)[1]


# ---------------------------------------------------------------- answers


def validate_state(state: InterviewState, ckb: CompiledKB) -> None:
    """Check a state sent back by a client completely: findings, ranges, question ids, repeats.

    Raises:
        InvalidCase: naming the offending field, e.g. ``state.asked[3]``.
    """
    resolve_states(state.to_case(), ckb)
    for i, qid in enumerate(state.asked):
        if qid == DEMOGRAPHICS:
            continue
        try:
            question_findings(qid, ckb)
        except InvalidCase:
            raise InvalidCase(f"state.asked[{i}]", f"unknown question id {qid!r}") from None
    if len(set(state.asked)) != len(state.asked):
        raise InvalidCase("state.asked", "lists a question more than once")


def question_catalogue(ckb: CompiledKB) -> dict[str, tuple[QuestionKind, tuple[str, ...]]]:
    """Every question the interview can ask: id -> (kind, the finding ids it can ask about).
    The web app builds its published schema from this."""
    kb = ckb.kb
    out: dict[str, tuple[QuestionKind, tuple[str, ...]]] = {
        DEMOGRAPHICS: ("demographics", ()),
        RED_FLAG_SCREEN: ("screen", question_findings(RED_FLAG_SCREEN, ckb)),
        MORE_WARNING_SIGNS: ("screen", question_findings(MORE_WARNING_SIGNS, ckb)),
        SAME_DAY_SIGNS: ("screen", question_findings(SAME_DAY_SIGNS, ckb)),
        MEDICINE_SAFETY: ("items", question_findings(MEDICINE_SAFETY, ckb)),
        TEST_RESULTS: ("numbers", question_findings(TEST_RESULTS, ckb)),
    }
    for f in kb.findings.values():
        if f.category is not FindingCategory.DEMOGRAPHIC and f.replaced_by is None:
            out[f.id] = ("yes_no" if f.kind is FindingKind.BINARY else "number", (f.id,))
    return out


def question_findings(qid: str, ckb: CompiledKB) -> tuple[str, ...]:
    """The finding ids a question can ask about (InvalidCase for an unknown question id)."""
    kb = ckb.kb
    if qid == RED_FLAG_SCREEN:  # an adult's or a child's (_screen_findings)
        return tuple(dict.fromkeys([*_adult_screen(ckb), *CHILD_SCREEN]))
    if qid == MORE_WARNING_SIGNS:
        return _other_emergency_signs(ckb)
    if qid == SAME_DAY_SIGNS:
        return _closing_signs(ckb)
    if qid == MEDICINE_SAFETY:
        return tuple(
            dict.fromkeys(
                a.finding
                for item in kb.advice.values()
                for a in item.ask_first
                if a.finding in kb.findings and kb.findings[a.finding].category is not FindingCategory.DEMOGRAPHIC
            )
        )
    if qid == TEST_RESULTS:
        return tuple(
            f.id
            for f in kb.findings.values()
            if f.kind is FindingKind.NUMERIC and f.category is not FindingCategory.DEMOGRAPHIC
        )
    if qid.startswith("ask:") and qid[4:] in kb.question_groups:
        return tuple(f.id for f in kb.findings.values() if f.ask_with == qid[4:])
    f = kb.findings.get(qid)
    if f is None or f.category is FindingCategory.DEMOGRAPHIC:
        raise InvalidCase("question", f"unknown question id {qid!r}")
    return (qid,)


def _check_binary(field_name: str, value: Any) -> Answer:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidCase(field_name, f"expected true, false or null (don't know), got {value!r}")


def _check_number(field_name: str, value: Any, finding: Finding) -> Answer:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidCase(field_name, f"expected a number in {finding.unit} or null (don't know), got {value!r}")
    return float(value)


def answer(state: InterviewState, qid: str, response: Any, ckb: CompiledKB) -> InterviewState:
    """Record the answer to question ``qid`` and return the new state (the old one is untouched).

    Responses: demographics ``{"age": int|None, "sex": "female"|"male"|None}``; screen and items
    ``{finding_id: true|false|null}`` (both also take ``{"none": true}``: every item shown is
    false); yes/no ``true``, ``false`` or ``None``; number a float or ``None``. A finding the person
    confirmed from their description is never overwritten. A question answered again takes the new
    answer (the last answer wins; ``asked`` lists it once), so a client may correct an answer
    without stepping back.

    Raises:
        InvalidCase: unknown question, wrong type or out-of-range value (the state is unchanged).
    """
    new_answers: dict[str, Answer] = {}
    age, sex = state.age, state.sex
    kb = ckb.kb
    if qid == DEMOGRAPHICS:
        if not isinstance(response, dict):
            raise InvalidCase("answer", "expected an object with age and sex")
        extra = set(response) - {"age", "sex"}
        if extra:
            raise InvalidCase(f"answer.{sorted(extra)[0]}", "is not part of this question (expected age, sex)")
        case = parse_case({"age": response.get("age"), "sex": response.get("sex")})
        age, sex = case.age, case.sex
    elif qid in (RED_FLAG_SCREEN, MORE_WARNING_SIGNS, SAME_DAY_SIGNS, MEDICINE_SAFETY, TEST_RESULTS) or qid.startswith(
        "ask:"
    ):
        if not isinstance(response, dict):
            raise InvalidCase("answer", "expected an object mapping each item to true, false or null")
        if "none" in response and (response["none"] is not True or len(response) > 1):
            raise InvalidCase("answer.none", "must be true and the only key (it answers every item at once)")
        items = question_findings(qid, ckb)
        current = next_question(state, ckb)
        # the items shown: those of the question being asked now; a group answered out of turn
        # (an API client) covers the items it names, or with "none" every item that fits the person
        if current is not None and current.id == qid:
            shown = [item.finding for item in current.items]
        elif response.get("none") is True:
            shown = [f for f in items if _fits(f, state, ckb) and f not in state.confirmed]
        else:
            shown = [f for f in response if f in items]
        if response.get("none") is True:  # "none of these" is a no; "I have no results" is a don't know
            response = {f: (None if qid == TEST_RESULTS else False) for f in shown}
        for key, value in response.items():
            if key not in items:
                raise InvalidCase(f"answer.{key}", "is not an item of this question")
            if qid == TEST_RESULTS:
                new_answers[key] = _check_number(f"answer.{key}", value, kb.findings[key])
            else:
                new_answers[key] = _check_binary(f"answer.{key}", value)
        for f in shown:  # an item left untouched is recorded as "don't know", never as "no"
            new_answers.setdefault(f, None)
    else:
        (fid,) = question_findings(qid, ckb)
        finding = kb.findings[fid]
        if finding.kind is FindingKind.BINARY:
            new_answers[fid] = _check_binary("answer", response)
        else:
            new_answers[fid] = _check_number("answer", response, finding)
    merged = dict(state.answers)
    for fid, value in new_answers.items():
        if fid in state.confirmed and value != merged.get(fid):
            continue  # the person's own confirmed words stand unless they change them on the confirm page
        merged[fid] = value
    candidate = InterviewState(
        age=age,
        sex=sex,
        answers=tuple(merged.items()),
        asked=state.asked if qid in state.asked else (*state.asked, qid),
        confirmed=state.confirmed,
        mode=state.mode,
        previous=state,
    )
    resolve_states(candidate.to_case(), ckb)  # validates ranges and contradictions before accepting
    return candidate


_ = AGE_MAX  # the age range lives in legdx.case (one place); demographics are validated by parse_case
