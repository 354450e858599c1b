"""The clinician view: a findings form grouped by category (with a filter that works live with
JavaScript and as ``?find=`` without it), and the printable report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from legdx.case import Assessment, parse_case, read_age
from legdx.errors import InvalidCase
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import FindingCategory, FindingKind
from legdx.store.repo import get_assessment
from legdx.web.deps import KBDep, StoreDep, TemplatesDep
from legdx.web.middleware import CSP
from legdx.web.render import CATEGORY_TITLES
from legdx.web.service import assess_data, store_assessment

router = APIRouter(include_in_schema=False)

PRESENT, ABSENT = "present", "absent"


def finding_groups(ckb: CompiledKB) -> list[tuple[str, str, list[Any]]]:
    """(category id, title, findings) in a clinician's order, demographics left to age / sex."""
    groups: dict[str, list[Any]] = {c: [] for c in CATEGORY_TITLES}
    for f in ckb.kb.findings.values():
        if f.category is FindingCategory.DEMOGRAPHIC or f.replaced_by is not None:
            continue
        groups.setdefault(f.category.value, []).append(f)
    return [(c, CATEGORY_TITLES.get(c, c), fs) for c, fs in groups.items() if fs]


def finding_text(f: Any) -> str:
    """What the findings filter matches: both labels, the question and the id, lower-cased."""
    return " ".join(
        x.lower() for x in (f.clinician_label, f.lay_label or "", f.question, f.id.replace("_", " "), f.unit or "")
    )


def matches(f: Any, words: list[str]) -> bool:
    text = finding_text(f)
    return all(w in text for w in words)


def _form_page(
    request: Request,
    templates: Jinja2Templates,
    ckb: CompiledKB,
    values: dict[str, str],
    errors: list[InvalidCase],
    *,
    find: str = "",
    from_id: str | None = None,
) -> Response:
    words = find.lower().split()
    groups = finding_groups(ckb)
    shown = sum(1 for _, _, fs in groups for f in fs if matches(f, words))
    return templates.TemplateResponse(
        request,
        "clinician_form.html",
        {
            "groups": groups,
            "values": values,
            "errors": errors,
            "error_fields": {e.field for e in errors},
            "find": find,
            "words": words,
            "matches": matches,
            "finding_text": finding_text,
            "shown": shown,
            "total": sum(len(fs) for _, _, fs in groups),
            "from_id": from_id,
        },
        status_code=422 if errors else 200,
    )


@router.get("/clinician", response_class=HTMLResponse)
def clinician_form(
    request: Request,
    templates: TemplatesDep,
    ckb: KBDep,
    store: StoreDep,
    from_id: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    find: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    values: dict[str, str] = {}
    if from_id:
        with store.session() as s:
            record = get_assessment(s, from_id)
        if record is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no assessment with this id")
        case = record.case
        values["age"] = "" if case.get("age") is None else str(case["age"])
        values["sex"] = case.get("sex") or ""
        values["text"] = case.get("text") or ""
        for fid, v in (case.get("findings") or {}).items():
            values[f"findings.{fid}"] = (PRESENT if v else ABSENT) if isinstance(v, bool) else f"{v:g}"
    return _form_page(request, templates, ckb, values, [], find=find, from_id=from_id)


def case_from_form(form: Any, ckb: CompiledKB) -> tuple[dict[str, Any], dict[str, str], list[InvalidCase]]:
    """Build case data from the form, collecting every problem at once (not just the first).

    The form only turns typed strings into JSON values; ranges, kinds and contradictions are
    checked by :func:`legdx.case.parse_case` like every other door's input.
    """
    values = {k: str(v) for k, v in form.items()}
    problems: list[tuple[str, str]] = []
    data: dict[str, Any] = {"findings": {}}
    age = values.get("age", "").strip()
    if age:
        try:
            data["age"] = read_age(age)
        except InvalidCase as exc:
            problems += exc.problems
    if values.get("sex"):
        data["sex"] = values["sex"]
    text = values.get("text", "").strip()
    if text:
        data["text"] = text
    for key, raw in values.items():
        if not key.startswith("findings."):
            continue
        fid = key.removeprefix("findings.")
        f = ckb.kb.findings.get(fid)
        raw = raw.strip()
        if not raw or raw == "unknown":
            continue
        if f is None or f.kind is FindingKind.BINARY:
            if raw not in (PRESENT, ABSENT):
                problems.append((key, f"expected present, absent or unknown, got {raw[:20]!r}"))
                continue
            data["findings"][fid] = raw == PRESENT
            continue
        try:
            data["findings"][fid] = float(raw.replace(",", "."))
        except ValueError:
            problems.append((key, f"expected a number in {f.unit}, got {raw[:30]!r}"))
    try:
        parse_case(data, ckb.kb)
    except InvalidCase as exc:
        problems += exc.problems
    return data, values, [InvalidCase(field, problem) for field, problem in problems]


@router.post("/clinician", response_class=HTMLResponse)
async def clinician_submit(request: Request, templates: TemplatesDep, ckb: KBDep, store: StoreDep) -> Response:
    form = await request.form()
    data, values, errors = case_from_form(form, ckb)
    if errors:
        return _form_page(request, templates, ckb, values, errors)

    def work() -> str:
        assessment = assess_data(data, ckb)  # may still raise InvalidCase (e.g. a contradiction)
        return store_assessment(store, assessment, channel="clinician").id

    try:
        record_id = await run_in_threadpool(work)
    except InvalidCase as exc:
        return _form_page(request, templates, ckb, values, [exc])
    return RedirectResponse(f"/reports/{record_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/reports/{record_id}", response_class=HTMLResponse)
def report(record_id: str, store: StoreDep) -> Response:
    from legdx.report.html import render_html

    with store.session() as s:
        record = get_assessment(s, record_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no assessment with this id")
    assessment = Assessment.model_validate(record.result)
    page = render_html(
        assessment,
        record_id=record.id,
        created_at=record.created_at,
        actions=[
            ("New case", "/clinician"),
            ("Edit this case", f"/clinician?from={record.id}"),
            ("Person's view", f"/results/{record.id}"),
            ("JSON", f"/api/v1/assessments/{record.id}"),
        ],
    )
    csp = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return HTMLResponse(page, headers={"Content-Security-Policy": csp})
