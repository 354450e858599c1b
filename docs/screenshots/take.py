"""Take the before / after screenshots of docs/interview.md (three people of issue 11).

Start the two apps first, each on an empty database:

    cd ../old && LEGDX_DATA_DIR=$(mktemp -d) .venv/bin/legdx serve --port 8011   # the previous release
    LEGDX_DATA_DIR=$(mktemp -d) .venv/bin/legdx serve --port 8000                 # this one

then, from the repository root: ``.venv/bin/python docs/screenshots/take.py [--before URL] [--after URL]``.
Each person describes the problem, confirms what was read, answers as they would (yes to what they
have, no to the rest, "I have no results" / "I don't know" to test results), and reaches the result. Pages are shot at a
phone's size (412 x 915).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
SIZE = {"width": 412, "height": 915}


@dataclass(frozen=True)
class Person:
    slug: str
    text: str
    age: int
    sex: str
    has: frozenset[str]


PEOPLE = (
    Person(
        "smoker-calf",
        "I'm 72 and I smoke. My calf hurts when I walk and it goes away when I stand still for a few minutes.",
        72,
        "male",
        frozenset({"smoker", "calf_pain", "pain_on_walking", "relieved_by_rest", "worse_with_continued_exercise"}),
    ),
    Person(
        "thigh-periods",
        "I'm 34. I get pain in my thigh every period.",
        34,
        "female",
        frozenset({"thigh_or_buttock_pain", "cyclical_with_menstruation", "pelvic_pain_with_periods"}),
    ),
    Person(
        "cold-leg",
        "I'm 55. My leg suddenly went cold and numb an hour ago.",
        55,
        "female",
        frozenset({"sudden_onset", "cold_pale_leg", "numbness_tingling"}),
    ),
)


def answer(page: Page, person: Person) -> None:
    form = page.locator("form.question")
    kind = form.get_attribute("data-kind")
    if kind == "demographics":
        if page.locator("#age").count():
            page.locator("#age").fill(str(person.age))
        if page.locator('input[name="sex"][type=radio]').count():
            page.get_by_label(person.sex.capitalize(), exact=True).check()
        page.get_by_role("button", name="Continue").click()
    elif kind in ("screen", "items"):
        names = [
            (r.get_attribute("name") or "").removeprefix("item.")
            for r in page.locator("form.question input[type=radio][value=yes]").all()
        ]
        none = page.get_by_role("button", name="None of these")
        if not any(n in person.has for n in names) and none.count():
            none.click()
            page.wait_for_load_state()
            return
        for n in names:
            page.locator(f'input[name="item.{n}"][value="{"yes" if n in person.has else "no"}"]').check()
        page.get_by_role("button", name="Continue").click()
    elif kind == "yes_no":
        qid = form.get_attribute("data-question")
        page.get_by_role("button", name="Yes" if qid in person.has else "No", exact=True).click()
    else:
        page.get_by_role("button", name=re.compile("^(I don't know|I have no results)")).click()
    page.wait_for_load_state()


def journey(page: Page, base: str, person: Person, prefix: str) -> list[str]:
    shots: list[str] = []

    def shot(step: str) -> None:
        name = f"{prefix}-{person.slug}-{step}.png"
        page.wait_for_load_state("networkidle")
        for attempt in range(3):  # headless Chromium now and then fails a capture; a retry succeeds
            try:
                page.screenshot(path=str(HERE / name))
                break
            except Exception:
                if attempt == 2:
                    raise
                page.wait_for_timeout(500)
        shots.append(name)

    page.goto(f"{base}/interview")
    page.get_by_label(re.compile("Describe your leg pain")).fill(person.text)
    shot("1-start")
    page.get_by_role("button", name="Continue").click()
    shot("2-confirm")
    page.get_by_role("button", name=re.compile("^That's right")).click()
    n = 0
    while "/results/" not in page.url:
        n += 1
        if n <= 2:
            shot(f"{2 + n}-question")
        answer(page, person)
        if n > 30:
            raise RuntimeError(f"{base}: the interview did not end for {person.slug}")
    shot("5-result")
    causes = page.locator("#h-causes")
    if causes.count():
        causes.scroll_into_view_if_needed()
        page.evaluate("document.getElementById('h-causes').scrollIntoView()")
        shot("6-causes")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="http://127.0.0.1:8011", help="'' skips the previous release")
    parser.add_argument("--after", default="http://127.0.0.1:8000")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        for prefix, base in (("before", args.before), ("after", args.after)):
            if not base:
                continue
            context = browser.new_context(viewport=SIZE, device_scale_factor=1)
            page = context.new_page()
            for person in PEOPLE:
                for name in journey(page, base, person, prefix):
                    print(name)  # noqa: T201
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
