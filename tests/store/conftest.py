"""Storage fixtures: every storage test runs against SQLite and against a real PostgreSQL server.

PostgreSQL comes from ``LEGDX_TEST_POSTGRES_URL`` (scripts/test.sh starts a throwaway server with
scripts/pg.sh and exports it). Without it the PostgreSQL half is skipped on a developer machine,
but fails loudly under CI, where it must run.
"""

from __future__ import annotations

import os
import secrets

import pytest

from legdx.store import open_store

PG_ENV = "LEGDX_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(
                f"{PG_ENV} is not set under CI: the PostgreSQL tests must run (scripts/test.sh starts the server)"
            )
        pytest.skip(f"{PG_ENV} is not set (scripts/test.sh starts a throwaway PostgreSQL and sets it)")
    return url


def fresh_postgres_database(admin_url: str) -> tuple[str, object]:
    """Create an empty database on the test server; returns its URL and a function that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "legdx_t_" + secrets.token_hex(6)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A URL of an empty database, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'legdx.db'}"
        return
    url, drop = fresh_postgres_database(postgres_admin_url())
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def tmp_store(db_url):
    """A migrated, empty store on each backend."""
    store = open_store(db_url)
    try:
        yield store
    finally:
        store.dispose()
