"""Canonical sentences (``lexicon/canonical.yaml``): one plain sentence per finding and value.

For every finding of the knowledge base except age and sex there is a sentence stating it present and
one stating it absent (a measured finding has one sentence with a ``{value}`` placeholder in the
finding's own unit). Read alone, each sentence gives exactly that finding with that value, plus the
findings its ``present_also`` / ``absent_also`` list (one finding entailing another: foot drop is
leg weakness), and nothing else. A text made of the sentences of a structured case's findings then
says the same as the structured case, which is what the combination test checks.
"""

from __future__ import annotations

import random
from importlib import resources

import pytest
import yaml

from legdx.intake import extract
from legdx.intake.lexicon import load_lexicon
from legdx.kb.schema import FindingKind

CANONICAL: dict[str, dict] = yaml.safe_load(
    (resources.files("legdx") / "intake" / "lexicon" / "canonical.yaml").read_text(encoding="utf-8")
)
DEMOGRAPHIC = {"age_years", "female_sex"}
KEYS = {"present", "absent", "present_also", "absent_also", "value"}


def _values(f) -> list[float]:
    """Test values for a measured finding: every band's upper bound and the midpoints between them."""
    uppers = [b.upper.value for b in f.bands if b.upper is not None]
    mids = [(a + b) / 2 for a, b in zip(uppers, uppers[1:], strict=False)]
    return sorted({round(v, 3) for v in uppers + mids if v >= 0})


def _same(a: bool | float, b: bool | float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def _cases() -> list[tuple[str, str]]:
    return [(fid, key) for fid, s in CANONICAL.items() for key in ("present", "absent", "value") if key in s]


def _expected(fid: str, key: str, findings, value: float | None = None) -> dict[str, bool | float]:
    s = CANONICAL[fid]
    if key == "value":
        return {fid: float(value)}  # type: ignore[arg-type]
    return {fid: key == "present", **s.get(key + "_also", {})}


def _check(text: str, expected: dict[str, bool | float], findings) -> None:
    got = extract(text, findings)
    used = {u.finding: u.value for u in got if u.used}
    sex_specific = any(findings[f].sex == "female" for f in expected)
    others = sorted({u.finding for u in got} - set(expected) - ({"female_sex"} if sex_specific else set()))
    wrong = {f: used.get(f) for f, v in expected.items() if f not in used or not _same(used[f], v)}
    assert not wrong and not others, (
        f"{text!r}: expected {expected}, read {[(u.finding, u.value, u.text) for u in got]}"
    )


def test_every_finding_has_its_sentences(findings):
    """Every finding of the knowledge base that the lexicon can read: all but age and sex, once a new
    finding's lexicon entries are merged (the drafts for the findings being added hold theirs)."""
    readable = load_lexicon().finding_ids()
    wanted = {f for f in findings if f not in DEMOGRAPHIC and findings[f].replaced_by is None and f in readable}
    assert wanted <= set(CANONICAL), f"no canonical sentences for {sorted(wanted - set(CANONICAL))}"
    assert set(CANONICAL) <= set(findings), f"unknown findings {sorted(set(CANONICAL) - set(findings))}"
    for fid, s in CANONICAL.items():
        assert set(s) <= KEYS, fid
        if findings[fid].kind is FindingKind.NUMERIC:
            assert set(s) == {"value"} and "{value}" in s["value"], fid
        else:
            assert {"present", "absent"} <= set(s) and "value" not in s, fid
        for key in ("present_also", "absent_also"):
            for other, v in s.get(key, {}).items():
                assert other in findings and other != fid and isinstance(v, bool), (fid, other)


def test_sentences_are_short_and_plain():
    for fid, s in CANONICAL.items():
        for key in ("present", "absent", "value"):
            if key in s:
                text = s[key]
                assert text.endswith(".") and len(text.split()) <= 14, (fid, text)
                # no pronouns that would give the sex, no text about someone else
                assert not {"she", "he", "her", "his"} & set(text.lower().rstrip(".").split()), (fid, text)


@pytest.mark.parametrize(("fid", "key"), _cases())
def test_a_sentence_alone_reads_as_its_finding_and_nothing_else(findings, fid, key):
    s = CANONICAL[fid]
    if key == "value":
        for v in _values(findings[fid]):
            _check(s["value"].format(value=f"{v:g}"), _expected(fid, key, findings, v), findings)
    else:
        _check(s[key], _expected(fid, key, findings), findings)


@pytest.mark.parametrize("separator", [" ", "\n"])
def test_sentences_of_a_case_read_as_the_case(findings, separator):
    """Random structured cases (eight findings each, fixed seed): the text made of their canonical
    sentences reads back as the case (plus the findings the sentences entail)."""
    rng = random.Random(10)
    ids = sorted(CANONICAL)
    checked = 0
    for _ in range(150):
        case: dict[str, bool | float] = {}
        sentences: list[str] = []
        clash = False
        for fid in rng.sample(ids, 8):
            s = CANONICAL[fid]
            if "value" in s:
                v = rng.choice(_values(findings[fid]))
                facts: dict[str, bool | float] = {fid: float(v)}
                sentences.append(s["value"].format(value=f"{v:g}"))
            else:
                key = rng.choice(["present", "absent"])
                facts = {fid: key == "present", **s.get(key + "_also", {})}
                sentences.append(s[key])
            for f, v in facts.items():
                if f in case and not _same(case[f], v):
                    clash = True  # "No numbness" with "Numbness on the outer thigh": not one case
                case.setdefault(f, v)
        if clash:
            continue
        text = separator.join(sentences)
        used = {u.finding: u.value for u in extract(text, findings) if u.used}
        used.pop("female_sex", None)
        assert set(used) == set(case) and all(_same(used[f], v) for f, v in case.items()), (
            f"{text!r}: case {case}, read {used}"
        )
        checked += 1
    assert checked >= 100
