"""Reading and writing records. Functions take the session first and everything else by keyword.

Nothing here commits implicitly except where the docstring says so: the web handler commits
before it acknowledges, so a 201 is only sent for an assessment that is on disk.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from legdx.errors import StoreError
from legdx.store.tables import ApiKeyRecord, AssessmentRecord, AuditEvent, IdempotencyRecord, utcnow

__all__ = [
    "API_KEY_PREFIX",
    "AUDIT_ACTIONS",
    "IdempotencyKeyReused",
    "PurgeResult",
    "count_assessments",
    "find_idempotent",
    "hash_request",
    "purge_expired",
    "record_audit",
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
AUDIT_ACTIONS = ("create", "read", "list", "delete")
PURGE_BATCH = 500
_ID_CHARS = re.compile(r"[A-Za-z0-9_-]+")


class IdempotencyKeyReused(StoreError):
    """Raised when an ``Idempotency-Key`` comes back with a different request than the first time."""


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
    idempotency_key: str | None = None,
    request_hash: str = "",
    audit_actor: str | None = None,
    audit_route: str = "",
) -> AssessmentRecord:
    """Insert one assessment and (by default) commit it before returning.

    With ``idempotency_key`` the key is stored in the same transaction as the record, so after a
    crash either both are on disk or neither is. When a concurrent request with the same key won
    the race, its record is returned instead of storing a second one. With ``audit_actor`` the
    ``create`` audit event goes into the same transaction too (one commit, one fsync, not two).

    Raises:
        IdempotencyKeyReused: the key was first used with a different request (``request_hash``).
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
        if idempotency_key is not None:
            session.flush()  # the record first: the key's foreign key points at it
            session.add(
                IdempotencyRecord(
                    key_hash=_key_hash(idempotency_key),
                    request_hash=request_hash,
                    assessment_id=record.id,
                    created_at=record.created_at,
                )
            )
        if audit_actor is not None:
            session.add(
                AuditEvent(
                    at=record.created_at,
                    action="create",
                    actor=audit_actor[:80],
                    record_id=record.id,
                    route=audit_route,
                )
            )
        if commit:
            session.commit()
        else:
            session.flush()
    except IntegrityError as exc:
        session.rollback()
        if idempotency_key is not None:
            earlier = find_idempotent(session, key=idempotency_key, request_hash=request_hash)
            if earlier is not None:
                return earlier
        raise StoreError(f"database: could not store the assessment ({exc.__class__.__name__})") from exc
    except SQLAlchemyError as exc:
        session.rollback()
        raise StoreError(f"database: could not store the assessment ({exc.__class__.__name__})") from exc
    return record


def _key_hash(key: str) -> str:
    return hashlib.sha256(("idempotency:" + key).encode("utf-8", "surrogatepass")).hexdigest()


def hash_request(data: Any) -> str:
    """A fingerprint of a decoded request body that ignores key order and spacing."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def find_idempotent(session: Session, *, key: str, request_hash: str) -> AssessmentRecord | None:
    """The record first stored under ``key``, or None when the key is new (or its record was purged).

    Raises:
        IdempotencyKeyReused: the key was first used with a different request.
    """
    row = session.get(IdempotencyRecord, _key_hash(key))
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise IdempotencyKeyReused("Idempotency-Key: already used with a different request")
    return session.get(AssessmentRecord, row.assessment_id)


def record_audit(session: Session, *, action: str, actor: str, record_id: str | None = None, route: str = "") -> None:
    """Append one audit event and commit it (before the record is shown, so nothing is read unrecorded).

    Raises:
        StoreError: the event could not be written.
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"action must be one of {AUDIT_ACTIONS}, got {action!r}")
    try:
        session.add(AuditEvent(at=utcnow(), action=action, actor=actor[:80], record_id=record_id, route=route[:80]))
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StoreError(f"database: could not write the audit event ({exc.__class__.__name__})") from exc


@dataclass(frozen=True)
class PurgeResult:
    records: int
    audit_events: int


def purge_expired(
    session: Session, *, records_before: datetime, audit_before: datetime, actor: str = "retention"
) -> PurgeResult:
    """Delete assessments created before ``records_before`` (with their idempotency keys), recording
    one ``delete`` audit event per record, then audit events older than ``audit_before``.

    Works in batches, each committed, so a large first purge does not hold one long transaction.
    """
    deleted = 0
    while True:
        ids = list(
            session.scalars(
                select(AssessmentRecord.id).where(AssessmentRecord.created_at < records_before).limit(PURGE_BATCH)
            )
        )
        if not ids:
            break
        now = utcnow()
        session.add_all(AuditEvent(at=now, action="delete", actor=actor, record_id=i, route="") for i in ids)
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.assessment_id.in_(ids)))
        session.execute(delete(AssessmentRecord).where(AssessmentRecord.id.in_(ids)))
        session.commit()
        deleted += len(ids)
    # idempotency keys of records that are gone already (none expected; cheap to be sure)
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < records_before))
    result = session.execute(delete(AuditEvent).where(AuditEvent.at < audit_before))
    session.commit()
    return PurgeResult(records=deleted, audit_events=int(getattr(result, "rowcount", 0) or 0))


def get_assessment(session: Session, record_id: str) -> AssessmentRecord | None:
    """The record with this id, or None. Anything that cannot be an id (a NUL byte, which
    PostgreSQL refuses in text, or any character outside the URL-safe alphabet) is simply not found."""
    if not record_id or len(record_id) > 64 or not _ID_CHARS.fullmatch(record_id):
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
