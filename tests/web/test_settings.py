"""Settings refuse unsafe production defaults; the app factory honours them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from legdx.web.settings import Settings


def test_local_defaults_use_sqlite_in_the_data_dir(tmp_path):
    s = Settings(data_dir=tmp_path, _env_file=None)
    assert s.environment == "local"
    assert s.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'legdx.db'}"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({}, "LEGDX_DATABASE_URL must be set explicitly"),
        ({"database_url": "sqlite:////srv/legdx.db", "debug": True}, "LEGDX_DEBUG must be false"),
        ({"database_url": "postgresql+psycopg://legdx:changethis@db/legdx"}, "weak database password"),
        ({"database_url": "sqlite:////srv/legdx.db", "allowed_hosts": ["*"]}, "not '*'"),
    ],
)
def test_production_refuses_unsafe_defaults(overrides, problem):
    with pytest.raises(ValidationError, match="unsafe production settings") as exc:
        Settings(
            **{"environment": "production", "allowed_hosts": ["legdx.example.org"], "_env_file": None, **overrides}
        )
    assert problem in str(exc.value)


def test_production_with_explicit_safe_settings_is_accepted():
    s = Settings(
        environment="production",
        database_url="postgresql+psycopg://legdx:Zk3-long-random@db/legdx",
        allowed_hosts=["legdx.example.org"],
        _env_file=None,
    )
    assert s.resolved_database_url.startswith("postgresql")


def test_settings_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGDX_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("LEGDX_MAX_BODY_BYTES", "5000")
    s = Settings(_env_file=None)
    assert s.database_url.endswith("x.db") and s.max_body_bytes == 5000


def test_serve_refuses_to_start_with_unsafe_production_settings(cli_env):
    out = cli_env({"LEGDX_ENVIRONMENT": "production"}, "serve", "--port", "1")
    assert out.returncode == 2
    assert out.stderr.startswith("legdx: error: unsafe production settings")
    assert "Traceback" not in out.stderr


def test_testclient_factory_and_lifespan(tmp_path):
    """create_app(settings) is a plain factory (also usable with TestClient)."""
    from fastapi.testclient import TestClient

    from legdx.web.app import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/t.db", warm_intake=False, _env_file=None))
    with TestClient(app) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        r = client.post("/api/v1/assessments", json={"findings": {"abi": 4.2}})
        assert r.status_code == 422 and r.json()["detail"] == "findings.abi: 4.2 is outside 0-2.5 ratio"


@pytest.fixture
def cli_env(tmp_path):
    import os
    import subprocess
    import sys

    def run(env, *args):
        full = {**os.environ, "LEGDX_DATA_DIR": str(tmp_path), "PYTHONWARNINGS": "ignore", **env}
        full.pop("LEGDX_DATABASE_URL", None)
        return subprocess.run(
            [sys.executable, "-m", "legdx", *args], capture_output=True, text=True, env=full, timeout=60
        )

    return run
