"""The public data types and their one validation: a Case goes in, an Assessment comes out (CONTRACT.md).

Every door (CLI, JSON API, web pages, interviews, evaluation, batch) turns its raw input into a
:class:`Case` through :func:`parse_case`, which reports *every* problem at once (``field: problem``,
one per line) and changes nothing. Checks that need the knowledge base (unknown finding ids, wrong
kinds, values outside a finding's physiological range, contradictions with sex) live here too, in
:func:`case_problems`, so no door keeps its own copy of a range or a rule. JSON bytes are decoded
by :func:`decode_json`, the only JSON reader for cases and interview states.
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from legdx.errors import InvalidCase, Problem, UnknownFinding
from legdx.kb.schema import (
    AdviceTag,
    Finding,
    FindingCategory,
    FindingKind,
    TriageLevel,
)

if TYPE_CHECKING:
    from legdx.kb.load import KnowledgeBase

__all__ = [
    "AGE_MAX",
    "AGE_MIN",
    "CASE_FIELDS",
    "MAX_CASE_BYTES",
    "MAX_TEXT_CHARS",
    "SEXES",
    "AdviceOut",
    "Answered",
    "Assessment",
    "Case",
    "ConditionResult",
    "ManagementOut",
    "Contribution",
    "NextTest",
    "SomethingElse",
    "WarningSignContribution",
    "SourceOut",
    "Triage",
    "UnderstoodFinding",
    "WithheldAdvice",
    "age_problem",
    "case_problems",
    "check_case",
    "decode_json",
    "finding_value_problem",
    "parse_case",
    "read_age",
    "text_problem",
]

AGE_MIN, AGE_MAX = 0, 120
SEXES = ("female", "male")
CASE_FIELDS = ("age", "sex", "findings", "text", "unknown")
MAX_TEXT_CHARS = 20_000
MAX_CASE_BYTES = 1_000_000
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
FindingValue = bool | float
Sex = Literal["female", "male"]


class Case(BaseModel):
    """A person's presentation. ``findings`` maps finding ids to True / False / a measured number;
    a finding left out is unknown. Build it with :func:`parse_case`, which checks everything."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age: int | None = Field(default=None, ge=AGE_MIN, le=AGE_MAX)
    sex: Sex | None = None
    findings: dict[str, FindingValue] = Field(default_factory=dict)
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    # Findings the person was asked and answered "don't know" (an extension of CONTRACT.md's case):
    # an unanswered warning sign keeps legdx from advising self-care. Left out of the JSON when empty.
    unknown: list[str] = Field(default_factory=list)

    @model_serializer(mode="wrap")
    def _without_empty_unknown(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not data.get("unknown"):
            data.pop("unknown", None)
        return data


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def _key(value: Any) -> str:
    """A key the client sent, fit to be quoted in a ``field: problem`` line: unprintable characters
    (a lone surrogate, a control character) escaped, and cut short."""
    text = str(value)
    if not text.isprintable():
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 60 else text[:57] + "..."


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def age_problem(value: Any) -> str | None:
    """Why ``value`` is not a valid age, or None.

    >>> age_problem(67), age_problem(300), age_problem(True)
    (None, '300 is outside 0-120 years', 'expected a whole number of years, got true')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        got = _shown(value) if isinstance(value, str) else _json_type(value)
        return f"expected a whole number of years, got {got}"
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return f"expected a whole number of years, got {value!r}"
    if not AGE_MIN <= value <= AGE_MAX:
        return f"{value:g} is outside {AGE_MIN}-{AGE_MAX} years"
    return None


def read_age(raw: str) -> int | None:
    """An age typed into a form field: None when blank, else a whole number of years in range.

    Only ASCII digits count (``str.isdigit`` also accepts ``²``, which ``int`` refuses), and no
    more than a few are converted: ``int`` refuses over 4,300 digits and is slow well before that.

    >>> read_age(" 67 "), read_age("")
    (67, None)
    >>> read_age("1" * 5000)
    Traceback (most recent call last):
    ...
    legdx.errors.InvalidCase: age: a 5000-digit number is outside 0-120 years

    Raises:
        InvalidCase: on field ``age``.
    """
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidCase("age", f"expected a whole number of years, got {_shown(raw)}")
    digits = raw.lstrip("0") or "0"
    if len(digits) > 3:
        raise InvalidCase("age", f"a {len(digits)}-digit number is outside {AGE_MIN}-{AGE_MAX} years")
    age = int(digits)
    if (problem := age_problem(age)) is not None:
        raise InvalidCase("age", problem)
    return age


def text_problem(value: Any) -> str | None:
    """Why ``value`` is not a usable free-text description, or None.

    >>> text_problem("calf pain"), text_problem("  ")
    (None, 'is empty')
    """
    if not isinstance(value, str):
        return f"expected a string, got {_json_type(value)}"
    if len(value) > MAX_TEXT_CHARS:
        return f"is longer than {MAX_TEXT_CHARS} characters ({len(value)}); please shorten it"
    if not value.strip():
        return "is empty"
    for i, ch in enumerate(value):
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in _ALLOWED_CONTROLS) or cat == "Cs" or ch in ("\ufffe", "\uffff"):
            return f"contains a control or binary character (U+{ord(ch):04X}) at position {i}; expected plain text"
    return None


def _value_shape_problem(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if math.isfinite(value) else f"expected a finite number, got {value!r}"
    return f"expected true, false or a number, got {_json_type(value) if not isinstance(value, str) else _shown(value)}"


def finding_value_problem(finding: Finding, value: bool | float) -> str | None:
    """Why ``value`` does not suit ``finding`` (kind and physiological range), or None."""
    if finding.kind is FindingKind.BINARY:
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if isinstance(value, bool):
        return f"expected a number in {finding.unit}, got {str(value).lower()}"
    rng = finding.range
    if rng is not None and not rng.min <= value <= rng.max:
        return f"{value:g} is outside {rng.min:g}-{rng.max:g} {finding.unit}"
    return None


def case_problems(case: Case, kb: KnowledgeBase) -> list[Problem]:
    """Problems of a structurally valid case against a knowledge base (empty when it is usable).

    Unknown finding ids, demographics given as findings, a value of the wrong kind or outside the
    finding's physiological range, and a finding only a female body has (pregnancy, periods) given
    as present for a male.
    """
    problems: list[Problem] = []
    for i, fid in enumerate(case.unknown):
        if fid not in kb.findings:
            problems.append((f"unknown[{i}]", f"{fid!r} is not a finding id"))
        elif fid in case.findings:
            problems.append((f"unknown[{i}]", f"{fid!r} also has a value in findings"))
    for fid, value in case.findings.items():
        field = f"findings.{_key(fid)}"
        finding = kb.findings.get(fid)
        if finding is None:
            problems.append((field, "unknown finding id (see `legdx kb export --json` for the list)"))
        elif finding.category is FindingCategory.DEMOGRAPHIC:
            problems.append((field, "give this as the case's top-level age or sex, not as a finding"))
        elif (problem := finding_value_problem(finding, value)) is not None:
            problems.append((field, problem))
        elif case.sex == "male" and finding.sex == "female" and value is True:
            problems.append((field, "true contradicts sex 'male'"))
    return problems


def check_case(case: Case, kb: KnowledgeBase) -> None:
    """Raise :class:`InvalidCase` listing every problem of ``case`` against ``kb`` (see :func:`case_problems`)."""
    _raise(case_problems(case, kb), kb)


def _raise(problems: list[Problem], kb: KnowledgeBase | None) -> None:
    if not problems:
        return
    first_field = problems[0][0]
    unknown = kb is not None and first_field.startswith("findings.") and first_field[9:] not in kb.findings
    raise (UnknownFinding if unknown else InvalidCase).of(problems)


def parse_case(data: Any, kb: KnowledgeBase | None = None, *, require_content: bool = False) -> Case:
    """Validate raw JSON-like data into a :class:`Case`, reporting every problem at once.

    Args:
        data: the decoded JSON (a dict with ``age``, ``sex``, ``findings``, ``text``).
        kb: when given, the case is also checked against it (:func:`case_problems`).
        require_content: refuse a case with no finding, no text, no age and no sex. The doors
            that store a case set it (an empty case says nothing and would only fill the store);
            an interview starts from an empty state, so it is off by default.

    Raises:
        InvalidCase: one ``field: problem`` per problem found (UnknownFinding when the first is an
            unknown finding id).

    >>> parse_case({"age": 67, "findings": {"smoker": True}}).age
    67
    >>> parse_case({"age": "old", "sex": "x"})
    Traceback (most recent call last):
    ...
    legdx.errors.InvalidCase: age: expected a whole number of years, got 'old'
    sex: expected 'female' or 'male', got 'x'
    """
    if not isinstance(data, dict):
        raise InvalidCase("case", f"expected a JSON object, got {_json_type(data)}")
    problems: list[Problem] = []
    for key in data:
        if key not in CASE_FIELDS:
            problems.append((_key(key), "is not a case field (expected age, sex, findings, text, unknown)"))
    age, sex, text = data.get("age"), data.get("sex"), data.get("text")
    if age is not None and (p := age_problem(age)) is not None:
        problems.append(("age", p))
        age = None
    if sex is not None and sex not in SEXES:
        problems.append(("sex", f"expected 'female' or 'male', got {_shown(sex)}"))
        sex = None
    if text is not None and (p := text_problem(text)) is not None:
        problems.append(("text", p))
        text = None
    raw_findings = data.get("findings", {})
    findings: dict[str, FindingValue] = {}
    if isinstance(raw_findings, dict):
        for fid, value in raw_findings.items():
            if (p := _value_shape_problem(value)) is not None:
                problems.append((f"findings.{_key(fid)}", p))
            else:
                findings[str(fid)] = value
    else:
        problems.append(("findings", f"expected an object of finding ids and values, got {_json_type(raw_findings)}"))
    raw_unknown = data.get("unknown", [])
    unknown: list[str] = []
    if isinstance(raw_unknown, list) and all(isinstance(u, str) for u in raw_unknown):
        unknown = list(dict.fromkeys(raw_unknown))
    else:
        problems.append(("unknown", "expected a list of finding ids answered 'don't know'"))
    # The well-formed parts are checked against the knowledge base too, so every problem is reported at once.
    case = Case(age=None if age is None else int(age), sex=sex, findings=findings, text=text, unknown=unknown)
    if kb is not None:
        problems += case_problems(case, kb)
    if require_content and not problems and not (case.findings or case.text or case.age is not None or case.sex):
        problems.append(("case", "is empty: give at least one finding, a description (text), an age or a sex"))
    _raise(problems, kb)
    return case


def _int_or_infinite(digits: str) -> int | float:
    """``int`` refuses more than 4300 digits (and is slow near that); such a number becomes an
    infinity, which the case checks then refuse on the field that holds it."""
    if len(digits) > 400:
        return -math.inf if digits.startswith("-") else math.inf
    return int(digits)


def decode_json(raw: bytes, *, what: str = "case", limit: int = MAX_CASE_BYTES) -> Any:
    """Decode JSON bytes (a case, a request body, an interview state), as one-line InvalidCase on failure.

    >>> decode_json(b'{"age": 67}')
    {'age': 67}
    >>> decode_json(b"[1,")
    Traceback (most recent call last):
    ...
    legdx.errors.InvalidCase: case: not valid JSON (Expecting value at line 1 column 4)
    """
    if len(raw) > limit:
        raise InvalidCase(what, f"is larger than {limit} bytes")
    if not raw.strip():
        raise InvalidCase(what, "is empty; expected a JSON object")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidCase(what, "is not UTF-8 text (binary file?)") from None
    try:
        return json.loads(text, parse_int=_int_or_infinite)
    except json.JSONDecodeError as exc:
        raise InvalidCase(what, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise InvalidCase(what, "JSON is nested too deeply") from None
    except ValueError as exc:  # an integer too long to convert (more than 4300 digits)
        raise InvalidCase(what, f"holds a number that cannot be read ({str(exc).split('(')[0].strip()})") from None


# ---------------------------------------------------------------- the Assessment (output)


class Contribution(BaseModel):
    """How much one answered finding moved one condition: ``log_odds`` added to its prior log-odds."""

    finding: str
    state: str
    label: str  # clinician's words
    log_odds: float
    source: str
    plain: str = ""  # the person's words


class ConditionResult(BaseModel):
    """One condition: ``probability`` that it is present at all (for clinicians; several can be),
    ``share`` that it is the cause (the conditions and ``something_else`` share 1), the priors of
    both, the findings behind them, and ``alongside``: known partners that are likely too (iron
    deficiency behind restless legs), shown "with" this condition rather than as rivals."""

    id: str
    name: str
    lay_name: str
    icd10: list[str]
    snomed: list[str]
    probability: float
    share: float
    prior: float
    prior_share: float = 0.0
    contributions: list[Contribution]
    alongside: list[str] = Field(default_factory=list)


class WarningSignContribution(BaseModel):
    """How much a warning sign whose usual causes lie outside the knowledge base moved "something
    else": ``log_odds`` added to its evidence, like a finding's contribution."""

    rule: str
    reason: str  # the warning sign's own words, for the person
    log_odds: float
    source: str


class SomethingElse(BaseModel):
    """The chance that the cause is none of the modelled conditions, with a plain sentence when it
    matters (empty otherwise), the findings that moved it and the warning signs that did."""

    share: float
    says: str
    prior_share: float = 0.0
    contributions: list[Contribution] = Field(default_factory=list)
    warning_signs: list[WarningSignContribution] = Field(default_factory=list)


class Triage(BaseModel):
    level: TriageLevel
    reasons: list[str]
    sources: list[str] = []  # ids of the guidelines behind the warning-sign reasons (Assessment.sources has each)


class NextTest(BaseModel):
    id: str
    name: str
    lay_name: str
    why: str
    value: float


class AdviceOut(BaseModel):
    id: str
    text: str
    tags: list[AdviceTag]
    source: str


class WithheldAdvice(BaseModel):
    id: str
    tags: list[AdviceTag]
    why: str
    source: str


class ManagementOut(BaseModel):
    """Management to discuss with a clinician (never self-care), for the conditions it serves."""

    id: str
    for_conditions: list[str]
    text_clinician: str
    text_person: str
    evidence: str
    cautions: list[str]
    source: str


class UnderstoodFinding(BaseModel):
    """A finding read from the free text, with the span it came from; ``used`` is false when an
    explicit answer overrides it or another mention of the same finding was preferred.
    ``uncertain``: a warning sign written with a hedge ("maybe a bit numb down below"); it is not
    used for the differential but is treated as present for triage, and the result says so."""

    finding: str
    value: FindingValue
    span: tuple[int, int]
    text: str
    used: bool = True
    uncertain: bool = False


class Answered(BaseModel):
    """One finding the assessment used, as the person and a clinician would read it."""

    finding: str
    value: FindingValue
    label: str  # clinician's words
    question: str  # the question the person was asked
    plain: str = ""  # the person's words
    unit: str | None = None
    from_text: bool = False


class SourceOut(BaseModel):
    """A source cited anywhere in the assessment, with its readable citation."""

    id: str
    citation: str
    url: str | None = None


class Assessment(BaseModel):
    conditions: list[ConditionResult]
    something_else: SomethingElse = Field(default_factory=lambda: SomethingElse(share=0.0, says=""))
    share_temperature: float = 1.0
    triage: Triage
    red_flags: list[str]
    next_tests: list[NextTest]
    advice: list[AdviceOut]
    withheld_advice: list[WithheldAdvice]
    management: list[ManagementOut] = Field(default_factory=list)
    contributing_factors: list[str]
    disclaimer: str
    emergency_message: str | None = None
    kb_version: str
    kb_checksum: str = ""
    case: Case
    understood: list[UnderstoodFinding] = Field(default_factory=list)
    answered: list[Answered] = Field(default_factory=list)
    sources: list[SourceOut] = Field(default_factory=list)
