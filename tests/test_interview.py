"""Interview engine: order of questions, stop rule, undo, and the terminal interview end to end."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from legdx import assess
from legdx.case import Case
from legdx.errors import InvalidCase
from legdx.evaluation import simulate
from legdx.interview import DEMOGRAPHICS, RED_FLAG_SCREEN, InterviewState, answer, next_question


def test_age_and_sex_first_then_red_flag_screen(ckb):
    state = InterviewState()
    q1 = next_question(state, ckb)
    assert q1.id == DEMOGRAPHICS
    state = answer(state, q1.id, {"age": 60, "sex": "female"}, ckb)
    q2 = next_question(state, ckb)
    assert q2.id == RED_FLAG_SCREEN and q2.kind == "screen"
    assert {i.finding for i in q2.items} == {f.id for f in ckb.kb.findings.values() if f.red_flag}


def test_none_of_these_marks_every_red_flag_absent(ckb):
    state = answer(InterviewState(), DEMOGRAPHICS, {"age": 40, "sex": "male"}, ckb)
    state = answer(state, RED_FLAG_SCREEN, {"none": True}, ckb)
    assert all(state.findings()[f.id] is False for f in ckb.kb.findings.values() if f.red_flag)


def test_red_flag_yes_ends_with_emergency_advice_first(ckb):
    state = answer(InterviewState(), DEMOGRAPHICS, {"age": 45, "sex": "male"}, ckb)
    state = answer(state, RED_FLAG_SCREEN, {"saddle_numbness_or_bladder_change": True}, ckb)
    assert next_question(state, ckb) is None
    result = assess(state.to_case(), ckb)
    assert result.triage.level.value == "emergency"
    assert result.advice[0].tags[0].value == "emergency_care"
    assert result.emergency_message


def test_bad_answers_are_rejected_and_change_nothing(ckb):
    state = answer(InterviewState(), DEMOGRAPHICS, {"age": 50, "sex": "female"}, ckb)
    for qid, response, field in [
        (RED_FLAG_SCREEN, {"fever": "yes"}, "answer.fever"),
        (RED_FLAG_SCREEN, {"not_a_flag": True}, "answer.not_a_flag"),
        ("ask:test_results", {"abi": 7.0}, "findings.abi"),
        ("ask:test_results", {"abi": True}, "answer.abi"),
        ("ask:test_results", {"nonsense": 1.0}, "answer.nonsense"),
        ("no_such_question", True, "question"),
        (DEMOGRAPHICS, {"age": 30}, "question"),
    ]:
        with pytest.raises(InvalidCase) as exc:
            answer(state, qid, response, ckb)
        assert exc.value.field == field
    assert state.asked == (DEMOGRAPHICS,)


def test_why_is_plain_words_and_names_the_conditions_it_separates(ckb):
    state = answer(InterviewState(), DEMOGRAPHICS, {"age": 70, "sex": "male"}, ckb)
    state = answer(state, RED_FLAG_SCREEN, {"none": True}, ckb)
    q = next_question(state, ckb)
    assert q is not None and "tell apart" in q.why


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
    assert sim.questions <= 14
    top = assess(sim.state.to_case(), ckb).conditions[0].id
    assert top == "peripheral_artery_disease"


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
        elif q.kind in ("screen", "items"):
            response = {i.finding: data.draw(st.sampled_from([False, False, False, None, True])) for i in q.items}
            if q.kind == "screen":
                response = {k: (None if v else v) for k, v in response.items()}  # keep walking past the screen
        elif q.kind == "number":
            response = data.draw(st.one_of(st.none(), st.floats(q.min, q.max)))
        else:
            response = data.draw(st.sampled_from([True, False, None]))
        if self.state.sex == "male" and q.kind == "items":
            response = {
                k: (False if k in {"pregnant", "cyclical_with_menstruation"} and v else v) for k, v in response.items()
            }
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


InterviewMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestInterviewMachine = InterviewMachine.TestCase


def test_terminal_interview_end_to_end(tmp_path, repo):
    """Drive `legdx interview` through its real prompts with pexpect, using ?, back and --save."""
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "saved.json"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "legdx", "interview", "--save", str(out)],
        cwd=str(repo),
        encoding="utf-8",
        timeout=30,
        dimensions=(60, 250),
        env={"PYTHONWARNINGS": "ignore", "PATH": "/usr/bin:/bin", "TERM": "dumb", "COLUMNS": "250"},
    )
    child.expect("Your age")
    child.sendline("?")
    child.expect("Why I ask")
    child.expect("Your age")
    child.sendline("71")
    child.expect("Sex")
    child.sendline("m")
    child.expect("Numbers that apply")  # red-flag screen
    child.sendline("back")
    child.expect("Your age")  # back returned to the first question
    child.sendline("71")
    child.expect("Sex")
    child.sendline("m")
    child.expect("Numbers that apply")
    child.sendline("0")
    truth = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True}
    prompts = [
        "Numbers that apply",
        r"\(y/n/d\)",
        r"Enter to\s+skip:",
        r"Value in [^:]*:",
        "does not replace a clinician",
    ]
    for _ in range(80):
        i = child.expect(prompts)
        if i == 4:
            break
        if i == 0:
            lines = [ln for ln in child.before.splitlines() if ln.strip()[:2].rstrip(".").isdigit()]
            picks = [ln.strip().split(".")[0] for ln in lines if any(_matches(ln, f) for f in truth)]
            child.sendline(",".join(picks) if picks else "0")
        elif i == 1:
            child.sendline("d")
        else:  # a measured value: only the ABI is known
            child.sendline("0.62" if "ankle-brachial" in child.before.lower() else "")
    else:
        pytest.fail("the interview did not finish within 80 prompts")
    child.expect(pexpect.EOF)
    saved = json.loads(out.read_text())
    assert saved["case"]["findings"]["abi"] == 0.62
    assert saved["assessment"]["conditions"][0]["id"] == "peripheral_artery_disease"


def _matches(line: str, finding: str) -> bool:
    words = {
        "pain_on_walking": "hurt when you walk",
        "relieved_by_rest": "within about 10 minutes",
        "calf_pain": "mainly in the calf",
        "smoker": "Do you smoke",
    }
    return words[finding] in line
