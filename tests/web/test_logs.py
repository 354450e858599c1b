"""What `legdx serve` writes to its log, how it treats slow and vanishing clients, and its files.

The server here is the real command (`legdx serve`, INFO logging, its own access log), not the
bare uvicorn the other web tests use, because what is under test is exactly what an operator runs.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time

import httpx
import pytest
from tests.web.conftest import REPO, _free_port

PHRASE = "quokka-zanzibar-7731"  # distinctive: found in the log only if something leaked it


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    data = tmp / "private" / "data"
    port = _free_port()
    env = {
        **os.environ,
        "LEGDX_DATA_DIR": str(data),
        "LEGDX_ENVIRONMENT": "test",
        "LEGDX_RATE_LIMIT": "off",
        "LEGDX_HEADER_TIMEOUT": "1",
        "LEGDX_BODY_TIMEOUT": "1",
        "LEGDX_WARM_INTAKE": "false",
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("LEGDX_DATABASE_URL", None)
    log = tmp / "serve.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "legdx", "serve", "--port", str(port)], stdout=fh, stderr=subprocess.STDOUT,
            env=env, cwd=REPO,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("legdx serve did not start:\n" + log.read_text()[-2000:])
    state = {"base": base, "log": log, "data": data, "proc": proc}
    try:
        yield state
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=15)


def _stop(served) -> str:
    proc = served["proc"]
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=15)
    return served["log"].read_text()


def test_no_banner_and_owner_only_files(served):
    r = httpx.get(served["base"] + "/healthz")
    assert "server" not in r.headers  # no "uvicorn" banner
    data = served["data"]
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE(data.parent.stat().st_mode) == 0o700  # created by legdx, so owner-only too
    for f in data.glob("legdx.db*"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_slow_headers_are_cut_off(served):
    port = int(served["base"].rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        t0 = time.monotonic()
        assert s.recv(100) == b""  # closed by the server
        assert time.monotonic() - t0 < 5


def test_slow_body_gets_408_and_a_vanished_client_is_quiet(served):
    port = int(served["base"].rsplit(":", 1)[1])
    head = (
        b"POST /api/v1/assessments HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        b"content-length: 100\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head + b'{"age": ')
        answer = s.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"no-store" in answer.lower()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head + b'{"text": "' + PHRASE.encode())  # and hang up mid-body
    time.sleep(0.3)


def test_logs_hold_no_record_ids_and_nothing_typed(served, tmp_path):
    base = served["base"]
    with httpx.Client(base_url=base, timeout=60) as c:
        r = c.post(
            "/api/v1/assessments",
            json={"age": 70, "findings": {"calf_pain": True}, "text": f"My calves ache, {PHRASE}, when I walk."},
        )
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        for path in (f"/api/v1/assessments/{rid}", f"/results/{rid}", f"/reports/{rid}", f"/clinician?from={rid}"):
            assert c.get(path).status_code == 200
        # bad input carrying the phrase, on every door
        bad = [
            c.post("/api/v1/assessments", json={"findings": {PHRASE: True}}),
            c.post("/api/v1/assessments", json={"text": PHRASE + "\x00"}),
            c.post("/api/v1/assessments", json={"age": PHRASE}),
            c.post("/api/v1/assessments", content=f'{{"findings": {{"{PHRASE}\\ud800": true}}}}',
                   headers={"content-type": "application/json"}),
            c.post("/api/v1/interview/next", json={"answer": {"question": PHRASE, "response": True}}),
            c.post("/clinician", data={"age": PHRASE, f"findings.{PHRASE}": "present"}),
            c.post("/interview/step", data={"state": PHRASE}),
            c.post("/interview/confirm", data={"text": "t", "age": "²" + PHRASE}),
            c.get(f"/results/{PHRASE}"),
            c.get(f"/api/v1/assessments/{PHRASE}?q={PHRASE}"),
        ]  # fmt: skip
        assert all(400 <= b.status_code < 500 for b in bad), [b.status_code for b in bad]
    text = _stop(served)
    (tmp_path / "serve.log").write_text(text)  # kept beside the test's files for a person to read
    assert rid not in text
    assert PHRASE not in text
    assert "Traceback" not in text and "Exception in ASGI application" not in text
    assert "legdx.access: GET /results/{record_id} 200" in text
    assert "legdx.access: GET /api/v1/assessments/{assessment_id} 200" in text
    assert "legdx.access: POST /api/v1/assessments 408" in text
    assert "legdx.access: POST /api/v1/assessments 499" in text  # the client that hung up: one line
    assert len(text.splitlines()) < 80


def _record(store, *, days_old: int):
    """A stored assessment made to look ``days_old`` days old."""
    from datetime import timedelta

    from sqlalchemy import update

    from legdx.store.repo import save_assessment
    from legdx.store.tables import AssessmentRecord, utcnow

    with store.session() as s:
        rec = save_assessment(s, case={"age": 1}, result={"triage": {"level": "routine"}}, kb_version="x")
        s.execute(
            update(AssessmentRecord)
            .where(AssessmentRecord.id == rec.id)
            .values(created_at=utcnow() - timedelta(days=days_old))
        )
        s.commit()
    return rec


def test_purge_by_hand_deletes_old_records_and_audits_it(tmp_path):
    from sqlalchemy import select

    from legdx.store import open_store
    from legdx.store.repo import count_assessments
    from legdx.store.tables import AssessmentRecord, AuditEvent

    url = f"sqlite:///{tmp_path / 'legdx.db'}"
    store = open_store(url)
    old, new = _record(store, days_old=40), _record(store, days_old=0)
    env = {**os.environ, "LEGDX_DATABASE_URL": url, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        [sys.executable, "-m", "legdx", "purge", "--days", "30"], capture_output=True, text=True, env=env, cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip() == "deleted 1 assessments and 0 audit events"
    with store.session() as s:
        assert count_assessments(s) == 1 and s.get(AssessmentRecord, new.id) is not None
        events = list(s.scalars(select(AuditEvent)))
    store.dispose()
    assert [(e.action, e.record_id, e.actor) for e in events] == [("delete", old.id, "cli")]
    bad = subprocess.run(
        [sys.executable, "-m", "legdx", "purge", "--days", "0"], capture_output=True, text=True, env=env, cwd=REPO
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_the_app_purges_at_start(tmp_path):
    from fastapi.testclient import TestClient

    from legdx.store import open_store
    from legdx.store.repo import count_assessments
    from legdx.web.app import create_app
    from legdx.web.settings import Settings

    url = f"sqlite:///{tmp_path / 'legdx.db'}"
    store = open_store(url)
    _record(store, days_old=8)
    settings = Settings(database_url=url, warm_intake=False, retention_days=7, _env_file=None)
    with TestClient(create_app(settings)):
        pass
    with store.session() as s:
        assert count_assessments(s) == 0
    store.dispose()


def test_serve_refuses_a_bad_rate_limit(tmp_path):
    env = {**os.environ, "LEGDX_DATA_DIR": str(tmp_path), "LEGDX_RATE_LIMIT": "often", "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        [sys.executable, "-m", "legdx", "serve", "--port", "1"], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 2
    assert out.stderr.startswith("legdx: error: LEGDX_RATE_LIMIT: expected 'off' or limits")


def test_sqlite_file_made_readable_by_others_is_tightened(tmp_path):
    from legdx.store import open_store

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    db = shared / "loose.db"
    db.touch()
    db.chmod(0o644)
    open_store(f"sqlite:///{db}").dispose()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # a folder legdx did not make is left alone
