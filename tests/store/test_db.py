"""Migrations and connection settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect, text

from legdx.store import make_engine, migrate, open_store
from legdx.store.db import HEAD, schema_revision


def test_migrations_create_the_schema_and_are_idempotent(db_url):
    engine = make_engine(db_url)
    try:
        assert schema_revision(engine) is None
        migrate(engine)
        migrate(engine)  # running again at the next start is harmless
        assert schema_revision(engine) == HEAD
        tables = set(inspect(engine).get_table_names())
        assert {
            "assessments",
            "api_keys",
            "condition_docs",
            "audit_events",
            "idempotency_keys",
            "alembic_version",
        } <= tables
        cols = {c["name"] for c in inspect(engine).get_columns("assessments")}
        assert {"id", "created_at", "kb_version", "case", "result", "channel", "triage_level"} <= cols
    finally:
        engine.dispose()


def test_downgrade_to_base_then_upgrade_again(db_url):
    engine = make_engine(db_url)
    try:
        migrate(engine)
        migrate_down(engine)
        assert "assessments" not in inspect(engine).get_table_names()
        migrate(engine)
        assert "assessments" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def migrate_down(engine):
    from alembic import command

    from legdx.store.db import _alembic_config

    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_full_sync(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'legdx.db'}")
    try:
        assert (tmp_path / "nested" / "dir" / "legdx.db").exists()
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
    finally:
        store.dispose()


def test_in_memory_sqlite_works(tmp_path):
    store = open_store("sqlite://")
    try:
        assert schema_revision(store.engine) == HEAD
    finally:
        store.dispose()
