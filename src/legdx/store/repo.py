"""Reading and writing records. Functions take the session first and everything else by keyword.

Nothing here commits implicitly except where the docstring says so: the web handler commits
before it acknowledges, so a 201 is only sent for an assessment that is on disk.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from legdx.errors import StoreError
from legdx.store.tables import ApiKeyRecord, AssessmentRecord, utcnow

__all__ = [
    "API_KEY_PREFIX",
    "count_assessments",
    "create_api_key",
    "delete_assessment",
    "find_api_key",
    "get_assessment",
    "hash_api_key",
    "list_api_keys",
    "list_assessments",
    "new_assessment_id",
    "revoke_api_key",
    "save_assessment",
]

API_KEY_PREFIX = "legdx_"
ID_BYTES = 24  # 192 bits -> 32 url-safe characters
CHANNELS = ("api", "interview", "clinician")


def new_assessment_id() -> str:
    """An unguessable id (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(ID_BYTES)


def save_assessment(
    session: Session,
    *,
    case: dict[str, Any],
    result: dict[str, Any],
    kb_version: str,
    kb_checksum: str = "",
    channel: str = "api",
    commit: bool = True,
) -> AssessmentRecord:
    """Insert one assessment and (by default) commit it before returning.

    Raises:
        StoreError: the database refused the write; nothing was stored.
    """
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}, got {channel!r}")
    conditions = result.get("conditions") or []
    record = AssessmentRecord(
        id=new_assessment_id(),
        created_at=utcnow(),
        kb_version=kb_version,
        kb_checksum=kb_checksum,
        channel=channel,
        triage_level=str(result.get("triage", {}).get("level", "")),
        top_condition=conditions[0]["id"] if conditions else None,
        case=case,
        result=result,
    )
    try:
        session.add(record)
        if commit:
            session.commit()
        else:
            session.flush()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StoreError(f"database: could not store the assessment ({exc.__class__.__name__})") from exc
    return record


def get_assessment(session: Session, record_id: str) -> AssessmentRecord | None:
    if not record_id or len(record_id) > 64:
        return None
    return session.get(AssessmentRecord, record_id)


def delete_assessment(session: Session, *, record_id: str) -> bool:
    """Delete one stored assessment for good and commit; False when there is no such record.

    Raises:
        StoreError: the database refused the delete; nothing was deleted.
    """
    record = get_assessment(session, record_id)
    if record is None:
        return False
    try:
        session.delete(record)
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StoreError(f"database: could not delete the assessment ({exc.__class__.__name__})") from exc
    return True


def list_assessments(session: Session, *, limit: int = 20, offset: int = 0) -> list[AssessmentRecord]:
    """Newest first."""
    stmt = (
        select(AssessmentRecord)
        .order_by(AssessmentRecord.created_at.desc(), AssessmentRecord.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def count_assessments(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AssessmentRecord)) or 0)


def hash_api_key(key: str) -> str:
    """SHA-256 of the key. Keys carry 256 random bits, so a plain hash cannot be brute-forced."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(session: Session, *, name: str) -> tuple[ApiKeyRecord, str]:
    """Create a key and commit. Returns the record and the key itself, which is never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("an API key needs a name of 1 to 100 characters")
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKeyRecord(
        name=name, prefix=key[: len(API_KEY_PREFIX) + 6], key_hash=hash_api_key(key), created_at=utcnow()
    )
    session.add(record)
    session.commit()
    return record, key


def find_api_key(session: Session, key: str, *, touch: bool = True) -> ApiKeyRecord | None:
    """The live (not revoked) record for ``key``, or None. Records the time of use when ``touch``."""
    if not key.startswith(API_KEY_PREFIX) or len(key) > 200:
        return None
    record = session.scalar(select(ApiKeyRecord).where(ApiKeyRecord.key_hash == hash_api_key(key)))
    if record is None or record.revoked_at is not None:
        return None
    if touch:
        record.last_used_at = utcnow()
        session.commit()
    return record


def list_api_keys(session: Session) -> list[ApiKeyRecord]:
    return list(session.scalars(select(ApiKeyRecord).order_by(ApiKeyRecord.id)))


def revoke_api_key(session: Session, *, key_id: int) -> bool:
    """Revoke a key by id and commit; False when there is no such live key."""
    record = session.get(ApiKeyRecord, key_id)
    if record is None or record.revoked_at is not None:
        return False
    record.revoked_at = utcnow()
    session.commit()
    return True
