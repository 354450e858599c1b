"""Measured values in text: "ABI 0.62", "K+ 3.1 mEq/L", "ferritin of 20 ng/mL", "HbA1c 55 mmol/mol".

Each analyte in ``lexicon/measures.yaml`` has names, units with their conversion to the knowledge
base's unit (``value * factor + offset``) and guesses for a number written without a unit (a
magnesium of 1.9 is mg/dL, not mmol/L; an HbA1c of 55 is mmol/mol). A number followed by a unit
that belongs to no analyte and is on the reject list ("magnesium 400 mg" is a dose) is skipped.
Binary findings read from a number (fever from a temperature, a positive D-dimer, obesity from a
BMI) use the analyte's ``threshold``; a finding only a low value shows (chronic kidney disease from
an eGFR under 60) uses ``present_below``. Only an analyte marked ``signed`` reads a minus sign.
Pure regular expressions over the raw text: no spaCy needed.

>>> [(r.finding, round(float(r.value), 2)) for r in read_measurements("K 3.1, Mg 1.7 mg/dL, HbA1c 55 mmol/mol")]
[('potassium_mmol_l', 3.1), ('magnesium_mmol_l', 0.7), ('hba1c_percent', 7.18)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legdx.intake.lexicon import Analyte, Lexicon, load_lexicon

__all__ = ["Reading", "parse_number", "read_measurements"]

# thousands may be grouped by a space, as many labs print them ("CK 34 600 U/L"): groups of exactly three digits
SPACED_THOUSANDS = r"[1-9][0-9]{0,2}(?:[ \u00a0\u202f][0-9]{3})+(?![0-9]|[.,][0-9])"
NUMBER = re.compile(r"\s*(?:[<>≤≥~≈]\s*)?(" + SPACED_THOUSANDS + r"|[0-9]+(?:[.,][0-9]+)*)")
# a minus sign: after a space, ":", "=" or "(" and right before the digits ("Wells score -1", "Wells: −2"),
# never glued to the name ("eGFR-38" is a dash) nor spaced from the number ("BMI - 31")
SIGNED = re.compile(r"\s*(?:[<>≤≥~≈]\s*)?((?:(?<=[\s:=(])[-−–])?[0-9]+(?:[.,][0-9]+)*)")
STEP = re.compile(r"\s*(?:([A-Za-z]+)|([:=~≈\-–(),]))")
MAX_CONNECTORS = 6


@dataclass(frozen=True)
class Reading:
    finding: str
    value: bool | float
    start: int  # character offsets of the whole "name ... number unit" phrase
    end: int
    pick: str = "first"


def parse_number(raw: str) -> float | None:
    """Read "12,000" and "12 000" as twelve thousand, "0,62" as 0.62 and "3.1" as 3.1.

    >>> parse_number("12,000"), parse_number("34 600"), parse_number("0,62"), parse_number("3.1"), parse_number("1.2.3")
    (12000.0, 34600.0, 0.62, 3.1, None)
    """
    if raw[:1] in "-−–":
        value = parse_number(raw[1:])
        return None if value is None else -value
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", raw):
        return float(raw.replace(",", ""))
    if re.fullmatch(SPACED_THOUSANDS, raw):
        return float(re.sub(r"\s", "", raw))
    text = raw.replace(",", ".")
    if text.count(".") > 1:
        return None
    try:
        return float(text)
    except ValueError:  # pragma: no cover - the NUMBER pattern only admits digits and one separator
        return None


def _names_regex(analyte: Analyte) -> re.Pattern[str]:
    def alt(names: list[str]) -> str:
        return "|".join(re.escape(n).replace(r"\ ", r"[\s-]*") for n in sorted(names, key=len, reverse=True))

    parts = []
    if analyte.names:
        parts.append(f"(?i:{alt(analyte.names)})")
    if analyte.case_sensitive_names:
        parts.append(alt(analyte.case_sensitive_names))
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(parts) + r")(?![A-Za-z0-9])")


def _unit_regex(names: list[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in sorted(set(names), key=len, reverse=True))
    return re.compile(r"\s*(?:" + alts + r")(?![A-Za-z])", re.IGNORECASE)


@dataclass(frozen=True)
class _Compiled:
    analyte: Analyte
    names: re.Pattern[str]
    units: tuple[tuple[re.Pattern[str], float, float, str], ...]
    guess_units: dict[str, tuple[float, float]]


_Tables = tuple[tuple[_Compiled, ...], frozenset[str], re.Pattern[str]]
_CACHE: dict[int, tuple[Lexicon, _Tables]] = {}


def _compiled(lexicon: Lexicon) -> _Tables:
    hit = _CACHE.get(id(lexicon))
    if hit is not None and hit[0] is lexicon:
        return hit[1]
    tables = _build(lexicon)
    _CACHE[id(lexicon)] = (lexicon, tables)
    return tables


def _build(lexicon: Lexicon) -> _Tables:
    out = []
    for a in lexicon.analytes:
        units = tuple((_unit_regex(u.names), u.factor, u.offset, u.names[0]) for u in a.units)
        by_name = {n: (u.factor, u.offset) for u in a.units for n in u.names}
        out.append(_Compiled(a, _names_regex(a), units, {g.unit: by_name[g.unit] for g in a.unitless if g.unit}))
    return tuple(out), frozenset(c.lower() for c in lexicon.connectors), _unit_regex(lexicon.reject_units)


def _read_one(
    text: str, pos: int, comp: _Compiled, connectors: frozenset[str], reject: re.Pattern[str]
) -> Reading | None:
    a = comp.analyte
    number = SIGNED if a.signed else NUMBER
    for _ in range(MAX_CONNECTORS + 1):
        num = number.match(text, pos)
        if num:
            break
        step = STEP.match(text, pos)
        if step is None or (step.group(1) is not None and step.group(1).lower() not in connectors):
            return None
        pos = step.end()
    else:
        return None
    value = parse_number(num.group(1))
    if value is None:
        return None
    end = num.end()
    factor, offset = 1.0, 0.0
    for rx, f, o, _name in comp.units:
        u = rx.match(text, end)
        if u:
            factor, offset, end = f, o, u.end()
            break
    else:
        if reject.match(text, end):
            return None
        for g in a.unitless:
            if g.low <= value < g.high:
                if g.unit is not None:
                    factor, offset = comp.guess_units[g.unit]
                break
    converted = value * factor + offset
    out: bool | float = round(converted, 4)
    if a.threshold is not None:
        out = converted >= a.threshold
    elif a.present_below is not None:
        if converted >= a.present_below:
            return None
        out = True
    return Reading(a.finding, out, 0, end, a.pick)


def read_measurements(text: str, lexicon: Lexicon | None = None) -> list[Reading]:
    """Every measured value written in ``text``, in order of appearance."""
    comps, connectors, reject = _compiled(lexicon or load_lexicon())
    out: list[Reading] = []
    for comp in comps:
        for m in comp.names.finditer(text):
            r = _read_one(text, m.end(), comp, connectors, reject)
            if r is not None:
                out.append(Reading(r.finding, r.value, m.start(), r.end, r.pick))
    out.sort(key=lambda r: (r.start, r.end))
    kept: list[Reading] = []
    for r in out:  # "K+ 3.1" is read once, not also as "K" followed by "+"
        if not any(k.finding == r.finding and k.start < r.end and r.start < k.end for k in kept):
            kept.append(r)
    return kept
