"""One leg or both, which swelling finding a swelling means, and which site is in pain."""

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
        ("One calf looks more swollen than the other.", {"unilateral_leg_swelling": True}),
        # a bare "than" compares nothing between the legs
        (
            "My thighs and calves are sore, way more than normal, and they're swollen.",
            {"unilateral_leg_swelling": False},
        ),
    ],
)
def test_swelling(read, text, expected):
    r = read(text)
    for k, v in expected.items():
        assert r.get(k) is v, (text, r)


def test_laterality_ignores_family_sentences(read):
    assert "bilateral" not in read("My mother and sister both have restless legs.")


# ---------------------------------------------------------------- site pain (reader._site_pain)


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        ("Pain in both legs, behind the knees and front of thighs.", {"knee_pain", "thigh_or_buttock_pain"}),
        ("My knee hurts, sometimes the thigh also.", {"knee_pain", "thigh_or_buttock_pain"}),
        ("Achy lower back and thighs.", {"low_back_pain", "thigh_or_buttock_pain"}),
        ("Electric pain going down my left leg, back of the thigh and calf.", {"thigh_or_buttock_pain", "calf_pain"}),
        ("Aching in both shins, calves and the backs of his knees.", {"shin_pain", "calf_pain", "knee_pain"}),
    ],
)
def test_a_site_linked_to_a_pain_word_is_that_site_s_pain(read, text, sites):
    got = {f for f, v in read(text).items() if v is True}
    assert sites <= got, got


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("Calf pain, thigh fine.", "thigh_or_buttock_pain"),  # spared
        ("The calf is not painful.", "calf_pain"),  # negated: "not" links nothing
        ("Knee replacement in 2015. Calf pain.", "knee_pain"),  # another sentence
        ("Calf pain, swelling below the knee.", "knee_pain"),  # only a bound
        ("My hip replacement was fine; calf pain now.", "hip_or_groin_pain"),
    ],
)
def test_a_site_is_not_in_pain_without_a_linked_pain_word(read, text, site):
    got = read(text)
    assert got.get(site) is not True, got
