"""Interview engine: order of questions, stop rule, undo, and the terminal interview end to end."""

from __future__ import annotations

import json
import random
import sys

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from legdx import assess
from legdx.case import Case
from legdx.errors import InvalidCase
from legdx.evaluation import respond, simulate
from legdx.interview import (
    DEMOGRAPHICS,
    FIRST_SCREEN,
    MAX_ANSWERS,
    MORE_WARNING_SIGNS,
    RED_FLAG_SCREEN,
    SAME_DAY_SIGNS,
    InterviewState,
    answer,
    answers_asked,
    first_promise,
    next_question,
    question_catalogue,
    stop_reason,
)
from legdx.kb.schema import TriageLevel


def _start(ckb, age=60, sex="female"):
    state = answer(InterviewState(), DEMOGRAPHICS, {"age": age, "sex": sex}, ckb)
    return state


def test_age_and_sex_first_then_a_short_warning_screen(ckb):
    state = InterviewState()
    q1 = next_question(state, ckb)
    assert q1.id == DEMOGRAPHICS and answers_asked(q1) == 2
    q2 = next_question(_start(ckb), ckb)
    assert q2.id == RED_FLAG_SCREEN and q2.kind == "screen"
    screen = {f.id for f in ckb.kb.findings.values() if f.ask_with == FIRST_SCREEN}
    assert {i.finding for i in q2.items} == screen and 1 <= len(q2.items) <= 5
    assert all(ckb.kb.findings[i.finding].red_flag for i in q2.items)


def test_none_of_these_marks_only_the_items_shown_absent(ckb):
    state = answer(_start(ckb, 40, "male"), RED_FLAG_SCREEN, {"none": True}, ckb)
    shown = {f.id for f in ckb.kb.findings.values() if f.ask_with == FIRST_SCREEN}
    assert {f for f, v in state.answers if v is False} == shown


def test_untouched_items_are_dont_know_not_no(ckb):
    state = answer(_start(ckb), RED_FLAG_SCREEN, {"cold_pale_leg": False}, ckb)
    answers = dict(state.answers)
    assert answers["cold_pale_leg"] is False
    assert all(answers[f] is None for f in answers if f != "cold_pale_leg")


def test_a_confirmed_warning_sign_is_never_overwritten(ckb):
    """The person's own confirmed words stand: it is not asked again, and "none of these" keeps it."""
    base = InterviewState(
        age=55, sex="male", answers=(("cold_pale_leg", True),), confirmed=("cold_pale_leg",), asked=(DEMOGRAPHICS,)
    )
    q = next_question(base, ckb)
    assert q is None or "cold_pale_leg" not in {i.finding for i in q.items}
    if q is not None and q.id == RED_FLAG_SCREEN:
        after = answer(base, RED_FLAG_SCREEN, {"none": True}, ckb)
        assert dict(after.answers)["cold_pale_leg"] is True


def test_warning_sign_stops_the_interview_with_emergency_advice_first(ckb):
    state = answer(_start(ckb, 45, "male"), RED_FLAG_SCREEN, {"saddle_numbness_or_bladder_change": True}, ckb)
    assert next_question(state, ckb) is None
    result = assess(state.to_case(), ckb)
    assert result.triage.level.value == "emergency"
    assert result.advice[0].tags[0].value == "emergency_care"
    assert result.emergency_message


def test_bad_answers_are_rejected_and_change_nothing(ckb):
    state = _start(ckb, 50, "female")
    for qid, response, field in [
        (RED_FLAG_SCREEN, {"cold_pale_leg": "yes"}, "answer.cold_pale_leg"),
        (RED_FLAG_SCREEN, {"not_a_flag": True}, "answer.not_a_flag"),
        ("abi", 7.0, "findings.abi"),
        ("abi", True, "answer"),
        ("no_such_question", True, "question"),
        (DEMOGRAPHICS, {"age": 30, "height": 2}, "answer.height"),
        (RED_FLAG_SCREEN, {"none": True, "cold_pale_leg": True}, "answer.none"),
        ("smoker", "often", "answer"),
    ]:
        with pytest.raises(InvalidCase) as exc:
            answer(state, qid, response, ckb)
        assert exc.value.field == field, (qid, exc.value)
    assert state.asked == (DEMOGRAPHICS,)


def test_answering_again_replaces_the_earlier_answer_and_lists_the_question_once(ckb):
    state = answer(_start(ckb, 50, "female"), "smoker", True, ckb)
    again = answer(state, "smoker", False, ckb)
    assert dict(again.answers)["smoker"] is False and dict(state.answers)["smoker"] is True
    assert again.asked.count("smoker") == 1
    older = answer(again, DEMOGRAPHICS, {"age": 70, "sex": "female"}, ckb)
    assert older.age == 70 and older.asked.count(DEMOGRAPHICS) == 1


def test_a_group_answered_out_of_turn_records_only_what_it_names(ckb):
    state = answer(_start(ckb, 50, "male"), RED_FLAG_SCREEN, {"none": True}, ckb)
    current = next_question(state, ckb)
    assert current is not None and current.id != RED_FLAG_SCREEN
    later = answer(state, RED_FLAG_SCREEN, {"cold_pale_leg": True}, ckb)  # a correction, out of turn
    before, after = dict(state.answers), dict(later.answers)
    assert after["cold_pale_leg"] is True
    assert {f: v for f, v in after.items() if f != "cold_pale_leg"} == {
        f: v for f, v in before.items() if f != "cold_pale_leg"
    }


def _play_to_end(ckb, state, respond_to):
    """Play the interview to its end; ``respond_to(question)`` gives each response."""
    asked = []
    while (q := next_question(state, ckb)) is not None:
        asked.append(q)
        state = answer(state, q.id, respond_to(q), ckb)
    return state, asked


def _none_of_these_then_dont_know(q):
    return {"none": True} if q.kind in ("screen", "items", "numbers") else None


def test_a_person_the_questions_do_not_fit_is_asked_the_other_emergency_signs_before_the_end(ckb):
    # a 4-year-old who cannot stand on the leg: every history question is "don't know"
    state, asked = _play_to_end(ckb, _start(ckb, 4, "male"), _none_of_these_then_dont_know)
    ids = [q.id for q in asked]
    final = [q for q in asked if q.id == MORE_WARNING_SIGNS]
    # the emergency signs come last, or just before the same-day signs of an unsure ending
    assert final and ids[ids.index(MORE_WARNING_SIGNS) :] in (
        [MORE_WARNING_SIGNS],
        [MORE_WARNING_SIGNS, SAME_DAY_SIGNS],
    ), ids
    before_final = state.previous
    while before_final is not None and getattr(next_question(before_final, ckb), "id", None) != MORE_WARNING_SIGNS:
        before_final = before_final.previous
    assert before_final is not None
    items = [i.finding for i in final[0].items]
    assert 1 <= len(items) <= 3 and all(ckb.kb.findings[f].red_flag for f in items)
    assert not set(items) & {f for f, _ in before_final.answers}  # nothing asked twice
    # the adult first screen, not asked of a child at first, comes here
    assert "breathless_or_chest_pain" in items
    yes = answer(before_final, MORE_WARNING_SIGNS, {"breathless_or_chest_pain": True}, ckb)
    assert next_question(yes, ckb) is None
    assert assess(yes.to_case(), ckb).triage.level.value == "emergency"


def test_a_person_the_questions_do_not_fit_is_asked_the_same_day_signs_too(ckb):
    # a 63-year-old man who answers "don't know" to every question (a diabetic foot ulcer, say)
    state, asked = _play_to_end(ckb, _start(ckb, 63, "male"), lambda q: None if q.kind in ("yes_no", "number") else {})
    ids = [q.id for q in asked]
    assert ids[-2:] == [MORE_WARNING_SIGNS, SAME_DAY_SIGNS], ids
    items = [i.finding for i in asked[-1].items]
    assert "foot_ulcer_or_gangrene" in items and all(ckb.kb.findings[f].red_flag for f in items)
    assert not set(items) & {i.finding for i in asked[-2].items}  # nothing from the screen before again
    yes = answer(state.previous, SAME_DAY_SIGNS, {"foot_ulcer_or_gangrene": True}, ckb)
    assert assess(yes.to_case(), ckb).triage.level.value == "urgent"


def test_a_picture_outside_the_modelled_causes_ends_early_after_the_warning_signs(ckb):
    # a twisted knee (told in the description): its ligament and cartilage tears are not modelled,
    # so the features of the modelled causes are not worth asking once the warning signs are checked
    sprain = {
        "knee_twisting_injury": True,
        "recent_injury": True,
        "unilateral_leg_swelling": True,  # the swollen ankle: not chased as a clot, nor as a limping child's hip
        "limp": True,
        "bruising": True,
    }
    base = InterviewState(age=30, sex="male", answers=tuple(sprain.items()), confirmed=tuple(sprain))
    # a person who knows the answers: "no" to each question, "none of these" to each group
    state, asked = _play_to_end(
        ckb, base, lambda q: {"none": True} if q.kind in ("screen", "items", "numbers") else False
    )
    ids = [q.id for q in asked]
    assert MORE_WARNING_SIGNS in ids and SAME_DAY_SIGNS in ids
    assert sum(answers_asked(q) for q in asked) <= MAX_ANSWERS - 4, ids  # 27 before it stopped early
    assert stop_reason(state, ckb) == "the answers point to a cause outside what these questions cover"
    assert not {"previous_dvt", "long_journey", "knee_pain", "hip_or_groin_pain"} & {q.id for q in asked}


def test_a_child_is_first_asked_a_childs_warning_signs(ckb):
    first = next_question(_start(ckb, 4, "male"), ckb)
    assert first is not None and first.id == RED_FLAG_SCREEN
    items = [i.finding for i in first.items]
    assert {"unable_to_bear_weight", "fever"} <= set(items) and "dark_urine" not in items
    adult = [i.finding for i in next_question(_start(ckb, 40, "male"), ckb).items]
    assert "cold_pale_leg" in adult and "fever" not in adult
    # a feverish child who will not stand on the leg: emergency at once (a joint or bone infection)
    state = answer(_start(ckb, 4, "male"), RED_FLAG_SCREEN, {"unable_to_bear_weight": True, "fever": True}, ckb)
    assert next_question(state, ckb) is None
    assert assess(state.to_case(), ckb).triage.level.value == "emergency"


def test_a_person_with_a_clear_cause_is_not_asked_the_final_signs(ckb):
    case = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True}
    state, asked = _play_to_end(ckb, _start(ckb, 72, "male"), lambda q: respond(q, case, 72, "male"))
    assert MORE_WARNING_SIGNS not in [q.id for q in asked]


def test_the_very_old_are_always_asked_the_final_signs(ckb):
    case = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True}
    state, asked = _play_to_end(ckb, _start(ckb, 85, "male"), lambda q: respond(q, case, 85, "male"))
    assert MORE_WARNING_SIGNS in [q.id for q in asked]  # the same picture at 72 is not (test above)


def test_why_is_plain_words_and_names_the_conditions_it_separates(ckb):
    state = answer(_start(ckb, 70, "male"), RED_FLAG_SCREEN, {"none": True}, ckb)
    q = next_question(state, ckb)
    assert q is not None and "tell apart" in q.why


def _play(ckb, case):
    state, asked = InterviewState(), []
    while (q := next_question(state, ckb)) is not None:
        asked.append(q)
        state = answer(state, q.id, respond(q, dict(case.findings), case.age, case.sex), ckb)
    return state, asked


def _play_saying_no(ckb, age, sex, has):
    """A person who says yes to ``has`` and "no" (not "don't know") to everything else, and has no results."""
    state, asked = InterviewState(), []
    while (q := next_question(state, ckb)) is not None:
        asked.append(q)
        if q.kind == "demographics":
            response = {"age": age, "sex": sex}
        elif q.kind in ("screen", "items", "numbers"):
            response = {i.finding: (i.finding in has if q.kind != "numbers" else None) for i in q.items}
        else:
            response = q.finding in has if q.kind == "yes_no" else None
        state = answer(state, q.id, response, ckb)
    return state, asked


def _assert_progress_promise_kept(asked, context=None):
    """ "At most N more answers" is a promise: never fewer than the answers still to come."""
    for i, q in enumerate(asked):
        assert sum(answers_asked(x) for x in asked[i:]) <= q.answers_left_at_most, (context, q.id)


def test_questions_fit_the_person(ckb):
    """No periods or pregnancy for a man or a woman past the age of periods; no examination signs for a person."""
    female_only = {f.id for f in ckb.kb.findings.values() if f.sex == "female"}
    exam = {f.id for f in ckb.kb.findings.values() if f.category.value == "exam"}
    for age, sex in [(40, "male"), (72, "female"), (8, "female")]:
        case = Case(age=age, sex=sex, findings={"thigh_or_buttock_pain": True, "bilateral": True})
        _, asked = _play(ckb, case)
        ids = {i.finding for q in asked for i in q.items} | {q.finding for q in asked if q.finding}
        assert not ids & female_only, (age, sex, ids & female_only)
        assert not ids & exam
    young = Case(age=28, sex="female", findings={"thigh_or_buttock_pain": True, "bilateral": True})
    _, asked = _play(ckb, young)
    assert not {q.finding for q in asked if q.finding} & exam


def test_a_child_is_not_asked_adult_questions(ckb):
    """Smoking, statins, heart rhythm: asked from the finding's asked_from age, never of a younger child."""
    adult_only = {
        f.id: ckb.kb.threshold(f"{f.asked_from}_questions_age")
        for f in ckb.kb.findings.values()
        if f.asked_from is not None
    }
    assert {"smoker", "taking_statin"} <= set(adult_only)
    for findings in (
        {"worse_at_night": True, "improves_with_walking": True, "bilateral": True},
        {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True},
    ):
        for age in (6, 8, 11):
            _, asked = _play(ckb, Case(age=age, sex="male", findings=findings))
            ids = {i.finding for q in asked for i in q.items} | {q.finding for q in asked if q.finding}
            assert not {f for f in ids if f in adult_only and age < adult_only[f]}, (age, findings)
    walking = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True}
    _, asked = _play(ckb, Case(age=68, sex="male", findings=walking))
    assert "smoker" in {q.finding for q in asked}  # the same picture at 68 is asked about smoking


def test_progress_counts_the_answers_a_person_gives(ckb):
    case = Case(age=66, sex="male", findings={"pain_on_walking": True, "relieved_by_rest": True, "smoker": True})
    state, asked = _play(ckb, case)
    total = sum(answers_asked(q) for q in asked)
    assert asked[0].answers_so_far == 0
    assert all(b.answers_so_far == a.answers_so_far + answers_asked(a) for a, b in zip(asked, asked[1:], strict=False))
    assert total <= MAX_ANSWERS
    # "at most" is a promise: never fewer than the answers still to come (the closing screens and the
    # follow-up a same-day sign gets may go past the budget, so the first screen says 31, not 24)
    assert asked[0].answers_left_at_most == first_promise()
    _assert_progress_promise_kept(asked)


def test_progress_keeps_its_promise_for_random_people(ckb):
    rng = random.Random(17)
    binary = [f.id for f in ckb.kb.findings.values() if f.kind.value == "binary" and f.category.value != "demographic"]
    for _ in range(150):
        truth = {f: rng.random() < 0.5 for f in rng.sample(binary, rng.randint(0, 10))}
        age, sex = rng.choice([None, rng.randint(2, 95)]), rng.choice(["male", "female", None])
        state, asked = InterviewState(), []
        while (q := next_question(state, ckb)) is not None:
            asked.append(q)
            state = answer(state, q.id, respond(q, truth, age, sex), ckb)
        _assert_progress_promise_kept(asked, (truth, age, sex))


def test_simulated_patient_reaches_the_answer_in_few_questions(ckb):
    case = Case(
        age=68,
        sex="male",
        findings={
            "pain_on_walking": True,
            "relieved_by_rest": True,
            "calf_pain": True,
            "smoker": True,
            "no_pain_when_seated": False,
        },
    )
    sim = simulate(case, ckb)
    # issue 11 asks for about 15 (docs/interview.md: where the engine stands); calf pain brings two
    # questions on a recent long journey or bed rest (a clot), asked before the walking pattern is settled
    assert sim.answers <= 24
    assert {"smoker", "calf_pain"} <= set(sim.state.asked)  # the facts that change the picture are asked
    top = assess(sim.state.to_case(), ckb).conditions[0]
    assert top.id == "peripheral_artery_disease" and top.share >= 0.5


class InterviewMachine(RuleBasedStateMachine):
    """Random walks of answer / back / restart: back always restores the previous state exactly."""

    def __init__(self):
        super().__init__()
        from legdx.pipeline import default_compiled

        self.ckb = default_compiled()
        self.history: list[InterviewState] = []
        self.state = InterviewState()

    @initialize()
    def start(self):
        self.state = InterviewState()
        self.history = []

    @precondition(lambda self: next_question(self.state, self.ckb) is not None)
    @rule(data=st.data())
    def answer_current(self, data):
        q = next_question(self.state, self.ckb)
        if q.kind == "demographics":
            response = {"age": data.draw(st.integers(16, 95)), "sex": data.draw(st.sampled_from(["female", "male"]))}
        elif q.kind == "screen":
            response = {i.finding: data.draw(st.sampled_from([False, False, None])) for i in q.items}
        elif q.kind == "items":
            response = {i.finding: data.draw(st.sampled_from([False, None, True])) for i in q.items}
        elif q.kind == "number":
            response = data.draw(st.one_of(st.none(), st.floats(q.min, q.max)))
        else:
            response = data.draw(st.sampled_from([True, False, None]))
        try:
            new = answer(self.state, q.id, response, self.ckb)
        except InvalidCase:
            return
        self.history.append(self.state)
        self.state = new

    @rule()
    def back(self):
        restored = self.state.back()
        if self.history:
            expected = self.history.pop()
            assert restored == expected
            assert restored.to_dict() == expected.to_dict()
        else:
            assert restored == self.state
        self.state = restored

    @rule()
    def restart(self):
        self.state = InterviewState()
        self.history = []

    @invariant()
    def screen_comes_second(self):
        if len(self.state.asked) >= 2:
            assert self.state.asked[:2] == (DEMOGRAPHICS, RED_FLAG_SCREEN)

    @invariant()
    def never_over_budget(self):
        confirmed = set(self.state.confirmed)
        answered = sum(f not in confirmed for f, _ in self.state.answers) + 2 * (DEMOGRAPHICS in self.state.asked)
        assert answered <= MAX_ANSWERS + 5


InterviewMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestInterviewMachine = InterviewMachine.TestCase


def _spawn(pexpect, repo, *args):
    return pexpect.spawn(
        sys.executable,
        ["-m", "legdx", "interview", *args],
        cwd=str(repo),
        encoding="utf-8",
        timeout=30,
        dimensions=(60, 250),
        env={"PYTHONWARNINGS": "ignore", "PATH": "/usr/bin:/bin", "TERM": "dumb", "COLUMNS": "250"},
    )


def test_terminal_interview_end_to_end(tmp_path, repo, ckb):
    """Drive `legdx interview` through its real prompts with pexpect: skip the description, ?, back, --save."""
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "saved.json"
    child = _spawn(pexpect, repo, "--save", str(out))
    child.expect("own words")
    child.sendline("")  # no description: straight to the questions
    child.expect("Your age")
    child.sendline("?")
    child.expect("Why I ask")
    child.expect("Your age")
    child.sendline("71")
    child.expect("Sex")
    child.sendline("m")
    child.expect("Numbers that apply")  # the warning-sign screen
    child.sendline("back")
    child.expect("Your age")  # back returned to the first question
    child.sendline("71")
    child.expect("Sex")
    child.sendline("m")
    child.expect("Numbers that apply")
    child.sendline("0")
    truth = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True}
    questions = {ckb.kb.findings[f].question: v for f, v in truth.items()}
    prompts = [
        "Numbers that apply",
        r"\(y/n/d\)",
        r"Value in [^:]*:",
        "does not replace a clinician",
        r"any of these results\? \(y/n\)",
        r"Enter to\s+skip:",
    ]
    for _ in range(60):
        i = child.expect(prompts)
        if i == 3:
            break
        if i == 0:
            child.sendline("d")
        elif i == 1:
            asked = next((v for q, v in questions.items() if q in child.before), None)
            child.sendline("d" if asked is None else "y" if asked else "n")
        elif i == 4:  # the results group: this person has had an ABI measured
            child.sendline("y")
        else:  # a measured value: only the ABI is known
            child.sendline("0.62" if "ankle" in child.before.lower() else "")
    else:
        pytest.fail("the interview did not finish within 60 prompts")
    child.expect(pexpect.EOF)
    saved = json.loads(out.read_text())
    assert saved["assessment"]["conditions"][0]["id"] == "peripheral_artery_disease"


def test_terminal_interview_reads_the_description_first(tmp_path, repo):
    """A described emergency stops the interview at once: no questions, the emergency result first."""
    pexpect = pytest.importorskip("pexpect")
    child = _spawn(pexpect, repo)
    child.expect("own words")
    child.sendline("My left leg went suddenly cold and white an hour ago and it is numb")
    child.expect("understood")
    child.expect("Is this right")
    child.sendline("y")
    child.expect("EMERGENCY")
    child.expect("does not replace a clinician")
    child.expect(pexpect.EOF)
    assert "Question" not in child.before


def test_a_value_in_a_warning_band_brings_its_warning_sign_next(ckb):
    """Potassium 2.9 (moderately low) is urgent with weakness or muscle aches: those come next."""
    state = _start(ckb, age=70)
    state = answer(state, RED_FLAG_SCREEN, {"none": True}, ckb)
    state = answer(state, "potassium_mmol_l", 2.9, ckb)
    assert next_question(state, ckb).id in ("leg_weakness", "symmetric_muscle_aches")


def _asked_findings(asked):
    return {q.finding for q in asked if q.finding} | {i.finding for q in asked for i in q.items}


def test_a_told_only_finding_is_read_but_never_asked(ckb):
    # a snake bite is told by the person, not put to everyone as a question
    told = {f.id for f in ckb.kb.findings.values() if f.told_only}
    assert "venomous_bite" in told
    swollen = Case(age=60, sex="male", findings={"unilateral_leg_swelling": True, "calf_pain": True})
    _, asked = _play(ckb, swollen)
    assert not _asked_findings(asked) & told
    bitten = answer(_start(ckb, 44, "male"), "venomous_bite", True, ckb)  # told, e.g. confirmed from the text
    assert next_question(bitten, ckb) is None
    assert assess(bitten.to_case(), ckb).triage.level.value == "emergency"


def test_a_rule_whose_required_finding_is_unknown_is_not_chased(ckb):
    # with the calf pain known and the swelling "don't know", a rule needing one swollen leg cannot fire,
    # so whether the swelling is long-standing is not asked; with the swelling known, it may be
    base = {"calf_pain": True, "unilateral_leg_swelling": None}
    state = _start(ckb, 60, "male")
    for fid, value in base.items():
        state = answer(state, fid, value, ckb)
    state, asked = _play_to_end(ckb, state, _none_of_these_then_dont_know)
    assert "longstanding_swelling" not in _asked_findings(asked)


def _play_person(ckb, age, sex, truth):
    """A simulated person who knows only ``truth``: their answers at the end and the triage level."""
    sim = simulate(Case(age=age, sex=sex, findings=truth), ckb)
    return dict(sim.state.answers), assess(sim.state.to_case(), ckb).triage.level


@pytest.mark.parametrize(
    ("age", "sex", "truth", "finding", "value"),
    [
        # an 84-year-old with a hot, swollen knee (pseudogout): the closing screen picks the likeliest
        # signs from the same-day ones and the emergency ones left out before
        pytest.param(
            84,
            "male",
            {
                "hot_swollen_joint": True,
                "knee_pain": True,
                "sudden_onset": True,
                "limp": True,
                "chronic_kidney_disease": True,
                "taking_diuretic": True,
                "fever": False,
            },
            "hot_swollen_joint",
            True,
            id="a hot swollen joint before a poorly fitting interview ends",
        ),
        # cramps in both legs on a diuretic, with a low magnesium and a borderline potassium: the
        # results group comes late, and its third value (the magnesium that settles it) is still asked
        pytest.param(
            55,
            "male",
            {
                "sudden_muscle_tightening": True,
                "numbness_tingling": True,
                "bilateral": True,
                "taking_diuretic": True,
                "fever": False,
                "magnesium_mmol_l": 0.34,
                "potassium_mmol_l": 3.4,
                "calcium_mmol_l": 2.16,
            },
            "magnesium_mmol_l",
            0.34,
            id="the results group is not cut short by the budget",
        ),
        # shooting pain from the back down one leg, and a band of blisters the person only mentions
        # when asked: shingles looks like sciatica, so the rash is asked before the interview ends
        pytest.param(
            72,
            "female",
            {
                "shooting_pain_below_knee": True,
                "low_back_pain": True,
                "burning_pain": True,
                "bilateral": False,
                "skin_dusky_or_blistering": True,
            },
            "skin_dusky_or_blistering",
            True,
            id="the look-alikes of sciatica before it is settled",
        ),
        # pain in the shin after heavy exercise, far worse than it should be (exertional compartment
        # syndrome): a cramp after exercise is not settled without that question (development set 17)
        pytest.param(
            24,
            "male",
            {
                "heavy_exercise": True,
                "severe_pain": True,
                "shin_pain": True,
                "pain_out_of_proportion": True,
                "numbness_tingling": True,
                "recent_injury": False,
                "dark_urine": False,
            },
            "pain_out_of_proportion",
            True,
            id="the look-alike of an exercise cramp before it is settled",
        ),
        # a young man's aching thighs and back that fit no modelled cause: his sickle-cell disease is
        # asked on the closing screen (three blind authors wrote this crisis; no question had reached it)
        pytest.param(
            19,
            "male",
            {
                "sickle_cell_disease": True,
                "severe_pain": True,
                "bilateral": True,
                "thigh_or_buttock_pain": True,
                "low_back_pain": True,
                "fever": True,
                "low_fluid_intake": True,
                "breathless_or_chest_pain": False,
            },
            "sickle_cell_disease",
            True,
            id="what points outside the knowledge base when nothing fits",
        ),
    ],
)
def test_a_person_who_knows_only_their_answers_is_asked_the_sign_that_matters(ckb, age, sex, truth, finding, value):
    answers, level = _play_person(ckb, age, sex, truth)
    assert answers.get(finding) == value
    assert level.rank >= TriageLevel.URGENT.rank


def test_a_same_day_sign_from_the_closing_screen_gets_its_emergency_question(ckb):
    """The closing screens come after the budget: a sickle-cell disease reported there is same-day by
    itself, and one more question (the severe pain or fever that make it a crisis) makes it an emergency."""
    truth = {"sickle_cell_disease": True, "severe_pain": True, "bilateral": True, "low_fluid_intake": True}
    answers, level = _play_person(ckb, 19, "male", truth)
    assert answers.get("sickle_cell_disease") is True
    assert level is TriageLevel.EMERGENCY
    # and the progress never promised fewer answers than were still to come
    _, asked = _play(ckb, Case(age=19, sex="male", findings=truth))
    assert any(q.id == SAME_DAY_SIGNS for q in asked)
    _assert_progress_promise_kept(asked)


def test_once_the_questions_fit_poorly_both_closing_screens_come(ckb):
    """A person who answers "no" to whatever does not apply (not "don't know") reaches the emergency
    closing screen because nothing fits; the same-day screen follows it, with the sickle-cell disease
    that points outside the knowledge base (the terminal play-through had stopped before it)."""
    has = {"sickle_cell_disease", "bilateral", "low_fluid_intake", "low_back_pain"}
    state, questions = _play_saying_no(ckb, 19, "male", has)
    asked = [q.id for q in questions]
    assert MORE_WARNING_SIGNS in asked
    assert SAME_DAY_SIGNS in asked
    assert dict(state.answers).get("sickle_cell_disease") is True
    # its follow-up builds on it (a crisis: severe pain or a fever), not on a sign any rule could want
    assert asked[asked.index(SAME_DAY_SIGNS) + 1] in ("severe_pain", "fever")


def test_shin_pain_after_exercise_is_asked_whether_it_is_out_of_proportion(ckb):
    """A person who says "no" to whatever does not apply: hard exercise and shin pain make shin splints
    a clear leader, but its look-alike (acute compartment syndrome) is asked before it settles."""
    has = {"heavy_exercise", "shin_pain", "pain_out_of_proportion", "severe_pain"}
    state, _ = _play_saying_no(ckb, 24, "male", has)
    assert dict(state.answers).get("pain_out_of_proportion") is True
    assert assess(state.to_case(), ckb).triage.level is TriageLevel.EMERGENCY


def test_a_same_day_sign_in_the_last_answers_still_gets_its_emergency_question(ckb):
    # a 77-year-old with spreading cellulitis who knows only these answers: the fever comes with the
    # last answer of the budget, and the confusion that makes it sepsis is still asked
    truth = {
        "spreading_redness": True,
        "calf_redness_warmth": True,
        "fever": True,
        "confusion": True,
        "fainting_or_collapse": True,
        "skin_break": True,
        "diabetes": True,
        "chronic_kidney_disease": True,
        "longstanding_swelling": True,
        "previous_cellulitis": True,
        "skin_dusky_or_blistering": False,
        "pain_out_of_proportion": False,
    }
    answers, level = _play_person(ckb, 77, "male", truth)
    assert level is TriageLevel.EMERGENCY


def test_a_fever_beside_a_red_hot_leg_comes_before_what_another_rule_needs_two_answers_for(ckb):
    # a red, hot leg makes a fever same-day by itself, and diabetes same-day only with foot pain too:
    # with few answers left the fever must come first (a 58-year-old with cellulitis had ended
    # "within days" after diabetes and foot pain took the last answers)
    state = _start(ckb, 58, "female")
    state = answer(state, RED_FLAG_SCREEN, {}, ckb)
    state = answer(state, "calf_redness_warmth", True, ckb)
    state = answer(state, "skin_dusky_or_blistering", False, ckb)
    assert next_question(state, ckb).id == "fever"
    truth = {
        "calf_redness_warmth": True,
        "spreading_redness": True,
        "fever": True,
        "skin_break": True,
        "diabetes": True,
        "obesity": True,
        "previous_cellulitis": True,
        "skin_dusky_or_blistering": False,
    }
    answers, level = _play_person(ckb, 58, "female", truth)
    assert level.rank >= TriageLevel.URGENT.rank


def test_a_fever_brings_the_signs_of_sepsis_into_the_questions(ckb):
    # a feverish 15-year-old (meningococcal sepsis) who knows only her own answers: the confusion and
    # the cold, pale legs are asked, and the end is an emergency
    truth = {
        "fever": True,
        "bilateral": True,
        "pain_on_walking": True,
        "cold_pale_leg": True,
        "fluid_loss": True,
        "confusion": True,
    }
    answers, level = _play_person(ckb, 15, "female", truth)
    assert "confusion" in answers or "cold_pale_leg" in answers
    assert level is TriageLevel.EMERGENCY
    fever_and_cold = assess(Case(age=30, sex="male", findings={"fever": True, "cold_pale_leg": True}), ckb)
    assert fever_and_cold.triage.level is TriageLevel.EMERGENCY


def test_a_swelling_there_for_months_is_asked_about_before_stopping_at_same_day_care(ckb):
    # one leg swollen since a groin operation years ago: before the interview stops for the swelling,
    # it asks whether the swelling is long-standing; a yes lets it go on to the cause (lymphoedema)
    truth = {
        "unilateral_leg_swelling": True,
        "longstanding_swelling": True,
        "lymph_node_surgery_or_radiotherapy": True,
        "heaviness_end_of_day": True,
        "calf_pain": False,
        "fever": False,
    }
    sim = simulate(Case(age=58, sex="female", findings=truth), ckb)
    result = assess(sim.state.to_case(), ckb)
    assert dict(sim.state.answers).get("longstanding_swelling") is True
    assert result.triage.level is TriageLevel.SOON
    assert "lymphoedema" in [c.id for c in result.conditions[:3]]
    # the same swelling when the person does not know how long: the same-day level stands
    answers, level = _play_person(ckb, 58, "female", {k: v for k, v in truth.items() if k != "longstanding_swelling"})
    assert "longstanding_swelling" in answers and answers["longstanding_swelling"] is None
    assert level is TriageLevel.URGENT


def test_every_group_question_stays_within_what_schema_tools_can_model(ckb):
    # the published InterviewIn schema lists each group's items as one object's keys; schemathesis
    # (the API's property tests) cannot model an object of more than 32 optional keys, and fails with
    # an obscure "schema error": this says which group grew too large instead
    groups = {
        qid: ids for qid, (kind, ids) in question_catalogue(ckb).items() if kind in ("screen", "items", "numbers")
    }
    assert groups
    too_big = {qid: len(ids) for qid, ids in groups.items() if len(ids) > 32}
    assert not too_big, too_big
