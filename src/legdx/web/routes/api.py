"""JSON API v1: assessments (store and read back) and the stateless interview."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from legdx.case import decode_json
from legdx.errors import InvalidCase
from legdx.interview import InterviewState, answer, next_question, stop_reason, validate_state
from legdx.pipeline import assess
from legdx.report.json import assessment_dict
from legdx.store.repo import (
    IdempotencyKeyReused,
    count_assessments,
    find_idempotent,
    get_assessment,
    hash_request,
    list_assessments,
)
from legdx.web.deps import ApiKeyDep, KBDep, SettingsDep, StoreDep
from legdx.web.middleware import AUDITED, client_actor
from legdx.web.schemas import (
    AssessmentList,
    AssessmentPublic,
    AssessmentSummary,
    ErrorOut,
    InterviewIn,
    InterviewOut,
)
from legdx.web.service import assess_data, public_dict, store_assessment

router = APIRouter(prefix="/api/v1", tags=["assessments"])

ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The Idempotency-Key was first used with a different case"},
    413: {"model": ErrorOut, "description": "Request body too large"},
    422: {"model": ErrorOut, "description": "Bad input: `detail` names the field and the problem"},
    503: {"model": ErrorOut, "description": "Storage or the free-text reader is unavailable"},
}
CASE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseIn"}}},
    }
}


@router.post(
    "/assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssessmentPublic,
    responses=ERRORS,
    openapi_extra=CASE_BODY,
    summary="Assess a case and store the result",
)
async def create_assessment(
    request: Request,
    ckb: KBDep,
    store: StoreDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            pattern=r"^[!-~]+$",
            description="Any unique printable ASCII string (a UUID, say). A retry with the same key and the "
            "same case returns the record stored the first time (header `Idempotent-Replayed: true`) "
            "instead of storing another; the same key with a different case is refused with 409.",
        ),
    ] = None,
) -> JSONResponse:
    """CONTRACT case in; CONTRACT assessment out plus its stored `id`. The case is validated
    completely before anything is stored, and the record is committed before the 201 is sent."""
    data = decode_json(await request.body())
    request_hash = hash_request(data)

    def work() -> tuple[dict[str, Any], bool]:
        if idempotency_key is not None:
            with store.session() as s:
                earlier = find_idempotent(s, key=idempotency_key, request_hash=request_hash)
            if earlier is not None:
                return public_dict(earlier), True
        assessment = assess_data(data, ckb)
        record = store_assessment(
            store,
            assessment,
            channel="api",
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            audit=(client_actor(request.scope), "/api/v1/assessments"),
        )
        request.scope[AUDITED] = True  # the create event is in the record's own transaction
        return public_dict(record), False

    try:
        body, replayed = await run_in_threadpool(work)
    except IdempotencyKeyReused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    headers = {"Location": f"/api/v1/assessments/{body['id']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=201, headers=headers)


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentPublic,
    responses={404: {"model": ErrorOut, "description": "No assessment with this id"}},
    summary="Read a stored assessment by its id",
)
def read_assessment(assessment_id: str, store: StoreDep) -> JSONResponse:
    with store.session() as s:
        record = get_assessment(s, assessment_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="id: no assessment with this id")
    return JSONResponse(public_dict(record))


@router.get(
    "/assessments",
    response_model=AssessmentList,
    responses={401: {"model": ErrorOut, "description": "Missing or invalid API key"}, 422: ERRORS[422]},
    summary="List stored assessments, newest first (needs an API key)",
)
def list_stored(
    _key: ApiKeyDep,
    store: StoreDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AssessmentList:
    if limit > settings.list_limit_max:
        raise InvalidCase("limit", f"{limit} is above the maximum of {settings.list_limit_max}")
    with store.session() as s:
        rows = list_assessments(s, limit=limit, offset=offset)
        total = count_assessments(s)
    items = [
        AssessmentSummary(
            id=r.id,
            created_at=r.created_at,
            kb_version=r.kb_version,
            channel=r.channel,
            triage_level=r.triage_level,
            top_condition=r.top_condition,
        )
        for r in rows
    ]
    return AssessmentList(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "/interview/next",
    response_model=InterviewOut,
    responses={422: ERRORS[422], 413: ERRORS[413]},
    tags=["interview"],
    summary="Stateless interview: state (and an answer) in, next question or final assessment out",
)
def interview_next(body: InterviewIn, ckb: KBDep) -> InterviewOut:
    """Send the `state` you were given (empty to begin) and, optionally, an `answer` to the
    question you were asked. The reply holds the new state and either the next question or, when
    the interview is over (`done`), the assessment. Nothing is stored. To go back, send an earlier
    state again."""
    state = InterviewState.from_dict(body.state.model_dump())
    validate_state(state, ckb)
    if body.answer is not None:
        state = answer(state, body.answer.question, body.answer.response, ckb)
    question = next_question(state, ckb)
    state_out = state.to_dict()
    if question is not None:
        return InterviewOut(state=state_out, done=False, question=question)
    result = assess(state.to_case(), ckb)
    return InterviewOut(
        state=state_out,
        done=True,
        stop_reason=stop_reason(state, ckb),
        assessment=result,
    )


__all__ = ["router", "assessment_dict"]
