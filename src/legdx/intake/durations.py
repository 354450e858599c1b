"""How long: a time course written as a duration says whether the onset was sudden.

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

__all__ = ["onset_spans"]

_N = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|a\s+few|a\s+couple\s+of|couple\s+of|several)"
SUDDEN = [
    re.compile(rf"(?i)\b{_N}\s*(?:minutes?|mins?|hours?|hrs?|h)\s+ago\b"),
    re.compile(
        r"(?i)\bsince\s+(?:this\s+(?:morning|afternoon|evening)|last\s+night|earlier\s+today|an?\s+hour|\d+\s*(?:am|pm|o'clock))\b"
    ),
    re.compile(r"(?i)\b(?:over|in|within)\s+(?:the\s+)?(?:last|past)\s+(?:few\s+|couple\s+of\s+|\d+\s+)?hours?\b"),
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
    r"symptoms?|discomfort|restless\w*|throbb\w*|heav\w*|weak\w*|legs?|calf|calves|feet|foot|thighs?|sensations?|feelings?)\b"
)
HABIT_BEFORE = re.compile(
    r"(?i)\b(diabet\w*|smok\w*|taking|take|takes|married|worked|works|known|diagnosed|treated|drinks?|drinking|"
    r"using|used|had\s+(?:diabetes|kidney)|type\s*[12]|hypertension|statins?|tablets?)\b[^.;,]{0,12}$"
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
