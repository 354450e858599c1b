"""ConText: negation, history, family, hypotheticals, other people, stopped medicines."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "finding", "value"),
    [
        ("Denies chest pain.", "breathless_or_chest_pain", False),
        ("No calf pain.", "calf_pain", False),
        ("I don't have any back pain.", "low_back_pain", False),
        ("Walks without pain.", "pain_on_walking", False),
        ("Never smoked.", "smoker", False),
        ("Negative for fever.", "fever", False),
        ("Patient denies fever, chills, calf swelling or chest pain.", "breathless_or_chest_pain", False),
        ("Patient denies fever, chills, calf swelling or chest pain.", "fever", False),
        ("The pain is not relieved by rest.", "relieved_by_rest", False),
        ("Rest doesn't help at all.", "relieved_by_rest", False),
        ("Fever: no.", "fever", False),
        ("Pedal pulses not palpable.", "absent_foot_pulses", True),
        ("No palpable pulses in the left foot.", "absent_foot_pulses", True),
        ("Non-healing ulcer on the big toe.", "foot_ulcer_or_gangrene", True),
        ("Straight leg raise negative.", "straight_leg_raise_positive", False),
    ],
)
def test_negation(read, text, finding, value):
    assert read(text).get(finding) == value


def test_negation_stops_at_but_and_at_a_comma_without_a_list(read):
    r = read("No calf pain when walking, but my legs ache when lying down.")
    assert r["calf_pain"] is False and r["worse_lying_down"] is True
    r = read("No back pain, worse at night.")
    assert r["low_back_pain"] is False and r["worse_at_night"] is True


def test_quote_marks_do_not_shorten_a_negation(read):
    """A quoted phrase inside a denial is still denied ("not the 'have to move them' restless thing")."""
    assert read("My legs ache at night but it's not the 'have to move them' restless thing.")["urge_to_move"] is False
    assert read("My legs ache at night and I'm restless, I have to move them.")["urge_to_move"] is True


def test_phrase_with_its_own_negation_is_not_flipped(read):
    assert read("I have no pain at all when I sit down.")["no_pain_when_seated"] is True
    assert read("I can't walk more than 100 yards.")["pain_on_walking"] is True


def test_history_of_a_symptom_is_not_current(read):
    r = read("History of leg swelling years ago. Now cramps at night.")
    assert "unilateral_leg_swelling" not in r and "ankle_swelling" not in r
    assert r["sudden_muscle_tightening"] is True


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("History of DVT.", "previous_dvt"),
        ("PMH: DVT 2015, hypertension.", "previous_dvt"),
        ("I had a clot in my leg 10 years ago.", "previous_dvt"),
        ("Previous pulmonary embolism.", "previous_dvt"),
        ("History of diabetes.", "diabetes"),
        ("Past medical history: type 2 diabetes, CKD stage 3.", "chronic_kidney_disease"),
    ],
)
def test_history_maps_or_keeps_history_findings(read, text, finding):
    assert read(text)[finding] is True


def test_a_current_dvt_suspicion_is_not_a_finding(read):
    r = read("I'm worried it might be a clot.")
    assert "previous_dvt" not in r and not r


def test_no_history_of_dvt(read):
    assert read("No history of DVT or PE.")["previous_dvt"] is False


@pytest.mark.parametrize(
    "text",
    [
        "My mother has RLS.",
        "Mother has restless legs.",
        "Family history of restless legs syndrome.",
        "Restless legs runs in my family.",
        "My dad and my sister both have restless legs.",
    ],
)
def test_family_history_is_not_the_patients_own(read, text):
    r = read(text)
    assert r["family_history_rls"] is True
    assert "urge_to_move" not in r


def test_family_history_of_diabetes_is_not_diabetes(read):
    assert "diabetes" not in read("My father has diabetes.")


def test_no_family_history(read):
    assert read("No family history of restless legs.")["family_history_rls"] is False


@pytest.mark.parametrize(
    "text",
    [
        "If it gets worse or the redness spreads I will see a doctor.",
        "Return if you develop chest pain or shortness of breath.",
        "Worried it might be a blood clot.",
        "Could it be sciatica?",
    ],
)
def test_hypotheticals_and_guesses_are_not_findings(read, text):
    r = read(text)
    for f in ("spreading_redness", "breathless_or_chest_pain", "shooting_pain_below_knee", "previous_dvt"):
        assert f not in r, (text, r)


def test_other_people_are_not_the_patient(read):
    r = read("My husband has diabetes and varicose veins.")
    assert "diabetes" not in r and "varicose_veins" not in r


def test_stopped_medicine_is_not_taken(read):
    assert read("Stopped atorvastatin two weeks ago.")["taking_statin"] is False
    assert read("On atorvastatin 40 mg.")["taking_statin"] is True
