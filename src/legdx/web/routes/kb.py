"""Read-only knowledge endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from legdx.kb.schema import Condition
from legdx.store.search import search_conditions
from legdx.web.deps import KBDep, StoreDep
from legdx.web.schemas import ConditionSummary, ErrorOut, FindingOut

router = APIRouter(prefix="/api/v1", tags=["knowledge"])


@router.get("/conditions", response_model=list[ConditionSummary], summary="Conditions in the knowledge base")
def list_conditions(
    ckb: KBDep,
    store: StoreDep,
    q: Annotated[str | None, Query(max_length=200, description="Full-text search over the condition pages.")] = None,
) -> list[ConditionSummary]:
    kb = ckb.kb
    ids = [h.condition_id for h in search_conditions(store, q)] if q else list(kb.conditions)
    return [
        ConditionSummary(
            id=c.id,
            name=c.name,
            lay_name=c.lay_name,
            category=c.category,
            icd10=list(c.icd10),
            must_not_miss=c.must_not_miss,
            summary_lay=c.summary_lay,
            url=f"/conditions/{c.id}",
        )
        for c in (kb.conditions[i] for i in ids if i in kb.conditions)
    ]


@router.get(
    "/conditions/{condition_id}",
    response_model=Condition,
    responses={404: {"model": ErrorOut}},
    summary="One condition with every cited number",
)
def read_condition(
    condition_id: Annotated[str, Path(max_length=64, examples=["peripheral_artery_disease"])], ckb: KBDep
) -> Condition:
    cond = ckb.kb.conditions.get(condition_id)
    if cond is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="condition_id: no condition with this id")
    return cond


@router.get("/findings", response_model=list[FindingOut], summary="Finding ids a case may use")
def list_findings(ckb: KBDep) -> list[FindingOut]:
    out = []
    for f in ckb.kb.findings.values():
        if f.category.value == "demographic" or f.replaced_by is not None:
            continue
        out.append(
            FindingOut(
                id=f.id,
                kind=f.kind.value,
                category=f.category.value,
                question=f.question,
                clinician_label=f.clinician_label,
                red_flag=f.red_flag,
                unit=f.unit,
                min=f.range.min if f.range else None,
                max=f.range.max if f.range else None,
            )
        )
    return out
