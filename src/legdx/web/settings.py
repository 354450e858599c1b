"""Web settings (pydantic-settings), read from ``LEGDX_*`` environment variables or a ``.env`` file.

Modelled on the FastAPI full-stack template's ``core/config.py``: convenient defaults for a person
running legdx on their own machine, and a refusal to start in ``production`` with any of them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "UnsafeSettings", "default_data_dir"]

WEAK_PASSWORDS = {"", "changethis", "postgres", "password", "legdx", "secret"}


class UnsafeSettings(ValueError):
    """Raised when production settings keep an unsafe default."""


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "legdx"


class Settings(BaseSettings):
    """Everything the web app and the store need to start.

    Attributes:
        environment: ``local`` (default), ``test`` or ``production``. Production refuses unsafe defaults.
        data_dir: folder of the default SQLite database (``legdx.db``).
        database_url: SQLAlchemy URL; defaults to SQLite in ``data_dir``. PostgreSQL:
            ``postgresql+psycopg://user:password@host:5432/legdx``.
        allowed_hosts: Host headers accepted (TrustedHostMiddleware); ``*`` accepts any.
        max_body_bytes: larger request bodies are refused with 413.
        debug: tracebacks in responses; never in production.
        warm_intake: load the free-text reader at startup so the first description is not slow.
        rate_limit: writes and interview steps allowed per client address, and per API key for a
            request with a valid key (``limits`` notation, several joined by ``;``); ``off`` turns the
            limit off, for a trusted batch client on loopback. The default lets a person finish an
            interview comfortably (about 15 steps) and stops one address from filling the disk.
        retention_days: stored assessments older than this are deleted (at start, then daily, or by
            ``legdx purge``). Idempotency keys go with them.
        audit_retention_days: audit events (who read, created or deleted which record) are kept longer.
        header_timeout / body_timeout: seconds a client may take to send its request headers / body.
    """

    model_config = SettingsConfigDict(env_prefix="LEGDX_", env_file=".env", extra="ignore")

    environment: Literal["local", "test", "production"] = "local"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    allowed_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost", "[::1]", "testserver"])
    max_body_bytes: int = Field(default=262_144, ge=1024, le=10_000_000)
    debug: bool = False
    warm_intake: bool = True
    list_limit_max: int = Field(default=100, ge=1, le=1000)
    rate_limit: str = "60/minute;600/hour"
    retention_days: int = Field(default=90, ge=1, le=36_500)
    audit_retention_days: int = Field(default=400, ge=1, le=36_500)
    header_timeout: float = Field(default=10.0, gt=0, le=300)
    body_timeout: float = Field(default=30.0, gt=0, le=600)

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        value = value.strip()
        if value.lower() == "off":
            return "off"
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                f"LEGDX_RATE_LIMIT: expected 'off' or limits such as '60/minute;600/hour', got {value[:40]!r}"
            ) from None
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'legdx.db').expanduser().resolve()}"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment != "production":
            return self
        problems = []
        if self.debug:
            problems.append("LEGDX_DEBUG must be false in production")
        if not self.database_url:
            problems.append("LEGDX_DATABASE_URL must be set explicitly in production (no implicit SQLite file)")
        elif self.database_url.startswith("postgresql"):
            from sqlalchemy.engine import make_url

            url = make_url(self.database_url)
            if url.password is not None and url.password.lower() in WEAK_PASSWORDS:
                problems.append("LEGDX_DATABASE_URL uses a default or weak database password")
        if "*" in self.allowed_hosts:
            problems.append("LEGDX_ALLOWED_HOSTS must list the real host names in production, not '*'")
        if problems:
            raise UnsafeSettings("unsafe production settings: " + "; ".join(problems))
        return self
