"""understand(): bad text, explicit findings win, spans, used flags."""

from __future__ import annotations

import pytest

from legdx.case import Case, parse_case
from legdx.errors import InvalidCase
from legdx.intake import understand


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_empty_text_is_rejected(text):
    with pytest.raises(InvalidCase, match="text: is empty"):
        parse_case({"text": text})


@pytest.mark.parametrize("text", ["calf\x00pain", "abc\x07", "\x1b[31mred", "x\ud800y", "a\uffffb"])
def test_control_and_binary_characters_are_rejected(text):
    with pytest.raises(InvalidCase, match="^text: contains a control or binary character"):
        parse_case({"text": text})


def test_tabs_and_newlines_are_fine():
    parse_case({"text": "Calf pain\ton walking.\r\nNo back pain."})


class _KB:  # the part of a CompiledKB that understand() reads
    def __init__(self, findings):
        self.kb = type("K", (), {"findings": findings})()


def test_explicit_findings_age_and_sex_win(findings):
    case = Case(age=50, sex="female", findings={"smoker": False}, text="A 67-year-old man who smokes.")
    out = {u.finding: u for u in understand(case, _KB(findings))}  # type: ignore[arg-type]
    assert out["smoker"].value is True and out["smoker"].used is False
    assert out["age_years"].used is False and out["female_sex"].used is False


def test_male_case_does_not_use_pregnancy_from_text(findings):
    case = Case(sex="male", text="My wife is pregnant and I get cramps.")
    out = understand(case, _KB(findings))  # type: ignore[arg-type]
    assert all(not u.used for u in out if u.finding in ("pregnant", "cyclical_with_menstruation"))


def test_no_text_reads_nothing(findings):
    assert understand(Case(), _KB(findings)) == []  # type: ignore[arg-type]


def test_spans_point_at_the_text(findings):
    from legdx.intake import extract

    text = "My calves ache after two blocks; it goes away when I stand still. No back pain. ABI 0.62"
    out = extract(text, findings)
    assert out
    for u in out:
        assert text[u.span[0] : u.span[1]] == u.text
    assert [u.span for u in out] == sorted(u.span for u in out)
    used = [u.finding for u in out if u.used]
    assert len(used) == len(set(used)), "one used value per finding"


def test_understand_with_the_real_kb(real_ckb):
    case = Case(
        text="67 year old man, calves ache after two blocks, better after standing still for a minute. ABI 0.62."
    )
    got = {u.finding: u.value for u in understand(case, real_ckb) if u.used}
    assert got["pain_on_walking"] is True and got["relieved_by_rest"] is True and got["abi"] == 0.62
