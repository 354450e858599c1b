"""The public data types: a Case goes in, an Assessment comes out (CONTRACT.md)."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from legdx.errors import InvalidCase
from legdx.kb.schema import AdviceTag, TriageLevel

__all__ = [
    "AdviceOut",
    "Assessment",
    "Case",
    "ConditionResult",
    "Contribution",
    "NextTest",
    "Triage",
    "UnderstoodFinding",
    "WithheldAdvice",
    "parse_case",
]

MAX_TEXT_CHARS = 20_000
FindingValue = bool | float


class Case(BaseModel):
    """A person's presentation. ``findings`` maps finding ids to True / False / a measured number;
    a finding left out is unknown. Validated against the knowledge base by the engine."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age: int | None = Field(default=None, ge=0, le=120)
    sex: Literal["female", "male"] | None = None
    findings: dict[str, FindingValue] = Field(default_factory=dict)
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)

    @field_validator("age", mode="before")
    @classmethod
    def _age_not_bool(cls, v: Any) -> Any:
        if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()):
            raise ValueError(f"expected a whole number of years, got {v!r}")
        return v

    @field_validator("findings", mode="before")
    @classmethod
    def _values_are_bool_or_number(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            raise ValueError(f"expected an object mapping finding ids to values, got {type(v).__name__}")
        for key, val in v.items():
            ok = isinstance(val, bool) or (isinstance(val, int | float) and math.isfinite(val))
            if not ok:
                raise InvalidCase(f"findings.{key}", f"expected true, false or a number, got {val!r}")
        return v


def parse_case(data: Any) -> Case:
    """Validate raw JSON-like data into a :class:`Case`, raising a one-line :class:`InvalidCase`.

    >>> parse_case({"age": 67, "findings": {"smoker": True}}).age
    67
    >>> parse_case({"age": "old"})
    Traceback (most recent call last):
    ...
    legdx.errors.InvalidCase: age: expected a whole number of years, got 'old'
    """
    if not isinstance(data, dict):
        raise InvalidCase("case", f"expected a JSON object, got {type(data).__name__}")
    if isinstance(data.get("age"), str):
        raise InvalidCase("age", f"expected a whole number of years, got {data['age']!r}")
    try:
        return Case.model_validate(data)
    except InvalidCase:
        raise
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "case"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "is not a case field (expected age, sex, findings, text)"
        elif err["type"] == "literal_error":
            msg = f"expected 'female' or 'male', got {err.get('input')!r}"
        elif err["type"] in ("greater_than_equal", "less_than_equal"):
            msg = f"{err.get('input')!r} is outside 0-120"
        raise InvalidCase(field, msg) from None


class Contribution(BaseModel):
    finding: str
    state: str
    label: str
    log_odds: float
    source: str


class ConditionResult(BaseModel):
    id: str
    name: str
    lay_name: str
    icd10: list[str]
    snomed: list[str]
    probability: float
    share: float
    prior: float
    contributions: list[Contribution]


class Triage(BaseModel):
    level: TriageLevel
    reasons: list[str]


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


class UnderstoodFinding(BaseModel):
    finding: str
    value: FindingValue
    span: tuple[int, int]
    text: str
    used: bool = True


class Assessment(BaseModel):
    conditions: list[ConditionResult]
    triage: Triage
    red_flags: list[str]
    next_tests: list[NextTest]
    advice: list[AdviceOut]
    withheld_advice: list[WithheldAdvice]
    contributing_factors: list[str]
    disclaimer: str
    emergency_message: str | None = None
    kb_version: str
    case: Case
    understood: list[UnderstoodFinding] = Field(default_factory=list)
