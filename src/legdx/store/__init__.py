"""Storage for assessments and API keys: SQLAlchemy 2 models, Alembic migrations, keyword-only repo.

SQLite (a file, WAL mode, foreign keys on, ``synchronous=FULL`` so a commit survives a power cut)
is the default; PostgreSQL is used when the URL says so (``postgresql+psycopg://...``). Migrations
ship inside the package (``legdx/store/migrations``) and run on first use, see :func:`open_store`.
"""

from __future__ import annotations

from legdx.store.db import Store, make_engine, migrate, open_store
from legdx.store.tables import ApiKeyRecord, AssessmentRecord, ConditionDoc

__all__ = ["ApiKeyRecord", "AssessmentRecord", "ConditionDoc", "Store", "make_engine", "migrate", "open_store"]
