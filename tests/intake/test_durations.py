"""Time course: sudden onset versus a long history."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The pain came on suddenly an hour ago.", True),
        ("Severe leg pain that started 3 hours ago.", True),
        ("Leg pain since this morning.", True),
        ("Calf pain on walking for the past 6 months.", False),
        ("A 2-year history of burning feet.", False),
        ("The aching came on gradually.", False),
    ],
)
def test_onset(read, text, value):
    assert read(text)["sudden_onset"] is value


def test_sudden_cramp_is_not_sudden_onset(read):
    r = read("I get a sudden cramp in my calf at night.")
    assert "sudden_onset" not in r and r["sudden_muscle_tightening"] is True


def test_habit_durations_are_not_symptom_durations(read):
    assert "sudden_onset" not in read("Smoked for 30 years. Diabetic for 10 years.")


def test_explicit_sudden_beats_a_long_history_elsewhere(read):
    assert read("Smoker for 40 years; sudden pain in the left leg.")["sudden_onset"] is True


# ---------------------------------------------------------------- how long: 3 months or more (persistent_symptoms)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("A 4-day history of calf pain.", False),
        ("6/12 hx cramping pain in the right calf on walking.", True),
        ("3/52 hx pain in the top of the foot.", False),
        ("Aching legs for years.", True),
        ("My knees pain since 3 or 4 years.", True),
        ("Since maybe 4 months her legs ache at night.", True),
        ("The pain in my calf started 2 days ago.", False),
        ("Leg pain for the past year or so.", True),
        ("Since yesterday she has had tingling in her feet.", False),
        ("It started two weeks ago.", False),
        ("My knees have been giving me jip for a couple of years now.", True),
        ("For like the last 4 months my left heel kills me first thing.", True),
        ("Heel pain for 3-4 months.", True),
        ("Heel pain for 1-2 weeks.", False),
        ("My thighs have ached for the last couple of months.", False),
    ],
)
def test_a_stated_duration_says_whether_symptoms_persist(read, text, value):
    assert read(text)["persistent_symptoms"] is value


@pytest.mark.parametrize(
    "text",
    [
        "My legs ache 3 nights a week.",  # a frequency
        "My daughter is 6 years old and her legs ache.",  # an age
        "Stiff for 10 minutes in the morning, knee pain.",  # how long an episode lasts
        "Pregnant, 30 weeks, and my legs ache.",  # a gestation
        "She stopped smoking 6/12 ago; calf pain on walking.",  # a habit
        "For the last 2-3 months my heel has hurt.",  # a range across three months: not known
    ],
)
def test_durations_that_are_not_how_long_the_complaint_has_lasted(read, text):
    assert "persistent_symptoms" not in read(text)


def test_the_first_duration_of_the_complaint_wins(read):
    text = "A 2-day history of calf swelling. She has had itching between her toes for several months."
    assert read(text)["persistent_symptoms"] is False
