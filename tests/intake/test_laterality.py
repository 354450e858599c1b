"""One leg or both, and which swelling finding a swelling means."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Both legs ache at night.", True),
        ("Bilateral calf pain.", True),
        ("Pain in my left calf only.", False),
        ("Only in one leg.", False),
        ("Right leg pain shooting to the foot.", False),
        ("My legs feel restless.", True),
        ("Left and right calves both hurt.", True),
    ],
)
def test_bilateral(read, text, value):
    assert read(text)["bilateral"] is value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My left calf is swollen.", {"unilateral_leg_swelling": True}),
        ("The right leg is bigger than the other one.", {"unilateral_leg_swelling": True}),
        ("Calf circumference 3 cm greater on the left.", {"unilateral_leg_swelling": True}),
        ("Both ankles swell by the evening.", {"ankle_swelling": True, "unilateral_leg_swelling": False}),
        ("Bilateral pitting oedema to mid-shin.", {"ankle_swelling": True, "unilateral_leg_swelling": False}),
        ("No leg swelling.", {"unilateral_leg_swelling": False}),
        ("No ankle swelling.", {"ankle_swelling": False}),
    ],
)
def test_swelling(read, text, expected):
    r = read(text)
    for k, v in expected.items():
        assert r.get(k) is v, (text, r)


def test_laterality_ignores_family_sentences(read):
    assert "bilateral" not in read("My mother and sister both have restless legs.")
