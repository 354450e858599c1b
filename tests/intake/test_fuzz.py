"""Hypothesis fuzzing: no text crashes the intake, and every span is valid.

At least 10,000 generated texts mix random unicode, lexicon fragments, numbers and units. The
pipeline is built once; each example costs well under a millisecond, so this stays far below a
minute.
"""

from __future__ import annotations

from importlib import resources

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legdx.case import text_problem
from legdx.intake import extract, read_age_sex
from legdx.kb.schema import Finding

_DATA = yaml.safe_load((resources.files("legdx") / "knowledge" / "findings.yaml").read_text(encoding="utf-8"))
FINDINGS = {d["id"]: Finding.model_validate(d) for d in _DATA}

FRAGMENTS = [
    "no", "not", "denies", "without", "never", "history of", "mother has", "if", "worried it might be",
    "calf pain", "cramps at night", "restless legs", "RLS", "DVT", "both legs", "left calf swollen", "right",
    "after two blocks", "goes away when I stand still", "shopping trolley", "dangling my legs", "creeping",
    "crawling", "pulling", "throbbing", "bursting", "lancinating", "with my periods", "suddenly", "an hour ago",
    "for 3 years", "ABI", "K+", "K", "Mg", "Ca", "Na", "CK", "HbA1c", "ferritin", "glucose", "D-dimer", "T",
    "mmol/L", "mg/dL", "mEq/L", "ng/mL", "U/L", "%", "mmol/mol", "x ULN", "°C", "°F", "67-year-old man",
    "F, 54", "54F", "I'm a 30 year old woman", "atorvastatin", "furosemide", "sertraline", "omeprazole",
    "warfarin", ",", ".", ";", ":", "?", "-", "/", "(", ")", "\n", "  ", "'", "’", "n't",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=10**7).map(str),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: f"{x:.3g}"),
    st.sampled_from(["0.62", "3,1", "12,000", "1.2.3", "007", "4.2e3", "½", "٣"]),
)
PIECE = st.one_of(st.sampled_from(FRAGMENTS), NUMBERS, st.text(max_size=8))
TEXTS = st.one_of(
    st.lists(PIECE, max_size=25).map(" ".join),
    st.lists(PIECE, max_size=25).map("".join),
    st.text(max_size=60),
)


@settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(TEXTS)
def test_no_text_crashes_the_intake(text):
    findings = FINDINGS
    if text_problem(text) is not None:  # bad input, refused with the case (tests/test_case.py)
        return
    out = extract(text, findings)
    used = set()
    for u in out:
        start, end = u.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == u.text
        if u.used:
            assert u.finding not in used
            used.add(u.finding)
            f = findings[u.finding]
            if f.range is not None and not isinstance(u.value, bool):
                assert f.range.min <= u.value <= f.range.max
    demo = read_age_sex(text)
    for span in (demo.age_span, demo.sex_span):
        assert span is None or 0 <= span[0] < span[1] <= len(text)
