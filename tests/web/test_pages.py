"""Server-rendered pages over real HTTP: semantics, accessibility basics, the no-JavaScript
interview with its hidden state validated on every request."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

PAGES = ["/", "/interview", "/conditions", "/conditions?q=cramp", "/conditions/restless_legs_syndrome", "/clinician"]


class Inputs(HTMLParser):
    """Collects inputs, labels, and any reference to another origin."""

    def __init__(self):
        super().__init__()
        self.inputs, self.label_for, self.in_label, self.labelled_inside = [], set(), 0, set()
        self.external, self.html_lang = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "textarea", "select") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a)
            if self.in_label:
                self.labelled_inside.add(id(a))
        for attr in ("src", "href", "action"):
            v = a.get(attr) or ""
            if re.match(r"^(https?:)?//", v) and tag != "a":
                self.external.append(v)

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_lang_labels_and_no_external_resources(http, path):
    r = http.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    p = Inputs()
    p.feed(r.text)
    assert p.html_lang == "en"
    assert not p.external, p.external
    for a in p.inputs:
        assert id(a) in p.labelled_inside or a.get("id") in p.label_for or a.get("aria-labelledby"), a
    assert '<meta name="viewport"' in r.text


def test_every_condition_has_a_page_with_all_sections(http, kb):
    for cid, c in kb.conditions.items():
        r = http.get(f"/conditions/{cid}")
        assert r.status_code == 200, cid
        for heading in (
            "What it is",
            "Typical pattern",
            "How it is confirmed",
            "What helps",
            "When to get help",
            "Sources",
        ):
            assert f">{heading}</h2>" in r.text, (cid, heading)
        src = kb.sources[c.sources[0]]
        assert src.citation.split(" ")[0] in r.text


def test_search_page_uses_the_index(http):
    r = http.get("/conditions", params={"q": "restless"})
    assert "restless_legs_syndrome" in r.text and "<mark>" in r.text
    r = http.get("/conditions", params={"q": "zzqqxx"})
    assert "Nothing matched" in r.text
    assert http.get("/conditions", params={"q": "x" * 300}).status_code == 422


def test_unknown_pages_are_404_html(http):
    r = http.get("/conditions/nope")
    assert r.status_code == 404 and "<h1>Not found</h1>" in r.text
    assert http.get("/results/nope").status_code == 404
    assert http.get("/reports/nope").status_code == 404


def _state(r):
    m = re.search(r'name="state" value="([^"]*)"', r.text)
    import html

    return html.unescape(m.group(1))


def test_interview_without_javascript_reaches_results_and_stores_once(http, live_server):
    before = live_server.count()
    r = http.post("/interview/describe", data={"action": "skip"})
    assert "Question 1 of at most" in r.text
    r = http.post(
        "/interview/step", data={"state": _state(r), "question": "demographics", "age": "35", "sex": "female"}
    )
    assert "Question 2 of at most" in r.text
    r = http.post("/interview/step", data={"state": _state(r), "question": "red_flag_screen", "action": "none"})
    for _ in range(25):
        if r.status_code == 303:
            break
        assert r.status_code == 200, r.text[:500]
        qid = re.search(r'name="question" value="([^"]*)"', r.text).group(1)
        r = http.post(
            "/interview/step", data={"state": _state(r), "question": qid, "action": "unknown", "answer": "no"}
        )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/results/")
    assert live_server.count() == before + 1
    page = http.get(r.headers["location"])
    assert page.status_code == 200 and "Your results" in page.text


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("not json", "state: is not valid JSON"),
        ('{"v": 2, "base": {}, "steps": []}', "state: is not an interview state of version 1"),
        ('{"v":1,"base":{"answers":{"abi":9}},"steps":[]}', "findings.abi: 9 is outside"),
        ('{"v":1,"base":{"answers":{"nope":true}},"steps":[]}', "state.base.answers.nope: is not a finding"),
        ('{"v":1,"base":{},"steps":[["demographics",{"age":500}]]}', "state.steps[0].age: 500 is outside 0-120"),
        ('{"v":1,"base":{},"steps":[["no_such_question",true]]}', "state.steps[0].question: unknown question id"),
        ('{"v":1,"base":{},"steps":[["demographics",{}],["demographics",{}]]}', "already been answered"),
        ("x" * 40_000, "state: is longer than"),
    ],
)
def test_tampered_hidden_state_is_rejected_readably_and_stores_nothing(http, live_server, state, message):
    before = live_server.count()
    r = http.post("/interview/step", data={"state": state, "question": "demographics"})
    assert r.status_code == 422
    assert message in r.text.replace("&#39;", "'")
    assert 'role="alert"' in r.text
    assert live_server.count() == before


def test_bad_answer_is_422_with_the_question_again(http):
    r = http.post("/interview/describe", data={"action": "skip"})
    r = http.post("/interview/step", data={"state": _state(r), "question": "demographics", "age": "abc"})
    assert r.status_code == 422
    assert "Please give your age as a whole number of years" in r.text
    assert 'value="abc"' in r.text
    r2 = http.post(
        "/interview/step", data={"state": _state(r), "question": "demographics", "age": "40", "sex": "other"}
    )
    assert r2.status_code == 422 and "Expected female or male" in r2.text


def test_stale_form_shows_the_current_question(http):
    r = http.post("/interview/describe", data={"action": "skip"})
    r = http.post("/interview/step", data={"state": _state(r), "question": "red_flag_screen", "action": "none"})
    assert r.status_code == 200 and "was out of date" in r.text and "Question 1 of at most" in r.text


def test_back_from_the_first_question_returns_to_the_description(http):
    r = http.post("/interview/describe", data={"action": "skip"})
    r = http.post("/interview/step", data={"state": _state(r), "action": "back"})
    assert "Tell us about your leg pain" in r.text


def test_description_too_long_or_binary_is_422(http):
    r = http.post("/interview/describe", data={"text": "x" * 20_001})
    assert r.status_code == 422 and "is longer than 20000 characters" in r.text
    r = http.post("/interview/describe", data={"text": "calf \x00 pain"})
    assert r.status_code == 422 and "control or binary character" in r.text


def test_confirm_page_builds_the_base_answers(http):
    r = http.post(
        "/interview/confirm",
        data={"text": "t", "age": "61", "sex": "male", "f.smoker": "yes", "f.calf_pain": "no", "f.abi": "0.7"},
    )
    assert r.status_code == 200 and "Question 1 of at most" in r.text
    state = json.loads(_state(r))
    assert state["base"] == {"age": 61, "sex": "male", "answers": {"smoker": True, "calf_pain": False, "abi": 0.7}}
    bad = http.post("/interview/confirm", data={"text": "t", "f.abi": "7"})
    assert bad.status_code == 422 and "7 is outside the possible range" in bad.text
    bad = http.post("/interview/confirm", data={"text": "t", "f.not_a_finding": "yes"})
    assert bad.status_code == 422


def test_clinician_form_round_trip_and_edit(http, live_server):
    data = {
        "age": "67",
        "sex": "male",
        "findings.smoker": "present",
        "findings.urge_to_move": "absent",
        "findings.abi": "0.62",
        "findings.calf_pain": "unknown",
    }
    r = http.post("/clinician", data=data)
    assert r.status_code == 303 and r.headers["location"].startswith("/reports/")
    rid = r.headers["location"].rsplit("/", 1)[1]
    report = http.get(r.headers["location"])
    assert report.status_code == 200 and '<h2 id="h-ddx">Differential</h2>' in report.text
    assert "style-src 'self' 'unsafe-inline'" in report.headers["content-security-policy"]
    stored = http.get(f"/api/v1/assessments/{rid}").json()
    assert stored["case"]["findings"] == {"smoker": True, "urge_to_move": False, "abi": 0.62}
    edit = http.get("/clinician", params={"from": rid})
    assert 'value="0.62"' in edit.text


def test_clinician_form_collects_every_problem_and_stores_nothing(http, live_server):
    before = live_server.count()
    r = http.post(
        "/clinician", data={"age": "200", "findings.abi": "4.2", "findings.smoker": "maybe", "findings.zzz": "present"}
    )
    assert r.status_code == 422
    text = r.text.replace("&#39;", "'")
    assert "4 problems to fix" in text
    assert "findings.abi: 4.2 is outside 0-2.5 ratio" in text
    assert "findings.smoker: expected present, absent or unknown" in text
    assert "findings.zzz: unknown finding id" in text
    r = http.post("/clinician", data={"sex": "male", "findings.pregnant": "present"})
    assert r.status_code == 422 and "findings.pregnant: true contradicts sex" in r.text.replace("&#39;", "'")
    assert live_server.count() == before


def test_cli_html_report_is_standalone(cli):
    out = cli("assess", "docs/examples/claudication.json", "--format", "html")
    assert out.returncode == 0, out.stderr
    html = out.stdout.decode()
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    assert "@media print" in html and "<script" not in html
    assert "Peripheral artery disease" in html and "does not replace a clinician" in html
