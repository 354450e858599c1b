"""A person and a clinician using legdx in a real browser (Debian chromium through Playwright).

Screenshots go to test-artifacts/ (gitignored) so a person can look at what was tested.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CLAUDICATION = {"pain_on_walking", "relieved_by_rest", "calf_pain", "smoker", "worse_with_continued_exercise"}


def shot(page: Page, artifacts, name: str, *, full: bool = True) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=full)


def answer_current(page: Page, truth: set[str]) -> str:
    """Answer whatever question is on screen as a person with ``truth`` findings would."""
    form = page.locator("form.question")
    kind = form.get_attribute("data-kind")
    if kind == "demographics":
        page.get_by_label("Age in years").fill("70")
        page.get_by_label("Male", exact=True).check()
        page.get_by_role("button", name="Continue").click()
    elif kind == "screen":
        page.get_by_role("button", name="None of these").click()
    elif kind == "items":
        for radio in page.locator("form.question input[type=radio][value=yes]").all():
            finding = radio.get_attribute("name").removeprefix("item.")
            value = "yes" if finding in truth else "no"
            page.locator(f'input[name="item.{finding}"][value="{value}"]').check()
        page.get_by_role("button", name="Continue").click()
    elif kind == "yes_no":
        qid = form.get_attribute("data-question")
        page.get_by_role("button", name="Yes" if qid in truth else "No", exact=True).click()
    else:  # number / numbers
        page.get_by_role("button", name=re.compile("^I don't know")).click()
    return kind or ""


def test_person_completes_the_interview_with_back_and_why(page: Page, artifacts):
    page.goto("/interview")
    expect(page.get_by_role("heading", name="Tell us about your leg pain")).to_be_visible()
    shot(page, artifacts, "01-start")
    page.get_by_role("button", name="Skip, just ask me questions").click()

    expect(page.get_by_text("Question 1 of at most")).to_be_visible()
    answer_current(page, CLAUDICATION)  # demographics
    expect(page.get_by_text("Question 2 of at most")).to_be_visible()
    expect(page.locator("form.question")).to_have_attribute("data-kind", "screen")
    shot(page, artifacts, "02-red-flag-screen")

    # "Why do you ask?" is a disclosure: hidden until opened
    why = page.locator("details.why")
    expect(why.locator("p")).to_be_hidden()
    why.locator("summary").click()
    expect(why.locator("p")).to_be_visible()

    # Back returns to the previous question with the earlier answers filled in
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("Question 1 of at most")).to_be_visible()
    expect(page.get_by_label("Age in years")).to_have_value("70")
    expect(page.get_by_label("Male", exact=True)).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Question 2 of at most")).to_be_visible()

    asked = 2
    while "/results/" not in page.url:
        answer_current(page, CLAUDICATION)
        page.wait_for_load_state()
        asked += 1
        if asked == 4 and "/results/" not in page.url:
            shot(page, artifacts, "03-a-question")
        assert asked < 25, "the interview did not end"
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    expect(page.locator(".emergency")).to_have_count(0)
    first = page.locator("ol.causes > li").first
    expect(first.locator("meter")).to_have_count(1)
    expect(first.locator(".pct")).to_have_text(re.compile(r"\d+%|over 99%"))
    expect(first).to_contain_text("Narrowed leg arteries")
    expect(page.get_by_role("heading", name="What to do now")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    expect(page.locator(".disclaimer")).to_contain_text("does not replace a clinician")
    shot(page, artifacts, "04-results")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, artifacts, "05-results-mobile")


def test_description_is_understood_and_can_be_corrected(page: Page, artifacts):
    page.goto("/interview")
    page.get_by_label("Describe your leg pain").fill(
        "I'm 68. My left calf aches when I walk uphill and it goes away after I stand still for a few minutes. I smoke."
    )
    page.get_by_role("button", name="Continue").click()
    heading = page.get_by_role("heading", name="Is this what you meant?")
    if page.locator("form.question").count():  # the free-text reader was unavailable: questions start directly
        expect(page.locator(".notice")).to_contain_text("could not read your description")
        pytest.fail("the intake could not read the description")
    expect(heading).to_be_visible()
    expect(page.get_by_label("Age in years")).to_have_value("68")
    smoker = page.locator('input[name="f.smoker"][value="yes"]')
    expect(smoker).to_be_checked()
    shot(page, artifacts, "06-confirm")
    page.locator('input[name="f.smoker"][value="no"]').check()  # the person corrects it
    page.get_by_role("button", name="That's right, continue").click()
    expect(page.get_by_text("Question 1 of at most")).to_be_visible()
    expect(page.get_by_label("Age in years")).to_have_value("68")  # carried over from the description
    page.get_by_label("Male", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    state = page.locator('input[name="state"]').input_value()
    assert '"smoker":false' in state and '"calf_pain":true' in state


def test_red_flags_lead_to_the_emergency_banner_first(page: Page, artifacts):
    page.goto("/interview")
    page.get_by_role("button", name="Skip, just ask me questions").click()
    answer_current(page, set())
    for finding in ("sudden_onset", "cold_pale_leg"):
        page.locator(f'input[name="item.{finding}"][value="yes"]').check()
    page.get_by_role("button", name="Continue").click()
    while "/results/" not in page.url:
        answer_current(page, {"sudden_onset", "cold_pale_leg"})
    first = page.locator("body > *:not(.skip)").first  # before the site header and everything else
    expect(first).to_have_class(re.compile("emergency"))
    expect(first).to_have_attribute("role", "alert")
    expect(first).to_contain_text("emergency")
    shot(page, artifacts, "07-emergency", full=False)


def test_interview_shows_a_readable_message_for_an_impossible_age(page: Page, artifacts):
    page.goto("/interview")
    page.get_by_role("button", name="Skip, just ask me questions").click()
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
    expect(page.get_by_text("Question 2 of at most")).to_be_visible()


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
        expect(page.get_by_text("Question 2 of at most")).to_be_visible()
        page.get_by_role("button", name="None of these").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Question 3 of at most")).to_be_visible()
        n = 3
        while "/results/" not in page.url:
            answer_current(page, {"urge_to_move", "worse_at_night", "relieved_by_movement", "worse_at_rest"})
            n += 1
            assert n < 25
        expect(page.get_by_role("heading", name="Your results")).to_be_visible()
        shot(page, artifacts, "14-results-no-js")
    finally:
        context.close()
