"""axe-core in Chromium on every kind of page: no serious or critical accessibility violations.

axe-core comes from the npm registry (scripts/test.sh installs it into .venv/axe); it is injected
into each page by the test (the context bypasses the pages' Content-Security-Policy for that).
"""

from __future__ import annotations

import os

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.web.people import (
    AXE,
    COLD_LEG,
    CRAMPS,
    PERIODS,
    describe,
    serious_violations,
    start_without_description,
    walk_to,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def axe_page(browser, base_url):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing under CI (scripts/test.sh installs axe-core from npm)")
        pytest.skip(f"{AXE} is missing (npm install --prefix .venv/axe axe-core@4)")
    context = browser.new_context(base_url=base_url, bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def _stored(base_url: str, case: dict) -> str:
    r = httpx.post(f"{base_url}/api/v1/assessments", json=case, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_no_serious_violations_on_any_page_type(axe_page: Page, base_url, ckb):
    page = axe_page
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.wait_for_load_state()
        found[name] = serious_violations(page)

    page.goto("/")
    check("home")
    page.goto("/interview")
    check("interview start")
    describe(page, COLD_LEG.text)
    check("confirm (with the emergency banner)")
    page.goto("/interview")
    describe(page, PERIODS.text)
    check("confirm")
    start_without_description(page)
    check("question: demographics")
    page.get_by_label("Age in years").fill("40")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("form.question")).to_have_attribute("data-kind", "screen")
    check("question: warning-sign screen")
    for kind in ("yes_no", "number", "items"):
        walk_to(page, kind, ckb)
        check(f"question: {kind}")

    routine = _stored(base_url, {"age": CRAMPS.age, "sex": CRAMPS.sex, "findings": dict.fromkeys(CRAMPS.has, True)})
    emergency = _stored(base_url, {"age": 55, "findings": dict.fromkeys(COLD_LEG.has, True)})
    page.goto(f"/results/{routine}")
    expect(page.locator(".urgency")).to_have_class("urgency level-routine")  # night cramps: self-care
    check("results (routine)")
    page.goto(f"/results/{emergency}")
    expect(page.locator(".emergency")).to_have_count(1)
    check("results (emergency)")
    page.goto(f"/reports/{emergency}")
    check("clinician report")
    page.goto(f"/results/{routine}/delete")
    check("delete: are you sure?")
    page.get_by_role("button", name="Yes, delete my answers").click()
    check("deleted")
    page.goto("/clinician")
    check("clinician form")
    page.goto("/conditions")
    check("conditions")
    page.goto("/conditions/peripheral_artery_disease")
    check("condition page")
    page.goto("/conditions/no_such_condition")
    check("error page")

    bad = {name: v for name, v in found.items() if v}
    assert not bad, "\n".join(f"{name}: {v}" for name, vs in bad.items() for v in vs)
