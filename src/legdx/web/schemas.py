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


# ---------------------------------------------------------------- exact JSON schemas for /openapi.json
#
# The pydantic models above accept any string as a finding or question id; the server then refuses
# unknown ones, contradictions and empty cases with 422. So that the published schema says exactly
# what the server accepts (schemathesis checks both directions), the schemas below are built from
# the knowledge base: every id, range and the cross-field rules the case checks apply.

# Characters legdx.case.text_problem refuses (control characters other than whitespace, surrogates,
# U+FFFE/U+FFFF); a text must also hold one character that is not whitespace.
# Lone surrogates are refused too, but they are left out here: schema regex engines (Rust's, ECMA's
# with the u flag) cannot name them, and strings that hold them cannot be generated anyway.
_TEXT_CHAR = r"[^\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
_TEXT_VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f\ufffe\uffff]"
TEXT_PATTERN = f"^{_TEXT_CHAR}*{_TEXT_VISIBLE}{_TEXT_CHAR}*$"
NOT_TRUE: dict[str, Any] = {"enum": [False, None]}


# The sex in the state, as a branch condition: "male" said, or anything else (female, null, not said)
_MALE_STATE: dict[str, Any] = {"type": "object", "required": ["sex"], "properties": {"sex": {"const": "male"}}}
_OTHER_STATE: dict[str, Any] = {"type": "object", "properties": {"sex": {"enum": ["female", None]}}}


def _answerable(kb: KnowledgeBase) -> list[Any]:
    return [f for f in kb.findings.values() if f.category.value != "demographic" and f.replaced_by is None]


def _female_only(kb: KnowledgeBase) -> list[str]:
    return [f.id for f in _answerable(kb) if f.sex == "female"]


def case_json_schema(kb: KnowledgeBase) -> dict[str, Any]:
    """``CaseIn`` exactly: known findings in range, text the reader accepts, not empty, and no
    finding only a female body has given as present for a male."""
    schema = CaseIn.model_json_schema(ref_template="#/components/schemas/{model}")
    schema["properties"]["findings"] = findings_json_schema(kb)
    text = schema["properties"]["text"]
    for option in text.get("anyOf", [text]):
        if option.get("type") == "string":
            option["pattern"] = TEXT_PATTERN
    schema["anyOf"] = [
        {"required": ["age"], "properties": {"age": {"type": "integer"}}},
        {"required": ["sex"], "properties": {"sex": {"type": "string"}}},
        {"required": ["text"], "properties": {"text": {"type": "string"}}},
        {"required": ["findings"], "properties": {"findings": {"minProperties": 1}}},
    ]
    schema["if"] = {"required": ["sex"], "properties": {"sex": {"const": "male"}}}
    schema["then"] = {"properties": {"findings": {"properties": {f: {"const": False} for f in _female_only(kb)}}}}
    return schema


def _value_schema(finding: Any) -> dict[str, Any]:
    if finding.kind is FindingKind.BINARY:
        return {"type": ["boolean", "null"]}
    return {"type": ["number", "null"], "minimum": finding.range.min, "maximum": finding.range.max}


def interview_state_json_schema(kb: KnowledgeBase, question_ids: list[str]) -> dict[str, Any]:
    """``InterviewStateIn`` exactly: known findings and question ids, each question once."""
    answers = {f.id: _value_schema(f) for f in _answerable(kb)}
    return {
        "title": "InterviewStateIn",
        "description": InterviewStateIn.__doc__,
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "age": {"type": ["integer", "null"], "minimum": 0, "maximum": 120},
            "sex": {"enum": ["female", "male", None]},
            "answers": {"type": "object", "properties": answers, "additionalProperties": False},
            "asked": {"type": "array", "items": {"enum": question_ids}, "uniqueItems": True, "maxItems": 200},
        },
        "if": {"required": ["sex"], "properties": {"sex": {"const": "male"}}},
        "then": {"properties": {"answers": {"properties": {f: NOT_TRUE for f in _female_only(kb)}}}},
    }


def interview_json_schema(kb: KnowledgeBase, questions: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, Any]:
    """``InterviewIn`` exactly.

    Args:
        kb: the knowledge base.
        questions: question id -> (kind, finding ids it asks about), for every question.

    The answer must fit its question (``legdx.interview.answer``; answering a question again
    replaces the earlier answer); and sex ``male`` cannot meet a finding only a female
    body has, whether the sex comes from the state or from the answer.

    Each of these is a branch of one ``anyOf``, never a conditional beside it: a question about a
    female-only finding has one branch for a state whose sex is male and one for any other state.
    Schema tools that expand conditionals multiply every branch by every conditional (schemathesis
    gave up once the knowledge base grew by one finding); branches only add up. (Its limit that
    remains: a group answer of more than 32 items; the closing emergency signs come nearest.)
    """
    findings = kb.findings
    female = set(_female_only(kb))

    def response(kind: str, ids: tuple[str, ...], male: bool = False) -> dict[str, Any] | None:
        items = {f: NOT_TRUE if male and f in female else _value_schema(findings[f]) for f in ids}
        if kind == "demographics":
            return {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "age": {"type": ["integer", "null"], "minimum": 0, "maximum": 120},
                    "sex": {"enum": ["female", "male", None]},
                },
            }
        if kind in ("screen", "items", "numbers"):
            # {"none": true}, alone, answers every item at once (no; "I have no results" for numbers)
            return {
                "anyOf": [
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["none"],
                        "properties": {"none": {"const": True}},
                    },
                    {"type": "object", "additionalProperties": False, "properties": items},
                ]
            }
        return None  # yes_no / number: the single value, optional (null = don't know)

    def branch(
        question: dict[str, Any], reply: dict[str, Any], *, optional: bool = False, state: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One kind of answer: its question id(s), its response (optional for single questions: null
        or absent is "don't know") and, when it matters, what the state must hold beside it."""
        answer = {
            "type": "object",
            "additionalProperties": False,
            "required": ["question"] if optional else ["question", "response"],
            "properties": {"question": question, "response": reply},
        }
        properties: dict[str, Any] = {"answer": answer} if state is None else {"answer": answer, "state": state}
        return {"required": ["answer"], "properties": properties}

    # A question answered again takes the new answer, so nothing here depends on what the state
    # lists as asked.
    branches: list[dict[str, Any]] = [{"properties": {"answer": {"type": "null"}}}]
    # yes / no questions share one branch (their answers have one shape); those about a female-only
    # finding share a pair: any answer beside a state that is not male, no or don't know beside one that is
    yes_no = {"type": ["boolean", "null"]}
    plain = [qid for qid, (kind, ids) in questions.items() if kind == "yes_no" and not female & set(ids)]
    womens = [qid for qid, (kind, ids) in questions.items() if kind == "yes_no" and female & set(ids)]
    if plain:
        branches.append(branch({"enum": plain}, yes_no, optional=True))
    if womens:
        branches.append(branch({"enum": womens}, yes_no, optional=True, state=_OTHER_STATE))
        branches.append(branch({"enum": womens}, NOT_TRUE, optional=True, state=_MALE_STATE))
    for qid, (kind, ids) in questions.items():
        if kind == "yes_no":
            continue
        shape = response(kind, ids)
        if kind == "demographics":
            # a man's answer cannot stand beside female-only findings already true in the state
            assert shape is not None
            said_male = {**shape, "required": ["sex"], "properties": {**shape["properties"], "sex": {"const": "male"}}}
            said_other = {**shape, "properties": {**shape["properties"], "sex": {"enum": ["female", None]}}}
            no_female = {"properties": {"answers": {"properties": {f: NOT_TRUE for f in sorted(female)}}}}
            branches.append(branch({"const": qid}, said_male, state=no_female))
            branches.append(branch({"const": qid}, said_other))
        elif shape is None:  # a single number: optional, null is don't know
            branches.append(branch({"const": qid}, _value_schema(findings[ids[0]]), optional=True))
        elif female & set(ids):
            branches.append(branch({"const": qid}, shape, state=_OTHER_STATE))
            branches.append(branch({"const": qid}, response(kind, ids, male=True) or NOT_TRUE, state=_MALE_STATE))
        else:
            branches.append(branch({"const": qid}, shape))
    return {
        "title": "InterviewIn",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "state": {"$ref": "#/components/schemas/InterviewStateIn"},
            "answer": {"type": ["object", "null"]},
        },
        "anyOf": branches,
    }
