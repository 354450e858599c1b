"""Idempotency keys, audit events and the retention purge, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from legdx.store import open_store
from legdx.store.repo import (
    IdempotencyKeyReused,
    count_assessments,
    find_idempotent,
    get_assessment,
    hash_request,
    purge_expired,
    record_audit,
    save_assessment,
)
from legdx.store.retention import purge
from legdx.store.tables import AssessmentRecord, AuditEvent, IdempotencyRecord, utcnow

RESULT = {"triage": {"level": "routine"}, "conditions": []}


def _save(session, **kw):
    return save_assessment(session, case={"age": 50}, result=RESULT, kb_version="1", **kw)


def test_a_key_stores_once_and_a_reused_key_with_another_request_is_refused(tmp_store):
    h = hash_request({"age": 50, "findings": {"smoker": True}})
    assert h == hash_request({"findings": {"smoker": True}, "age": 50})  # key order does not matter
    with tmp_store.session() as s:
        first = _save(s, idempotency_key="k-1", request_hash=h)
        again = _save(s, idempotency_key="k-1", request_hash=h)  # as a concurrent retry would
        assert again.id == first.id and count_assessments(s) == 1
        assert find_idempotent(s, key="k-1", request_hash=h).id == first.id
        assert find_idempotent(s, key="k-2", request_hash=h) is None
        with pytest.raises(IdempotencyKeyReused, match="Idempotency-Key: already used with a different request"):
            find_idempotent(s, key="k-1", request_hash="other")
        with pytest.raises(IdempotencyKeyReused):
            _save(s, idempotency_key="k-1", request_hash="other")
        assert count_assessments(s) == 1
        keys = list(s.scalars(select(IdempotencyRecord)))
    assert len(keys) == 1 and "k-1" not in keys[0].key_hash  # only a hash of the key is kept


def test_concurrent_retries_with_one_key_store_one_record(db_url):
    store = open_store(db_url)
    ids: list[str] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            with store.session() as s:
                ids.append(_save(s, idempotency_key="same", request_hash="h").id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        assert len(set(ids)) == 1 and len(ids) == 6
        with store.session() as s:
            assert count_assessments(s) == 1
    finally:
        store.dispose()


def test_purge_deletes_old_records_with_their_keys_and_audits_each(tmp_store):
    with tmp_store.session() as s:
        old = _save(s, idempotency_key="old", request_hash="h")
        keep = _save(s)
        s.execute(
            update(AssessmentRecord)
            .where(AssessmentRecord.id == old.id)
            .values(created_at=utcnow() - timedelta(days=91))
        )
        s.add(AuditEvent(at=utcnow() - timedelta(days=500), action="read", actor="address:x", record_id=keep.id))
        s.commit()
    done = purge(tmp_store, retention_days=90, audit_retention_days=400)
    assert (done.records, done.audit_events) == (1, 1)
    with tmp_store.session() as s:
        assert get_assessment(s, old.id) is None and get_assessment(s, keep.id) is not None
        assert find_idempotent(s, key="old", request_hash="h") is None
        events = [(e.action, e.record_id, e.actor) for e in s.scalars(select(AuditEvent))]
    assert events == [("delete", old.id, "retention")]
    again = purge(tmp_store, retention_days=90, audit_retention_days=400)
    assert (again.records, again.audit_events) == (0, 0)
    with pytest.raises(ValueError):
        purge(tmp_store, retention_days=0, audit_retention_days=1)


def test_purge_works_in_batches(tmp_store, monkeypatch):
    import legdx.store.repo as repo

    monkeypatch.setattr(repo, "PURGE_BATCH", 3)
    with tmp_store.session() as s:
        for _ in range(7):
            _save(s)
        done = purge_expired(s, records_before=utcnow() + timedelta(seconds=1), audit_before=utcnow() - timedelta(1))
        assert done.records == 7 and count_assessments(s) == 0


def test_audit_events_name_who_and_which_record_only(tmp_store):
    with tmp_store.session() as s:
        rec = _save(s)
        record_audit(s, action="read", actor="address:127.0.0.1", record_id=rec.id, route="/results/{record_id}")
        with pytest.raises(ValueError, match="action must be one of"):
            record_audit(s, action="peek", actor="x")
        (event,) = s.scalars(select(AuditEvent))
    assert (event.action, event.record_id, event.actor, event.route) == (
        "read", rec.id, "address:127.0.0.1", "/results/{record_id}",
    )  # fmt: skip
    assert event.at.tzinfo is not None


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "é" * 5, "../x", "A" * 65, ""])
def test_ids_that_cannot_be_ids_are_not_found_on_any_database(tmp_store, bad):
    with tmp_store.session() as s:  # PostgreSQL refuses NUL in text: this must not reach it
        assert get_assessment(s, bad) is None
