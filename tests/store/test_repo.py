"""Storage behaviour, run on SQLite and on PostgreSQL (see conftest.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from legdx import assess, parse_case
from legdx.errors import StoreError
from legdx.report.json import assessment_dict
from legdx.store import open_store
from legdx.store.repo import (
    API_KEY_PREFIX,
    count_assessments,
    create_api_key,
    find_api_key,
    get_assessment,
    hash_api_key,
    list_api_keys,
    list_assessments,
    revoke_api_key,
    save_assessment,
)
from legdx.store.tables import ApiKeyRecord


def _result(ckb, **case):
    a = assess(parse_case(case), ckb)
    return assessment_dict(a)


def test_saved_assessment_round_trips_case_result_version_and_utc_time(tmp_store, ckb):
    result = _result(ckb, age=67, sex="male", findings={"pain_on_walking": True, "abi": 0.62})
    before = datetime.now(UTC)
    with tmp_store.session() as s:
        rec = save_assessment(s, case=result["case"], result=result, kb_version=ckb.version, channel="api")
    with tmp_store.session() as s:
        got = get_assessment(s, rec.id)
    assert got is not None
    assert got.case == {"age": 67, "sex": "male", "findings": {"pain_on_walking": True, "abi": 0.62}, "text": None}
    assert got.result == json.loads(json.dumps(result))
    assert got.kb_version == ckb.version
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=5) <= got.created_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert got.triage_level == result["triage"]["level"]
    assert got.top_condition == result["conditions"][0]["id"]


def test_ids_are_unguessable_and_unique(tmp_store, ckb):
    result = _result(ckb, findings={"smoker": True})
    ids = set()
    with tmp_store.session() as s:
        for _ in range(20):
            ids.add(save_assessment(s, case=result["case"], result=result, kb_version="1.0.0").id)
    assert len(ids) == 20
    for i in ids:
        assert len(i) >= 32 and i.replace("-", "").replace("_", "").isalnum()


def test_unknown_id_reads_as_none(tmp_store):
    with tmp_store.session() as s:
        assert get_assessment(s, "nope") is None
        assert get_assessment(s, "x" * 500) is None
        assert get_assessment(s, "") is None


def test_listing_is_newest_first_with_paging(tmp_store, ckb):
    result = _result(ckb, findings={"smoker": True})
    with tmp_store.session() as s:
        made = [save_assessment(s, case=result["case"], result=result, kb_version="1.0.0").id for _ in range(5)]
        assert count_assessments(s) == 5
        first = list_assessments(s, limit=3)
        rest = list_assessments(s, limit=3, offset=3)
    assert len(first) == 3 and len(rest) == 2
    got = [r.id for r in first + rest]
    assert sorted(got) == sorted(made)
    times = [r.created_at for r in first + rest]
    assert times == sorted(times, reverse=True)


def test_a_committed_assessment_is_visible_to_a_new_connection(db_url, ckb):
    """Durability: once save_assessment returns, another engine (another process, after a crash) sees it."""
    result = _result(ckb, findings={"smoker": True})
    writer = open_store(db_url)
    with writer.session() as s:
        rid = save_assessment(s, case=result["case"], result=result, kb_version="1.0.0").id
    writer.engine.dispose()  # no clean shutdown beyond dropping connections
    reader = open_store(db_url)
    try:
        with reader.session() as s:
            assert get_assessment(s, rid) is not None
    finally:
        reader.dispose()


def test_failed_write_stores_nothing_and_raises_store_error(tmp_store, ckb):
    result = _result(ckb, findings={"smoker": True})
    with tmp_store.session() as s:
        rec = save_assessment(s, case=result["case"], result=result, kb_version="1.0.0")
    with tmp_store.session() as s:
        # same primary key again: the database refuses, nothing half-written remains
        from legdx.store.tables import AssessmentRecord

        s.add(
            AssessmentRecord(
                id=rec.id,
                created_at=rec.created_at,
                kb_version="x",
                channel="api",
                triage_level="soon",
                top_condition=None,
                case={},
                result={},
            )
        )
        with pytest.raises(IntegrityError):
            s.commit()
        s.rollback()
    with tmp_store.session() as s:
        assert count_assessments(s) == 1
    with tmp_store.session() as s, pytest.raises(ValueError, match="channel"):
        save_assessment(s, case={}, result={}, kb_version="1.0.0", channel="carrier-pigeon")


def test_api_keys_are_stored_hashed_and_can_be_revoked(tmp_store):
    with tmp_store.session() as s:
        rec, key = create_api_key(s, name="reporting")
    assert key.startswith(API_KEY_PREFIX) and len(key) > 40
    with tmp_store.session() as s:
        stored = s.get(ApiKeyRecord, rec.id)
        assert stored.key_hash == hash_api_key(key) and key not in stored.key_hash
        # the key itself is nowhere in the table
        dump = " ".join(str(v) for row in s.execute(text("SELECT * FROM api_keys")).all() for v in row)
        assert key not in dump and key[len(API_KEY_PREFIX) + 6 :] not in dump
        assert find_api_key(s, key) is not None
        assert find_api_key(s, key + "x") is None
        assert find_api_key(s, "not-a-key") is None
    with tmp_store.session() as s:
        assert s.get(ApiKeyRecord, rec.id).last_used_at is not None
        assert revoke_api_key(s, key_id=rec.id) is True
        assert revoke_api_key(s, key_id=rec.id) is False
        assert find_api_key(s, key) is None
        assert [k.name for k in list_api_keys(s)] == ["reporting"]
    with tmp_store.session() as s, pytest.raises(ValueError):
        create_api_key(s, name="  ")


def test_unsupported_or_broken_urls_are_store_errors():
    with pytest.raises(StoreError, match="unsupported database"):
        open_store("mysql://u@h/db")
    with pytest.raises(StoreError, match="cannot parse"):
        open_store("::not a url::")
