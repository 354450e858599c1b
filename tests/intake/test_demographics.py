"""Age and sex from text."""

from __future__ import annotations

import pytest

from legdx.intake import read_age_sex


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        ("A 67-year-old man with calf pain on walking.", 67, "male"),
        ("F, 54. Legs ache at night.", 54, "female"),
        ("54F, cramps", 54, "female"),
        ("67M smoker", 67, "male"),
        ("I'm a 30 year old woman and my legs feel restless.", 30, "female"),
        ("65 yo M with buttock pain.", 65, "male"),
        ("72-year-old female presents with a cold foot.", 72, "female"),
        ("Patient is a 45 y/o male.", 45, "male"),
        ("I am 58 and I get cramps.", 58, None),
        ("A woman in her sixties with heavy legs.", 65, "female"),
        ("Sex: M. Age: 40.", 40, "male"),
        ("Mum (79) slipped on the kitchen floor and she can't stand.", 79, "female"),  # a carer, no "my"
        ("Dad, 82, gets cramps in his calves every night.", 82, "male"),
        ("Writing for my mum who is 88. She can't put any weight on that leg.", 88, "female"),
        # a parent who speaks of what they did or feel is still writing about the child
        ("My daughter is 12 and limps. I've been giving her calpol.", 12, "female"),
        ("My son is 14 and his knee hurts at night. I'm worried it's serious.", 14, "male"),
        ("My dad is 82 and his leg is swollen. I am not sure what to do.", 82, "male"),
        ("My son is 14 and his knee hurts. I have tried calpol.", 14, "male"),
        ("My 12 yo son has been limping for 3 weeks and his knee hurts.", 12, "male"),
        # ... even with no "she" or "he" after, when the relative has a complaint now
        ("My mum (82) has a swollen left calf.", 82, "female"),
        ("My 8 yo daughter gets aching legs at night.", 8, "female"),
        ("My 70 year old father gets cramps in bed at night.", 70, "male"),
        ("My little boy (4) is limping and his knee is hot.", 4, "male"),
        # ... with the child's first name between ("my son Ahmed is 3 years")
        ("Please help, my son Ahmed is 3 years. Yesterday he had fever.", 3, "male"),
        # ... but a writer who describes their own legs is the patient
        ("My mum had clots. I'm 45 and my calf is swollen.", 45, None),
        ("My husband snores, but I've had cramps in my legs for weeks.", None, None),
    ],
)
def test_age_and_sex(text, age, sex):
    got = read_age_sex(text)
    assert (got.age, got.sex) == (age, sex)
    if got.age_span:
        assert text[slice(*got.age_span)]


@pytest.mark.parametrize(
    "text",
    [
        "Calf pain for 3 years.",
        "I can walk 50 m before the pain starts.",
        "My mother, aged 80, has restless legs.",
        "Diabetic for 12 years.",
        "My son Ahmed is 3 years into his apprenticeship and fine; my calf hurts.",
    ],
)
def test_no_false_ages(text):
    assert read_age_sex(text).age is None


def test_third_person_pronouns_give_sex_only_in_notes():
    assert read_age_sex("She reports leg cramps at night.").sex == "female"
    assert read_age_sex("My wife says I kick at night; she can't sleep.").sex is None


def test_age_and_sex_become_findings(read):
    r = read("A 67-year-old man.")
    assert r["age_years"] == 67.0 and r["female_sex"] is False
