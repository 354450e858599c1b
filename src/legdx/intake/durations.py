"""How long: a time course written as a duration says whether the onset was sudden, and whether the
symptoms have lasted 3 months or more (``persistent_symptoms``).

"started two hours ago", "since this morning", "a 3-hour history" -> ``sudden_onset`` true;
"for the past 6 months", "a 2-year history", "for years" -> ``sudden_onset`` false. Both are
*inferred* (weaker than an explicit "suddenly" or "gradually" in the lexicon), and a long duration
counts only in a sentence about symptoms and not right after a history or habit word ("diabetic for
10 years", "smoked for 30 years").

>>> [(round(s), v) for s, _e, v in onset_spans("The pain began 2 hours ago.")]
[(15, True)]
>>> onset_spans("Diabetic for 10 years.")
[]
"""

from __future__ import annotations

import re

__all__ = ["longstanding_swelling_spans", "onset_spans", "persistence_spans"]

_N = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|a\s+few|a\s+couple\s+of|couple\s+of|several)"
SUDDEN = [
    re.compile(rf"(?i)\b{_N}\s*(?:minutes?|mins?|hours?|hrs?|h)\s+ago\b"),
    re.compile(
        r"(?i)\bsince\s+(?:this\s+(?:morning|afternoon|evening)|last\s+night|earlier\s+today|an?\s+hour|\d+\s*(?:am|pm|o'clock))\b"
    ),
    re.compile(r"(?i)\b(?:over|in|within|for)\s+(?:the\s+)?(?:last|past)\s+(?:few\s+|couple\s+of\s+|\d+\s+)?hours?\b"),
    re.compile(rf"(?i)\b(?:since|from)\s+{_N}\s*(?:hours?|hrs?)\b"),  # "since 6 hour", "from 3 hours" (non-native)
    re.compile(rf"(?i)\b{_N}[\s-]*(?:hours?|hrs?|h)[\s-]+(?:history|of)\b"),
]
CHRONIC = [
    re.compile(rf"(?i)\b(?:for|over)\s+(?:the\s+)?(?:last|past)?\s*{_N}?\s*(?:weeks|months?|years?|yrs)\b"),
    re.compile(rf"(?i)\b{_N}[\s-]*(?:weeks|months?|years?|yrs?)[\s-]+(?:history|of)\b"),
    re.compile(r"(?i)\bfor\s+(?:many\s+|some\s+)?(?:months|years|ages|a\s+long\s+time)\b"),
    re.compile(
        r"(?i)\b(?:since|over)\s+(?:last\s+(?:year|summer|winter|spring|autumn|month)|childhood|my\s+(?:teens|twenties|pregnancy))\b"
    ),
]
SYMPTOM = re.compile(
    r"(?i)\b(pain|painful|ache|aches|aching|hurt|hurts|cramp|cramps|cramping|tingl\w*|numb\w*|burning|swell\w*|swollen|"
    r"symptoms?|discomfort|restless\w*|throbb\w*|heav\w*|weak\w*|legs?|calf|calves|feet|foot|thighs?|sensations?|feelings?|"
    r"sore\w*|stiff\w*|kills?|killing|agony|heels?|knees?|ankles?|hips?|shins?|toes?)\b"
)
HABIT_BEFORE = re.compile(
    r"(?i)\b(diabet\w*|smok\w*|taking|take|takes|married|worked|works|known|diagnosed|treated|drinks?|drinking|"
    r"using|used|had\s+(?:diabetes|kidney)|type\s*[12]|hypertension|statins?|tablets?|taken|pills?|contraceptive|hrt|"
    r"insulin|medications?|medicines?|lived|living|retired|vegetarian|vegan)\b[^.;,]{0,12}$"
)


def onset_spans(sentence: str) -> list[tuple[int, int, bool]]:
    """(start, end, sudden?) for each duration cue in one sentence; offsets are within it."""
    out: list[tuple[int, int, bool]] = []
    for rx in SUDDEN:
        out += [(m.start(), m.end(), True) for m in rx.finditer(sentence)]
    if SYMPTOM.search(sentence):
        for rx in CHRONIC:
            for m in rx.finditer(sentence):
                if not HABIT_BEFORE.search(sentence[max(0, m.start() - 30) : m.start()]):
                    out.append((m.start(), m.end(), False))
    return sorted(set(out))


# ---------------------------------------------------------------- how long the complaint has lasted
PERSISTENT_DAYS = 84  # 12 weeks: "3 months", "3/12" and "12 weeks" all count as 3 months or more
_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "few": 3, "several": 3, "couple": 2,
    "many": 5,
}  # fmt: skip
_UNIT_DAYS = {"min": 0.0007, "h": 0.04, "d": 1.0, "w": 7.0, "m": 30.4, "y": 365.0}
_AMOUNT = r"(?P<n>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|few|several|many|couple(?:\s+of)?)"
_RANGE = r"(?:\s*(?:-|–|to|or)\s*(?P<hi>\d+))?"
# one-letter units only right after digits ("3d", "2 w"): "an" + "d" must not read as "and"
_UNIT = r"(?P<u>min(?:ute)?s?|hours?|hrs?|days?|weeks?|wks?|wk|months?|mths?|mos?|years?|yrs?|yr|(?<=\d)\s?[hdwy])"
# "a 3-day history", "for 6 weeks", "4/12 hx", "2 yrs of", "since 5 months", "began 3 weeks ago"
AMOUNT_OF_TIME = re.compile(
    rf"(?i)\b(?:(?:a|an)\s+)?(?:few\s+|couple\s+of\s+)?{_AMOUNT}{_RANGE}(?:\s+or\s+so)?[\s-]*{_UNIT}\b(?![/-]?\s*old)"
)
FREQUENCY_BEFORE = re.compile(r"(?i)\b(?:times?|x|per|each|every|once|twice|nights?|days?)\s*$")
CLINICAL_FRACTION = re.compile(r"(?<![\d/])(?P<n>\d{1,2})/(?P<u>7|52|12)(?![\d/])")
_FRACTION_DAYS = {"7": 1.0, "52": 7.0, "12": 30.4}
# a duration must be tied to the complaint by one of these, before or after it
TIED_BEFORE = re.compile(
    r"(?i)(?:\b(?:for|over|since|from|past|last|lasting|about|around|approximately|roughly|nearly|almost|x|c/o|with|of|"
    r"now|had|having|after|already)\s+(?:the\s+)?(?:last\s+|past\s+)?(?:maybe\s+|about\s+|around\s+|only\s+|just\s+|like\s+|almost\s+|nearly\s+|over\s+)?"
    r"|[~(]\s*|^\W*|\b(?:pain|ache|aching|swelling|symptoms|cramps?|numbness|tingling|hx)\s*)$"
)
TIED_AFTER = re.compile(
    r"(?i)^[\s-]*(?:history|hx|of|ago|duration|now|after|and\s+counting|on\s+and\s+off|or\s+so)\b|^\s*(?:[.,;)]|$)"
)
NOT_A_SPAN = re.compile(
    r"(?i)^\s*(?:a|per|each|every|/|x)\s*(?:week|wk|month|day|year|night)|^[\s-]*old\b|"
    r"^\s*(?:woman|man|lady|female|male|boy|girl|f|m)\b|^[\s,]*(?:pregnant|gestation|pregnancy|postpartum|post-partum)"
)
# "It started two weeks ago": the complaint itself, named by a pronoun
COMPLAINT_STARTED = re.compile(
    r"(?i)\b(?:it|this|they|these|symptoms?|problems?)\s+(?:all\s+)?(?:started|began|begun|came\s+on|come\s+on)\b"
)
# "treated for breast cancer 6 years ago": an event's date, not how long the complaint has lasted
EVENT_BEFORE = re.compile(
    r"(?i)\b(?:treated|treatment|surgery|operation|diagnosed|mastectomy|hysterectomy|replacement|prescribed|injection|"
    r"fracture|fractured|dvt|clot|pe|stopped|quit|started\s+on|put\s+on|radiotherapy|chemo\w*|cancer|repair|bypass)\b[^.;]{0,40}$"
)
# hours the complaint has lasted so far (not how long an episode lasts: "cramps for 10 minutes")
HOURS_SO_FAR = re.compile(r"(?i)\b(?:since|from|for)(?:\s+the\s+(?:last|past))?\s*(?:about\s+|around\s+|~\s*)?$")
PREGNANCY_BEFORE = re.compile(r"(?i)\b(?:pregnant|gestation|pregnancy)\b[\s,:]*$")
AGE_BEFORE = re.compile(r"(?i)\b(?:aged?|is|am|i'm|i’m|was|turned|turning)\s*$")
VAGUE = [  # (pattern, days)
    (re.compile(r"(?i)\bfor\s+(?:many\s+|some\s+|several\s+)?(?:years|yrs|ages|decades|a\s+long\s+time)\b"), 1000.0),
    (re.compile(r"(?i)\b(?:years|yrs|decades)\s+of\b"), 1000.0),
    (re.compile(r"(?i)\bfor\s+(?:many\s+|some\s+|several\s+)?months\b|\bmonths\s+of\b"), 180.0),
    (
        re.compile(
            r"(?i)\b(?:over|for|in)\s+(?:the\s+)?(?:last|past)\s+(?:few\s+|several\s+)?(?:years?|months|decade)\b"
        ),
        365.0,
    ),
    (
        re.compile(
            r"(?i)\bsince\s+(?:last\s+(?:year|summer|winter|spring|autumn|fall)|childhood|my\s+(?:teens|twenties|thirties|pregnancy)|christmas)\b"
        ),
        200.0,
    ),
    (
        re.compile(
            r"(?i)\b(?:over|for|in)\s+(?:the\s+)?(?:last|past)\s+(?:few\s+|couple\s+of\s+)?(?:days|weeks|week|day)\b"
        ),
        7.0,
    ),
    (
        re.compile(
            r"(?i)\b(?:since|from|started|began|begun|came\s+on|developed|woke(?:\s+up)?|noticed)\s+(?:(?:on|at|about|around)\s+)?"
            r"(?:yesterday|last\s+night|this\s+(?:morning|afternoon|evening)|earlier\s+today|today|tonight|overnight|"
            r"(?:last\s+|the\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week))\b"
        ),
        1.0,
    ),
    (re.compile(r"(?i)\bwoke(?:\s+up)?\s+(?:at\s+\d|in\s+the\s+(?:night|early\s+hours)|during\s+the\s+night)"), 1.0),
]


def _amount(word: str) -> float:
    w = word.lower().removesuffix(" of")  # "a couple of years"
    return float(_WORD_NUMBERS[w]) if w in _WORD_NUMBERS else float(w)


def persistence_spans(sentence: str) -> list[tuple[int, int, bool]]:
    """(start, end, lasted 3 months or more?) for each duration of the complaint in one sentence.

    Only in a sentence about symptoms, and not right after a history or habit word ("diabetic for 10
    years", "stopped smoking 6/12 ago"). A number with a time unit counts when it is tied to the
    complaint ("for 6 weeks", "a 3-day history", "began 2 days ago", "since 5 months"); a frequency
    ("3 nights a week") or an age ("6 years old") does not; minutes and hours count only as an onset
    ("3 hours ago"), never as the length of an episode ("stiff for 10 minutes").

    >>> persistence_spans("A 4-day history of calf pain.")
    [(0, 7, False)]
    >>> persistence_spans("6/12 hx cramping pain R calf")
    [(0, 4, True)]
    >>> persistence_spans("My legs ache 3 nights a week.")
    []
    >>> persistence_spans("Leg cold and white for 3 hours.")
    [(23, 30, False)]
    """
    if not SYMPTOM.search(sentence) and not COMPLAINT_STARTED.search(sentence):
        return []
    out: list[tuple[int, int, bool]] = []

    def habit(start: int) -> bool:
        return HABIT_BEFORE.search(sentence[max(0, start - 30) : start]) is not None or bool(
            re.search(
                r"(?i)\b(?:stopped|quit|gave\s+up|ex-?smoker)\b[^.;,]{0,12}$", sentence[max(0, start - 30) : start]
            )
        )

    for m in AMOUNT_OF_TIME.finditer(sentence):
        unit = m.group("u").lower().strip()
        key = "min" if unit.startswith("min") else unit[0] if unit[0] in "hdwy" else "m"
        after, before = sentence[m.end() :], sentence[max(0, m.start() - 40) : m.start()]
        if NOT_A_SPAN.search(after) or AGE_BEFORE.search(before) or FREQUENCY_BEFORE.search(before) or habit(m.start()):
            continue
        if re.match(r"(?i)^[\s-]*ago\b", after) and EVENT_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()]):
            continue
        if PREGNANCY_BEFORE.search(before):
            continue
        # "for 3 hours", "from 3 hours", "(4h)"; not "(12 hour shifts)"
        lasted_hours = key == "h" and (
            HOURS_SO_FAR.search(before) is not None
            or (before.rstrip().endswith("(") and after.lstrip().startswith(")"))
        )
        if key in ("min", "h") and not lasted_hours and not re.match(r"(?i)^[\s-]*(?:ago|history|hx|after)\b", after):
            continue
        if not (TIED_BEFORE.search(before) or TIED_AFTER.search(after)):
            continue
        days = _amount(m.group("n")) * _UNIT_DAYS[key]
        most = float(m.group("hi")) * _UNIT_DAYS[key] if m.group("hi") else days
        if days < PERSISTENT_DAYS <= most:
            continue  # "2-3 months" straddles three months: leave it unknown rather than guess
        out.append((m.start(), m.end(), days >= PERSISTENT_DAYS))
    for m in CLINICAL_FRACTION.finditer(sentence):
        if habit(m.start()):
            continue
        days = float(m.group("n")) * _FRACTION_DAYS[m.group("u")]
        out.append((m.start(), m.end(), days >= PERSISTENT_DAYS))
    for rx, days in VAGUE:
        out += [(m.start(), m.end(), days >= PERSISTENT_DAYS) for m in rx.finditer(sentence) if not habit(m.start())]
    return sorted(set(out))


# "gradual swelling L leg over 18/12": the swelling itself, named just before a long duration
SWELLING_JUST_BEFORE = re.compile(r"(?i)\b(?:swell\w*|swollen|o?edema\w*|oedema\w*)\b[^.;,]{0,30}$")
# a long duration that opens the sentence, then the swelling: "Since one year my right leg is getting bigger",
# "For the past year my left leg has been swollen" (nothing newer in between: "... now swollen since yesterday")
OPENS_SENTENCE = re.compile(r"(?i)^\W*(?:\w+\W+){0,2}?(?:since|for|over|in)\W+(?:\w+\W+){0,3}?$")
# "18 months of progressive, painless swelling of the left leg": the duration is the swelling's own
SWELLING_OF = re.compile(
    r"(?i)^\s*(?:history\s+)?of\s+(?:[\w-]+,?\s+){0,3}?(?:swell\w*|o?edema|oedema|lymphoedema|lymphedema)\b"
)
SWELLING_AFTER = re.compile(
    r"(?i)^(?:(?!\b(?:now|today|yesterday|suddenly|this\s+week)\b)[^.;])*?\b(?:swell\w*|swollen|o?edema\w*|oedema\w*|bigger|puffy|puffier)\b"
)


def longstanding_swelling_spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each duration of 3 months or more that a swelling word comes right before.

    The swelling must come first: in "calf pain for 6 months, now swollen" the swelling is new.

    >>> longstanding_swelling_spans("Gradual swelling L leg over 18/12, heavy.")
    [(28, 33)]
    >>> longstanding_swelling_spans("Calf pain for 6 months, now swollen since yesterday.")
    []
    >>> longstanding_swelling_spans("Since one year my right leg is getting bigger.")
    [(6, 14)]
    >>> longstanding_swelling_spans("For 6 months my calf ached, now it is swollen.")
    []
    >>> longstanding_swelling_spans("She has 18 months of progressive, painless swelling of the left leg.")
    [(8, 17)]
    """
    return [
        (a, b)
        for a, b, long in persistence_spans(sentence)
        if long
        and (
            SWELLING_JUST_BEFORE.search(sentence[max(0, a - 40) : a])
            or (OPENS_SENTENCE.search(sentence[:a]) and SWELLING_AFTER.search(sentence[b:]))
            or SWELLING_OF.search(sentence[b:])
        )
    ]
