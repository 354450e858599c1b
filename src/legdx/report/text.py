"""Assessment -> a plain-language report for the person.

Order matters for safety: the emergency message comes first when it applies, and the disclaimer
always comes last.
"""

from __future__ import annotations

import textwrap

from legdx.case import Assessment
from legdx.report.wording import FOR_PERSON, cited_sources, percent

WIDTH = 88
SHOWN_CONDITIONS = 5


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first if first is not None else indent, subsequent_indent=indent)


def _bar(p: float, width: int = 20) -> str:
    filled = round(p * width)
    return "#" * filled + "." * (width - filled)


def render_text(a: Assessment) -> str:
    lines: list[str] = []
    if a.emergency_message:
        lines += ["!" * WIDTH, *_wrap(a.emergency_message, "  "), "!" * WIDTH, ""]
    lines.append(f"legdx assessment (knowledge base {a.kb_version})")
    lines.append("")
    words = FOR_PERSON[a.triage.level]
    lines.append(f"How urgent: {words.title.upper()} - {words.what_to_do}")
    for reason in a.triage.reasons[:3]:
        lines += _wrap(reason, "    ", "  - ")
    lines.append("")
    lines.append("What might be causing it (chance each is present):")
    for i, c in enumerate(a.conditions[:SHOWN_CONDITIONS], 1):
        lines.append(f"  {i}. {c.lay_name} [{_bar(c.probability)}] {percent(c.probability)}")
        lines += _wrap(f"({c.name}; ICD-10-CM {', '.join(c.icd10[:2])})", "     ")
        pro = [x.label for x in c.contributions if x.log_odds > 0][:3]
        con = [x.label for x in c.contributions if x.log_odds < 0][:2]
        if pro:
            lines += _wrap("points towards it: " + "; ".join(pro), "       ", "     + ")
        if con:
            lines += _wrap("points away from it: " + "; ".join(con), "       ", "     - ")
    if a.contributing_factors:
        lines += ["", "What may be making it worse:"]
        for f in a.contributing_factors:
            lines += _wrap(f, "    ", "  - ")
    lines += ["", "What to do now:"]
    for item in a.advice:
        lines += _wrap(item.text, "    ", "  - ")
    if a.withheld_advice:
        lines += ["", "Left out on purpose, because it could be unsafe for you:"]
        for w in a.withheld_advice:
            lines += _wrap(f"{', '.join(t.value for t in w.tags)}: {w.why}", "    ", "  - ")
    if a.next_tests:
        lines += ["", "Tests to ask a clinician about:"]
        for t in a.next_tests:
            lines += _wrap(f"{t.lay_name}. {t.why}", "    ", "  - ")
    if a.understood:
        lines += ["", "What legdx understood from your description:"]
        for u in a.understood:
            val = "yes" if u.value is True else "no" if u.value is False else f"{u.value:g}"
            lines += _wrap(f'"{u.text}" -> {u.finding} = {val}', "    ", "  - ")
    sources = cited_sources(a)
    if sources:
        lines += ["", "Sources:"]
        for src in sources:
            lines += _wrap(src.citation, "    ", "  - ")
    lines += ["", *_wrap(a.disclaimer, "", "")]
    return "\n".join(lines) + "\n"
