"""Retention: stored assessments are deleted once they are older than ``retention_days``.

The web app purges at start and then once a day; ``legdx purge`` does it by hand. Every deleted
record leaves a ``delete`` audit event (its id and who deleted it, nothing of its contents); audit
events themselves are kept for ``audit_retention_days``.
"""

from __future__ import annotations

from datetime import timedelta

from legdx.store.db import Store
from legdx.store.repo import PurgeResult, purge_expired
from legdx.store.tables import utcnow

__all__ = ["purge"]


def purge(store: Store, *, retention_days: int, audit_retention_days: int, actor: str = "retention") -> PurgeResult:
    """Delete what is past its retention; returns how many records and audit events went."""
    if retention_days < 1 or audit_retention_days < 1:
        raise ValueError("retention periods must be at least one day")
    now = utcnow()
    with store.session(write=True) as s:
        return purge_expired(
            s,
            records_before=now - timedelta(days=retention_days),
            audit_before=now - timedelta(days=audit_retention_days),
            actor=actor,
        )
