"""Assessment -> a one-page PDF handout for the person to keep, print or hand to a clinician.

WeasyPrint (the ``report`` extra) lays out a small self-contained HTML page: the date, how soon
to get help, the causes as "about N in 10 people with answers like yours", what to do, what was
left out and why, the tests to ask about, the answers it is based on, and the sources. It always
fits on one A4 page: when it would not, the type gets smaller, then the longest lists shorter.
Like the other renderers it takes what it needs from the Assessment; finding labels in the
person's words come in ``labels`` (the web door passes them from the knowledge base).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from legdx.case import Assessment
from legdx.kb.schema import TriageLevel
from legdx.report.wording import (
    FOR_PERSON,
    advice_topic,
    answer_word,
    bar_steps,
    causes_in_order,
    cited_sources,
    share_sentence,
)

__all__ = ["handout_html", "render_pdf"]


@dataclass(frozen=True)
class _Fit:
    """One attempt at fitting the page: type size and how many of each list to show."""

    font_pt: float
    sources: int
    answers: int
    tests: int
    withheld: int


FITS = (
    _Fit(10.0, 12, 40, 4, 4),
    _Fit(9.0, 10, 40, 4, 3),
    _Fit(8.5, 8, 36, 3, 3),
    _Fit(8.0, 6, 30, 3, 2),
    _Fit(7.5, 4, 24, 2, 2),
    _Fit(7.0, 3, 18, 2, 1),
)

CSS = """
@page { size: A4; margin: 14mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: %(pt)spt; line-height: 1.32;
  color: #111; margin: 0; }
h1 { font-size: 1.6em; margin: 0; }
h2 { font-size: 1.12em; margin: .7em 0 .2em; border-bottom: 1.2pt solid #111; padding-bottom: .1em; }
p { margin: .15em 0; }
ul, ol { margin: .1em 0 .2em; padding-left: 1.3em; }
li { margin: .05em 0; }
.meta { color: #444; font-size: .92em; }
.urgency { border: 2pt solid #111; padding: .3em .7em .4em; margin: .6em 0 .2em; }
.urgency.emergency { border: 3pt solid #9b1111; }
.urgency .headline { font-size: 1.45em; font-weight: 700; margin: 0; }
.emergency .headline { color: #9b1111; }
.cause { display: flex; align-items: center; margin: .12em 0; }
.cause .name { width: 52%%; font-weight: 700; padding-right: .5em; }
.cause .bar { width: 18%%; height: .75em; border: .6pt solid #555; margin-right: .6em; }
.cause .fill { height: 100%%; background: #444; }
.cause .words { width: 30%%; }
.says { margin: 0 0 .2em 0; color: #333; }
.cols { columns: 2; column-gap: 1.6em; }
.answers { columns: 3; column-gap: 1.2em; font-size: .9em; }
.answers p { display: inline-block; width: 100%%; margin: 0 0 .05em; }
.sources { font-size: .82em; color: #333; }
.disclaimer { border-top: 1pt solid #111; margin-top: .6em; padding-top: .25em; font-weight: 700; font-size: .92em; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def handout_html(
    a: Assessment,
    *,
    created_at: datetime,
    address: str | None = None,
    labels: Mapping[str, str] | None = None,
    fit: _Fit = FITS[0],
) -> str:
    """The handout as a standalone HTML document (what :func:`render_pdf` lays out)."""
    labels = labels or {}
    level = a.triage.level
    words = FOR_PERSON[level]
    emergency = level is TriageLevel.EMERGENCY
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>legdx handout</title>",
        f"<style>{CSS % {'pt': fit.font_pt}}</style></head><body>",
        "<h1>Your leg pain: result and what to do</h1>",
        f"<p class='meta'>From your answers on {_e(created_at.strftime('%-d %B %Y'))}"
        + (f" &middot; online at {_e(address)}" if address else "")
        + "</p>",
        f"<div class='urgency{' emergency' if emergency else ''}'>",
        f"<p class='headline'>{_e(words.headline)}</p><p>{_e(words.where)}</p>",
    ]
    out += [f"<p>{_e(r)}</p>" for r in a.triage.reasons[:2]]
    out.append("</div>")

    shown, _ = causes_in_order(a)
    out.append("<h2>What might be causing it</h2>")
    out.append("<p class='meta'>Out of 10 people who gave answers like yours, about how many have each cause.</p>")
    for line in shown:
        width = bar_steps(line.share) * 5
        out.append(
            f"<div class='cause'><span class='name'>{_e(line.name)}</span>"
            f"<span class='bar'><span class='fill' style='width:{width}%;display:block'></span></span>"
            f"<span class='words'>{_e(share_sentence(line.share))}</span></div>"
        )
        if line.says:
            out.append(f"<p class='says'>{_e(line.says)}</p>")

    out.append("<h2>What you can do now</h2>")
    if a.advice:
        out.append("<ol>" + "".join(f"<li>{_e(x.text)}</li>" for x in a.advice) + "</ol>")
    else:
        out.append(f"<p>{_e(words.where)}</p>")
    if a.withheld_advice and fit.withheld:
        out.append("<h2>Advice left out, and why</h2><ul>")
        out += [
            f"<li><strong>{_e(advice_topic(w.tags))}</strong>: {_e(w.why)}</li>"
            for w in a.withheld_advice[: fit.withheld]
        ]
        out.append("</ul>")
    if a.next_tests and fit.tests:
        out.append("<h2>Tests to ask a clinician about</h2><ul>")
        out += [f"<li>{_e(t.lay_name)}</li>" for t in a.next_tests[: fit.tests]]
        out.append("</ul>")

    answers: list[tuple[str, str]] = []
    if a.case.age is not None:
        answers.append(("Age", str(a.case.age)))
    if a.case.sex:
        answers.append(("Sex", a.case.sex))
    for x in a.answered:
        label = labels.get(x.finding) or x.label
        value = answer_word(x.value) + (f" {x.unit}" if x.unit and not isinstance(x.value, bool) else "")
        answers.append((_cap(label), value))
    answers += [(_cap(labels[f]), answer_word(None)) for f in a.case.unknown if f in labels]
    if answers:
        out.append("<h2>Your answers</h2><div class='answers'>")
        out += [f"<p>{_e(k)}: <strong>{_e(v)}</strong></p>" for k, v in answers[: fit.answers]]
        if len(answers) > fit.answers:
            out.append(f"<p>&hellip; and {len(answers) - fit.answers} more online</p>")
        out.append("</div>")

    sources = cited_sources(a)
    if sources:
        out.append("<h2>Sources</h2><ul class='sources'>")
        out += [f"<li>{_e(s.citation)}</li>" for s in sources[: fit.sources]]
        if len(sources) > fit.sources:
            out.append(f"<li>&hellip; and {len(sources) - fit.sources} more, listed online</li>")
        out.append("</ul>")
    out.append(f"<p class='disclaimer'>{_e(a.disclaimer)}</p></body></html>")
    return "\n".join(out)


def render_pdf(
    a: Assessment,
    *,
    created_at: datetime,
    address: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """The handout as PDF bytes, always one page.

    Args:
        a: the assessment.
        created_at: when it was made (printed as the date).
        address: the full address of the result online, printed under the title.
        labels: finding id -> the person's words for it; clinician labels are used for the rest.

    Raises:
        ImportError: WeasyPrint is not installed (``pip install 'legdx[report]'``).
    """
    from weasyprint import HTML  # type: ignore[import-untyped,import-not-found,unused-ignore]

    def layout(fit: _Fit) -> Any:
        return HTML(string=handout_html(a, created_at=created_at, address=address, labels=labels, fit=fit)).render()

    doc = layout(FITS[0])
    for fit in FITS[1:]:
        if len(doc.pages) == 1:
            break
        doc = layout(fit)
    if len(doc.pages) > 1:
        doc = doc.copy(doc.pages[:1])  # never more than one page: the rest of the detail is online
    data: bytes = doc.write_pdf()
    return data
