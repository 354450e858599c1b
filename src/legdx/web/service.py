"""What every web route shares: turn a request into a Case, call the pipeline, store the result.

The routes only parse, call :func:`legdx.pipeline.assess`, render and store; none wires the
engine or the text reader itself.
"""

from __future__ import annotations

from typing import Any

from legdx.case import Assessment, parse_case
from legdx.kb.compile import CompiledKB
from legdx.pipeline import assess
from legdx.report.json import assessment_dict
from legdx.store import Store
from legdx.store.repo import save_assessment
from legdx.store.tables import AssessmentRecord

__all__ = ["assess_data", "public_dict", "store_assessment"]


def assess_data(data: Any, ckb: CompiledKB) -> Assessment:
    """Validate raw case data completely (every problem at once) and assess it; nothing is stored here.
    An empty case is refused: every caller stores the result."""
    return assess(parse_case(data, ckb.kb, require_content=True), ckb)


def store_assessment(
    store: Store,
    assessment: Assessment,
    *,
    channel: str,
    idempotency_key: str | None = None,
    request_hash: str = "",
    audit: tuple[str, str] | None = None,
) -> AssessmentRecord:
    """Store an assessment and commit durably before returning, with its idempotency key and its
    ``create`` audit event (``audit`` = (actor, route)) in the same transaction when given."""
    result = assessment_dict(assessment)
    with store.session(write=True) as s:
        return save_assessment(
            s,
            case=result["case"],
            result=result,
            kb_version=assessment.kb_version,
            kb_checksum=assessment.kb_checksum,
            channel=channel,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            audit_actor=None if audit is None else audit[0],
            audit_route="" if audit is None else audit[1],
        )


def public_dict(record: AssessmentRecord) -> dict[str, Any]:
    """The stored result plus its id and timestamp (AssessmentPublic)."""
    return {**record.result, "id": record.id, "created_at": record.created_at.isoformat()}
