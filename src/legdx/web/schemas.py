"""API schemas: the CaseIn / AssessmentPublic family (STYLE: template models.py naming)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from legdx.case import MAX_TEXT_CHARS, Assessment
from legdx.interview import Question
from legdx.kb.load import KnowledgeBase
from legdx.kb.schema import FindingKind

__all__ = [
    "AssessmentList",
    "AssessmentPublic",
    "AssessmentSummary",
    "CaseIn",
    "ConditionSummary",
    "ErrorOut",
    "FindingOut",
    "InterviewAnswerIn",
    "InterviewIn",
    "InterviewOut",
    "InterviewStateIn",
    "findings_json_schema",
]


class CaseIn(BaseModel):
    """A case, as CONTRACT.md defines it. ``findings`` maps finding ids (see GET /api/v1/findings)
    to true / false / a measured number; a finding left out is unknown."""

    model_config = ConfigDict(extra="forbid")

    age: int | None = Field(default=None, ge=0, le=120, description="Age in whole years.")
    sex: Literal["female", "male"] | None = None
    findings: dict[str, bool | float] = Field(default_factory=dict)
    text: str | None = Field(
        default=None, min_length=1, max_length=MAX_TEXT_CHARS, description="Free text, read by the intake."
    )


class AssessmentPublic(Assessment):
    """The CONTRACT assessment plus the id under which it is stored."""

    id: str = Field(description="Unguessable id; GET /api/v1/assessments/{id} returns this assessment again.")
    created_at: datetime


class AssessmentSummary(BaseModel):
    id: str
    created_at: datetime
    kb_version: str
    channel: Literal["api", "interview", "clinician"]
    triage_level: str
    top_condition: str | None


class AssessmentList(BaseModel):
    items: list[AssessmentSummary]
    total: int
    limit: int
    offset: int


class ErrorOut(BaseModel):
    detail: str | list[str] = Field(
        description="The field and the problem, e.g. 'findings.abi: 4.2 is outside 0-2.5 ratio'; "
        "a list of such lines when there are several problems."
    )
    field: str | None = None
    problem: str | None = None


class InterviewStateIn(BaseModel):
    """Answers so far. ``answers`` maps finding id -> true / false / number / null (don't know)."""

    model_config = ConfigDict(extra="forbid")

    age: int | None = Field(default=None, ge=0, le=120)
    sex: Literal["female", "male"] | None = None
    answers: dict[str, bool | float | None] = Field(default_factory=dict)
    asked: list[str] = Field(default_factory=list, max_length=200)

    @field_validator("age", mode="before")
    @classmethod
    def _age_not_bool(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError(f"expected a whole number of years, got {str(v).lower()}")
        return v


class InterviewAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=100, description="The id of the question being answered.")
    response: Any = Field(
        default=None,
        description="demographics {age, sex}; screen / items {finding: true|false|null} (screen also {none: true}); "
        "yes_no true|false|null; number a number or null.",
    )


class InterviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: InterviewStateIn = Field(default_factory=InterviewStateIn)
    answer: InterviewAnswerIn | None = None


class InterviewOut(BaseModel):
    """Either the next question, or (``done``) the final assessment. Nothing is stored; POST the
    ``case`` to /api/v1/assessments to keep it."""

    state: InterviewStateIn
    done: bool
    question: Question | None = None
    stop_reason: str | None = None
    assessment: Assessment | None = None


class ConditionSummary(BaseModel):
    id: str
    name: str
    lay_name: str
    category: str
    icd10: list[str]
    must_not_miss: bool
    summary_lay: str
    url: str


class FindingOut(BaseModel):
    id: str
    kind: str
    category: str
    question: str
    clinician_label: str
    red_flag: bool
    unit: str | None = None
    min: float | None = None
    max: float | None = None


def findings_json_schema(kb: KnowledgeBase) -> dict[str, Any]:
    """The precise JSON schema of ``CaseIn.findings`` for this knowledge base (used in /openapi.json)."""
    props: dict[str, Any] = {}
    for f in kb.findings.values():
        if f.category.value == "demographic" or f.replaced_by is not None:
            continue
        if f.kind is FindingKind.BINARY:
            props[f.id] = {"type": "boolean", "description": f.clinician_label}
        else:
            assert f.range is not None
            props[f.id] = {
                "type": "number",
                "minimum": f.range.min,
                "maximum": f.range.max,
                "description": f"{f.clinician_label} ({f.unit})",
            }
    return {"type": "object", "properties": props, "additionalProperties": False, "title": "Findings"}
