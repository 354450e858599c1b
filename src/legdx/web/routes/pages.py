"""Pages for people: home, the interview (description -> confirm -> one question per screen),
results (keep, share as a PDF handout, delete), and the condition pages with search."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from legdx.case import Assessment, UnderstoodFinding, parse_case
from legdx.errors import InvalidCase, TextReaderUnavailable
from legdx.interview import InterviewState, Question, answer, next_question
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING, FindingCategory, FindingKind, TriageLevel
from legdx.pipeline import assess, read_text
from legdx.report.wording import cited_sources
from legdx.store import Store
from legdx.store.repo import delete_assessment, get_assessment
from legdx.store.search import search_conditions
from legdx.web.deps import KBDep, SettingsDep, StoreDep, TemplatesDep
from legdx.web.flow import NOTHING, Flow, base_from_confirm, parse_response, prefill_for, word_of
from legdx.web.render import answers_for_person, causes_for_person, lay_labels
from legdx.web.service import store_assessment

router = APIRouter(include_in_schema=False)

HANDOUT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, templates: TemplatesDep, settings: SettingsDep) -> Response:
    return templates.TemplateResponse(request, "index.html", {"retention_days": settings.retention_days})


def _start_page(
    request: Request, templates: Jinja2Templates, days: int, text: str = "", error: InvalidCase | None = None
) -> Response:
    return templates.TemplateResponse(
        request,
        "interview_start.html",
        {"text": text, "error": error, "retention_days": days},
        status_code=422 if error else 200,
    )


@router.get("/interview", response_class=HTMLResponse)
def interview_start(request: Request, templates: TemplatesDep, settings: SettingsDep) -> Response:
    return _start_page(request, templates, settings.retention_days)


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
            "known_age": state.age,
            "known_sex": state.sex,
        },
        status_code=422 if error else 200,
    )


async def _finish(store: Store, ckb: CompiledKB, state: InterviewState) -> Response:
    def work() -> str:
        assessment = assess(state.to_case(), ckb)
        return store_assessment(store, assessment, channel="interview").id

    record_id = await run_in_threadpool(work)
    return RedirectResponse(f"/results/{record_id}", status_code=status.HTTP_303_SEE_OTHER)


async def _show_next(
    request: Request,
    templates: Jinja2Templates,
    store: Store,
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


def _confirm_items(understood: list[UnderstoodFinding], ckb: CompiledKB) -> list[dict[str, Any]]:
    """What was read, one line per finding (the first mention wins), in the person's words.

    A warning sign written with a hedge is shown as "yes" with a note: it is treated as present to
    be safe unless the person says otherwise.
    """
    items: dict[str, dict[str, Any]] = {}
    for u in understood:
        f = ckb.kb.findings.get(u.finding)
        if f is None or f.category is FindingCategory.DEMOGRAPHIC or u.finding in items:
            continue
        if not (u.used or u.uncertain):
            continue
        value = word_of(u.value) if isinstance(u.value, bool) else f"{u.value:g}"
        items[u.finding] = {"finding": f, "value": value, "quote": u.text, "unsure": u.uncertain and not u.used}
    return list(items.values())


def _level_of(age: int | None, sex: str | None, items: list[dict[str, Any]], ckb: CompiledKB) -> TriageLevel | None:
    """How urgent the description already is, if the person confirms it as read (None when it cannot be told)."""
    findings: dict[str, Any] = {}
    for it in items:
        f, v = it["finding"], it["value"]
        if f.kind is FindingKind.BINARY and v in ("yes", "no"):
            findings[f.id] = v == "yes"
    try:
        case = parse_case({"age": age, "sex": sex, "findings": findings}, ckb.kb)
        return assess(case, ckb).triage.level
    except InvalidCase:
        return None


def _confirm_page(
    request: Request,
    templates: Jinja2Templates,
    ckb: CompiledKB,
    *,
    text: str,
    items: list[dict[str, Any]],
    age: Any,
    sex: Any,
    error: InvalidCase | None = None,
    from_back: bool = False,
) -> Response:
    level = None if error else _level_of(age if isinstance(age, int) else None, sex or None, items, ckb)
    return templates.TemplateResponse(
        request,
        "interview_confirm.html",
        {
            "text": text,
            "items": items,
            "age": age,
            "sex": sex,
            "error": error,
            "level": level.value if level is not None else None,
            "from_back": from_back,
        },
        status_code=422 if error else 200,
    )


@router.post("/interview/describe", response_class=HTMLResponse)
async def interview_describe(
    request: Request, templates: TemplatesDep, ckb: KBDep, store: StoreDep, settings: SettingsDep
) -> Response:
    form = await request.form()
    action = str(form.get("action", "describe"))
    text = str(form.get("text", ""))
    flow = Flow()
    if action == "skip" or not text.strip():
        return await _show_next(request, templates, store, ckb, flow, flow.base_state(ckb))
    try:
        case = parse_case({"text": text.strip()}, ckb.kb)
        understood = await run_in_threadpool(read_text, case, ckb)
    except InvalidCase as exc:
        return _start_page(request, templates, settings.retention_days, text, exc)
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
    age = next((int(u.value) for u in understood if u.finding == AGE_FINDING and u.used), None)
    female = next((u.value for u in understood if u.finding == FEMALE_FINDING and u.used), None)
    sex = None if female is None else ("female" if female else "male")
    items = _confirm_items(understood, ckb)
    if sex is None and any(it["finding"].sex == "female" and it["value"] == "yes" for it in items):
        sex = "female"  # periods or pregnancy: shown on the confirm page, where the person can change it
    return _confirm_page(request, templates, ckb, text=text, items=items, age=age, sex=sex)


@router.post("/interview/confirm", response_class=HTMLResponse)
async def interview_confirm(
    request: Request, templates: TemplatesDep, ckb: KBDep, store: StoreDep, settings: SettingsDep
) -> Response:
    form = await request.form()
    text = str(form.get("text", ""))
    if form.get("action") == "edit":
        return _start_page(request, templates, settings.retention_days, text)
    try:
        flow = Flow(base=base_from_confirm(form, ckb))
        state = flow.base_state(ckb)
    except InvalidCase as exc:
        kb = ckb.kb
        items = [
            {"finding": kb.findings[k[2:]], "value": str(form.get(k, "")), "quote": None, "unsure": False}
            for k in form.keys()
            if k.startswith("f.") and k[2:] in kb.findings
        ]
        return _confirm_page(
            request,
            templates,
            ckb,
            text=text,
            items=items,
            age=form.get("age"),
            sex=form.get("sex"),
            error=_in_lay_words(exc, ckb),
        )
    return await _show_next(request, templates, store, ckb, flow, state)


def _in_lay_words(exc: InvalidCase, ckb: CompiledKB) -> InvalidCase:
    """A problem with one of the confirmed details, named in the person's words instead of by its id."""
    fid = exc.field.rsplit(".", 1)[-1]
    f = ckb.kb.findings.get(fid)
    if f is None:
        return exc
    label = f.plain[:1].upper() + f.plain[1:]
    if "contradicts sex" in exc.problem:
        return InvalidCase(
            exc.field, f"\u201c{label}\u201d only applies to a female body, and you chose Male; please change one"
        )
    return InvalidCase(exc.field, f"\u201c{label}\u201d: {exc.problem}")


def _back_to_confirm(request: Request, templates: Jinja2Templates, ckb: CompiledKB, flow: Flow) -> Response:
    """Back from the first question after a description: the confirm page as the person left it."""
    kb = ckb.kb
    items = [
        {
            "finding": kb.findings[fid],
            "value": word_of(v) if isinstance(v, bool) else f"{v:g}",
            "quote": None,
            "unsure": False,
        }
        for fid, v in (flow.base.get("answers") or {}).items()
        if fid in kb.findings and v is not None
    ]
    return _confirm_page(
        request,
        templates,
        ckb,
        text="",
        items=items,
        age=flow.base.get("age"),
        sex=flow.base.get("sex"),
        from_back=True,
    )


@router.post("/interview/step", response_class=HTMLResponse)
async def interview_step(
    request: Request, templates: TemplatesDep, ckb: KBDep, store: StoreDep, settings: SettingsDep
) -> Response:
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
            base = flow.base
            if base.get("answers") or base.get("age") is not None or base.get("sex"):
                return _back_to_confirm(request, templates, ckb, flow)
            return _start_page(request, templates, settings.retention_days)
        qid, earlier = flow.steps.pop()
        _, state = Flow.decode(flow.encode(), ckb)
        question = next_question(state, ckb)
        if question is None:  # cannot happen: the popped step was asked in this very state
            return await _finish(store, ckb, state)
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
    try:
        response = parse_response(question, form, action)
        new_state = answer(state, question.id, response, ckb)
    except InvalidCase as exc:
        raw = {k: str(v) for k, v in form.items() if k not in ("state", "action", "question")}
        prefill = {k.removeprefix("item."): v for k, v in raw.items()}
        return _question_page(request, templates, flow=flow, state=state, question=question, prefill=prefill, error=exc)
    flow.steps.append([question.id, response])
    return await _show_next(request, templates, store, ckb, flow, new_state)


def _load(store: Store, record_id: str) -> tuple[Any, Assessment]:
    with store.session() as s:
        record = get_assessment(s, record_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no assessment with this id")
    return record, Assessment.model_validate(record.result)


@router.get("/results/{record_id}", response_class=HTMLResponse)
def results(
    record_id: str,
    request: Request,
    templates: TemplatesDep,
    store: StoreDep,
    ckb: KBDep,
    settings: SettingsDep,
) -> Response:
    record, a = _load(store, record_id)
    causes, less_likely = causes_for_person(a, ckb.kb)
    return templates.TemplateResponse(
        request,
        "results.html",
        {
            "a": a,
            "record": record,
            "causes": causes,
            "less_likely": less_likely,
            "answers": answers_for_person(a, ckb.kb),
            "sources": cited_sources(a),
            "management": getattr(a, "management", [])[:3],
            "address": str(request.url_for("results", record_id=record.id)),
            "kept_until": record.created_at + timedelta(days=settings.retention_days),
        },
    )


@router.get("/results/{record_id}/handout.pdf")
async def handout(record_id: str, request: Request, store: StoreDep, ckb: KBDep) -> Response:
    """A one-page PDF of the result to print or hand to a clinician (needs the ``report`` extra)."""
    record, a = _load(store, record_id)
    try:
        from legdx.report.pdf import render_pdf
    except ImportError:  # pragma: no cover - the report extra is missing
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail="The PDF handout needs legdx[report] installed."
        ) from None
    address = str(request.url_for("results", record_id=record.id))

    def work() -> bytes:
        return render_pdf(a, created_at=record.created_at, address=address, labels=lay_labels(ckb.kb))

    pdf = await run_in_threadpool(work)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="legdx-handout.pdf"',
            "Content-Security-Policy": HANDOUT_CSP,
            "Cache-Control": "no-store",
        },
    )


@router.get("/results/{record_id}/delete", response_class=HTMLResponse)
def delete_confirm(record_id: str, request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    """Ask first: deleting cannot be undone."""
    record, _ = _load(store, record_id)
    return templates.TemplateResponse(request, "delete_confirm.html", {"record": record})


@router.post("/results/{record_id}/delete", response_class=HTMLResponse)
async def delete_result(record_id: str, request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    """Delete the stored answers and result for good, then say so."""

    def work() -> bool:
        with store.session() as s:
            return delete_assessment(s, record_id=record_id)

    gone = await run_in_threadpool(work)
    return templates.TemplateResponse(
        request, "deleted.html", {"was_there": gone}, status_code=200 if gone else status.HTTP_404_NOT_FOUND
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
