"""Table models. ``AssessmentRecord`` is the stored assessment (STYLE: the *Record* of the
CaseIn / AssessmentPublic / AssessmentRecord family)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ApiKeyRecord",
    "AssessmentRecord",
    "AuditEvent",
    "Base",
    "ConditionDoc",
    "IdempotencyRecord",
    "UTCDateTime",
    "utcnow",
]

JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone, so it is added back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; legdx stores UTC timestamps only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class AssessmentRecord(Base):
    """One stored assessment: the case as given, the result JSON, the KB version and checksum, and when."""

    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    kb_version: Mapped[str] = mapped_column(String(32), nullable=False)
    kb_checksum: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    triage_level: Mapped[str] = mapped_column(String(16), nullable=False)
    top_condition: Mapped[str | None] = mapped_column(String(64))
    case: Mapped[dict[str, Any]] = mapped_column(JSONDoc, nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSONDoc, nullable=False)

    __table_args__ = (Index("ix_assessments_created_at", "created_at"),)


class ApiKeyRecord(Base):
    """An API key. Only the SHA-256 of the key is stored; ``prefix`` helps a person tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConditionDoc(Base):
    """Searchable text of one condition page, rebuilt from the knowledge base at startup."""

    __tablename__ = "condition_docs"

    condition_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    lay_name: Mapped[str] = mapped_column(Text, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    kb_version: Mapped[str] = mapped_column(String(32), nullable=False)


class AuditEvent(Base):
    """Who created, read, listed or deleted which record, and when. Never the case or the result.

    ``actor`` is ``api_key:<id>`` for a request with a valid API key, ``address:<ip>`` otherwise, and
    ``retention`` or ``cli`` for purges. ``route`` is the route template (``/results/{record_id}``).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    route: Mapped[str] = mapped_column(String(80), nullable=False, default="", server_default="")

    __table_args__ = (Index("ix_audit_events_at", "at"), Index("ix_audit_events_record_id", "record_id"))


class IdempotencyRecord(Base):
    """An ``Idempotency-Key`` already used on a create: a retry with it returns the first record.

    Only hashes are kept: of the key (clients may put anything in it) and of the request, so a
    reused key with a different case is told apart from a retry.
    """

    __tablename__ = "idempotency_keys"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    assessment_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
