"""The lexicon data: every finding covered, every id real, every pattern compiles; drugs by class."""

from __future__ import annotations

import pytest

from legdx.intake.lexicon import load_lexicon
from legdx.kb.schema import FindingCategory


def test_every_finding_has_lay_or_clinical_terms(findings):
    covered = load_lexicon().finding_ids()
    missing = [f for f, d in findings.items() if d.category is not FindingCategory.DEMOGRAPHIC and f not in covered]
    assert not missing, f"findings without lexicon terms: {missing}"


def test_every_lexicon_id_is_a_finding(findings):
    unknown = sorted(load_lexicon().finding_ids() - set(findings))
    assert not unknown, f"lexicon names findings the KB does not define: {unknown}"


def test_lexicon_values_match_finding_kinds(findings):
    from legdx.kb.schema import FindingKind

    for e in load_lexicon().entries:
        for table in (e.current, e.historical or {}, e.family):
            for fid, v in table.items():
                binary = findings[fid].kind is FindingKind.BINARY
                assert binary == isinstance(v, bool), (e.id, fid, v)


def test_every_pattern_compiles():
    from legdx.intake.matcher import get_matcher

    assert get_matcher().matchers  # building the pipeline compiles every pattern


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("on atorvastatin", "taking_statin"),
        ("takes simvastatin 40 mg at night", "taking_statin"),
        ("rosuvastatin", "taking_statin"),
        ("furosemide 40 mg", "taking_diuretic"),
        ("hydrochlorothiazide", "taking_diuretic"),
        ("bendroflumethiazide 2.5 mg", "taking_diuretic"),
        ("spironolactone", "taking_diuretic"),
        ("a water tablet", "taking_diuretic"),
        ("sertraline", "taking_antidepressant"),
        ("citalopram", "taking_antidepressant"),
        ("fluoxetine", "taking_antidepressant"),
        ("venlafaxine", "taking_antidepressant"),
        ("mirtazapine at night", "taking_antidepressant"),
        ("omeprazole", "taking_ppi"),
        ("lansoprazole", "taking_ppi"),
        ("warfarin", "taking_anticoagulant"),
        ("apixaban", "taking_anticoagulant"),
        ("rivaroxaban", "taking_anticoagulant"),
        ("a blood thinner", "taking_anticoagulant"),
        ("metformin", "diabetes"),
        ("insulin", "diabetes"),
    ],
)
def test_drug_names_map_to_classes(read, text, finding):
    assert read(text)[finding] is True


def test_recent_statin_start(read):
    r = read("The aches started three weeks after I started atorvastatin.")
    assert r["recent_statin_start_or_dose_increase"] is True and r["taking_statin"] is True
    assert read("Simvastatin dose was doubled last month.")["recent_statin_start_or_dose_increase"] is True


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("creepy-crawly feeling deep in my calves", "creeping_crawling_sensation"),
        ("a crawling feeling", "creeping_crawling_sensation"),
        ("a pulling sensation inside my legs", "creeping_crawling_sensation"),
        ("a throbbing ache in my calf", "calf_pain"),
        ("the whole leg feels bursting when I walk", "bursting_pain_on_walking"),
        ("sharp lancinating pain down the leg", "shooting_pain_below_knee"),
        ("dangling my legs over the side of the bed helps", "relieved_by_dependency"),
        ("better leaning forward on a shopping cart", "relieved_by_bending_forward"),
        ("leaning on the trolley at the supermarket helps", "relieved_by_bending_forward"),
        ("my calves hurt after two blocks", "pain_on_walking"),
        ("an irresistible urge to move my legs", "urge_to_move"),
        ("legs ache with my periods", "cyclical_with_menstruation"),
        ("charley horse in the night", "sudden_muscle_tightening"),
        ("pins and needles in my feet", "numbness_tingling"),
        ("my foot slaps when I walk", "foot_drop"),
        ("tea-coloured urine", "dark_urine"),
        ("saddle anaesthesia", "saddle_numbness_or_bladder_change"),
        ("can't pass urine", "saddle_numbness_or_bladder_change"),
        ("pain out of proportion to the injury", "severe_pain_after_injury"),
        ("varicose veins", "varicose_veins"),
        ("brown staining around the ankles", "skin_changes_lower_leg"),
        ("rock hard calf", "tense_swollen_compartment"),
        ("pain on passive stretch of the toes", "pain_on_passive_stretch"),
        ("long-haul flight last week", "recent_immobilization_or_surgery"),
        ("I drink six cups of coffee a day", "high_caffeine_intake"),
        ("femoral bruit", "femoral_bruit"),
        ("burning and numbness on the outer thigh", "lateral_thigh_numbness"),
        ("tingling in the sole of my foot", "medial_ankle_or_sole_pain"),
        ("positive Tinel sign behind the medial malleolus", "tinel_at_medial_ankle"),
        ("tapping below the outside of the knee sends tingling down the shin", "fibular_head_tinel"),
        ("a 40 pack-year smoker", "smoker"),
    ],
)
def test_seed_and_clinical_vocabulary(read, text, finding):
    assert read(text).get(finding) is True, read(text)
