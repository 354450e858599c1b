"""Engines, migrations and sessions.

``open_store(url)`` is the one entry point: it makes the engine (SQLite pragmas on every new
connection), brings the schema to the newest Alembic revision, and returns a :class:`Store`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from legdx.errors import StoreError

__all__ = ["Store", "make_engine", "migrate", "open_store", "schema_revision"]

log = logging.getLogger(__name__)
HEAD = "0003"  # the newest revision in migrations/versions (a test checks they agree)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")  # with WAL: a committed assessment survives a power cut
        cur.execute("PRAGMA secure_delete=ON")  # a purged record is overwritten, not left in free pages
    finally:
        cur.close()


def _create_private(path: Path) -> None:
    """Create the SQLite file (and any missing folder) readable by its owner only.

    SQLite gives its -wal and -shm files the mode of the database file, so 0600 here covers them.
    A file or folder that already exists is tightened only when it is ours and is the database
    itself or a folder legdx created; a shared parent such as /tmp is never touched.
    """
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            log.warning("database file was readable by other users; made it owner-only (0600)")
            p.chmod(0o600)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and durable commits, and its folder is created.

    Raises:
        StoreError: the URL cannot be parsed or names an unsupported database.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError and friends
        raise StoreError(f"database_url: cannot parse {url!r} ({exc})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
        else:
            _create_private(Path(database).expanduser())
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    raise StoreError(f"database_url: unsupported database {backend!r} (expected sqlite or postgresql)")


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("legdx.store") / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (Alembic). Safe to call on every start."""
    from alembic import command

    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
    except SQLAlchemyError as exc:
        raise StoreError(f"database: migration failed ({exc.__class__.__name__}: {exc})") from exc


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class Store:
    """An engine plus its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]
    # SQLite has one writer at a time, and a writer that finds the lock taken polls for it with
    # growing sleeps (up to 100 ms), which made the slowest writes under load take seconds.
    # Writers of this process queue on this lock instead; PostgreSQL does not need it.
    write_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session; roll back on error, always close. Callers commit explicitly.

        Args:
            write: the session will write; on SQLite it then waits for this process's other writers.
        """
        locked = write and self.dialect == "sqlite"
        if locked:
            self.write_lock.acquire()
        session = self.sessions()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            if locked:
                self.write_lock.release()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, run_migrations: bool = True) -> Store:
    """Open the database at ``url`` and migrate it to the newest schema."""
    engine = make_engine(url)
    if run_migrations:
        migrate(engine)
    return Store(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
