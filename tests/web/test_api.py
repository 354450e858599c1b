"""The JSON API over real HTTP (uvicorn on loopback, httpx)."""

from __future__ import annotations

import json

import httpx
import pytest

CASE = {
    "age": 67,
    "sex": "male",
    "findings": {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True, "abi": 0.62},
}


def test_post_assessment_stores_it_and_returns_201_with_id(http, live_server, contract_keys):
    before = live_server.count()
    r = http.post("/api/v1/assessments", json=CASE)
    assert r.status_code == 201, r.text
    body = r.json()
    assert contract_keys <= set(body)
    assert body["conditions"][0]["id"] == "peripheral_artery_disease"
    assert body["conditions"][0]["icd10"] and 0 <= body["conditions"][0]["probability"] <= 1
    assert body["triage"]["level"] in ("emergency", "urgent", "soon", "routine")
    assert len(body["id"]) >= 32
    assert r.headers["location"] == f"/api/v1/assessments/{body['id']}"
    assert live_server.count() == before + 1
    again = http.get(f"/api/v1/assessments/{body['id']}")
    assert again.status_code == 200
    assert again.json() == body


def test_compression_is_withheld_for_low_abi_over_http(http):
    body = http.post("/api/v1/assessments", json={**CASE, "findings": {**CASE["findings"], "abi": 0.4}}).json()
    assert "compression" not in {t for a in body["advice"] for t in a["tags"]}
    assert "compression" in {t for w in body["withheld_advice"] for t in w["tags"]}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"findings": {"abi": 4.2}}, "findings.abi: 4.2 is outside 0-2.5 ratio"),
        ({"findings": {"abi": True}}, "findings.abi: expected a number in ratio, got true"),
        ({"findings": {"no_such_finding": True}}, "findings.no_such_finding: unknown finding id"),
        ({"findings": {"smoker": "yes"}}, "findings.smoker: expected true, false or a number, got 'yes'"),
        ({"age": 300}, "age: 300 is outside 0-120"),
        ({"age": "old"}, "age: expected a whole number of years, got 'old'"),
        ({"sex": "x"}, "sex: expected 'female' or 'male', got 'x'"),
        ({"colour": "blue"}, "colour: is not a case field"),
        ({"sex": "male", "findings": {"pregnant": True}}, "findings.pregnant: true contradicts sex 'male'"),
        ([1, 2], "case: expected a JSON object, got a list"),
    ],
)
def test_bad_case_is_422_naming_field_and_problem_and_stores_nothing(http, live_server, body, detail):
    before = live_server.count()
    r = http.post("/api/v1/assessments", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(detail)
    assert r.json()["field"] == detail.split(":")[0]
    assert live_server.count() == before


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"{not json", "case: not valid JSON"),
        (b"", "case: is empty; expected a JSON object"),
        (b"\xff\xfe", "case: is not UTF-8 text"),
        (b'{"findings": {"abi": NaN}}', "findings.abi: expected a finite number, got nan"),
        (b"[" * 100_000 + b"]" * 100_000, "case: "),
    ],
)
def test_malformed_json_is_422_and_stores_nothing(http, live_server, raw, detail):
    before = live_server.count()
    r = http.post("/api/v1/assessments", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (413, 422), r.text
    assert r.json()["detail"].startswith(detail) or r.status_code == 413
    assert live_server.count() == before


def test_oversized_body_is_413_and_stores_nothing(http, live_server):
    before = live_server.count()
    big = json.dumps({"text": "x" * 400_000})
    r = http.post("/api/v1/assessments", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "larger than" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit still holds while streaming
        for _ in range(40):
            yield b" " * 10_000

    r = http.post("/api/v1/assessments", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert live_server.count() == before


def test_unknown_id_is_404(http):
    r = http.get("/api/v1/assessments/does-not-exist")
    assert r.status_code == 404
    assert r.json()["detail"] == "id: no assessment with this id"
    assert http.get("/api/v1/assessments/" + "A" * 300).status_code == 404


def test_listing_needs_a_valid_api_key(http, live_server, api_key):
    assert http.get("/api/v1/assessments").status_code == 401
    r = http.get("/api/v1/assessments", headers={"X-API-Key": "legdx_wrong"})
    assert r.status_code == 401 and "not a valid API key" in r.json()["detail"]
    created = http.post("/api/v1/assessments", json=CASE).json()["id"]
    r = http.get("/api/v1/assessments", headers={"X-API-Key": api_key}, params={"limit": 5})
    assert r.status_code == 200
    listing = r.json()
    assert listing["limit"] == 5 and listing["total"] == live_server.count()
    assert listing["items"][0]["id"] == created
    assert listing["items"][0]["channel"] == "api"
    bad = http.get("/api/v1/assessments", headers={"X-API-Key": api_key}, params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("limit:")
    too_many = http.get("/api/v1/assessments", headers={"X-API-Key": api_key}, params={"limit": 500})
    assert too_many.status_code == 422 and "maximum" in too_many.json()["detail"]


def test_revoked_key_stops_working(http, live_server):
    out = live_server.cli("apikey", "create", "--name", "short-lived")
    key = out.stdout.strip()
    assert http.get("/api/v1/assessments", headers={"X-API-Key": key}).status_code == 200
    listed = live_server.cli("apikey", "list").stdout
    key_id = next(line.split("\t")[0] for line in listed.splitlines() if "short-lived" in line)
    assert live_server.cli("apikey", "revoke", key_id).returncode == 0
    assert http.get("/api/v1/assessments", headers={"X-API-Key": key}).status_code == 401
    again = live_server.cli("apikey", "revoke", key_id)
    assert again.returncode == 2 and again.stderr.startswith("legdx: error: key_id:")


def test_interview_endpoint_walks_to_a_final_assessment_without_storing(http, live_server):
    before = live_server.count()
    r = http.post("/api/v1/interview/next", json={})
    assert r.status_code == 200
    out = r.json()
    assert out["done"] is False and out["question"]["kind"] == "demographics"
    truth = {"pain_on_walking": True, "relieved_by_rest": True, "calf_pain": True, "smoker": True}
    steps = 0
    while not out["done"]:
        q = out["question"]
        if q["kind"] == "demographics":
            response = {"age": 70, "sex": "male"}
        elif q["kind"] == "screen":
            response = {"none": True}
        elif q["kind"] == "items":
            response = {i["finding"]: truth.get(i["finding"], False) for i in q["items"]}
        elif q["kind"] == "numbers":
            response = {i["finding"]: None for i in q["items"]}
        elif q["kind"] == "yes_no":
            response = truth.get(q["finding"], False)
        else:
            response = None
        r = http.post(
            "/api/v1/interview/next",
            json={"state": out["state"], "answer": {"question": q["id"], "response": response}},
        )
        assert r.status_code == 200, r.text
        out = r.json()
        steps += 1
        assert steps < 30
    assert out["assessment"]["conditions"][0]["id"] == "peripheral_artery_disease"
    assert out["stop_reason"]
    assert live_server.count() == before


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"state": {"answers": {"abi": 9}}, "answer": None}, "findings.abi: 9 is outside 0-2.5 ratio"),
        ({"state": {"answers": {"nope": True}}}, "findings.nope: unknown finding id"),
        (
            {"state": {"asked": ["demographics"]}, "answer": {"question": "zzz", "response": True}},
            "question: unknown question id",
        ),
        ({"answer": {"question": "demographics", "response": {"age": 500}}}, "age: 500 is outside 0-120"),
        ({"state": {"age": "x"}}, "state.age:"),
        ({"state": {"asked": ["made_up"]}}, "state.asked[0]: unknown question id 'made_up'"),
        ({"state": {"asked": ["demographics", "demographics"]}}, "state.asked: lists a question more than once"),
        ({"extra": 1}, "extra: is not an allowed field"),
    ],
)
def test_interview_endpoint_rejects_bad_state_with_422(http, body, detail):
    r = http.post("/api/v1/interview/next", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(detail), r.json()


def test_knowledge_endpoints(http, kb):
    conds = http.get("/api/v1/conditions").json()
    assert len(conds) == len(kb.conditions)
    assert all(c["icd10"] for c in conds)
    one = http.get("/api/v1/conditions/peripheral_artery_disease").json()
    assert one["id"] == "peripheral_artery_disease" and one["prior"]["source"]
    assert http.get("/api/v1/conditions/nope").status_code == 404
    findings = http.get("/api/v1/findings").json()
    ids = {f["id"] for f in findings}
    assert {"abi", "pain_on_walking", "urge_to_move"} <= ids
    abi = next(f for f in findings if f["id"] == "abi")
    assert abi["unit"] == "ratio" and abi["min"] == 0 and abi["max"] == 2.5
    searched = http.get("/api/v1/conditions", params={"q": "restless"}).json()
    assert searched[0]["id"] == "restless_legs_syndrome"


def test_openapi_describes_the_case_precisely(http):
    spec = http.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {
        "/api/v1/assessments",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/interview/next",
        "/api/v1/conditions",
        "/api/v1/conditions/{condition_id}",
        "/api/v1/findings",
    } <= set(paths)
    case = spec["components"]["schemas"]["CaseIn"]
    findings = case["properties"]["findings"]
    assert findings["additionalProperties"] is False
    assert findings["properties"]["abi"] == {
        "type": "number",
        "minimum": 0.0,
        "maximum": 2.5,
        "description": findings["properties"]["abi"]["description"],
    }
    assert "422" in paths["/api/v1/assessments"]["post"]["responses"]


def test_security_headers_and_trusted_hosts(http, live_server):
    r = http.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    bad = httpx.get(live_server.base_url + "/", headers={"host": "evil.example"})
    assert bad.status_code == 400


def test_round_trip_on_each_database(any_server):
    with httpx.Client(base_url=any_server.base_url, timeout=30) as c:
        before = any_server.count()
        r = c.post("/api/v1/assessments", json=CASE)
        assert r.status_code == 201
        assert c.get(f"/api/v1/assessments/{r.json()['id']}").json()["id"] == r.json()["id"]
        assert c.post("/api/v1/assessments", json={"findings": {"abi": 4.2}}).status_code == 422
        assert any_server.count() == before + 1
        hits = c.get("/api/v1/conditions", params={"q": "claudication"}).json()
        assert "peripheral_artery_disease" in [h["id"] for h in hits]
