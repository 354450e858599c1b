"""The web app serves the knowledge base it is given (tests can hand it a small one)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from legdx.kb import load_kb
from legdx.kb.compile import compile_kb
from legdx.web.app import create_app
from legdx.web.settings import Settings


def test_app_serves_the_knowledge_base_it_is_given(tmp_path, repo):
    toy = compile_kb(load_kb(repo / "tests/data/toy_kb"))
    settings = Settings(
        environment="test", data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/t.db", warm_intake=False
    )
    with TestClient(create_app(settings, toy)) as client:
        ids = {c["id"] for c in client.get("/api/v1/conditions").json()}
        assert ids == set(toy.condition_ids)
        r = client.post("/api/v1/assessments", json={"findings": {"f1": True}})
        assert r.status_code == 201, r.text
        assert r.json()["kb_version"] == toy.version
        assert client.get("/healthz").json()["kb_version"] == toy.version
