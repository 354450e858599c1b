"""Issue 13 over real HTTP: inputs that used to crash, error shapes and headers, CSRF, content
types, empty cases, Idempotency-Key, no-store, the rate limit and the audit trail."""

from __future__ import annotations

import json
import re
import uuid

import httpx
import pytest
from tests.web.conftest import start_server, stop_server

CASE = {"age": 67, "sex": "male", "findings": {"pain_on_walking": True, "relieved_by_rest": True, "abi": 0.62}}
HUGE = "1" * 5000
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


def _secure(r: httpx.Response) -> None:
    for name in SECURITY_HEADERS:
        assert name in r.headers, (r.status_code, name)
    assert r.headers["cache-control"] == "no-store"


def _json_error(r: httpx.Response, status: int, field: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["field"] == field and r.json()["detail"].startswith(f"{field}: "), r.json()
    _secure(r)


# ---------------------------------------------------------------- the four inputs that gave a 500


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        ("/api/v1/assessments", '{"age": HUGE}'.replace("HUGE", HUGE), "age"),
        ("/api/v1/assessments", '{"findings": {"abi": -HUGE}}'.replace("HUGE", HUGE), "findings.abi"),
        ("/api/v1/assessments", '{"findings": {"\\ud800": true}}', "findings.\\ud800"),
        ("/api/v1/interview/next", '{"state": {"age": HUGE}}'.replace("HUGE", HUGE), "body"),
        ("/api/v1/interview/next", '{"state": {"answers": {"\\udfff": true}}}', "findings.\\udfff"),
    ],
)
def test_json_inputs_that_crashed_are_422_naming_the_field(http, live_server, path, raw, field):
    before = live_server.count()
    r = http.post(path, content=raw, headers={"content-type": "application/json"})
    _json_error(r, 422, field)
    assert live_server.count() == before


@pytest.mark.parametrize(
    ("path", "form", "message"),
    [
        ("/clinician", {"age": "²"}, "age: expected a whole number of years, got '²'"),
        ("/clinician", {"age": HUGE}, "age: a 5000-digit number is outside 0-120 years"),
        ("/interview/confirm", {"text": "t", "age": "²"}, "Please give your age as a whole number"),
        ("/interview/confirm", {"text": "t", "age": HUGE}, "a 5000-digit number is outside 0-120 years"),
        (
            "/interview/step",
            {"state": '{"v":1,"base":{"age":HUGE},"steps":[]}'.replace("HUGE", HUGE)},
            "state: is not valid JSON",
        ),
        (
            "/interview/step",
            {"state": '{"v":1,"base":{},"steps":[["demographics",{"age":HUGE}]]}'.replace("HUGE", HUGE)},
            "state: is not valid JSON",
        ),
    ],
)
def test_form_inputs_that_crashed_are_422_pages_naming_the_field(http, live_server, path, form, message):
    before = live_server.count()
    r = http.post(path, data=form)
    assert r.status_code == 422, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert message.lower() in r.text.replace("&#39;", "'").lower()
    _secure(r)
    assert live_server.count() == before


def test_demographics_question_refuses_a_non_ascii_digit(http):
    from tests.web.test_pages import _state

    r = http.post("/interview/describe", data={"action": "skip"})
    r = http.post("/interview/step", data={"state": _state(r), "question": "demographics", "age": "4²"})
    assert r.status_code == 422 and "please give your age as a whole number" in r.text.lower()


# ---------------------------------------------------------------- error shapes and headers


def test_every_error_carries_the_security_headers(http, live_server):
    _json_error(
        http.post("/api/v1/assessments", content=b"x" * 300_000, headers={"content-type": "application/json"}),
        413,
        "body",
    )  # noqa: E501
    _json_error(
        http.post("/api/v1/assessments", content=b"{}", headers={"content-type": "text/plain"}), 415, "content-type"
    )  # noqa: E501
    bad_host = httpx.get(live_server.base_url + "/api/v1/findings", headers={"host": "evil.example"})
    assert bad_host.status_code == 400
    _secure(bad_host)


def test_an_unhandled_error_is_a_json_500_with_headers_and_a_one_line_log(tmp_path, caplog):
    """The shield catches what no handler does; its log names the exception type, never its message."""
    from fastapi.testclient import TestClient

    from legdx.web.app import create_app
    from legdx.web.settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/t.db", warm_intake=False, _env_file=None))

    def boom() -> None:
        raise ValueError("secret-typed-value-4471")

    app.add_api_route("/api/v1/boom", boom)
    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level("INFO"):
        r = client.get("/api/v1/boom")
        page = client.get("/boom")
    assert r.status_code == 500 and r.json()["detail"].startswith("internal error")
    _secure(r)
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    _secure(page)
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "unhandled ValueError on GET /api/v1/boom" in logged
    assert "secret-typed-value-4471" not in logged and "Traceback" not in caplog.text


def test_api_answers_that_hold_a_case_are_not_cached(http):
    r = http.post("/api/v1/assessments", json=CASE)
    assert r.status_code == 201
    rid = r.json()["id"]
    _secure(r)
    for path in (f"/api/v1/assessments/{rid}", f"/results/{rid}", f"/reports/{rid}", f"/clinician?from={rid}"):
        page = http.get(path)
        assert page.status_code == 200, path
        assert page.headers["cache-control"] == "no-store", path
    assert "no-store" not in http.get("/static/style.css").headers.get("cache-control", "")


# ---------------------------------------------------------------- CSRF and content types


@pytest.mark.parametrize(
    ("path", "data"),
    [("/interview/describe", {"action": "skip"}), ("/clinician", {"age": "50", "findings.smoker": "present"})],
)
def test_forms_refuse_cross_site_posts(http, live_server, path, data):
    before = live_server.count()
    assert http.post(path, data=data, headers={"origin": "https://evil.example"}).status_code == 403
    assert http.post(path, data=data, headers={"origin": "null"}).status_code == 403
    assert http.post(path, data=data, headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert live_server.count() == before
    assert (
        http.post(path, data=data, headers={"origin": live_server.base_url, "sec-fetch-site": "cross-site"}).status_code
        == 403
    )
    same = http.post(path, data=data, headers={"origin": live_server.base_url, "sec-fetch-site": "same-origin"})
    assert same.status_code in (200, 303)
    assert http.post(path, data=data, headers={"origin": live_server.base_url}).status_code in (200, 303)
    # Sec-Fetch-Site decides when present (a page cannot set it), whatever Origin says
    assert http.post(path, data=data, headers={"origin": "null", "sec-fetch-site": "same-origin"}).status_code in (
        200,
        303,
    )
    r = http.get("/")
    assert r.headers["referrer-policy"] == "same-origin"  # so browsers send our real Origin on our forms


def test_api_refuses_cross_site_and_non_json_bodies(http, live_server):
    before = live_server.count()
    r = http.post("/api/v1/assessments", json=CASE, headers={"origin": "https://evil.example"})
    _json_error(r, 403, "origin")
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        r = http.post("/api/v1/assessments", content=json.dumps(CASE), headers={"content-type": ctype})
        _json_error(r, 415, "content-type")
        r = http.post("/api/v1/interview/next", content=b"{}", headers={"content-type": ctype})
        _json_error(r, 415, "content-type")
    assert http.post("/clinician", json={"age": 50}).status_code == 415  # pages take forms only
    assert live_server.count() == before
    ok = http.post(
        "/api/v1/assessments", content=json.dumps(CASE), headers={"content-type": "application/json; charset=utf-8"}
    )  # noqa: E501
    assert ok.status_code == 201


def test_a_query_parameter_given_twice_is_refused(http, api_key):
    r = http.get("/api/v1/assessments?offset=true&offset=0&limit=1", headers={"X-API-Key": api_key})
    _json_error(r, 422, "offset")
    assert r.json()["detail"] == "offset: is given more than once"
    assert http.get("/conditions?q=a&q=b").status_code == 422


def test_unknown_methods_still_get_405(http):
    r = http.request("TRACE", "/api/v1/findings")
    assert r.status_code == 405 and r.json()["detail"]
    assert http.put("/api/v1/assessments", content=b"x", headers={"content-type": "text/plain"}).status_code == 405


# ---------------------------------------------------------------- empty cases and Idempotency-Key


@pytest.mark.parametrize("body", [{}, {"findings": {}}, {"age": None, "sex": None, "text": None}])
def test_an_empty_case_is_refused_and_not_stored(http, live_server, body):
    before = live_server.count()
    r = http.post("/api/v1/assessments", json=body)
    _json_error(r, 422, "case")
    assert "is empty" in r.json()["detail"]
    assert http.post("/clinician", data={}).status_code == 422
    assert live_server.count() == before


def test_a_retry_with_the_same_idempotency_key_returns_the_first_record(http, live_server):
    key = str(uuid.uuid4())
    before = live_server.count()
    first = http.post("/api/v1/assessments", json=CASE, headers={"Idempotency-Key": key})
    again = http.post("/api/v1/assessments", json=dict(reversed(list(CASE.items()))), headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert live_server.count() == before + 1
    other = http.post("/api/v1/assessments", json={**CASE, "age": 68}, headers={"Idempotency-Key": key})
    _json_error(other, 409, "Idempotency-Key")
    bad = http.post("/api/v1/assessments", json=CASE, headers={"Idempotency-Key": "x" * 300})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("Idempotency-Key:")
    assert live_server.count() == before + 1


# ---------------------------------------------------------------- audit


def test_reads_creates_and_lists_are_audited_without_contents(http, live_server, api_key):
    from sqlalchemy import select

    from legdx.store import open_store
    from legdx.store.tables import AuditEvent

    rid = http.post("/api/v1/assessments", json=CASE).json()["id"]
    for path in (f"/api/v1/assessments/{rid}", f"/results/{rid}", f"/reports/{rid}", f"/clinician?from={rid}"):
        assert http.get(path).status_code == 200
    assert http.get("/api/v1/assessments/" + "A" * 32).status_code == 404  # not found: nothing read
    assert http.get("/api/v1/assessments", headers={"X-API-Key": api_key}).status_code == 200
    store = open_store(live_server.db_url)
    try:
        with store.session() as s:
            events = list(s.scalars(select(AuditEvent).where(AuditEvent.record_id == rid).order_by(AuditEvent.id)))
            listed = s.scalars(select(AuditEvent).where(AuditEvent.action == "list").order_by(AuditEvent.id.desc()))
            last_list = next(iter(listed))
    finally:
        store.dispose()
    assert [(e.action, e.route) for e in events] == [
        ("create", "/api/v1/assessments"),
        ("read", "/api/v1/assessments/{assessment_id}"),
        ("read", "/results/{record_id}"),
        ("read", "/reports/{record_id}"),
        ("read", "/clinician"),
    ]
    assert all(e.actor == "address:127.0.0.1" for e in events)
    assert last_list.actor.startswith("api_key:") and last_list.record_id is None
    columns = set(AuditEvent.__table__.columns.keys())
    assert columns == {"id", "at", "action", "record_id", "actor", "route"}  # no case, no result


# ---------------------------------------------------------------- rate limit (its own server)


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limited")
    proc, server = start_server(
        f"sqlite:///{tmp / 'legdx.db'}", tmp, "uvicorn-limited", {"LEGDX_RATE_LIMIT": "4/minute"}
    )
    try:
        yield server
    finally:
        stop_server(proc)


def test_writes_over_the_limit_get_429_with_retry_after(limited_server):
    with httpx.Client(base_url=limited_server.base_url, timeout=30) as c:
        codes = [c.post("/api/v1/assessments", json=CASE).status_code for _ in range(4)]
        assert codes == [201] * 4
        r = c.post("/api/v1/assessments", json=CASE)
        _json_error(r, 429, "rate_limit")
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert "4 per 1 minute" in r.json()["detail"]
        assert c.post("/api/v1/interview/next", json={}).status_code == 429  # the interview counts too
        page = c.post("/interview/describe", data={"action": "skip"})
        assert page.status_code == 429 and "Please slow down" in page.text and page.headers["retry-after"]
        assert "go back with your browser and send the page again" in page.text  # plain words for a person
        assert c.get("/api/v1/findings").status_code == 200  # reads are not limited
        assert limited_server.count() == 4
        out = limited_server.cli("apikey", "create", "--name", "batch")
        key = out.stdout.strip()
        assert c.post("/api/v1/assessments", json=CASE, headers={"X-API-Key": key}).status_code == 201
        wrong = c.post("/api/v1/assessments", json=CASE, headers={"X-API-Key": "legdx_not_a_key"})
        assert wrong.status_code == 429  # an invalid key counts against the address, so it cannot dodge the limit


def test_the_rate_limit_setting_is_checked(monkeypatch):
    from pydantic import ValidationError

    from legdx.web.settings import Settings

    assert Settings(rate_limit="OFF", _env_file=None).rate_limit == "off"
    assert Settings(_env_file=None).rate_limit == "60/minute;600/hour"
    with pytest.raises(ValidationError, match="LEGDX_RATE_LIMIT: expected 'off' or limits"):
        Settings(rate_limit="lots", _env_file=None)


def test_default_limit_lets_a_person_finish_an_interview():
    """About 15 steps at human speed fit in 60 a minute many times over; a script hitting it gets stopped."""
    from legdx.web.middleware import RateLimiter

    limiter = RateLimiter("60/minute;600/hour")
    assert all(limiter.hit("address:a")[0] for _ in range(60))
    allowed, wait, item = limiter.hit("address:a")
    assert not allowed and 1 <= wait <= 60 and item == "60 per 1 minute"
    assert limiter.hit("address:b")[0]
    assert RateLimiter("off").off


def test_ipv6_clients_are_limited_by_their_64():
    from legdx.web.middleware import _limit_key

    def key(ip, **extra):
        return _limit_key({"client": (ip, 1234), **extra})

    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff::9") == "address:2001:db8:1:2::/64"
    assert key("2001:db8:1:3::1") != key("2001:db8:1:2::1")
    assert key("127.0.0.1") == "address:127.0.0.1"
    assert key("127.0.0.1", **{"legdx.api_key_id": 7}) == "api_key:7"


def test_ids_in_the_location_header_look_like_ids(http):
    r = http.post("/api/v1/assessments", json=CASE)
    assert re.fullmatch(r"/api/v1/assessments/[A-Za-z0-9_-]{32}", r.headers["location"])


# ---------------------------------------------------------------- the schema and the server agree


@pytest.fixture(scope="module")
def spec(live_server):
    return httpx.get(live_server.base_url + "/openapi.json").json()


def _validator(spec, name):
    import jsonschema_rs  # schemathesis's own validator (dev extra)

    return jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    )


def test_every_request_of_a_real_interview_fits_the_published_schema(http, spec):
    """The interview schema lists its questions from the interview module; a drift would show here."""
    check = _validator(spec, "InterviewIn")
    body: dict = {}
    for _ in range(40):
        errors = [str(e) for e in check.iter_errors(body)]
        assert not errors, (body, errors[:3])
        out = http.post("/api/v1/interview/next", json=body).json()
        if out["done"]:
            break
        q = out["question"]
        kind = q["kind"]
        if kind == "demographics":
            response = {"age": 34, "sex": "female"}
        elif kind in ("screen", "items"):
            response = {i["finding"]: i["finding"] == "pregnant" or None for i in q["items"]}
        elif kind == "numbers":
            response = {i["finding"]: None for i in q["items"]}
        else:
            response = None
        body = {"state": out["state"], "answer": {"question": q["id"], "response": response}}
    assert out["done"]


@pytest.mark.parametrize(
    "body",
    [
        {"state": {"sex": "male", "answers": {"pregnant": True}}},
        {"state": {"answers": {"pregnant": True}}, "answer": {"question": "demographics", "response": {"sex": "male"}}},
        {"answer": {"question": "red_flag_screen", "response": {"none": True, "cold_pale_leg": True}}},
        {"state": {"asked": ["no_such_question"]}},
        {"state": {"answers": {"age_years": 40}}},
        {"answer": {"question": "red_flag_screen", "response": {"fever": "yes"}}},
        # a man cannot answer yes to a female-only finding, alone or in a group
        {"state": {"sex": "male"}, "answer": {"question": "pregnant", "response": True}},
        {"state": {"sex": "male"}, "answer": {"question": "medicine_safety", "response": {"pregnant": True}}},
    ],
)
def test_the_schema_and_the_server_refuse_the_same_interview_requests(http, spec, body):
    assert not _validator(spec, "InterviewIn").is_valid(body)
    assert http.post("/api/v1/interview/next", json=body).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"state": {"sex": "female"}, "answer": {"question": "pregnant", "response": True}},
        {"answer": {"question": "pregnant", "response": True}},
        {"state": {"sex": "male"}, "answer": {"question": "pregnant", "response": False}},
        {"state": {"sex": "male"}, "answer": {"question": "medicine_safety", "response": {"pregnant": None}}},
        {
            "state": {"answers": {"pregnant": True}},
            "answer": {"question": "demographics", "response": {"sex": "female"}},
        },
        {"state": {"sex": "male"}, "answer": {"question": "calf_pain", "response": True}},
    ],
)
def test_the_schema_and_the_server_accept_the_same_interview_requests(http, spec, body):
    assert _validator(spec, "InterviewIn").is_valid(body)
    assert http.post("/api/v1/interview/next", json=body).status_code == 200


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"sex": "male", "findings": {"pregnant": True}}, False),
        ({"sex": "female", "findings": {"pregnant": True}}, True),
        ({}, False),
        ({"findings": {}}, False),
        ({"text": "  \n "}, False),
        ({"text": "calf \x07 pain"}, False),
        ({"text": "calf pain\twhen walking\n"}, True),
        ({"age": 40}, True),
    ],
)
def test_the_schema_and_the_server_agree_on_cases(http, spec, body, valid):
    assert _validator(spec, "CaseIn").is_valid(body) is valid
    assert (http.post("/api/v1/assessments", json=body).status_code == 201) is valid


def test_the_documented_list_limit_is_the_real_cap(http, spec, api_key):
    params = spec["paths"]["/api/v1/assessments"]["get"]["parameters"]
    cap = next(p for p in params if p["name"] == "limit")["schema"]["maximum"]
    assert http.get("/api/v1/assessments", params={"limit": cap}, headers={"X-API-Key": api_key}).status_code == 200
    assert http.get("/api/v1/assessments", params={"limit": cap + 1}, headers={"X-API-Key": api_key}).status_code == 422
