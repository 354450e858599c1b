"""Server-rendered pages over real HTTP: semantics, accessibility basics, the no-JavaScript
interview with its hidden state validated on every request."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from legdx.interview import first_promise

PAGES = [
    "/",
    "/interview",
    "/conditions",
    "/conditions?q=cramp",
    "/conditions/restless_legs_syndrome",
    "/clinician",
    "/clinician?find=calf",
]


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
    assert 'data-number="1"' in r.text and f"at most {first_promise()} answers in all" in r.text
    r = http.post(
        "/interview/step", data={"state": _state(r), "question": "demographics", "age": "35", "sex": "female"}
    )
    assert 'data-number="2"' in r.text and "2 given so far" in r.text
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
    assert page.status_code == 200 and "Your result" in page.text


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("not json", "state: is not valid JSON"),
        ('{"v": 2, "base": {}, "steps": []}', "state: is not an interview state of version 1"),
        ('{"v":1,"base":{"answers":{"abi":9}},"steps":[]}', "findings.abi: 9 is outside"),
        ('{"v":1,"base":{"answers":{"nope":true}},"steps":[]}', "state.base.answers.nope: is not a finding"),
        ('{"v":1,"base":{},"steps":[["demographics",{"age":500}]]}', "state.steps[0].age: 500 is outside 0-120"),
        ('{"v":1,"base":{},"steps":[["no_such_question",true]]}', "state.steps[0].question: unknown question id"),
        ('{"v":1,"base":{},"steps":[["demographics",{"height":2}]]}', "is not part of this question"),
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
    assert r.status_code == 200 and "was out of date" in r.text and 'data-number="1"' in r.text


def test_back_from_the_first_question_returns_to_the_description(http):
    r = http.post("/interview/describe", data={"action": "skip"})
    r = http.post("/interview/step", data={"state": _state(r), "action": "back"})
    assert "Tell us about your leg pain" in r.text


def test_description_too_long_or_binary_is_422(http):
    r = http.post("/interview/describe", data={"text": "x" * 20_001})
    assert r.status_code == 422 and "is longer than 20000 characters" in r.text.lower()
    r = http.post("/interview/describe", data={"text": "calf \x00 pain"})
    assert r.status_code == 422 and "control or binary character" in r.text


def test_confirm_page_builds_the_base_answers(http):
    r = http.post(
        "/interview/confirm",
        data={"text": "t", "age": "61", "sex": "male", "f.smoker": "yes", "f.calf_pain": "no", "f.abi": "0.7"},
    )
    assert r.status_code == 200 and 'data-kind="screen"' in r.text  # age and sex confirmed: not asked again
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


# ---------------------------------------------------------------- issue 11: the person's pages


def _visible_text(html_text: str) -> str:
    """The words a person sees: no tags, no attributes, no scripts."""
    import html

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html_text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _store(http, case):
    r = http.post("/api/v1/assessments", json=case)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_storage_notice_before_the_interview(http):
    from legdx.web.settings import Settings

    days = Settings.model_fields["retention_days"].default  # the servers under test keep the default
    for path in ("/", "/interview"):
        text = _visible_text(http.get(path).text)
        assert f"stored for {days} days" in text and "delete them yourself" in text


def test_retention_days_setting_comes_from_the_environment(monkeypatch):
    from legdx.web.settings import Settings

    assert Settings().retention_days == 90
    monkeypatch.setenv("LEGDX_RETENTION_DAYS", "7")
    assert Settings().retention_days == 7


def test_result_page_speaks_in_lay_words_only(http, kb):
    rid = _store(
        http,
        {"age": 72, "sex": "male", "findings": {"smoker": True, "calf_pain": True, "pain_on_walking": True}},
    )
    page = http.get(f"/results/{rid}")
    assert page.status_code == 200
    text = _visible_text(page.text)
    assert "in 10 people with answers like yours" in text
    assert (
        text.index("How soon to get help") < text.index("What might be causing it") < text.index("What you can do now")
    )
    assert text.index("What you can do now") < text.index("Tests to ask a clinician about")
    for fid, f in kb.findings.items():
        if "_" in fid:
            assert fid not in text, fid
        assert f.clinician_label not in text or f.clinician_label == f.plain or f.clinician_label.lower() == f.plain, (
            fid
        )
    for cid, c in kb.conditions.items():
        assert ("_" not in cid or cid not in text) and c.name not in text.replace(c.lay_name, ""), cid
        for code in c.icd10:
            assert not re.search(rf"\b{re.escape(code)}\b", text), code
    assert ".txt" not in text and "expert:" not in text and "ref:" not in text
    assert f"http://127.0.0.1:{http.base_url.port}/results/{rid}" in text  # the full address to come back to
    assert f'href="/results/{rid}/handout.pdf"' in page.text and f'href="/results/{rid}/delete"' in page.text


def test_no_green_for_a_must_not_miss_cause(http):
    css = http.get("/static/style.css").text
    rid = _store(http, {"age": 55, "findings": {"sudden_onset": True, "cold_pale_leg": True}})
    page = http.get(f"/results/{rid}").text
    assert "<meter" not in page  # a meter turns green when low: a dangerous cause must never look reassuring
    assert 'class="serious"' in page and 'href="tel:112"' in page and "or your local emergency number" in page
    assert not re.search(
        r"\bgreen\b|#0?[0-9a-f]{2}[89a-f][0-9a-f][0-9a-f]{2}\b(?=.*fill)", css.split(".bar .fill")[1][:80]
    )


def test_something_else_is_listed_with_its_sentence_when_it_matters(http):
    rid = _store(http, {"age": 40, "findings": {"numbness_tingling": True}})
    stored = http.get(f"/api/v1/assessments/{rid}").json()
    text = _visible_text(http.get(f"/results/{rid}").text)
    other = stored["something_else"]
    if other["share"] >= 0.05 or other["says"]:
        assert "Something else" in text
        assert (other["says"] or "A cause that legdx does not cover") in text
    else:
        assert "Something else" not in text


def test_delete_needs_a_confirmation_and_really_deletes(http, live_server):
    rid = _store(http, {"age": 50, "findings": {"calf_pain": True}})
    before = live_server.count()
    ask = http.get(f"/results/{rid}/delete")
    assert ask.status_code == 200 and 'method="post"' in ask.text and "cannot be undone" in ask.text
    assert live_server.count() == before  # asking deletes nothing
    done = http.post(f"/results/{rid}/delete")
    assert done.status_code == 200 and "Your answers are deleted" in done.text
    assert live_server.count() == before - 1
    assert http.get(f"/api/v1/assessments/{rid}").status_code == 404
    assert http.get(f"/results/{rid}").status_code == 404
    again = http.post(f"/results/{rid}/delete")
    assert again.status_code == 404 and "Nothing to delete" in again.text


def test_delete_assessment_in_the_store(tmp_path):
    from legdx.store import open_store
    from legdx.store.repo import count_assessments, delete_assessment, save_assessment

    store = open_store(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        with store.session() as s:
            rec = save_assessment(s, case={}, result={"triage": {"level": "routine"}}, kb_version="x")
            rid = rec.id
        with store.session() as s:
            assert delete_assessment(s, record_id=rid) is True
            assert delete_assessment(s, record_id=rid) is False
            assert delete_assessment(s, record_id="") is False
            assert count_assessments(s) == 0
    finally:
        store.dispose()


def test_handout_is_a_pdf(http):
    rid = _store(http, {"age": 72, "sex": "male", "findings": {"smoker": True, "pain_on_walking": True}})
    r = http.get(f"/results/{rid}/handout.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    import pypdfium2

    assert len(pypdfium2.PdfDocument(r.content)) == 1
    assert http.get("/results/nope/handout.pdf").status_code == 404


def test_api_docs_are_served_offline(http):
    r = http.get("/docs")
    assert r.status_code == 200
    assert not re.search(r"""(src|href)=["'](https?:)?//""", r.text)  # nothing from another origin
    for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', r.text):
        assert http.get(asset).status_code == 200, asset
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_clinician_filter_works_without_javascript(http):
    r = http.get("/clinician", params={"find": "calf"})
    assert r.status_code == 200 and "findings match" in r.text
    rows = re.findall(r'<tr id="findings-(\w+)" data-finding-text="[^"]*"( hidden)?', r.text)
    shown = {fid for fid, hidden in rows if not hidden}
    assert "calf_pain" in shown and "smoker" not in shown
    assert len(rows) > len(shown)  # the others are still in the form, only hidden


def test_confirm_page_names_a_contradiction_in_lay_words(http):
    r = http.post("/interview/confirm", data={"text": "t", "sex": "male", "f.cyclical_with_menstruation": "yes"})
    assert r.status_code == 422
    text = _visible_text(r.text)
    assert "Comes and goes with periods" in text and "cyclical_with_menstruation" not in text


def test_a_confirmed_urgent_warning_sign_stops_the_interview_at_once(http, live_server):
    before = live_server.count()
    r = http.post("/interview/confirm", data={"text": "t", "age": "60", "sex": "male", "f.cold_pale_leg": "yes"})
    assert r.status_code == 303 and r.headers["location"].startswith("/results/")
    assert live_server.count() == before + 1
    page = _visible_text(http.get(r.headers["location"]).text)
    assert "Get seen today" in page or "Call for help now" in page


def test_text_report_uses_the_shared_share_words(cli):
    out = cli("assess", "docs/examples/claudication.json", "--format", "text")
    assert out.returncode == 0, out.stderr
    assert "in 10 people with answers like yours" in out.stdout.decode()


def test_back_from_the_first_question_after_a_description_returns_to_the_confirm_page(http):
    r = http.post("/interview/confirm", data={"text": "t", "age": "61", "f.smoker": "yes", "f.calf_pain": "no"})
    assert r.status_code == 200 and 'data-kind="demographics"' in r.text
    back = http.post("/interview/step", data={"state": _state(r), "action": "back"})
    assert back.status_code == 200 and "Is this what you meant?" in back.text
    assert re.search(r'name="f.smoker" value="yes"\s+checked', back.text)
    assert re.search(r'name="f.calf_pain" value="no"\s+checked', back.text)
    assert 'value="61"' in back.text
