"""SIGKILL the server while clients post, on SQLite and on PostgreSQL.

Two kinds of client run at once against a server that is killed (SIGKILL, no clean shutdown)
three times and started again on the same port:

- plain clients post each case once, without a key, and keep the ids of the 201s;
- retrying clients send every case with its own ``Idempotency-Key`` and retry it, through the
  kills, until it is acknowledged.

Afterwards every acknowledged id must be in the database, and the retrying clients' cases must be
stored exactly once each (a retry of a request whose commit made it to disk before the kill must
return that record, not store a second one).
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import httpx
import pytest
from tests.serving import spawn_server
from tests.store.conftest import fresh_postgres_database, postgres_admin_url
from tests.web.conftest import REPO, _free_port

KILLS = 3
LOAD_SECONDS = 1.0


def _case(i: int, *, keyed: bool) -> dict:
    # sex tells the two kinds of client apart in the database; age varies the cases
    return {
        "age": 20 + i % 80,
        "sex": "female" if keyed else "male",
        "findings": {"calf_pain": True, "smoker": i % 2 == 0},
    }


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sigkill_loses_no_acknowledged_record_and_retries_make_no_duplicate(backend, tmp_path):
    drop = None
    if backend == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'legdx.db'}"
    else:
        db_url, drop = fresh_postgres_database(postgres_admin_url())
    port = _free_port()
    env = {
        **os.environ,
        "LEGDX_DATABASE_URL": db_url,
        "LEGDX_ENVIRONMENT": "test",
        "LEGDX_RATE_LIMIT": "off",
        "LEGDX_WARM_INTAKE": "false",
        "PYTHONWARNINGS": "ignore",
    }
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    lock = threading.Lock()
    plain_acked: list[str] = []
    keyed_acked: dict[str, str] = {}
    failures = [0]

    def post(c: httpx.Client, case: dict, headers: dict[str, str]) -> httpx.Response | None:
        """One attempt; None when the kill cut it (counted, so the test knows it tested something)."""
        try:
            return c.post("/api/v1/assessments", json=case, headers=headers)
        except httpx.HTTPError:
            with lock:
                failures[0] += 1
            time.sleep(0.05)
            return None

    def plain(n: int) -> None:
        with httpx.Client(base_url=base, timeout=5) as c:
            i = 0
            while not stop.is_set():
                i += 1
                r = post(c, _case(n * 10_000 + i, keyed=False), {})
                if r is not None and r.status_code == 201:
                    with lock:
                        plain_acked.append(r.json()["id"])

    def retrying(n: int) -> None:
        with httpx.Client(base_url=base, timeout=5) as c:
            i = 0
            while not stop.is_set():
                i += 1
                key, case = str(uuid.uuid4()), _case(n * 10_000 + i, keyed=True)
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:  # through the kills, until acknowledged
                    r = post(c, case, {"Idempotency-Key": key})
                    if r is None:
                        continue
                    if r.status_code == 201:
                        with lock:
                            keyed_acked[key] = r.json()["id"]
                        break
                    assert r.status_code == 503, r.text  # the database was not ready yet
                    time.sleep(0.05)

    proc = spawn_server(port=port, env=env, log=tmp_path / "server-0.log", cwd=REPO)
    threads = [threading.Thread(target=f, args=(n,)) for n, f in enumerate([plain, plain, retrying, retrying])]
    for t in threads:
        t.start()
    try:
        for k in range(1, KILLS + 1):
            time.sleep(LOAD_SECONDS)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            proc = spawn_server(port=port, env=env, log=tmp_path / f"server-{k}.log", cwd=REPO)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=180)
        proc.terminate()
        proc.wait(timeout=15)

    from legdx.store import open_store
    from legdx.store.repo import list_assessments

    store = open_store(db_url)
    try:
        with store.session() as s:
            rows = list_assessments(s, limit=1_000_000)
            stored = {r.id: r.case.get("sex") for r in rows}
    finally:
        store.dispose()
        if drop is not None:
            drop()
    assert failures[0] > 0, "no request was cut by a kill: the test did not test anything"
    assert len(plain_acked) > 20 and len(keyed_acked) > 20
    missing = [i for i in [*plain_acked, *keyed_acked.values()] if i not in stored]
    assert not missing, f"{len(missing)} acknowledged records lost"
    keyed_stored = sorted(i for i, sex in stored.items() if sex == "female")
    assert keyed_stored == sorted(keyed_acked.values()), "a retry stored a duplicate (or a record nobody acknowledged)"
    assert len(set(keyed_acked.values())) == len(keyed_acked)
