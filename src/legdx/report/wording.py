"""Every wording that more than one renderer shows, in one place (text, HTML, web pages, FHIR, PDF).

How urgent (for the person and for a clinician), how a probability or a contribution is put in
words, and which sources an output lists. Renderers take what they need from the Assessment
itself (it carries its sources with readable citations); none loads the knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass

from legdx.case import Assessment, ConditionResult, SourceOut
from legdx.kb.schema import AdviceTag, TriageLevel

__all__ = [
    "ADVICE_TOPIC",
    "CauseLine",
    "EMERGENCY_NUMBER",
    "FOR_CLINICIAN",
    "FOR_PERSON",
    "LIKE_YOURS",
    "SOMETHING_ELSE",
    "SOMETHING_ELSE_SAYS",
    "LevelWords",
    "advice_topic",
    "answer_word",
    "bar_steps",
    "causes_in_order",
    "cited_sources",
    "in_ten",
    "kept_for",
    "percent",
    "share_sentence",
    "strength",
]

EMERGENCY_NUMBER = "112"  # dialled from any mobile phone in Europe and redirected on many others; shown with
# "or your local emergency number" wherever it appears
LIKE_YOURS = "people with answers like yours"
SOMETHING_ELSE = "Something else"
SOMETHING_ELSE_SAYS = "A cause that legdx does not cover, or more than one thing at once."


@dataclass(frozen=True)
class LevelWords:
    title: str  # one word, for a heading or a badge
    what_to_do: str  # one sentence: what to do and how soon
    headline: str = ""  # the few words a person reads first ("Get seen today")
    where: str = ""  # where to go, in plain words


FOR_PERSON: dict[TriageLevel, LevelWords] = {
    TriageLevel.EMERGENCY: LevelWords(
        "Emergency",
        "Call your local emergency number now.",
        "Call for help now",
        f"Call {EMERGENCY_NUMBER} (or your local emergency number) or go to the nearest emergency department now."
        " Do not drive yourself, and do not wait to see whether it settles.",
    ),
    TriageLevel.URGENT: LevelWords(
        "Urgent",
        "Get seen by a clinician today.",
        "Get seen today",
        "Phone your doctor's practice now and ask to be seen today. If it is closed, go to an urgent care centre"
        " or call your local out-of-hours medical line.",
    ),
    TriageLevel.SOON: LevelWords(
        "Soon",
        "See a clinician within the next few days.",
        "See a doctor in the next few days",
        "Book an appointment with your family doctor or practice nurse for the next few days.",
    ),
    TriageLevel.ROUTINE: LevelWords(
        "Routine",
        "Self-care for now; see a clinician if it persists or gets worse.",
        "Self-care for now",
        "You can look after this at home. See your family doctor if it lasts more than a few weeks, gets worse,"
        " or something new appears.",
    ),
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
    """The sources an output lists: behind its warning signs, its advice, what it withheld, its tests,
    and the evidence of its leading conditions, in the order first cited."""
    wanted = list(a.triage.sources) + [x.source for x in a.advice] + [w.source for w in a.withheld_advice]
    wanted += [x.source for c in a.conditions[:SOURCES_FROM_CONDITIONS] for x in c.contributions if x.source]
    by_id = {s.id: s for s in a.sources}
    return [by_id[sid] for sid in dict.fromkeys(wanted) if sid in by_id]


def in_ten(share: float) -> str:
    """How many in 10 people with the same answers have this cause, rounded the way people say it.

    >>> in_ten(0.92), in_ten(0.5), in_ten(0.12), in_ten(0.06), in_ten(0.03), in_ten(0.97)
    ('about 9 in 10', 'about 5 in 10', 'about 1 in 10', 'about 1 in 20', 'fewer than 1 in 20', 'more than 9 in 10')
    """
    if share < 0.05:
        return "fewer than 1 in 20"
    if share < 0.075:
        return "about 1 in 20"
    if share >= 0.95:
        return "more than 9 in 10"
    return f"about {max(1, int(share * 10 + 0.5))} in 10"


def share_sentence(share: float) -> str:
    """The share of a cause as a sentence opening, for the person.

    >>> share_sentence(0.7)
    'About 7 in 10 people with answers like yours'
    """
    words = in_ten(share)
    return f"{words[0].upper()}{words[1:]} {LIKE_YOURS}"


def bar_steps(share: float, steps: int = 20) -> int:
    """The length of a share bar in ``steps`` (a visible sliver for any share above zero).

    >>> bar_steps(0.5), bar_steps(0.001), bar_steps(0.0)
    (10, 1, 0)
    """
    if share <= 0:
        return 0
    return max(1, min(steps, round(share * steps)))


def answer_word(value: object) -> str:
    """A recorded answer in the person's words.

    >>> answer_word(True), answer_word(False), answer_word(None), answer_word(0.62)
    ('yes', 'no', "don't know", '0.62')
    """
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "don't know"
    return f"{value:g}" if isinstance(value, float | int) else str(value)


def kept_for(days: int) -> str:
    """What a person is told before the interview about storage.

    >>> kept_for(30)[:60]
    'Your answers and your result are stored for 30 days so you c'
    """
    return (
        f"Your answers and your result are stored for {days} days so you can come back to them, then deleted."
        " Nobody else is given the address of your result. You can delete them yourself at any time from the"
        " result page."
    )


ADVICE_TOPIC: dict[AdviceTag, str] = {
    AdviceTag.COMPRESSION: "Compression stockings",
    AdviceTag.LEG_ELEVATION: "Raising your legs",
    AdviceTag.EXERCISE: "Exercise",
    AdviceTag.STRETCHING: "Stretching",
    AdviceTag.HYDRATION: "Drinking more fluids",
    AdviceTag.HEAT: "Heat on the sore muscles",
    AdviceTag.NSAID: "Anti-inflammatory painkillers (such as ibuprofen)",
    AdviceTag.MAGNESIUM: "Magnesium supplements",
    AdviceTag.IRON: "Iron tablets",
    AdviceTag.QUININE: "Quinine",
    AdviceTag.MEDICATION_REVIEW: "Changing your medicines",
    AdviceTag.SLEEP_POSTURE: "How you sleep",
    AdviceTag.SEE_CLINICIAN: "Seeing a clinician",
    AdviceTag.EMERGENCY_CARE: "Emergency care",
    AdviceTag.ANALGESIA: "Painkillers",
    AdviceTag.LIFESTYLE: "Changes to daily habits",
    AdviceTag.FOOT_CARE: "Foot care",
    AdviceTag.SPECIALIST_TREATMENT: "Specialist treatment",
}


def advice_topic(tags: list[AdviceTag]) -> str:
    """What a piece of advice is about, in plain words (its first tag).

    >>> advice_topic([AdviceTag.COMPRESSION, AdviceTag.LEG_ELEVATION])
    'Compression stockings'
    """
    if not tags:
        return "Advice"
    first = tags[0]
    return ADVICE_TOPIC.get(first, first.value.replace("_", " ").capitalize())


SHOWN_CAUSES = 5  # at most this many causes in a person's list
SHOWN_SHARE = 0.05  # below this share ("fewer than 1 in 20") a cause is only named as less likely
LESS_LIKELY = 5  # how many less likely causes are named


@dataclass(frozen=True)
class CauseLine:
    """One cause as a person's list shows it; ``condition`` is None for "something else"."""

    name: str
    share: float
    condition: ConditionResult | None = None
    says: str = ""


def causes_in_order(a: Assessment) -> tuple[list[CauseLine], list[CauseLine]]:
    """(the causes a person's result lists, the less likely ones it only names), most likely first.

    A cause is listed when at least about 1 in 20 people with the same answers have it (always the
    leading one, at most :data:`SHOWN_CAUSES`); "something else" takes its place by share when it
    reaches that share or the assessment has something to say about it.
    """
    shown: list[CauseLine] = []
    less: list[CauseLine] = []
    for i, c in enumerate(a.conditions):
        line = CauseLine(name=c.lay_name, share=c.share, condition=c)
        if (c.share >= SHOWN_SHARE or i == 0) and len(shown) < SHOWN_CAUSES:
            shown.append(line)
        elif len(less) < LESS_LIKELY:
            less.append(line)
    other = a.something_else
    if other.share >= SHOWN_SHARE or other.says:
        at = next((i for i, x in enumerate(shown) if x.share < other.share), len(shown))
        shown.insert(at, CauseLine(name=SOMETHING_ELSE, share=other.share, says=other.says or SOMETHING_ELSE_SAYS))
    return shown, less
