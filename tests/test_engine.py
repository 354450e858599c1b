"""Engine oracle tests on the toy KB (posteriors worked out by hand) and properties on the real KB."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legdx import assess, parse_case
from legdx.engine import damp_groups, posterior, resolve_states

# Hand calculation for the toy case {f1: yes, f2: yes, f3: no, f4: 0.3 (band "low")}, sex female.
# alpha: prior odds 0.1/0.9. f1 LR+ 4 and f2 LR+ 0.8/(1-0.6) = 2 share group g: 4 counts fully,
#        2 counts at half weight (2**0.5); f4 band low LR 3.
#        odds = 0.1/0.9 * 4 * sqrt(2) * 3 = 1.885618 -> p = 1.885618/2.885618 = 0.653454
# beta:  prior odds 0.2/0.8 = 0.25; f1 present LR 0.5 (alone among beta's negatives in group g);
#        f3 absent LR- 0.2 -> odds 0.025 -> p = 0.025/1.025 = 0.024390
# gamma: prior odds 0.05/0.95 = 0.052632; f3 absent LR- 0.9 -> 0.047368 -> p = 0.045226
# Shares (the causes compete with "something else", prior share 0.1, temperature 1): prior shares
# are 0.9 * prior / 0.35 -> alpha 0.257143, beta 0.514286, gamma 0.128571; times each one's LR
# product (alpha 4 * sqrt(2) * 3 = 16.970563, beta 0.5 * 0.2 = 0.1, gamma 0.9) and "something
# else" 0.1 * its f3-absent LR- 0.8 = 0.08 -> 4.363859, 0.051429, 0.115714, 0.08 (sum 4.611002).
TOY_CASE = {"sex": "female", "findings": {"f1": True, "f2": True, "f3": False, "f4": 0.3}}
EXPECTED = {"alpha": 0.653454, "beta": 0.024390, "gamma": 0.045226}
EXPECTED_SHARES = {"alpha": 0.946401, "beta": 0.011153, "gamma": 0.025095}
EXPECTED_SOMETHING_ELSE = 0.017350


def test_toy_posteriors_match_hand_calculation(toy_ckb):
    a = assess(parse_case(TOY_CASE), toy_ckb)
    got = {c.id: c.probability for c in a.conditions}
    assert got == pytest.approx(EXPECTED, abs=1e-5)
    assert {c.id: c.share for c in a.conditions} == pytest.approx(EXPECTED_SHARES, abs=1e-5)
    assert a.something_else.share == pytest.approx(EXPECTED_SOMETHING_ELSE, abs=1e-5)
    assert [c.id for c in a.conditions] == ["alpha", "gamma", "beta"]


def test_toy_contributions_are_the_damped_log_lrs(toy_ckb):
    a = assess(parse_case(TOY_CASE), toy_ckb)
    alpha = next(c for c in a.conditions if c.id == "alpha")
    contrib = {x.finding: x.log_odds for x in alpha.contributions}
    assert contrib == pytest.approx({"f1": math.log(4), "f2": 0.5 * math.log(2), "f4": math.log(3)}, abs=1e-4)
    # The explanation adds up: prior log-odds plus contributions gives the posterior.
    logit = math.log(0.1 / 0.9) + sum(contrib.values())
    assert 1 / (1 + math.exp(-logit)) == pytest.approx(alpha.probability, abs=1e-5)


def test_female_only_condition_is_zero_for_men(toy_ckb):
    a = assess(parse_case({**TOY_CASE, "sex": "male"}), toy_ckb)
    assert next(c for c in a.conditions if c.id == "gamma").probability == 0.0


def test_unknown_findings_leave_priors(toy_ckb):
    a = assess(parse_case({}), toy_ckb)
    assert {c.id: c.probability for c in a.conditions} == pytest.approx({"alpha": 0.1, "beta": 0.2, "gamma": 0.05})


def test_numeric_band_boundaries(toy_ckb):
    low = assess(parse_case({"findings": {"f4": 0.4999}}), toy_ckb)
    high = assess(parse_case({"findings": {"f4": 0.5}}), toy_ckb)  # upper bound 0.5 is exclusive
    alpha = lambda a: next(c for c in a.conditions if c.id == "alpha").probability  # noqa: E731
    assert alpha(low) == pytest.approx((1 / 3) / (1 + 1 / 3), abs=1e-6)  # odds 0.1/0.9*3 = 1/3
    assert alpha(high) == pytest.approx((0.1 / 0.9 * 0.5) / (1 + 0.1 / 0.9 * 0.5), abs=1e-6)


def test_damping_counts_strongest_fully_then_halves():
    llr = np.log(np.array([[2.0], [8.0], [4.0]]))
    out = damp_groups(llr, np.array([0, 0, 0]), 0.5)
    assert out.ravel() == pytest.approx([0.25 * math.log(2), math.log(8), 0.5 * math.log(4)])


def test_triage_and_advice_on_toy(toy_ckb):
    a = assess(parse_case(TOY_CASE), toy_ckb)
    assert a.triage.level.value == "soon"
    assert [w.id for w in a.withheld_advice] == ["squeeze"]
    emergency = assess(parse_case({"findings": {"f5": True}}), toy_ckb)
    assert emergency.triage.level.value == "emergency"
    assert [x.id for x in emergency.advice] == ["go_now"]


def test_toy_next_test_prefers_the_informative_one(toy_ckb):
    a = assess(parse_case({"findings": {"f1": True}}), toy_ckb)
    assert a.next_tests[0].id in {"toy_scan", "toy_meter"}
    known = assess(parse_case({"findings": {"f1": True, "f4": 0.3}}), toy_ckb)
    assert "toy_meter" not in [t.id for t in known.next_tests]  # its finding is already known


# ---------------------------------------------------------------- properties on the real knowledge base


@st.composite
def cases(draw, ckb):
    kb = ckb.kb
    binary = sorted(
        f.id for f in kb.findings.values() if f.kind.value == "binary" and f.category.value != "demographic"
    )
    numeric = sorted(
        f.id for f in kb.findings.values() if f.kind.value == "numeric" and f.category.value != "demographic"
    )
    findings = draw(st.dictionaries(st.sampled_from(binary), st.booleans(), max_size=12))
    for fid in draw(st.lists(st.sampled_from(numeric), max_size=3, unique=True)):
        rng = kb.findings[fid].range
        findings[fid] = draw(st.floats(min_value=rng.min, max_value=rng.max, allow_nan=False))
    sex = draw(st.sampled_from(["female", "male", None]))
    if sex == "male":
        for fid in [f.id for f in kb.findings.values() if f.sex == "female"]:
            findings.pop(fid, None)
    age = draw(st.one_of(st.none(), st.integers(min_value=16, max_value=100)))
    return {"age": age, "sex": sex, "findings": findings}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_probabilities_in_unit_interval_and_shares_sum_to_one(ckb, data):
    case = data.draw(cases(ckb))
    a = assess(parse_case(case), ckb)
    assert all(0.0 <= c.probability <= 1.0 for c in a.conditions)
    assert sum(c.share for c in a.conditions) + a.something_else.share == pytest.approx(1.0, abs=1e-6)
    assert [c.share for c in a.conditions] == sorted((c.share for c in a.conditions), reverse=True)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_order_of_answers_does_not_matter(ckb, data):
    case = data.draw(cases(ckb))
    items = list(case["findings"].items())
    shuffled = dict(data.draw(st.permutations(items)))
    a = posterior(ckb, resolve_states(parse_case(case), ckb))
    b = posterior(ckb, resolve_states(parse_case({**case, "findings": shuffled}), ckb))
    assert np.array_equal(a.probability, b.probability)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_supporting_finding_never_lowers_its_condition(ckb, data):
    """Adding a finding whose LR for a condition is above 1 never lowers that condition."""
    case = data.draw(cases(ckb))
    unanswered = [
        f
        for f in ckb.kb.findings.values()
        if f.kind.value == "binary" and f.category.value != "demographic" and f.id not in case["findings"]
    ]
    f = data.draw(st.sampled_from(unanswered))
    value = data.draw(st.booleans())
    if case["sex"] == "male" and f.sex == "female":
        value = False
    state = ckb.state_index[(f.id, "present" if value else "absent")]
    before = posterior(ckb, resolve_states(parse_case(case), ckb)).probability
    after = posterior(
        ckb, resolve_states(parse_case({**case, "findings": {**case["findings"], f.id: value}}), ckb)
    ).probability
    raises = ckb.llr[state] > 0
    lowers = ckb.llr[state] < 0
    assert np.all(after[raises] >= before[raises] - 1e-12)
    assert np.all(after[lowers] <= before[lowers] + 1e-12)


def test_deterministic(ckb):
    case = {"age": 70, "sex": "male", "findings": {"pain_on_walking": True, "abi": 0.7, "smoker": True}}
    first = assess(parse_case(case), ckb).model_dump()
    for _ in range(3):
        assert assess(parse_case(case), ckb).model_dump() == first


def test_childhood_age_bands_separate_children_from_young_adults(ckb):
    night_aches = {"bilateral": True, "worse_at_night": True, "calf_pain": True, "persistent_symptoms": True}
    child = assess(parse_case({"age": 6, "sex": "female", "findings": night_aches}), ckb)
    adult = assess(parse_case({"age": 30, "sex": "female", "findings": night_aches}), ckb)
    share = {c.id: c.share for c in child.conditions}
    assert child.conditions[0].id == "growing_pains"
    assert {c.id: c.share for c in adult.conditions}["growing_pains"] < share["growing_pains"] / 20
    # a teenager's knee pain is not wear-and-tear arthritis, and "something else" is not ruled out
    knee = {"knee_pain": True, "bilateral": True, "pain_on_walking": True, "persistent_symptoms": True}
    teen = assess(parse_case({"age": 16, "sex": "female", "findings": knee}), ckb)
    old = assess(parse_case({"age": 68, "sex": "female", "findings": knee}), ckb)
    assert old.conditions[0].id == "knee_osteoarthritis"
    assert teen.conditions[0].id != "knee_osteoarthritis"
    assert teen.something_else.share > old.something_else.share
