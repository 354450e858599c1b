"""Assessment -> a plain-language report for the person.

Order matters for safety: the emergency message comes first when it applies, and the disclaimer
always comes last.
"""

from __future__ import annotations

import textwrap

from legdx.case import Assessment
from legdx.report.wording import (
    FOR_PERSON,
    LIKE_YOURS,
    advice_topic,
    answer_word,
    causes_in_order,
    cited_sources,
    in_ten,
)

WIDTH = 88


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
    lines += _wrap(words.where, "  ")
    for reason in a.triage.reasons[:3]:
        lines += _wrap(reason, "    ", "  - ")
    lines.append("")
    lines.append(f"What might be causing it (how many in 10 {LIKE_YOURS} have each cause):")
    shown, less = causes_in_order(a)
    for i, line in enumerate(shown, 1):
        lines.append(f"  {i}. {line.name} [{_bar(line.share)}] {in_ten(line.share)}")
        c = line.condition
        if c is None:  # "something else"
            lines += _wrap(line.says, "     ")
            continue
        lines += _wrap(f"({c.name}; ICD-10-CM {', '.join(c.icd10[:2])})", "     ")
        pro = [x.plain or x.label for x in c.contributions if x.log_odds > 0][:3]
        con = [x.plain or x.label for x in c.contributions if x.log_odds < 0][:2]
        if pro:
            lines += _wrap("points towards it: " + "; ".join(pro), "       ", "     + ")
        if con:
            lines += _wrap("points away from it: " + "; ".join(con), "       ", "     - ")
    if less:
        lines += _wrap("Less likely: " + "; ".join(f"{x.name} ({in_ten(x.share)})" for x in less), "    ", "  ")
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
            lines += _wrap(f"{advice_topic(w.tags)}: {w.why}", "    ", "  - ")
    if a.next_tests:
        lines += ["", "Tests to ask a clinician about:"]
        for t in a.next_tests:
            lines += _wrap(f"{t.lay_name}. {t.why}", "    ", "  - ")
    if a.understood:
        lines += ["", "What legdx understood from your description:"]
        plain = {x.finding: x.plain or x.label for x in a.answered}
        for u in a.understood:
            if u.finding not in plain:
                continue  # read but not used (an answer or a clearer mention took its place), or age and sex
            lines += _wrap(f'"{u.text}": {plain[u.finding]}: {answer_word(u.value)}', "    ", "  - ")
    sources = cited_sources(a)
    if sources:
        lines += ["", "Sources:"]
        for src in sources:
            lines += _wrap(src.citation, "    ", "  - ")
    lines += ["", *_wrap(a.disclaimer, "", "")]
    return "\n".join(lines) + "\n"
