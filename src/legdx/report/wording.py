"""Every wording that more than one renderer shows, in one place (text, HTML, web pages, FHIR, PDF).

How urgent (for the person and for a clinician), how a probability or a contribution is put in
words, and which sources an output lists. Renderers take what they need from the Assessment
itself (it carries its sources with readable citations); none loads the knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass

from legdx.case import Assessment, SourceOut
from legdx.kb.schema import TriageLevel

__all__ = [
    "FOR_CLINICIAN",
    "FOR_PERSON",
    "LevelWords",
    "cited_sources",
    "percent",
    "strength",
]


@dataclass(frozen=True)
class LevelWords:
    title: str  # one word, for a heading or a badge
    what_to_do: str  # one sentence: what to do and how soon


FOR_PERSON: dict[TriageLevel, LevelWords] = {
    TriageLevel.EMERGENCY: LevelWords("Emergency", "Call your local emergency number now."),
    TriageLevel.URGENT: LevelWords("Urgent", "Get seen by a clinician today."),
    TriageLevel.SOON: LevelWords("Soon", "See a clinician within the next few days."),
    TriageLevel.ROUTINE: LevelWords("Routine", "Self-care for now; see a clinician if it persists or gets worse."),
}

FOR_CLINICIAN: dict[TriageLevel, str] = {
    TriageLevel.EMERGENCY: "Emergency: call the local emergency number now",
    TriageLevel.URGENT: "Urgent: to be seen by a clinician today",
    TriageLevel.SOON: "Soon: clinician review within days",
    TriageLevel.ROUTINE: "Routine: self-care; review if it persists or worsens",
}

SOURCES_FROM_CONDITIONS = 3  # the leading conditions whose evidence an output cites


def percent(p: float) -> str:
    """A probability as a clinician reads it.

    >>> percent(0.004), percent(0.42), percent(0.999)
    ('<1%', '42%', '>99%')
    """
    if p < 0.01:
        return "<1%"
    if p > 0.99:
        return ">99%"
    return f"{p:.0%}"


def strength(log_odds: float) -> str:
    """Plain words for a log-odds contribution.

    >>> strength(1.3), strength(-0.2)
    ('strongly towards', 'slightly away from')
    """
    size = abs(log_odds)
    word = "strongly" if size >= 1.0 else "moderately" if size >= 0.4 else "slightly"
    return f"{word} {'towards' if log_odds > 0 else 'away from'}"


def cited_sources(a: Assessment) -> list[SourceOut]:
    """The sources an output lists: behind its advice, what it withheld, its tests, and the
    evidence of its leading conditions, in the order first cited."""
    wanted = [x.source for x in a.advice] + [w.source for w in a.withheld_advice]
    wanted += [x.source for c in a.conditions[:SOURCES_FROM_CONDITIONS] for x in c.contributions if x.source]
    by_id = {s.id: s for s in a.sources}
    return [by_id[sid] for sid in dict.fromkeys(wanted) if sid in by_id]
