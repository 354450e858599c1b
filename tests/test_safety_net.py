"""The causes compete, legdx says when nothing fits, and it never falsely reassures (issue 9).

A property sweep over 20,000 random cases, the issue's own examples, and the blind-written sets
read as their authors extracted them (the text reader is tested on the same sets in tests/intake).
"""

from __future__ import annotations

import json
import math
import random

import pytest

from legdx import assess, parse_case
from legdx.evaluation import icd_match
from legdx.kb.schema import AdviceTag, TriageLevel
from legdx.report.wording import cited_sources
from legdx.triage import MAX_ADVICE, NO_WARNING_SIGNS

SWEEP = 20_000
BLIND_SETS = [
    "blind_safety.jsonl",
    "blind_text_lay.jsonl",
    "blind_text_clinic.jsonl",
    "blind_text_exam.jsonl",
    "blind_new_conditions.jsonl",
    "blind_dev6.jsonl",
    "blind_dev7.jsonl",
    "blind_dev8.jsonl",
    "blind_dev9.jsonl",
    "blind_dev10.jsonl",
    "blind_dev11.jsonl",
    "blind_dev12.jsonl",
    "blind_dev13.jsonl",
    "blind_dev14.jsonl",
    "blind_dev15.jsonl",
    "blind_dev16.jsonl",
    "blind_dev17.jsonl",
    "blind_dev18.jsonl",
    "sealed/final_blind_7.jsonl",  # spent after its one run; a floor from now on
    "sealed/final_blind_8.jsonl",  # the same
    "sealed/final_blind_11.jsonl",  # the same
]
# Labels the authors disagree on, left as written (tests/data/vignettes/README.md): a teenager's hard
# lump with night pain is "within days" to five authors and same-day to these two.
LABEL_DISPUTES = {"x052", "r017"}
# Texts whose author's findings leave out a warning sign the text states: these are checked as
# written (through the text reader) instead: a band of blisters (shingles, same day for antivirals; twice);
# flashing lights in late pregnancy (severe pre-eclampsia), a warning sign added after the set was written.
FINDINGS_INCOMPLETE = {"d12_034", "d15_075", "d18_038"}


def _random_case(rng: random.Random, kb, binary: list[str], numeric: list[str]) -> dict:
    findings = {f: rng.random() < 0.6 for f in rng.sample(binary, rng.randint(0, 12))}
    for fid in rng.sample(numeric, rng.randint(0, min(2, len(numeric)))):
        r = kb.findings[fid].range
        findings[fid] = round(rng.uniform(r.min, r.max), 2)
    sex = rng.choice(["female", "male", None])
    if sex == "male":
        for fid in [f.id for f in kb.findings.values() if f.sex == "female"]:
            findings.pop(fid, None)
    return {"age": rng.choice([None, rng.randint(1, 100)]), "sex": sex, "findings": findings}


def _advice_fits_level(a, kb) -> None:
    level = a.triage.level
    assert len(a.advice) <= MAX_ADVICE
    for item in a.advice:
        spec = kb.advice[item.id]
        if level is TriageLevel.EMERGENCY:
            assert AdviceTag.EMERGENCY_CARE in spec.tags or level in spec.for_triage, item.id
        elif spec.for_triage:
            assert level in spec.for_triage, (item.id, level)
        else:
            assert level in spec.given_at, (item.id, level)
    if level is not TriageLevel.ROUTINE:
        assert NO_WARNING_SIGNS not in a.triage.reasons  # never "self-care is reasonable" beside "get seen"


@pytest.mark.slow
def test_property_sweep_over_twenty_thousand_random_cases(ckb):
    """Shares add up to 1; a warning sign never lowers the level; advice always fits the level."""
    kb = ckb.kb
    binary = sorted(
        f.id for f in kb.findings.values() if f.kind.value == "binary" and f.category.value != "demographic"
    )
    numeric = sorted(
        f.id for f in kb.findings.values() if f.kind.value == "numeric" and f.category.value != "demographic"
    )
    flags = sorted(f.id for f in kb.findings.values() if f.red_flag)
    rng = random.Random(20261206)
    for _ in range(SWEEP):
        data = _random_case(rng, kb, binary, numeric)
        a = assess(parse_case(data, kb), ckb)
        assert sum(c.share for c in a.conditions) + a.something_else.share == pytest.approx(1.0, abs=1e-6)
        _advice_fits_level(a, kb)
        flag = rng.choice(flags)
        if data["findings"].get(flag) is not True:
            raised = assess(parse_case({**data, "findings": {**data["findings"], flag: True}}, kb), ckb)
            assert raised.triage.level.rank >= a.triage.level.rank, (data, flag)


def test_shares_are_explained_exactly(ckb):
    """log(share / share_else) = log(prior_share / prior_share_else) + (sum of contributions) / T,
    where "something else" counts the warning signs that point outside the knowledge base too."""
    rng = random.Random(7)
    kb = ckb.kb
    binary = sorted(
        f.id for f in kb.findings.values() if f.kind.value == "binary" and f.category.value != "demographic"
    )
    rules_seen = 0
    for _ in range(400):
        a = assess(parse_case(_random_case(rng, kb, binary, []), kb), ckb)
        other = a.something_else
        rules_seen += bool(other.warning_signs)
        moved = sum(x.log_odds for x in other.contributions) + sum(x.log_odds for x in other.warning_signs)
        base = math.log(other.share) - (math.log(other.prior_share) + moved / a.share_temperature)
        for c in a.conditions:
            if c.share < 1e-4:  # shares are rounded to 1e-9, so the log of a tiny one is not exact
                continue
            explained = math.log(c.prior_share) + sum(x.log_odds for x in c.contributions) / a.share_temperature
            assert math.log(c.share) - base == pytest.approx(explained, abs=1e-4), c.id
            # and the probability of being present is still prior log-odds plus the same contributions
            logit = math.log(c.prior / (1 - c.prior)) + sum(x.log_odds for x in c.contributions)
            assert c.probability == pytest.approx(1 / (1 + math.exp(-logit)), abs=1e-5)
    assert rules_seen >= 5  # the random cases do exercise the warning signs that point outside


def test_a_classic_claudicant_gets_one_clear_cause(assess_case):
    a = assess_case(
        age=72,
        sex="male",
        findings={
            "pain_on_walking": True,
            "relieved_by_rest": True,
            "calf_pain": True,
            "smoker": True,
            "diabetes": True,
        },
    )
    shares = {c.id: c.share for c in a.conditions}
    probability = {c.id: c.probability for c in a.conditions}
    assert a.conditions[0].id == "peripheral_artery_disease" and shares["peripheral_artery_disease"] >= 0.5
    assert shares["lumbar_spinal_stenosis"] < 0.25  # it no longer scores as high as the cause that explains more
    assert probability["peripheral_artery_disease"] > probability["lumbar_spinal_stenosis"]


# Pictures whose cause legdx does not model (or may not): each with the findings present, the age, the
# lowest acceptable level and the ICD-10 code a clinician would reach for.
UNMODELLED = [
    ("hot swollen knee with fever", ["hot_swollen_joint", "fever", "knee_pain"], 45, TriageLevel.EMERGENCY, "M00"),
    ("teenager's night pain with a lump", ["constant_night_pain", "hard_lump", "thigh_or_buttock_pain"], 15,
     TriageLevel.SOON, "C40"),
    ("calf that went pop", ["pop_or_snap_at_onset", "sudden_onset", "calf_pain"], 44, TriageLevel.URGENT, "S86"),
    # a leaking aortic aneurysm, with a faint and without one (then only the warning sign points outside)
    ("faint with back pain", ["fainting_or_collapse", "sudden_onset", "low_back_pain", "hip_or_groin_pain"], 74,
     TriageLevel.EMERGENCY, "I71"),
    ("sudden back pain after 50", ["sudden_onset", "severe_pain", "low_back_pain", "thigh_or_buttock_pain"], 74,
     TriageLevel.EMERGENCY, "I71"),
    # spinal cord compression: cord signs with weak, numb legs and a known cancer
    ("cord signs with weak legs", ["upper_motor_neuron_signs", "leg_weakness", "bilateral", "active_cancer"], 69,
     TriageLevel.EMERGENCY, "G95.2"),
    # fibromyalgia: aching everywhere for years, burning legs
    ("pain everywhere", ["widespread_pain", "burning_pain", "bilateral", "persistent_symptoms"], 41,
     TriageLevel.SOON, "M79.7"),
    ("tearing back pain with a cold leg", ["tearing_chest_or_back_pain", "sudden_onset", "cold_pale_leg",
     "numbness_tingling"], 61, TriageLevel.EMERGENCY, "I71"),
    # Guillain-Barre syndrome: both legs weak and tingling over days
    ("both legs weak and tingling", ["leg_weakness", "bilateral", "numbness_tingling", "stocking_distribution"], 29,
     TriageLevel.EMERGENCY, "G61.0"),
    ("bruised thigh on warfarin", ["taking_anticoagulant", "bruising", "recent_injury", "thigh_or_buttock_pain"], 69,
     TriageLevel.URGENT, "M79.81"),
    ("hip pain at night on steroids", ["hip_or_groin_pain", "worse_at_rest", "worse_at_night",
     "taking_immunosuppressant"], 41, TriageLevel.SOON, "M87"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("present", "age", "lowest", "nearby"), [case[1:] for case in UNMODELLED], ids=[case[0] for case in UNMODELLED]
)
def test_unmodelled_pictures_are_never_reassured(assess_case, present, age, lowest, nearby):
    a = assess_case(age=age, sex="male", findings=dict.fromkeys(present, True))
    assert a.triage.level.rank >= lowest.rank
    assert NO_WARNING_SIGNS not in a.triage.reasons
    named = any(icd_match(c.icd10, [nearby]) for c in a.conditions[:3])
    assert named or a.something_else.share >= 0.25
    if not named:
        assert a.something_else.says  # the person is told in plain words


def test_nsaids_wait_until_their_risks_are_asked(assess_case):
    sciatica = {"low_back_pain": True, "shooting_pain_below_knee": True, "straight_leg_raise_positive": True}
    a = assess_case(age=72, sex="male", findings=sciatica)
    assert a.conditions[0].id == "lumbar_radiculopathy"  # a cause whose advice includes NSAIDs leads
    assert "nsaid" not in {t.value for x in a.advice for t in x.tags}
    assert any("nsaid" in w.tags for w in a.withheld_advice)
    safe = {
        "chronic_kidney_disease": False,
        "taking_anticoagulant": False,
        "stomach_ulcer_or_bleeding": False,
        "heart_failure_or_recent_heart_attack": False,
        "asthma": False,
    }
    younger = assess_case(age=40, sex="male", findings={**sciatica, **safe})
    assert "nsaid" in {t.value for x in younger.advice for t in x.tags}  # once asked, and under 65, it is given


def test_no_extra_fluids_with_a_low_sodium(assess_case):
    cramps = {"sudden_muscle_tightening": True, "relieved_by_stretching": True, "worse_at_night": True}
    base = {**cramps, "chronic_kidney_disease": False, "heart_failure_or_recent_heart_attack": False}
    a = assess_case(age=60, sex="female", findings={**base, "low_fluid_intake": True, "sodium_mmol_l": 128})
    assert "hydration" not in {t.value for x in a.advice for t in x.tags}
    b = assess_case(age=60, sex="female", findings={**base, "low_fluid_intake": True})
    assert "hydration" in {t.value for x in b.advice for t in x.tags}  # so the withholding is what did it


def test_compression_waits_for_the_heart_team_with_heart_failure(assess_case):
    veins = {"varicose_veins": True, "heaviness_end_of_day": True, "relieved_by_elevation": True, "abi": 1.0}
    with_hf = assess_case(age=60, sex="female", findings={**veins, "heart_failure_or_recent_heart_attack": True})
    assert "compression" not in {t.value for x in with_hf.advice for t in x.tags}
    assert any("compression" in w.tags and "heart" in w.why for w in with_hf.withheld_advice)
    without = assess_case(age=60, sex="female", findings={**veins, "heart_failure_or_recent_heart_attack": False})
    assert "compression" in {t.value for x in without.advice for t in x.tags}


def test_a_child_who_will_not_stand_is_same_day_and_after_a_fall_an_emergency(assess_case):
    limp = {"unable_to_bear_weight": True, "hip_or_groin_pain": True}
    assert assess_case(age=5, sex="female", findings=limp).triage.level is TriageLevel.URGENT
    fall = assess_case(age=5, sex="female", findings={**limp, "recent_injury": True})
    assert fall.triage.level is TriageLevel.EMERGENCY
    fever = assess_case(age=5, sex="female", findings={**limp, "fever": True})
    assert fever.triage.level is TriageLevel.EMERGENCY


def test_sickle_cell_pain_is_an_emergency_and_points_outside_the_knowledge_base(assess_case):
    pain = {"thigh_or_buttock_pain": True, "low_back_pain": True, "severe_pain": True, "bilateral": True}
    crisis = assess_case(age=24, sex="male", findings={**pain, "sickle_cell_disease": True})
    assert crisis.triage.level is TriageLevel.EMERGENCY
    plain = assess_case(age=24, sex="male", findings={**pain, "sickle_cell_disease": False})
    assert crisis.something_else.share > plain.something_else.share + 0.2


def test_a_warning_sign_whose_causes_lie_outside_raises_something_else_and_says_so(assess_case):
    pain = {"sudden_onset": True, "severe_pain": True, "low_back_pain": True}
    older, younger = assess_case(age=74, sex="male", findings=pain), assess_case(age=40, sex="male", findings=pain)
    assert [w.rule for w in older.something_else.warning_signs] == ["sudden_severe_back_or_groin_pain_older"]
    assert "aortic" in older.something_else.warning_signs[0].reason
    assert older.something_else.warning_signs[0].log_odds > 0
    assert not younger.something_else.warning_signs  # the rule needs an age of 50 or more
    assert older.something_else.share > younger.something_else.share + 0.2


def test_hip_pain_at_rest_on_steroids_is_never_self_care(assess_case):
    hip = {"hip_or_groin_pain": True, "pain_on_walking": True, "worse_at_rest": True, "limp": True}
    plain = assess_case(
        age=41, sex="male", findings={**hip, "taking_immunosuppressant": False, "alcohol_excess": False}
    )
    steroids = assess_case(age=41, sex="male", findings={**hip, "taking_immunosuppressant": True})
    assert steroids.triage.level.rank >= TriageLevel.SOON.rank
    assert any("avascular" in r for r in steroids.triage.reasons)
    assert not any("avascular" in r for r in plain.triage.reasons)


def test_symptoms_a_condition_explains_are_not_held_against_it(ckb, assess_case):
    """calf_pain is in lumbar_radiculopathy's `explains`: it neither helps nor hurts sciatica."""
    assert "calf_pain" in ckb.kb.conditions["lumbar_radiculopathy"].explains
    sciatica = {"shooting_pain_below_knee": True, "numbness_tingling": True, "low_back_pain": True}
    a = assess_case(age=38, sex="female", findings={**sciatica, "calf_pain": True})
    rad = next(c for c in a.conditions if c.id == "lumbar_radiculopathy")
    assert not [x for x in rad.contributions if x.finding == "calf_pain"]
    cramps = next(c for c in a.conditions if c.id == "hip_osteoarthritis")
    assert [x for x in cramps.contributions if x.finding == "calf_pain" and x.log_odds < 0]  # not explained there


def test_no_cause_specific_advice_when_nothing_known_fits(assess_case):
    # a hard lump alone: the knowledge base's causes explain it poorly (before, the likeliest of
    # them, at a few per cent, brought compression stockings and heat)
    a = assess_case(age=30, sex="female", findings={"hard_lump": True})
    assert a.something_else.share > 0.5 and all(c.share < 0.1 for c in a.conditions)
    assert all({t.value for t in x.tags} & {"see_clinician", "emergency_care", "analgesia"} for x in a.advice), [
        x.id for x in a.advice
    ]
    assert a.management == []  # no cause's management is shown for a cause that explains so little
    assert a.next_tests == []  # nor tests to settle between such causes (a back MRI for a lump)
    walking = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True}
    assert assess_case(age=68, sex="male", findings=walking).next_tests  # a cause that leads keeps its tests


def test_stop_smoking_only_for_smokers(assess_case):
    walking = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True}
    smoker = assess_case(age=68, sex="male", findings={**walking, "smoker": True})
    never = assess_case(age=68, sex="male", findings={**walking, "smoker": False})
    assert "stop_smoking" in {x.id for x in smoker.advice}
    assert "stop_smoking" not in {x.id for x in never.advice}


def _as_authored(row: dict, kb) -> dict | None:
    """The case as its author read it: text cases become their expected findings (ids the KB knows)."""
    case = row["case"]
    if "text" in case:
        if row.get("expected_findings") is None:
            return None
        findings = {
            k: v
            for k, v in row["expected_findings"].items()
            if k in kb.findings and kb.findings[k].category.value != "demographic"
        }
        case = {"findings": findings}
        if row.get("expected_age") is not None:
            case["age"] = int(row["expected_age"])
        if row.get("expected_sex") in ("female", "male"):
            case["sex"] = row["expected_sex"]
        return case
    return {**case, "findings": {k: v for k, v in case.get("findings", {}).items() if k in kb.findings}}


@pytest.mark.parametrize("name", BLIND_SETS)
def test_blind_sets_no_urgent_case_triaged_lower_and_no_unsafe_advice(name, ckb, repo):
    kb = ckb.kb
    under, unsafe = [], []
    for line in (repo / "tests/data/vignettes" / name).read_text().splitlines():
        row = json.loads(line)
        case = row["case"] if row["id"] in FINDINGS_INCOMPLETE else _as_authored(row, kb)
        if case is None:
            continue
        a = assess(parse_case(case, kb), ckb)
        gold = TriageLevel(row["gold_triage"])
        if gold.rank >= TriageLevel.URGENT.rank and a.triage.level.rank < gold.rank and row["id"] not in LABEL_DISPUTES:
            under.append((row["id"], gold.value, a.triage.level.value))
        given = {t.value for x in a.advice for t in x.tags}
        bad = given & set(row.get("unsafe_advice_tags", ["quinine"]))
        if bad:
            unsafe.append((row["id"], sorted(bad)))
    assert not under, under
    assert not unsafe, unsafe


def test_a_leg_swollen_for_months_is_not_a_new_clot_unless_it_changes(assess_case):
    chronic = {"unilateral_leg_swelling": True, "longstanding_swelling": True, "active_cancer": True}
    settled = assess_case(age=63, sex="female", findings={**chronic, "lymph_node_surgery_or_radiotherapy": True})
    assert settled.triage.level is not TriageLevel.URGENT  # a clot risk factor alone does not make old swelling new
    for change in ("calf_tenderness", "sudden_onset"):
        worse = assess_case(age=63, sex="female", findings={**chronic, change: True})
        assert worse.triage.level.rank >= TriageLevel.URGENT.rank, change
    new = assess_case(age=63, sex="female", findings={"unilateral_leg_swelling": True, "active_cancer": True})
    assert new.triage.level.rank >= TriageLevel.URGENT.rank


def test_a_pop_is_same_day_until_a_torn_achilles_is_ruled_out(assess_case):
    pop = {"pop_or_snap_at_onset": True, "calf_pain": True, "sudden_onset": True}
    assert assess_case(age=46, sex="male", findings=pop).triage.level is TriageLevel.URGENT
    for normal in ("thompson_test_positive", "cannot_stand_on_tiptoe"):
        tear = assess_case(age=46, sex="male", findings={**pop, normal: False})
        assert tear.triage.level is TriageLevel.SOON, normal  # a torn calf muscle: within days, never self-care
    rupture = assess_case(age=46, sex="male", findings={**pop, "cannot_stand_on_tiptoe": True})
    assert rupture.triage.level.rank >= TriageLevel.URGENT.rank


@pytest.mark.parametrize(
    ("findings", "level"),
    [
        # a venomous bite is an emergency whatever else is known, and points outside the knowledge base
        ({"venomous_bite": True}, TriageLevel.EMERGENCY),
        # a whole swollen leg turning dusky, suddenly and painfully: a massive clot (phlegmasia)
        (
            {"unilateral_leg_swelling": True, "skin_dusky_or_blistering": True, "severe_pain": True},
            TriageLevel.EMERGENCY,
        ),
        # pain in waves from the loin to the groin, or blood in the urine: a kidney stone, same day
        ({"loin_to_groin_colic": True, "hip_or_groin_pain": True}, TriageLevel.URGENT),
        # a surface-vein clot reaching the thigh can spread into the deep veins: scanned the same day
        ({"tender_cord_along_vein": True, "thigh_or_buttock_pain": True}, TriageLevel.URGENT),
        ({"tender_cord_along_vein": True, "calf_pain": True}, TriageLevel.SOON),
    ],
)
def test_warning_signs_outside_the_leg_causes(assess_case, findings, level):
    a = assess_case(age=44, sex="male", findings=findings)
    assert a.triage.level is level
    if "venomous_bite" in findings or "loin_to_groin_colic" in findings:
        assert a.something_else.share >= 0.25  # the cause is not one of the modelled leg causes


def test_weakness_of_both_legs_is_same_day_unless_it_crept_on_over_months(assess_case):
    weak = {"leg_weakness": True, "bilateral": True, "symmetric_muscle_aches": True, "hypothyroid_symptoms": True}
    new = assess_case(age=56, sex="female", findings={**weak, "persistent_symptoms": False})
    months = assess_case(age=56, sex="female", findings={**weak, "persistent_symptoms": True})
    assert new.triage.level is TriageLevel.URGENT
    assert months.triage.level is TriageLevel.SOON
    numb = assess_case(age=56, sex="female", findings={**weak, "persistent_symptoms": True, "numbness_tingling": True})
    assert numb.triage.level is TriageLevel.EMERGENCY  # with numbness it is still the cord or nerves until shown not


def test_the_safety_net_says_which_warning_sign_keeps_self_care_back(assess_case):
    cramps = {"sudden_muscle_tightening": True, "worse_at_night": True, "relieved_by_stretching": True}
    sudden = assess_case(age=45, sex="female", findings={**cramps, "sudden_onset": True})
    assert sudden.conditions[0].id == "nocturnal_leg_cramps" and sudden.triage.level is TriageLevel.SOON
    assert "pain that started suddenly" in sudden.triage.reasons[0]
    assert "do not fit" not in sudden.triage.reasons[0]  # the picture fits; a warning sign holds self-care back
    asked = assess_case(age=45, sex="female", findings=cramps, unknown=["fever"])
    assert asked.triage.level is TriageLevel.SOON
    assert asked.triage.reasons[0].startswith("Not yet known, and possibly a warning sign: a fever")


def test_a_pop_as_the_ankle_rolls_is_not_sent_the_same_day_for_an_achilles_tendon(assess_case):
    # an Ottawa-negative sprain with a pop: the sprain explains it far better than a torn Achilles
    sprain = {
        "ankle_twisting_injury": True,
        "recent_injury": True,
        "heavy_exercise": True,
        "pop_or_snap_at_onset": True,
        "sudden_onset": True,
        "ankle_swelling": True,
        "bruising": True,
        "limp": True,
        "unable_to_bear_weight": False,
        "point_bone_tenderness": False,
    }
    a = assess_case(age=24, sex="male", findings=sprain)
    assert a.conditions[0].id == "ankle_sprain"
    assert not any(r.startswith("Torn Achilles") for r in a.triage.reasons)
    assert a.triage.level is TriageLevel.SOON  # the pop still calls for a check within days


def test_a_leg_swollen_since_cancer_treatment_of_the_lymph_glands_is_seen_within_weeks(ckb, assess_case):
    reason = next(
        r.reason for r in ckb.kb.triage_rules if r.id == "leg_swelling_after_cancer_treatment_of_the_lymph_glands"
    )
    months = {"longstanding_swelling": True, "unilateral_leg_swelling": True, "heaviness_end_of_day": True}
    after = assess_case(age=57, sex="female", findings={**months, "lymph_node_surgery_or_radiotherapy": True})
    assert after.conditions[0].id == "lymphoedema"
    assert after.triage.level is TriageLevel.SOON and after.triage.reasons[0] == reason
    # swollen for months is not the new one-sided swelling of a clot: no "warning sign" for it
    assert not any("one leg more swollen" in r for r in after.triage.reasons)


def test_a_sudden_start_with_an_injury_is_not_a_warning_sign_by_itself(assess_case):
    bump = {"recent_injury": True, "sudden_onset": True, "calf_pain": True, "cannot_stand_on_tiptoe": False}
    a = assess_case(age=35, sex="male", findings=bump)
    assert not any("pain that started suddenly" in r for r in a.triage.reasons)
    alone = assess_case(age=35, sex="male", findings={"sudden_onset": True, "shin_pain": True})
    assert alone.triage.level.rank >= TriageLevel.SOON.rank


def test_a_fever_with_sudden_leg_pain_is_same_day(assess_case):
    a = assess_case(age=17, sex="male", findings={"fever": True, "sudden_onset": True, "bilateral": True})
    assert a.triage.level.rank >= TriageLevel.URGENT.rank
    assert any("fever with leg pain that came on suddenly" in r for r in a.triage.reasons)


@pytest.mark.parametrize(
    ("findings", "rule"),
    [
        ({"shooting_pain_below_knee": True, "bilateral": True, "low_back_pain": True}, "shooting_pain_down_both_legs"),
        (
            {"recent_weight_loss": True, "worse_at_night": True, "thigh_or_buttock_pain": True},
            "rest_or_night_pain_with_weight_loss",
        ),
    ],
)
def test_sciatica_in_both_legs_and_night_pain_with_weight_loss_are_never_self_care(ckb, assess_case, findings, rule):
    r = next(x for x in ckb.kb.triage_rules if x.id == rule)
    a = assess_case(age=60, sex="male", findings=findings)
    assert r.reason in a.triage.reasons and a.triage.level.rank >= r.level.rank
    one_side = assess_case(age=60, sex="male", findings={**findings, "bilateral": False, "recent_weight_loss": False})
    assert r.reason not in one_side.triage.reasons


def test_an_injured_leg_without_blood_supply_is_an_emergency(assess_case):
    # a twisted ankle with a cold, pale or pulseless foot: the artery may be torn or pinched (sealed set 9)
    injured = {"ankle_twisting_injury": True, "recent_injury": True, "severe_pain": True}
    assert assess_case(age=45, sex="female", findings=injured).triage.level is not TriageLevel.EMERGENCY
    for sign in ("cold_pale_leg", "absent_foot_pulses"):
        a = assess_case(age=45, sex="female", findings={**injured, sign: True})
        assert a.triage.level is TriageLevel.EMERGENCY, sign


def test_swollen_ankles_with_a_headache_in_pregnancy_are_seen_the_same_day(assess_case, ckb):
    # possible pre-eclampsia (development set 15): not modelled, so the rule also raises "something else"
    swollen = {"pregnant": True, "ankle_swelling": True, "bilateral": True}
    calm = assess_case(age=34, sex="female", findings=swollen)
    assert calm.triage.level.rank < TriageLevel.URGENT.rank
    for extra in ({"pregnant": True}, {"pregnant": False, "recent_childbirth": True}):
        a = assess_case(age=34, sex="female", findings={**swollen, **extra, "nausea_or_headache": True})
        assert a.triage.level is TriageLevel.URGENT
        assert a.something_else.share > calm.something_else.share
    # the same headache and swelling outside pregnancy and after birth: not this rule
    other = assess_case(age=34, sex="female", findings={"ankle_swelling": True, "nausea_or_headache": True})
    rule = next(r for r in ckb.kb.triage_rules if r.id == "swelling_and_headache_in_pregnancy")
    assert rule.reason not in other.triage.reasons
    # blurred eyesight or flashing lights on top: severe pre-eclampsia, an emergency
    severe = {**swollen, "nausea_or_headache": True, "visual_disturbance": True}
    assert assess_case(age=34, sex="female", findings=severe).triage.level is TriageLevel.EMERGENCY


def test_a_new_headache_with_blurred_sight_after_50_is_seen_the_same_day(assess_case):
    # possible giant cell arteritis (development set 18): same day from 50, not below
    signs = {"nausea_or_headache": True, "visual_disturbance": True}
    assert assess_case(age=76, sex="female", findings=signs).triage.level.rank >= TriageLevel.URGENT.rank
    assert assess_case(age=76, sex="female", findings={"nausea_or_headache": True}).triage.level.rank < (
        TriageLevel.URGENT.rank
    )
    assert assess_case(age=35, sex="male", findings=signs).triage.level.rank < TriageLevel.URGENT.rank


def test_every_warning_sign_behind_the_level_cites_its_source(assess_case, ckb):
    # the result's sources list the guideline of each rule whose reason it shows, first
    a = assess_case(age=60, sex="male", findings={"fever": True, "confusion": True})
    fired = [r for r in ckb.kb.triage_rules if r.reason in a.triage.reasons]
    assert fired
    cited = [s.id for s in a.sources]
    for r in fired:
        assert r.source in cited and r.source in a.triage.sources, r.id
    assert cited[0] == fired[0].source
    # ... and the person's outputs list them too, first
    assert [s.id for s in cited_sources(a)][0] == fired[0].source


def test_a_painful_groin_lump_with_vomiting_is_an_emergency(assess_case):
    # a strangulated hernia (development set 16): not modelled, so "something else" rises too
    lump = {"hip_or_groin_pain": True, "hard_lump": True}
    calm = assess_case(age=79, sex="female", findings=lump)
    assert calm.triage.level is not TriageLevel.EMERGENCY
    a = assess_case(age=79, sex="female", findings={**lump, "vomiting_unable_to_keep_fluids": True})
    assert a.triage.level is TriageLevel.EMERGENCY
    assert a.something_else.share > calm.something_else.share


def test_unexplained_bruising_in_a_child_with_night_pain_is_not_growing_pains(assess_case):
    # acute leukaemia presents with leg pain and bruising (development set 16): a same-day blood count
    night = {"bilateral": True, "worse_at_night": True, "fever": False}
    assert assess_case(age=5, sex="female", findings=night).triage.level is TriageLevel.ROUTINE
    bruised = assess_case(age=5, sex="female", findings={**night, "bruising": True})
    assert bruised.triage.level is TriageLevel.URGENT
    # bruises from a fall explain themselves
    fell = assess_case(age=5, sex="female", findings={**night, "bruising": True, "recent_injury": True})
    assert fell.triage.level is not TriageLevel.URGENT
