"""Web fixtures: a real uvicorn server on a free loopback port, httpx against it, and Chromium.

The server runs ``legdx.web.app:create_app`` in a subprocess (``uvicorn --factory``) on a fresh
SQLite database; ``live_server_pg`` runs a second one on the throwaway PostgreSQL server when
``LEGDX_TEST_POSTGRES_URL`` is set (required under CI).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.serving import ServerStartError, spawn_server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
PG_ENV = "LEGDX_TEST_POSTGRES_URL"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@dataclass
class LiveServer:
    base_url: str
    db_url: str
    env: dict[str, str]
    log: Path

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the real `legdx` command against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "legdx", *args], capture_output=True, text=True, env=self.env, timeout=120, cwd=REPO
        )

    def count(self) -> int:
        from legdx.store import open_store
        from legdx.store.repo import count_assessments

        store = open_store(self.db_url)
        try:
            with store.session() as s:
                return count_assessments(s)
        finally:
            store.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db_url: str, tmp: Path, name: str, extra_env: dict[str, str] | None = None):
    """A uvicorn child on a free port; returns (process, LiveServer). ``extra_env`` overrides settings."""
    port = _free_port()
    env = {
        **os.environ,
        "LEGDX_DATABASE_URL": db_url,
        "LEGDX_ENVIRONMENT": "test",
        "LEGDX_DATA_DIR": str(tmp),
        "LEGDX_RATE_LIMIT": "off",  # the suite posts hundreds of cases; tests/web/test_hardening.py tests the limit
        "PYTHONWARNINGS": "ignore",
        **(extra_env or {}),
    }
    log = tmp / f"{name}.log"
    try:
        proc = spawn_server(port=port, env=env, log=log, cwd=REPO)
    except ServerStartError as exc:
        pytest.fail(str(exc))
    return proc, LiveServer(base_url=f"http://127.0.0.1:{port}", db_url=db_url, env=env, log=log)


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    proc, server = start_server(f"sqlite:///{tmp / 'legdx.db'}", tmp, "uvicorn-sqlite")
    try:
        yield server
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def live_server_pg(tmp_path_factory):
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set under CI: the PostgreSQL tests must run")
        pytest.skip(f"{PG_ENV} is not set (scripts/test.sh starts a throwaway PostgreSQL)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "legdx_web_" + secrets.token_hex(4)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    tmp = tmp_path_factory.mktemp("live-pg")
    proc, server = start_server(db_url, tmp, "uvicorn-pg")
    try:
        yield server
    finally:
        stop_server(proc)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_server(request):
    """The live server on SQLite, then on PostgreSQL."""
    return request.getfixturevalue("live_server" if request.param == "sqlite" else "live_server_pg")


@pytest.fixture
def http(live_server):
    with httpx.Client(base_url=live_server.base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def api_key(live_server):
    out = live_server.cli("apikey", "create", "--name", "tests")
    assert out.returncode == 0, out.stderr
    key = out.stdout.strip()
    assert key.startswith("legdx_")
    return key


# ---------------------------------------------------------------- browser (pytest-playwright + Debian chromium)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing under CI: the browser tests must run (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.base_url


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
