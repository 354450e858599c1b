"""A person and a clinician using legdx in a real browser (Debian chromium through Playwright).

Screenshots go to test-artifacts/ (gitignored) so a person can look at what was tested.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.web.people import (
    CLAUDICATION,
    COLD_LEG,
    PERIODS,
    Person,
    answer_on_page,
    describe,
    finish,
    start_without_description,
    walk_to,
)

from legdx.interview import first_promise

pytestmark = pytest.mark.browser


def shot(page: Page, artifacts, name: str, *, full: bool = True) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=full)


def progress(page: Page):
    return page.locator("#progress-label")


def test_person_completes_the_interview_with_back_and_why(page: Page, artifacts):
    start_without_description(page)
    expect(progress(page)).to_contain_text(f"at most {first_promise()} answers in all")
    answer_on_page(page, CLAUDICATION)  # demographics
    expect(page.locator("form.question")).to_have_attribute("data-kind", "screen")
    expect(progress(page)).to_contain_text("2 given so far")
    shot(page, artifacts, "02-red-flag-screen")

    # "Why do you ask?" is a disclosure: hidden until opened
    why = page.locator("details.why")
    expect(why.locator("p")).to_be_hidden()
    why.locator("summary").click()
    expect(why.locator("p")).to_be_visible()

    # Back returns to the previous question with the earlier answers filled in
    page.get_by_role("button", name="Back").click()
    expect(page.locator("form.question")).to_have_attribute("data-kind", "demographics")
    expect(page.get_by_label("Age in years")).to_have_value("72")
    expect(page.get_by_label("Male", exact=True)).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("form.question")).to_have_attribute("data-kind", "screen")

    finish(page, CLAUDICATION)
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.locator(".emergency")).to_have_count(0)
    first = page.locator("ol.causes > li").first
    expect(first).to_contain_text("Narrowed leg arteries")
    expect(first.locator("p.share")).to_have_text(
        re.compile(r"(About \d|More than 9) in 10 people with answers like yours")
    )
    expect(first.locator(".bar .fill")).to_have_count(1)
    expect(page.get_by_role("heading", name="What you can do now")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    expect(page.locator(".disclaimer")).to_contain_text("does not replace a clinician")
    shot(page, artifacts, "04-results")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, artifacts, "05-results-mobile")


def test_description_is_understood_and_can_be_corrected(page: Page, artifacts):
    describe(page, "I'm 68. My left calf aches when I walk uphill and it goes away after I stand still. I smoke.")
    expect(page.get_by_label("Age in years")).to_have_value("68")
    expect(page.locator("ul.confirm-items")).to_contain_text("Smoking now or in the past few years")  # lay words
    expect(page.locator("ul.confirm-items")).not_to_contain_text("smoker")  # never the id
    smoker = page.locator('input[name="f.smoker"][value="yes"]')
    expect(smoker).to_be_checked()
    shot(page, artifacts, "06-confirm")
    page.locator('input[name="f.smoker"][value="no"]').check()  # the person corrects it
    page.get_by_role("button", name="That's right, continue").click()
    # the age came from the description: only the sex is asked
    expect(page.locator("form.question")).to_have_attribute("data-kind", "demographics")
    expect(page.get_by_role("heading", name="Are you female or male?")).to_be_visible()
    expect(page.locator("#age")).to_have_count(0)
    page.get_by_label("Male", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    state = page.locator('input[name="state"]').input_value()
    assert '"smoker":false' in state and '"calf_pain":true' in state and '"age":68' in state


def test_emergency_description_shows_the_emergency_screen_at_the_confirm_step(page: Page, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    describe(page, COLD_LEG.text)
    banner = page.locator("body > *:not(.skip)").first  # before the site header and everything else
    expect(banner).to_have_attribute("role", "alert")
    call = banner.get_by_role("link", name="Call 112")
    expect(call).to_have_attribute("href", "tel:112")
    expect(call).to_be_in_viewport()  # visible on a phone without scrolling
    expect(banner).to_contain_text("or your local emergency number")
    shot(page, artifacts, "07-confirm-emergency", full=False)
    page.get_by_role("button", name="That's right, continue").click()
    expect(page).to_have_url(re.compile(r"/results/[\w-]{32}$"))  # no further questions
    first = page.locator("body > *:not(.skip)").first
    expect(first).to_have_class(re.compile("emergency"))
    expect(first.get_by_role("link", name="Call 112")).to_be_in_viewport()
    expect(page.locator(".urgency .headline")).to_have_text("Call for help now")
    first_cause = page.locator("ol.causes > li").first
    expect(first_cause).to_have_class(re.compile("serious"))
    expect(first_cause.locator(".fill")).to_have_css("background-color", "rgb(55, 65, 81)")  # neutral, never green
    shot(page, artifacts, "08-results-emergency", full=False)


def test_none_of_these_keeps_a_confirmed_warning_sign(page: Page, base_url, ckb):
    # dark urine alone is a warning sign that does not stop the interview (checked with the engine here)
    from legdx.interview import InterviewState, next_question

    alone = InterviewState(age=25, sex="male", answers=(("dark_urine", True),), confirmed=("dark_urine",))
    assert next_question(alone, ckb) is not None
    describe(page, "I'm 25, male. My urine is dark like cola and both thighs ache.")
    expect(page.locator('input[name="f.dark_urine"][value="yes"]')).to_be_checked()
    for radio in page.locator("ul.confirm-items input[type=radio][value=unknown]").all():
        if radio.get_attribute("name") != "f.dark_urine":
            radio.check()  # the person is not sure of the rest
    page.get_by_role("button", name="That's right, continue").click()
    expect(page.locator("form.question")).to_have_attribute("data-kind", "screen")
    expect(page.locator('input[name="item.dark_urine"]')).to_have_count(0)  # confirmed: not asked again
    page.get_by_role("button", name="None of these").click()
    finish(page, Person(25, "male"))
    rid = page.url.rsplit("/", 1)[1]
    stored = httpx.get(f"{base_url}/api/v1/assessments/{rid}", timeout=30).json()
    assert stored["case"]["findings"]["dark_urine"] is True


def test_a_man_is_never_asked_about_periods(page: Page, kb):
    female_only = {fid for fid, f in kb.findings.items() if f.sex == "female"}
    man = Person(34, "male", frozenset({"thigh_or_buttock_pain", "pelvic_pain_with_periods"}) - female_only)
    describe(page, "I'm 34, male. I get pain in my thigh every month.")
    page.get_by_role("button", name="That's right, continue").click()
    texts = []
    while "/results/" not in page.url:
        texts.append(page.locator("form.question").inner_text())
        qid = page.locator("form.question").get_attribute("data-question")
        assert qid not in female_only
        for radio in page.locator("form.question input[type=radio][value=yes]").all():
            assert (radio.get_attribute("name") or "").removeprefix("item.") not in female_only
        answer_on_page(page, man)
        assert len(texts) < 30
    assert not any(re.search(r"\bperiods?\b|pregnan", t, re.I) for t in texts), texts


def test_back_restores_the_earlier_answers(page: Page, ckb):
    person = walk_to(page, "yes_no", ckb)
    qid = page.locator("form.question").get_attribute("data-question")
    page.get_by_role("button", name="I don't know", exact=True).click()
    page.get_by_role("button", name="Back").click()
    expect(page.locator("form.question")).to_have_attribute("data-question", qid)
    chosen = page.locator("button.answer.chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_text("I don't know")
    expect(page.locator("#earlier")).to_be_visible()

    # a group: the radios come back as they were; untouched items stay unset ("don't know")
    start_without_description(page)
    answer_on_page(page, person)
    items = page.locator("form.question input[type=radio][value=yes]").all()
    names = [(r.get_attribute("name") or "") for r in items]
    assert len(names) >= 2
    page.locator(f'input[name="{names[0]}"][value="no"]').check()
    page.locator(f'input[name="{names[1]}"][value="unknown"]').check()
    expect(page.locator(f'input[name="{names[-1]}"]:checked')).to_have_count(0)  # nothing pre-filled
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Back").click()
    expect(page.locator(f'input[name="{names[0]}"][value="no"]')).to_be_checked()
    expect(page.locator(f'input[name="{names[1]}"][value="unknown"]')).to_be_checked()
    if len(names) > 2:
        expect(page.locator(f'input[name="{names[2]}"][value="unknown"]')).to_be_checked()  # left unset = don't know


def test_focus_moves_to_each_new_question_also_without_javascript(browser, base_url):
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js, base_url=base_url)
        page = context.new_page()
        try:
            start_without_description(page)
            expect(page.locator("#q-text")).to_be_focused()
            answer_on_page(page, CLAUDICATION)
            expect(page.locator("#q-text")).to_be_focused()
            expect(page.locator("#q-text")).to_have_text(re.compile("warning signs"))
        finally:
            context.close()


def test_handout_pdf_is_one_readable_page(page: Page, artifacts, base_url):
    import pypdfium2

    describe(page, CLAUDICATION.text)
    page.get_by_role("button", name="That's right, continue").click()
    finish(page, CLAUDICATION)
    address = page.locator(".address a")
    expect(address).to_have_text(re.compile(r"^http://127\.0\.0\.1:\d+/results/[\w-]{32}$"))  # the full address
    href = page.get_by_role("link", name=re.compile("one-page handout")).get_attribute("href")
    r = httpx.get(base_url + href, timeout=60)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(r.content)
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    for words in ("What you can do now", "Narrowed leg arteries", "in 10 people", "Your answers", "Sources"):
        assert words in text, words
    image = pdf[0].render(scale=1).to_pil().convert("L")
    image.save(artifacts / "15-handout.png")
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.width * image.height, "the handout page is (nearly) blank"


def test_delete_my_answers_removes_the_stored_record(page: Page, base_url, artifacts):
    describe(page, PERIODS.text)
    page.get_by_role("button", name="That's right, continue").click()
    finish(page, PERIODS)
    rid = page.url.rsplit("/", 1)[1]
    assert httpx.get(f"{base_url}/api/v1/assessments/{rid}", timeout=30).status_code == 200
    page.get_by_role("link", name="Delete my answers").click()
    expect(page.get_by_role("heading", name="Delete your answers?")).to_be_visible()
    page.get_by_role("link", name="No, keep them").click()
    assert httpx.get(f"{base_url}/api/v1/assessments/{rid}", timeout=30).status_code == 200
    page.get_by_role("link", name="Delete my answers").click()
    page.get_by_role("button", name="Yes, delete my answers").click()
    expect(page.get_by_role("heading", name="Your answers are deleted")).to_be_visible()
    shot(page, artifacts, "16-deleted")
    assert httpx.get(f"{base_url}/api/v1/assessments/{rid}", timeout=30).status_code == 404
    assert httpx.get(f"{base_url}/results/{rid}", timeout=30).status_code == 404


def test_interview_shows_a_readable_message_for_an_impossible_age(page: Page, artifacts):
    start_without_description(page)
    page.get_by_label("Age in years").fill("300")
    with page.expect_response(lambda r: r.url.endswith("/interview/step")) as resp:
        page.get_by_role("button", name="Continue").click()
    assert resp.value.status == 422
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("300 is outside 0-120 years")
    expect(alert).to_be_focused()
    expect(page.get_by_label("Age in years")).to_have_value("300")
    shot(page, artifacts, "08-interview-422")
    page.get_by_label("Age in years").fill("45")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("form.question")).to_have_attribute("data-kind", "screen")


def test_clinician_form_to_printable_report(page: Page, artifacts):
    page.goto("/clinician")
    expect(page.get_by_role("group", name="Measured values")).to_be_visible()
    page.get_by_label("Age (years)").fill("67")
    page.get_by_label("Male", exact=True).check()
    for fid in ("pain_on_walking", "relieved_by_rest", "calf_pain", "smoker"):
        page.locator(f'input[name="findings.{fid}"][value="present"]').check()
    page.locator('input[name="findings.urge_to_move"][value="absent"]').check()
    page.locator("#findings-abi").fill("0.62")
    shot(page, artifacts, "09-clinician-form", full=False)
    page.get_by_role("button", name="Assess").click()
    expect(page).to_have_url(re.compile(r"/reports/[\w-]{32}$"))
    expect(page.get_by_role("heading", name="Differential")).to_be_visible()
    table = page.locator("table").first
    expect(table.locator("tbody tr").first).to_contain_text("Peripheral artery disease")
    expect(page.locator("table caption").nth(1)).to_contain_text("Peripheral artery disease")
    expect(page.get_by_text("Resting ankle-brachial index").first).to_be_visible()
    expect(page.get_by_role("heading", name="Triage")).to_be_visible()
    expect(page.get_by_role("heading", name="Next tests")).to_be_visible()
    expect(page.get_by_role("heading", name="Withheld for safety")).to_be_visible()
    shot(page, artifacts, "10-clinician-report")
    page.emulate_media(media="print")
    expect(page.locator("nav.actions")).to_be_hidden()
    shot(page, artifacts, "11-clinician-report-print")


def test_clinician_findings_filter_on_a_phone(page: Page, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/clinician")
    page.locator('input[name="findings.smoker"][value="present"]').check()
    page.get_by_label("Find a finding").fill("calf")
    expect(page.locator("#filter-count")).to_contain_text("findings match")
    expect(page.locator("#findings-calf_pain")).to_be_visible()
    expect(page.locator("#findings-smoker")).to_be_hidden()
    expect(page.get_by_role("group", name="Measured values")).to_be_hidden()
    page.locator('input[name="findings.calf_pain"][value="present"]').check()
    shot(page, artifacts, "17-clinician-filter", full=False)
    page.get_by_label("Find a finding").press("Enter")  # filtering never reloads: nothing entered is lost
    page.get_by_role("link", name="Show all").click()
    expect(page.locator("#findings-smoker")).to_be_visible()
    expect(page.locator('input[name="findings.smoker"][value="present"]')).to_be_checked()
    expect(page.locator('input[name="findings.calf_pain"][value="present"]')).to_be_checked()
    box = page.locator('input[name="findings.calf_pain"][value="present"]').bounding_box()
    assert box and box["x"] + box["width"] <= 390  # the form fits a phone


def test_clinician_form_shows_422_as_a_readable_message(page: Page, artifacts):
    page.goto("/clinician")
    page.locator("#findings-abi").fill("4.2")
    page.locator("#findings-potassium_mmol_l").fill("25")
    page.locator('input[name="findings.smoker"][value="present"]').check()
    with page.expect_response(lambda r: r.url.endswith("/clinician") and r.request.method == "POST") as resp:
        page.get_by_role("button", name="Assess").click()
    assert resp.value.status == 422
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("2 problems to fix")
    expect(alert).to_contain_text("findings.abi: 4.2 is outside 0-2.5 ratio")
    expect(alert).to_contain_text("findings.potassium_mmol_l: 25 is outside 1-10 mmol/L")
    expect(page.locator("#findings-abi")).to_have_value("4.2")  # nothing typed is lost
    expect(page.locator('input[name="findings.smoker"][value="present"]')).to_be_checked()
    expect(page.locator("#findings-abi")).to_have_attribute("aria-invalid", "true")
    shot(page, artifacts, "12-clinician-422")


def test_condition_search_and_page(page: Page, artifacts):
    page.goto("/conditions")
    page.get_by_label("Search the conditions").fill("restless")
    page.get_by_label("Search the conditions").press("Enter")
    expect(page.get_by_role("heading", name=re.compile("result"))).to_be_visible()
    page.locator("ol.hits a").first.click()
    expect(page.get_by_role("heading", name="What it is")).to_be_visible()
    for h in ("Typical pattern", "How it is confirmed", "What helps", "When to get help", "Sources"):
        expect(page.get_by_role("heading", name=h)).to_be_visible()
    shot(page, artifacts, "13-condition")


def test_api_docs_work_offline(page: Page, base_url):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/assessments").first).to_be_visible()
    assert [u for u in outside if not u.startswith("data:")] == []


def test_interview_works_with_keyboard_only_and_without_javascript(browser, base_url, artifacts):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    try:
        page.goto("/interview")
        page.get_by_role("button", name="Skip, just ask me questions").focus()
        page.keyboard.press("Enter")
        page.get_by_label("Age in years").focus()
        page.keyboard.type("55")
        page.keyboard.press("Enter")  # implicit submission must be Continue, not Back
        expect(page.locator("form.question")).to_have_attribute("data-kind", "screen")
        page.get_by_role("button", name="None of these").focus()
        page.keyboard.press("Enter")
        expect(progress(page)).to_contain_text(re.compile(r"\d+ given so far"))
        restless = Person(
            55, None, frozenset({"urge_to_move", "worse_at_night", "relieved_by_movement", "worse_at_rest"})
        )
        finish(page, restless)
        expect(page.get_by_role("heading", name="Your result")).to_be_visible()
        shot(page, artifacts, "14-results-no-js")
    finally:
        context.close()
