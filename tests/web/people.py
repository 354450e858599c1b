"""People for the browser tests: who they are, how they answer, and how to drive the pages as them.

A person is a set of findings they have (everything else they answer "no"). The same answering
rule drives the engine in-process (to find which answers lead to a given kind of question) and the
real pages in Chromium, so the browser tests stay valid when the engine's choice of questions
changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Person:
    age: int | None
    sex: str | None
    has: frozenset[str] = field(default_factory=frozenset)
    text: str = ""

    def response(self, q: Any) -> Any:
        """The engine response this person gives to question ``q`` (an interview.Question)."""
        if q.kind == "demographics":
            return {"age": self.age, "sex": self.sex}
        if q.kind in ("screen", "items"):
            return {i.finding: i.finding in self.has for i in q.items}
        if q.kind == "yes_no":
            return q.finding in self.has
        if q.kind == "numbers":
            return {i.finding: None for i in q.items}  # "I have no results"
        return None  # number: "I don't know"


CLAUDICATION = Person(
    72,
    "male",
    frozenset({"smoker", "calf_pain", "pain_on_walking", "relieved_by_rest", "worse_with_continued_exercise"}),
    "I'm 72 and I smoke. My calf hurts when I walk and it goes away when I stand still for a few minutes.",
)
PERIODS = Person(
    34,
    "female",
    frozenset({"thigh_or_buttock_pain", "cyclical_with_menstruation", "pelvic_pain_with_periods"}),
    "I'm 34. I get pain in my thigh every period.",
)
COLD_LEG = Person(
    55,
    None,
    frozenset({"sudden_onset", "cold_pale_leg", "numbness_tingling"}),
    "I'm 55. My leg suddenly went cold and numb an hour ago.",
)
RESTLESS = Person(60, "male", frozenset({"urge_to_move", "worse_at_night", "worse_at_rest", "relieved_by_movement"}))
CRAMPS = Person(45, "male", frozenset({"sudden_muscle_tightening", "worse_at_night", "relieved_by_stretching"}))
EVERYONE = (CLAUDICATION, PERIODS, RESTLESS, CRAMPS)


def path_to(kind: str, ckb: Any) -> tuple[Person, list[tuple[Any, Any]]]:
    """A person and the (question, response) steps after which the interview asks a question of ``kind``."""
    from legdx.interview import InterviewState, answer, next_question

    for person in EVERYONE:
        state, steps = InterviewState(), []
        while (q := next_question(state, ckb)) is not None:
            if q.kind == kind:
                return person, steps
            r = person.response(q)
            steps.append((q, r))
            state = answer(state, q.id, r, ckb)
    raise LookupError(f"none of the test people is asked a question of kind {kind!r}; add one to EVERYONE")


def kind_of(page: Page) -> str:
    form = page.locator("form.question")
    return form.get_attribute("data-kind") or "" if form.count() else ""


def answer_on_page(page: Page, person: Person) -> str:
    """Answer the question on screen as ``person`` would, through the page's own controls."""
    form = page.locator("form.question")
    kind = form.get_attribute("data-kind") or ""
    if kind == "demographics":
        if page.locator("#age").count():
            page.locator("#age").fill("" if person.age is None else str(person.age))
        if person.sex and page.locator('input[name="sex"][type=radio]').count():
            page.get_by_label(person.sex.capitalize(), exact=True).check()
        page.get_by_role("button", name="Continue").click()
    elif kind in ("screen", "items"):
        shown = [
            (r.get_attribute("name") or "").removeprefix("item.")
            for r in page.locator("form.question input[type=radio][value=yes]").all()
        ]
        if not any(f in person.has for f in shown):
            page.get_by_role("button", name="None of these").click()
        else:
            for f in shown:
                value = "yes" if f in person.has else "no"
                page.locator(f'input[name="item.{f}"][value="{value}"]').check()
            page.get_by_role("button", name="Continue").click()
    elif kind == "yes_no":
        qid = form.get_attribute("data-question")
        page.get_by_role("button", name="Yes" if qid in person.has else "No", exact=True).click()
    else:  # measured values: this person has no results
        page.get_by_role("button", name=re.compile("^(I don't know|I have no results)")).click()
    page.wait_for_load_state()
    return kind


def start_without_description(page: Page) -> None:
    page.goto("/interview")
    page.get_by_role("button", name="Skip, just ask me questions").click()


def walk_to(page: Page, kind: str, ckb: Any) -> Person:
    """Drive the pages to the first question of ``kind`` (found with the engine in-process)."""
    person, steps = path_to(kind, ckb)
    start_without_description(page)
    for q, _ in steps:
        expect(page.locator("form.question")).to_have_attribute("data-question", q.id)
        answer_on_page(page, person)
    expect(page.locator("form.question")).to_have_attribute("data-kind", kind)
    return person


def finish(page: Page, person: Person, *, limit: int = 30) -> list[str]:
    """Answer until the result page; returns the question ids asked."""
    asked = []
    while "/results/" not in page.url:
        asked.append(page.locator("form.question").get_attribute("data-question") or "")
        answer_on_page(page, person)
        assert len(asked) < limit, f"the interview did not end: {asked}"
    return asked


def describe(page: Page, text: str) -> None:
    page.goto("/interview")
    page.get_by_label("Describe your leg pain").fill(text)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Is this what you meant?")).to_be_visible()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the current page (WCAG 2 A/AA and best practice)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' -> '
                     + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return list(result)
