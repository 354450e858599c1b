"""Pages for people: home, the interview (description -> confirm -> one question per screen),
results, and the condition pages with search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from legdx.case import Assessment, parse_case
from legdx.errors import InvalidCase, TextReaderUnavailable
from legdx.interview import InterviewState, Question, next_question
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING
from legdx.pipeline import assess, read_text
from legdx.report.wording import cited_sources
from legdx.store.repo import get_assessment
from legdx.store.search import search_conditions
from legdx.web.deps import KBDep, StoreDep, TemplatesDep
from legdx.web.flow import NOTHING, Flow, base_from_confirm, parse_response, prefill_for, word_of
from legdx.web.service import store_assessment

router = APIRouter(include_in_schema=False)

SHOWN_CONDITIONS = 5


@router.get("/", response_class=HTMLResponse)
def home(request: Request, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "index.html", {})


@router.get("/interview", response_class=HTMLResponse)
def interview_start(request: Request, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "interview_start.html", {"text": "", "error": None})


def _question_page(
    request: Request,
    templates: Jinja2Templates,
    *,
    flow: Flow,
    state: InterviewState,
    question: Question,
    prefill: dict[str, Any],
    error: InvalidCase | None = None,
    notice: str | None = None,
) -> Response:
    return templates.TemplateResponse(
        request,
        "interview_question.html",
        {
            "q": question,
            "state_json": flow.encode(),
            "prefill": prefill,
            "error": error,
            "notice": notice,
            "answered": len(flow.steps),
        },
        status_code=422 if error else 200,
    )


async def _finish(store: Any, ckb: CompiledKB, state: InterviewState) -> Response:
    def work() -> str:
        assessment = assess(state.to_case(), ckb)
        return store_assessment(store, assessment, channel="interview").id

    record_id = await run_in_threadpool(work)
    return RedirectResponse(f"/results/{record_id}", status_code=status.HTTP_303_SEE_OTHER)


async def _show_next(
    request: Request,
    templates: Jinja2Templates,
    store: Any,
    ckb: CompiledKB,
    flow: Flow,
    state: InterviewState,
    notice: str | None = None,
) -> Response:
    question = next_question(state, ckb)
    if question is None:
        return await _finish(store, ckb, state)
    return _question_page(
        request,
        templates,
        flow=flow,
        state=state,
        question=question,
        prefill=prefill_for(question, state),
        notice=notice,
    )


@router.post("/interview/describe", response_class=HTMLResponse)
async def interview_describe(request: Request, templates: TemplatesDep, ckb: KBDep, store: StoreDep) -> Response:
    form = await request.form()
    action = str(form.get("action", "describe"))
    text = str(form.get("text", ""))
    flow = Flow()
    if action == "skip" or not text.strip():
        return await _show_next(request, templates, store, ckb, flow, flow.base_state(ckb))
    try:
        case = parse_case({"text": text.strip()}, ckb.kb)
        understood = [u for u in read_text(case, ckb) if u.used]
    except InvalidCase as exc:
        return templates.TemplateResponse(
            request, "interview_start.html", {"text": text, "error": exc}, status_code=422
        )
    except TextReaderUnavailable:
        return await _show_next(
            request,
            templates,
            store,
            ckb,
            flow,
            flow.base_state(ckb),
            notice="Sorry, we could not read your description just now, so let's go through the questions.",
        )
    kb = ckb.kb
    age = next((int(u.value) for u in understood if u.finding == AGE_FINDING), None)
    female = next((u.value for u in understood if u.finding == FEMALE_FINDING), None)
    sex = None if female is None else ("female" if female else "male")
    items = []
    for u in understood:
        f = kb.findings.get(u.finding)
        if f is None or f.category.value == "demographic":
            continue
        items.append(
            {"finding": f, "value": word_of(u.value) if isinstance(u.value, bool) else f"{u.value:g}", "quote": u.text}
        )
    return templates.TemplateResponse(
        request,
        "interview_confirm.html",
        {"text": text, "items": items, "age": age, "sex": sex, "error": None},
    )


@router.post("/interview/confirm", response_class=HTMLResponse)
async def interview_confirm(request: Request, templates: TemplatesDep, ckb: KBDep, store: StoreDep) -> Response:
    form = await request.form()
    text = str(form.get("text", ""))
    if form.get("action") == "edit":
        return templates.TemplateResponse(request, "interview_start.html", {"text": text, "error": None})
    try:
        flow = Flow(base=base_from_confirm(form, ckb))
        state = flow.base_state(ckb)
    except InvalidCase as exc:
        kb = ckb.kb
        items = [
            {"finding": kb.findings[k[2:]], "value": str(form.get(k, "")), "quote": None}
            for k in form.keys()
            if k.startswith("f.") and k[2:] in kb.findings
        ]
        ctx = {"text": text, "items": items, "age": form.get("age"), "sex": form.get("sex"), "error": exc}
        return templates.TemplateResponse(request, "interview_confirm.html", ctx, status_code=422)
    return await _show_next(request, templates, store, ckb, flow, state)


@router.post("/interview/step", response_class=HTMLResponse)
async def interview_step(request: Request, templates: TemplatesDep, ckb: KBDep, store: StoreDep) -> Response:
    form = await request.form()
    action = str(form.get("action", "answer"))
    try:
        flow, state = Flow.decode(str(form.get("state", "")), ckb)
    except InvalidCase as exc:
        return templates.TemplateResponse(
            request,
            "error.html",
            {
                "title": "Your answers could not be read",
                "status": 422,
                "message": f"{exc}. Please start again; nothing was stored.",
            },
            status_code=422,
        )
    if action == "back":
        if not flow.steps:
            return templates.TemplateResponse(request, "interview_start.html", {"text": "", "error": None})
        qid, earlier = flow.steps.pop()
        _, state = Flow.decode(flow.encode(), ckb)
        question = next_question(state, ckb)
        assert question is not None  # the popped step was asked in this very state
        prefill = prefill_for(question, state, earlier if question.id == qid else NOTHING)
        return _question_page(request, templates, flow=flow, state=state, question=question, prefill=prefill)
    question = next_question(state, ckb)
    if question is None:
        return await _finish(store, ckb, state)
    if form.get("question") != question.id:
        return _question_page(
            request,
            templates,
            flow=flow,
            state=state,
            question=question,
            prefill=prefill_for(question, state),
            notice="That page was out of date, so here is the question you had reached.",
        )
    from legdx.interview import answer

    try:
        response = parse_response(question, form, action)
        new_state = answer(state, question.id, response, ckb)
    except InvalidCase as exc:
        raw = {k: str(v) for k, v in form.items() if k not in ("state", "action", "question")}
        prefill = {k.removeprefix("item."): v for k, v in raw.items()}
        return _question_page(request, templates, flow=flow, state=state, question=question, prefill=prefill, error=exc)
    flow.steps.append([question.id, response])
    return await _show_next(request, templates, store, ckb, flow, new_state)


def _load(store: Any, record_id: str) -> tuple[Any, Assessment]:
    with store.session() as s:
        record = get_assessment(s, record_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no assessment with this id")
    return record, Assessment.model_validate(record.result)


@router.get("/results/{record_id}", response_class=HTMLResponse)
def results(record_id: str, request: Request, templates: TemplatesDep, store: StoreDep, ckb: KBDep) -> Response:
    record, a = _load(store, record_id)
    shown = a.conditions[:SHOWN_CONDITIONS]
    sources = cited_sources(a)
    return templates.TemplateResponse(
        request,
        "results.html",
        {"a": a, "record": record, "shown": shown, "sources": sources, "kb": ckb.kb},
    )


@router.get("/conditions", response_class=HTMLResponse)
def conditions_page(
    request: Request,
    templates: TemplatesDep,
    ckb: KBDep,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    hits = search_conditions(store, q) if q.strip() else None
    groups: dict[str, list[Any]] = {}
    for c in ckb.kb.conditions.values():
        groups.setdefault(c.category, []).append(c)
    return templates.TemplateResponse(
        request, "conditions.html", {"q": q, "hits": hits, "groups": dict(sorted(groups.items()))}
    )


@router.get("/conditions/{condition_id}", response_class=HTMLResponse)
def condition_page(condition_id: str, request: Request, templates: TemplatesDep, ckb: KBDep) -> Response:
    c = ckb.kb.conditions.get(condition_id)
    if c is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no condition with this id")
    tests = [ckb.kb.tests[t] for t in c.tests if t in ckb.kb.tests]
    return templates.TemplateResponse(request, "condition.html", {"c": c, "tests": tests, "kb": ckb.kb})
