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
