"""Adaptive interview: which question next, and when to stop. No I/O here.

Order: age and sex first, then a short red-flag screen (several yes / no / don't know items with
a "none of these" shortcut), then the question with the highest expected information gain over
the differential. Gains are summed over conditions with must-not-miss conditions weighted by
``danger_weight``, so dangerous causes are ruled in or out early. Correlated findings that have a
caption in ``question_groups.yaml`` are asked together as one question.

Stop when (a) the answers already make it an emergency, (b) the leader is clear and no
dangerous condition is left in doubt, (c) no remaining question is worth asking, or (d) the
question budget is spent.

State is immutable: every answer returns a new :class:`InterviewState` that remembers the one
before, so ``back()`` restores the previous state exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from legdx.case import Case, FindingValue, parse_case
from legdx.engine import Posterior, gain_by_condition, posterior, resolve_states
from legdx.errors import InvalidCase
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import FindingCategory, FindingKind, TriageLevel
from legdx.triage import case_facts, triage

__all__ = [
    "DEMOGRAPHICS",
    "RED_FLAG_SCREEN",
    "InterviewState",
    "Item",
    "Question",
    "answer",
    "next_question",
    "question_findings",
    "stop_reason",
    "validate_state",
]

DEMOGRAPHICS = "demographics"
RED_FLAG_SCREEN = "red_flag_screen"
MAX_QUESTIONS = 14  # including age/sex and the red-flag screen
MIN_GAIN_BITS = 0.1  # below this no question is worth asking
LEADER_PROBABILITY = 0.75  # a leader at least this likely ...
LEADER_MARGIN = 0.3  # ... and this far ahead of the runner-up is "clear"
SETTLED_PROBABILITY = 0.5  # a leader this likely and this far ahead ...
SETTLED_GAIN_BITS = 0.35  # ... is settled once no question is worth more than this
DANGER_DOUBT = (0.1, 0.5)  # a must-not-miss condition in this probability band is still in doubt

QuestionKind = Literal["demographics", "screen", "items", "numbers", "yes_no", "number"]
Answer = FindingValue | None  # None = "don't know"


class Item(BaseModel):
    finding: str
    text: str
    unit: str | None = None  # numeric items (kind "numbers") only
    min: float | None = None
    max: float | None = None


class Question(BaseModel):
    """One screen of the interview."""

    id: str
    kind: QuestionKind
    text: str
    why: str
    items: list[Item] = []
    finding: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    number: int = 1  # 1-based position in the interview
    of_at_most: int = MAX_QUESTIONS


@dataclass(frozen=True)
class InterviewState:
    """Answers so far. ``answers`` maps finding id -> True / False / number / None (don't know)."""

    age: int | None = None
    sex: Literal["female", "male"] | None = None
    answers: tuple[tuple[str, Answer], ...] = ()
    asked: tuple[str, ...] = ()
    previous: InterviewState | None = field(default=None, repr=False, compare=False)

    def findings(self) -> dict[str, FindingValue]:
        return {f: v for f, v in self.answers if v is not None}

    def to_case(self) -> Case:
        return Case(age=self.age, sex=self.sex, findings=self.findings())

    def back(self) -> InterviewState:
        """The state before the last answer (the same state if nothing was answered)."""
        return self.previous if self.previous is not None else self

    def to_dict(self) -> dict[str, Any]:
        return {"age": self.age, "sex": self.sex, "answers": dict(self.answers), "asked": list(self.asked)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InterviewState:
        """Rebuild a state sent back by a stateless client (validated like a case)."""
        answers = data.get("answers") or {}
        if not isinstance(answers, dict):
            raise InvalidCase("answers", "expected an object mapping finding ids to true, false, a number or null")
        asked = data.get("asked") or []
        if not isinstance(asked, list) or not all(isinstance(a, str) for a in asked):
            raise InvalidCase("asked", "expected a list of question ids")
        known = {k: v for k, v in answers.items() if v is not None}
        try:
            case = parse_case({"age": data.get("age"), "sex": data.get("sex"), "findings": known})
        except InvalidCase as exc:  # the answers live under "answers" in a state, not "findings"
            raise InvalidCase.of([(f.replace("findings.", "answers.", 1), p) for f, p in exc.problems]) from None
        return cls(age=case.age, sex=case.sex, answers=tuple(answers.items()), asked=tuple(asked))


@dataclass(frozen=True)
class _Unit:
    id: str
    kind: QuestionKind
    findings: tuple[str, ...]
    text: str
    why: str


@cache
def _units(ckb: CompiledKB) -> tuple[_Unit, ...]:
    """Question units built once per knowledge base.

    Findings with ``ask_with`` are asked together under that question group's caption (binary ones
    as yes / no / don't know items, measured ones as optional number fields); correlated groups
    with a caption come next; every other finding is asked on its own.
    """
    kb = ckb.kb
    askable = [f for f in kb.findings.values() if f.category is not FindingCategory.DEMOGRAPHIC and not f.red_flag]
    units: list[_Unit] = []
    taken: set[str] = set()
    for gid, group in kb.question_groups.items():
        members = [f for f in askable if f.ask_with == gid]
        if not members:
            continue
        binary = tuple(f.id for f in members if f.kind is FindingKind.BINARY)
        numeric = tuple(f.id for f in members if f.kind is FindingKind.NUMERIC)
        if binary:
            units.append(_Unit(f"ask:{gid}", "items", binary, group.caption, group.why))
        if numeric:
            uid = f"ask:{gid}:values" if binary else f"ask:{gid}"
            units.append(_Unit(uid, "numbers", numeric, group.caption, group.why))
        taken.update(f.id for f in members)
    for gid, group in kb.question_groups.items():
        correlated = tuple(
            f.id for f in askable if f.group == gid and f.kind is FindingKind.BINARY and f.id not in taken
        )
        if len(correlated) >= 2:
            units.append(_Unit(f"group:{gid}", "items", correlated, group.caption, group.why))
            taken.update(correlated)
    for f in askable:
        if f.id in taken:
            continue
        kind: QuestionKind = "yes_no" if f.kind is FindingKind.BINARY else "number"
        units.append(_Unit(f.id, kind, (f.id,), f.question, f.why))
    return tuple(units)


@cache
def _unit_arrays(ckb: CompiledKB) -> tuple[Any, Any, Any]:
    """(F, 2, C) outcome probabilities of every binary finding, plus each unit's member rows."""
    binary = [f for f in ckb.finding_ids if ckb.kb.findings[f].kind is FindingKind.BINARY]
    row = {f: i for i, f in enumerate(binary)}
    idx = np.array([ckb.finding_states[ckb.finding_index[f]] for f in binary])
    return ckb.p_given[idx], ckb.p_given_not[idx], row


def _screen_findings(ckb: CompiledKB) -> tuple[str, ...]:
    return tuple(f.id for f in ckb.kb.findings.values() if f.red_flag)


def _assess_state(state: InterviewState, ckb: CompiledKB) -> tuple[Posterior, TriageLevel]:
    cs = resolve_states(state.to_case(), ckb)
    post = posterior(ckb, cs)
    tri, _ = triage(ckb.kb, case_facts(ckb, cs, post))
    return post, tri.level


def _unit_gains(state: InterviewState, ckb: CompiledKB, post: Posterior) -> list[tuple[float, _Unit, Any]]:
    """Expected information of every unasked unit, best first, with per-condition gains."""
    pg, pn, row = _unit_arrays(ckb)
    answered = {f for f, _ in state.answers}
    per_finding = gain_by_condition(post.probability, pg, pn) * ckb.danger_weight[None, :]  # (F, C)
    out = []
    for unit in _units(ckb):
        if unit.id in state.asked:
            continue
        members = [f for f in unit.findings if f not in answered]
        if not members:
            continue
        if unit.kind in ("number", "numbers"):
            gains = np.zeros(len(ckb.condition_ids))
            for fid in members:
                idx = list(ckb.finding_states[ckb.finding_index[fid]])
                gains += gain_by_condition(post.probability, ckb.p_given[idx], ckb.p_given_not[idx]) * ckb.danger_weight
        else:
            gains = per_finding[[row[f] for f in members]].sum(axis=0)
        out.append((float(gains.sum()), unit, gains))
    out.sort(key=lambda t: (-t[0], t[1].id))
    return out


def _completing_units(
    state: InterviewState, ckb: CompiledKB, level: TriageLevel, gains: list[tuple[float, _Unit, Any]]
) -> list[tuple[float, _Unit, Any]]:
    """Units that could complete a red-flag rule already partly met, most urgent rule first.

    A rule is partly met when one of its findings is present and none of its required findings is
    known to be absent; the unanswered findings that would make it fire are asked next, because a
    yes would raise the triage level (red flags are settled before anything else).
    """
    kb = ckb.kb
    answers = dict(state.answers)
    present = {f for f, v in answers.items() if v is True}
    wanted: dict[str, int] = {}
    for rule in kb.triage_rules:
        if rule.level.rank <= level.rank or rule.probable or rule.always:
            continue
        if any(answers.get(f) is False for f in rule.all):
            continue
        any_met = not rule.any or any(f in present for f in rule.any)
        if rule.any and not any_met and all(f in answers for f in rule.any):
            continue
        if not (any(f in present for f in rule.all) or (rule.any and any(f in present for f in rule.any))):
            continue
        missing = [f for f in rule.all if f not in present]
        if not any_met:
            missing += [f for f in rule.any if f not in answers]
        if rule.bands and not any(f in answers for f in rule.bands):
            missing += list(rule.bands)
        for f in missing:
            if f not in answers:
                wanted[f] = max(wanted.get(f, -1), rule.level.rank)
    if not wanted:
        return []
    scored = [(max(wanted.get(f, -1) for f in unit.findings), g, unit, pc) for g, unit, pc in gains]
    scored = [t for t in scored if t[0] >= 0]
    scored.sort(key=lambda t: (-t[0], -t[1], t[2].id))
    return [(g, unit, pc) for _, g, unit, pc in scored]


def _stop_reason(
    state: InterviewState, ckb: CompiledKB, post: Posterior, level: TriageLevel, best_gain: float
) -> str | None:
    if level is TriageLevel.EMERGENCY:
        return "the answers already call for emergency care"
    if len(state.asked) >= MAX_QUESTIONS:
        return "the question budget is spent"
    if best_gain < MIN_GAIN_BITS:
        return "no remaining question would change the picture"
    prob = np.where(np.isfinite(post.logodds), post.probability, 0.0)
    order = np.argsort(-prob)
    p1, p2 = prob[order[0]], prob[order[1]]
    must = np.array([ckb.kb.conditions[c].must_not_miss for c in ckb.condition_ids])
    lo, hi = DANGER_DOUBT
    in_doubt = bool(np.any(must & (prob >= lo) & (prob < hi)))
    if p1 >= LEADER_PROBABILITY and p1 - p2 >= LEADER_MARGIN and not in_doubt:
        return "the leading cause is clear"
    if p1 >= SETTLED_PROBABILITY and p1 - p2 >= LEADER_MARGIN and best_gain < SETTLED_GAIN_BITS and not in_doubt:
        return "the leading cause is settled and further questions would add little"
    return None


def next_question(state: InterviewState, ckb: CompiledKB) -> Question | None:
    """The next question, or None when the interview should stop."""
    n = len(state.asked) + 1
    if DEMOGRAPHICS not in state.asked:
        return Question(
            id=DEMOGRAPHICS,
            kind="demographics",
            number=n,
            text="How old are you, and are you female or male?",
            why=(
                "Age and sex change which causes are likely: narrowed arteries and spinal narrowing are much"
                " commoner after 60, and some causes only affect people who have periods."
            ),
        )
    if RED_FLAG_SCREEN not in state.asked:
        items = [Item(finding=f, text=ckb.kb.findings[f].question) for f in _screen_findings(ckb)]
        return Question(
            id=RED_FLAG_SCREEN,
            kind="screen",
            number=n,
            items=items,
            text="First, the warning signs. Do any of these apply to you now? (Choose 'none of these' if none do.)",
            why="These signs can mean a problem that needs help today or right now, so they come before anything else.",
        )
    post, level = _assess_state(state, ckb)
    gains = _unit_gains(state, ckb, post)
    best = gains[0][0] if gains else 0.0
    completing = _completing_units(state, ckb, level, gains)
    if len(state.asked) >= MAX_QUESTIONS:
        return None
    if not completing and (_stop_reason(state, ckb, post, level, best) is not None or not gains):
        return None
    _, unit, per_condition = completing[0] if completing else gains[0]
    top = [
        ckb.kb.conditions[ckb.condition_ids[i]].lay_name.lower()
        for i in np.argsort(-per_condition)[:2]
        if per_condition[i] > 0
    ]
    why = unit.why + (f" Here it helps tell apart {top[0]} and {top[1]}." if len(top) == 2 else "")
    if unit.kind == "items":
        items = [Item(finding=f, text=ckb.kb.findings[f].question) for f in unit.findings]
        return Question(id=unit.id, kind="items", text=unit.text, why=why, items=items, number=n)
    if unit.kind == "numbers":
        items = []
        for fid in unit.findings:
            nf = ckb.kb.findings[fid]
            assert nf.range is not None
            items.append(Item(finding=fid, text=nf.clinician_label, unit=nf.unit, min=nf.range.min, max=nf.range.max))
        return Question(id=unit.id, kind="numbers", text=unit.text, why=why, items=items, number=n)
    f = ckb.kb.findings[unit.findings[0]]
    if unit.kind == "number":
        assert f.range is not None
        return Question(
            id=unit.id,
            kind="number",
            text=f.question,
            why=why,
            finding=f.id,
            unit=f.unit,
            min=f.range.min,
            max=f.range.max,
            number=n,
        )
    return Question(id=unit.id, kind="yes_no", text=f.question, why=why, finding=f.id, number=n)


def stop_reason(state: InterviewState, ckb: CompiledKB) -> str | None:
    """Why the interview stopped (None while questions remain)."""
    if DEMOGRAPHICS not in state.asked or RED_FLAG_SCREEN not in state.asked:
        return None
    post, level = _assess_state(state, ckb)
    gains = _unit_gains(state, ckb, post)
    return _stop_reason(state, ckb, post, level, gains[0][0] if gains else 0.0) or (
        None if gains else "every question has been asked"
    )


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


def question_findings(qid: str, ckb: CompiledKB) -> tuple[str, ...]:
    """The finding ids a question asks about (InvalidCase for an unknown question id)."""
    return _question_findings(qid, ckb)


def _question_findings(qid: str, ckb: CompiledKB) -> tuple[str, ...]:
    if qid == RED_FLAG_SCREEN:
        return _screen_findings(ckb)
    for unit in _units(ckb):
        if unit.id == qid:
            return unit.findings
    raise InvalidCase("question", f"unknown question id {qid!r}")


def _unit_kind(qid: str, ckb: CompiledKB) -> str | None:
    for unit in _units(ckb):
        if unit.id == qid:
            return unit.kind
    return None


def _check_binary(field_name: str, value: Any) -> Answer:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidCase(field_name, f"expected true, false or null (don't know), got {value!r}")


def answer(state: InterviewState, qid: str, response: Any, ckb: CompiledKB) -> InterviewState:
    """Record the answer to question ``qid`` and return the new state (the old one is untouched).

    Responses: demographics ``{"age": int|None, "sex": "female"|"male"|None}``; screen and items
    ``{finding_id: true|false|null}`` (the screen also takes ``{"none": true}``); yes/no ``true``,
    ``false`` or ``None``; number a float or ``None``.

    Raises:
        InvalidCase: unknown question, wrong type or out-of-range value (the state is unchanged).
    """
    if qid in state.asked:
        raise InvalidCase("question", f"{qid!r} has already been answered (use back to change it)")
    new_answers: dict[str, Answer] = {}
    age, sex = state.age, state.sex
    if qid == DEMOGRAPHICS:
        if not isinstance(response, dict):
            raise InvalidCase("answer", "expected an object with age and sex")
        extra = set(response) - {"age", "sex"}
        if extra:
            raise InvalidCase(f"answer.{sorted(extra)[0]}", "is not part of this question (expected age, sex)")
        case = parse_case({"age": response.get("age"), "sex": response.get("sex")})
        age, sex = case.age, case.sex
    elif _unit_kind(qid, ckb) == "numbers":
        findings = _question_findings(qid, ckb)
        if not isinstance(response, dict):
            raise InvalidCase("answer", "expected an object mapping each item to a number or null")
        for key, value in response.items():
            if key not in findings:
                raise InvalidCase(f"answer.{key}", "is not an item of this question")
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                unit = ckb.kb.findings[key].unit
                raise InvalidCase(f"answer.{key}", f"expected a number in {unit} or null (don't know), got {value!r}")
            new_answers[key] = None if value is None else float(value)
        for f in findings:
            new_answers.setdefault(f, None)
    elif qid == RED_FLAG_SCREEN or _unit_kind(qid, ckb) == "items":
        findings = _question_findings(qid, ckb)
        if not isinstance(response, dict):
            raise InvalidCase("answer", "expected an object mapping each item to true, false or null")
        if qid == RED_FLAG_SCREEN and response.get("none") is True:
            response = {f: False for f in findings}
        for key, value in response.items():
            if key not in findings:
                raise InvalidCase(f"answer.{key}", "is not an item of this question")
            new_answers[key] = _check_binary(f"answer.{key}", value)
        for f in findings:
            new_answers.setdefault(f, None)
    else:
        (fid,) = _question_findings(qid, ckb)
        finding = ckb.kb.findings[fid]
        if finding.kind is FindingKind.BINARY:
            new_answers[fid] = _check_binary("answer", response)
        else:
            if response is not None and (isinstance(response, bool) or not isinstance(response, int | float)):
                raise InvalidCase(
                    "answer", f"expected a number in {finding.unit} or null (don't know), got {response!r}"
                )
            new_answers[fid] = None if response is None else float(response)
    merged = dict(state.answers) | new_answers
    candidate = InterviewState(
        age=age, sex=sex, answers=tuple(merged.items()), asked=(*state.asked, qid), previous=state
    )
    resolve_states(candidate.to_case(), ckb)  # validates ranges and contradictions before accepting
    return candidate
