"""Measured values: names, connector words, units and conversions, out-of-range values."""

from __future__ import annotations

import pytest

from legdx.intake.numbers import parse_number, read_measurements


@pytest.mark.parametrize(
    ("text", "finding", "value"),
    [
        ("ABI 0.62", "abi", 0.62),
        ("ankle-brachial index of 0.45 on the right", "abi", 0.45),
        ("ABI 0.62 on the right and 0.88 on the left", "abi", 0.62),
        ("ferritin 20 ng/mL", "ferritin_ug_l", 20.0),
        ("Ferritin was only 12 ug/L", "ferritin_ug_l", 12.0),
        ("potassium 3.1", "potassium_mmol_l", 3.1),
        ("K 3.1", "potassium_mmol_l", 3.1),
        ("K+ 3.1 mmol/L", "potassium_mmol_l", 3.1),
        ("K+ 2.9 mEq/L", "potassium_mmol_l", 2.9),
        ("magnesium 0.55 mmol/L", "magnesium_mmol_l", 0.55),
        ("Mg 1.2 mg/dL", "magnesium_mmol_l", round(1.2 / 2.43, 2)),
        ("magnesium 1.4", "magnesium_mmol_l", round(1.4 / 2.43, 2)),  # a bare 1.4 is mg/dL
        ("corrected calcium 1.95 mmol/L", "calcium_mmol_l", 1.95),
        ("calcium 7.6 mg/dL", "calcium_mmol_l", round(7.6 / 4.008, 2)),
        ("Ca 7.2", "calcium_mmol_l", round(7.2 / 4.008, 2)),
        ("sodium 128", "sodium_mmol_l", 128.0),
        ("Na+ 151 mmol/L", "sodium_mmol_l", 151.0),
        ("CK 12000 U/L", "ck_u_l", 12000.0),
        ("CK 12,000 IU/L", "ck_u_l", 12000.0),
        ("creatine kinase came back at 45,000", "ck_u_l", 45000.0),
        ("CK 10 times the upper limit of normal", "ck_u_l", 2000.0),
        ("HbA1c 7.2%", "hba1c_percent", 7.2),
        ("HbA1c 55 mmol/mol", "hba1c_percent", round(55 / 10.929 + 2.15, 2)),
        ("fasting glucose 7.8 mmol/L", "glucose_mmol_l", 7.8),
        ("fasting glucose 140 mg/dL", "glucose_mmol_l", round(140 / 18.016, 2)),
        ("blood sugar 180", "glucose_mmol_l", round(180 / 18.016, 2)),
        ("transferrin saturation 12%", "transferrin_saturation_pct", 12.0),
        ("Wells score 3", "wells_dvt_score", 3.0),
    ],
)
def test_values_and_conversions(read, text, finding, value):
    assert read(text)[finding] == pytest.approx(value, abs=0.01)


@pytest.mark.parametrize(
    ("text", "finding", "value"),
    [
        ("temperature 38.6 C", "fever", True),
        ("T 37.1", "fever", False),
        ("temp 101.5 F", "fever", True),
        ("D-dimer 1200 ng/mL", "d_dimer_positive", True),
        ("D-dimer 0.3 mg/L FEU", "d_dimer_positive", False),
        ("BMI 34", "obesity", True),
    ],
)
def test_binary_findings_from_numbers(read, text, finding, value):
    assert read(text)[finding] is value


def test_doses_are_not_levels(read):
    r = read("I take magnesium 400 mg at night and vitamin K 100 mcg.")
    assert "magnesium_mmol_l" not in r and "potassium_mmol_l" not in r


def test_out_of_range_values_are_kept_but_not_used(findings):
    from legdx.intake import extract

    out = extract("potassium 35 mmol/L, ABI 4.2", findings)
    by = {u.finding: u for u in out}
    assert by["potassium_mmol_l"].used is False and by["abi"].used is False
    assert by["abi"].text == "ABI 4.2"


def test_qualitative_values(read):
    assert read("Known hypokalaemia.")["potassium_mmol_l"] == pytest.approx(3.2)
    assert read("My ferritin was low.")["ferritin_ug_l"] < 30
    assert read("Electrolytes normal.")["potassium_mmol_l"] == pytest.approx(4.2)


def test_measured_beats_qualitative(read):
    assert read("Low potassium, K 2.6 mmol/L.")["potassium_mmol_l"] == pytest.approx(2.6)


def test_spans_cover_name_number_and_unit():
    text = "Bloods: K+ 3.1 mmol/L, CK 12,000 U/L."
    rs = read_measurements(text)
    assert [text[r.start : r.end] for r in rs] == ["K+ 3.1 mmol/L", "CK 12,000 U/L"]


def test_parse_number():
    assert parse_number("1,234,567") == 1234567.0
    assert parse_number("0,5") == 0.5
