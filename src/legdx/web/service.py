"""What every web route shares: read a case, run it through the one engine, store it."""

from __future__ import annotations

import json
import logging
from typing import Any

from legdx.assessment import assess
from legdx.case import Assessment, Case, UnderstoodFinding, parse_case
from legdx.errors import InvalidCase, LegdxError
from legdx.kb.compile import CompiledKB
from legdx.report.json import assessment_dict
from legdx.store import Store
from legdx.store.repo import save_assessment
from legdx.store.tables import AssessmentRecord

__all__ = ["IntakeUnavailable", "decode_json", "public_dict", "read_text", "run_case", "store_assessment"]

log = logging.getLogger(__name__)


class IntakeUnavailable(Exception):
    """The free-text reader failed for a reason other than bad input (answered with 503)."""


def decode_json(raw: bytes, *, what: str = "case") -> Any:
    """Parse a JSON request body, raising a one-line InvalidCase."""
    if not raw.strip():
        raise InvalidCase(what, "the request body is empty; expected a JSON object")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidCase(what, "is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidCase(what, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise InvalidCase(what, "JSON is nested too deeply") from None


def read_text(case: Case, ckb: CompiledKB) -> list[UnderstoodFinding]:
    """Run the intake on ``case.text``. Bad text is InvalidCase; any other failure is IntakeUnavailable."""
    if case.text is None:
        return []
    try:
        from legdx.intake import understand

        return understand(case, ckb)
    except LegdxError:
        raise
    except Exception as exc:  # the intake is optional: report it, never a bare 500
        log.exception("free-text intake failed")
        raise IntakeUnavailable(str(exc) or exc.__class__.__name__) from exc


def run_case(data: Any, ckb: CompiledKB) -> Assessment:
    """Validate raw case data completely and assess it (nothing is stored here)."""
    case = parse_case(data)
    understood = read_text(case, ckb)
    return assess(case, ckb, understood=understood or None)


def store_assessment(store: Store, assessment: Assessment, *, channel: str) -> AssessmentRecord:
    """Store an assessment and commit durably before returning."""
    result = assessment_dict(assessment)
    with store.session() as s:
        return save_assessment(s, case=result["case"], result=result, kb_version=assessment.kb_version, channel=channel)


def public_dict(record: AssessmentRecord) -> dict[str, Any]:
    """The stored result plus its id and timestamp (AssessmentPublic)."""
    return {**record.result, "id": record.id, "created_at": record.created_at.isoformat()}
