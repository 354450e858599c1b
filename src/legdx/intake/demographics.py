"""Age and sex from text: "a 67-year-old man", "F, 54", "54F", "I'm a 30 year old woman", "in her sixties".

Regular expressions over the raw text. Age needs an age cue ("years old", "yo", "aged", "I'm 54",
an M/F marker), so durations ("for 3 years") are never read as ages. Sex comes from a sex word
tied to the age or to "I'm a ...", from a header ("Sex: F"), and, in third-person notes only
(no "I"/"my"), from the pronouns when they all agree. Mentions about relatives ("my mother, aged
80") are skipped, except when the whole text is about that relative: a person writing for someone
else opens with them ("My dad is 82 and wakes most nights...", "my nan is 85. her left leg...",
"My teenage son plays football"). Then the relative is the patient (``AgeSex.subject_span``): the
relative word gives the sex and an age tied to it ("is 82", "(70)", ", 70,") the age. Pregnancy
and periods say female (``female_context``, used by the intake when nothing else gives the sex).

>>> read_age_sex("A 67-year-old man with calf pain")
AgeSex(age=67, sex='male', age_span=(2, 4), sex_span=(14, 17))
>>> read_age_sex("F, 54. Legs ache at night.").age, read_age_sex("54F, cramps").sex
(54, 'female')
>>> read_age_sex("My dad is 82 and wakes most nights with cramp in his calf.")
AgeSex(age=82, sex='male', age_span=(10, 12), sex_span=(3, 6))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["AgeSex", "read_age_sex"]

Sex = Literal["female", "male"]

FEMALE_WORDS = {
    "woman",
    "female",
    "lady",
    "girl",
    "f",
    "mrs",
    "ms",
    "miss",
    "gentlewoman",
    "mother",
    "wife",
    "grandmother",
}
MALE_WORDS = {"man", "male", "gentleman", "guy", "boy", "m", "mr", "father", "husband", "grandfather", "bloke"}
SEX_WORD = r"(woman|female|lady|girl|man|male|gentleman|guy|boy|bloke)"
DECADES = {
    "twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65, "seventies": 75,
    "eighties": 85, "nineties": 95, "20s": 25, "30s": 35, "40s": 45, "50s": 55, "60s": 65, "70s": 75,
    "80s": 85, "90s": 95,
}  # fmt: skip
SHIFT = {"early": -3, "mid": 0, "late": 3}
OTHERS = re.compile(
    r"(?i)\b(mother|mum|mom|father|dad|sister|brother|wife|husband|partner|son|daughter|grand\w+|aunt|uncle|"
    r"friend|neighbou?r|colleague|child|kids?|baby)\b[^.;\n]{0,25}$"
)

AGE_PATTERNS: list[tuple[re.Pattern[str], int | None, int | None]] = [
    # (regex, age group, sex group)
    (re.compile(r"(?i)\b(\d{1,3})[\s-]*(?:years?|yrs?|y)[\s-]*old(?:[\s,]+(?:\w+[\s,]+){0,2}?" + SEX_WORD + r"\b)?"), 1, 2),
    # "82 yr old f": a sex letter right after "old"
    (re.compile(r"(?i)\b(\d{1,3})[\s-]*(?:years?|yrs?|y)[\s-]*old[\s,]+([mf])\b(?![/'\w])"), 1, 2),
    # "45 y.o. man": after "y.o." there is no word boundary, so the abbreviation ends at a non-letter
    (re.compile(r"(?i)\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yoa)(?![a-z])(?:[\s,]+(?:\w+\s+){0,2}?" + SEX_WORD + r"\b)?"), 1, 2),
    (re.compile(r"(?i)\b(\d{1,3})[\s-]*(?:yo|y/o|years?|yrs?)?(?:[\s-]*|\s*[(,]\s*(?:an?\s+)?)" + r"(female|male|woman|man|gentleman|lady)\b"), 1, 2),
    (re.compile(r"\b(\d{1,3})\s?([MF])\b(?![/\w]|\.\w)"), 1, 2),
    # "82f, calf pain", "63 m, smoked ...": in lower case only where a note opens (a line start), since
    # "walked 50 m" and "101f" are a distance and a temperature
    (re.compile(r"(?m)^\W{0,3}(\d{1,3})\s?([mf])\b(?=\s*[,.;:\-–(]|\s+(?:with|c/o|presents|pmh|smoker|ex-smoker)\b)"), 1, 2),
    (re.compile(r"(?i)\b(woman|man|female|male|lady|gentleman|girl|boy)\s*(?:,|of|aged)\s*(?:aged\s+)?(\d{1,3})\b(?![\s-]*(?:%|kg|mg|cm|weeks|months|days|hours|minutes|years? ago))"), 2, 1),
    # "carer for lady 89 years", "a man 72 years old"
    (re.compile(r"(?i)\b(woman|man|female|male|lady|gentleman|girl|boy)\s+(\d{1,3})\s*(?:years?|yrs?|yo|y/o)\b"), 2, 1),
    (re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.?|yrs?|y)\s*,?\s*([MF])\b(?![/.\w])"), 1, 2),
    (re.compile(r"(?<![\w/])([MF])\s*[,/]?\s*(\d{1,3})\b(?!\s*(?:%|mg|kg|cm|mm|m\b|/))"), 2, 1),
    (re.compile(r"(?i)\baged?\s*[:=]?\s*(\d{1,3})\b(?!\s*(?:%|mg|kg|weeks|months|days))"), 1, None),
    # a note that opens "Roofer, 46, working outdoors ..." / "Cyclist, 41, gets cramps ..."
    (re.compile(r"^\s*(?:an?\s+)?[A-Za-z][\w-]*(?:\s+[\w-]+){0,2},\s*(\d{1,3})\s*,"), 1, None),
    (re.compile(r"(?i)\b(?:he|she|patient|pt|the patient)\s+is\s+(?:now\s+)?(\d{1,3})\b(?![\s-]*(?:%|kg|lbs?|cm|weeks|months|days|hours|minutes))"), 1, None),
    (re.compile(r"(?i)\bI(?:'m|’m|\s+am)\s+(?:now\s+|only\s+|just\s+)?(\d{1,3})\b(?![\s-]*(?:%|kg|lbs?|stone|cm|weeks|months|days|hours|minutes|times|cups|miles|km))"), 1, None),
]  # fmt: skip
DECADE_RE = re.compile(
    r"(?i)\bin\s+(?:my|his|her|their)\s+(early|mid|late)?[\s-]*(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|[2-9]0s)\b"
)
I_AM_A = re.compile(r"(?i)\bI(?:'m|’m|\s+am)\s+(?:a|an)\s+(?:[\w-]+\s+){0,4}?" + SEX_WORD + r"\b")
HEADER = re.compile(r"(?i)(?:\b(?:sex|gender)\s*[:=]\s*|\(\s*)(female|male|f|m|woman|man)\b")
HONORIFIC = re.compile(r"\b(Mrs|Ms|Miss|Mr)\.?\s+[A-Z]")
FIRST_PERSON = re.compile(r"(?i)\b(I|my|me|I'm|I’m)\b")
SHE = re.compile(r"(?i)\b(she|her|hers|herself)\b")
HE = re.compile(r"(?i)\b(he|him|his|himself)\b")


RELATIVES: dict[str, Sex | None] = {
    **dict.fromkeys(
        ["mum", "mom", "mam", "mummy", "mommy", "mother", "nan", "nana", "nanna", "gran", "granny", "grandma",
         "grandmother", "wife", "daughter", "sister", "aunt", "auntie", "niece", "girlfriend", "stepmother",
         "stepdaughter", "girl", "lass", "granddaughter"], "female"),
    **dict.fromkeys(
        ["dad", "daddy", "father", "grandad", "granddad", "grandpa", "grandfather", "husband", "son", "brother",
         "uncle", "nephew", "boyfriend", "stepfather", "stepson", "boy", "lad", "grandson"], "male"),
    **dict.fromkeys(
        ["partner", "child", "kid", "friend", "neighbour", "neighbor", "parent", "toddler", "baby", "infant", "teenager",
         "teen", "youngster"], None),
}  # fmt: skip
# "my dad is 82 and ...", "Please help - my 82-year-old nan ...", "My teenage son plays football": the
# relative opens the text (in its first sentence, before the writer speaks of themself)
# ... or opens it bare, as a carer writes: "Mum (79) slipped ...", "Dad, 82, can't walk far"
SUBJECT = re.compile(
    # "my dad", "my elderly mum", "my 70 year old father"
    # ... and "Asking for a friend: his leg ...", "writing on behalf of my mum"
    # ... also after a short opening ("Sorry if this is the wrong place to ask. My son is 12 ...")
    r"(?i)(?:^(?:[^.!?\n]{0,60}[.!?]\s+)?[^.!?\n]{0,40}?\b(?:my|our)\s+(?:[\w-]+\s+){0,3}?|^\W{0,3}|"
    r"^\W{0,3}(?:i'?m\s+|i\s+am\s+)?(?:asking|writing|enquiring|inquiring)\s+(?:for|on\s+behalf\s+of)\s+(?:a|my|our)\s+)"
    r"(" + "|".join(RELATIVES) + r")\b"
)
_NOT_AN_AGE = r"(?![\s-]*(?:%|kg|lbs?|stone|cm|mg|weeks|months|days|hours|minutes|years?\s+ago|times|miles|km|m\b))"
# the relative's age, where it follows them (group 1 in each form, tried in order):
SUBJECT_AGE = (
    # "my dad is 82", "Mum (79)", "Dad, 82,", "my son Ahmed is 3 years" (a first name between), "my mum
    # who is 88"
    re.compile(
        r"(?i)(?-i:\s+[A-Z][a-z]+)?(?:,?\s+who)?\s*(?:is|was|'s|’s|,|\(|-)\s*(?:now\s+|aged\s+|only\s+|just\s+)?(\d{1,3})\b"
        + _NOT_AN_AGE
    ),
    # "my father 81 years, he ...", "My mother 75 years old"
    re.compile(r"(?i)\s+(\d{1,3})(?=\s*(?:years?|yrs?|yo|y/o)\b(?!\s+ago))"),
    # "on behalf of my daughter, she's 14"
    re.compile(r"(?i)\s*,?\s*(?:she|he)\s*(?:'s|’s|is)\s+(?:now\s+|only\s+|just\s+)?(\d{1,3})\b" + _NOT_AN_AGE),
)
PRONOUNS: dict[Sex, re.Pattern[str]] = {
    "female": re.compile(r"(?i)\b(she|her|hers|herself)\b"),
    "male": re.compile(r"(?i)\b(he|him|his|himself)\b"),
}
# a relative named first who has a complaint now ("My mum (82) has a swollen left calf", "my son has a
# limp", "my 8 yo daughter gets aching legs at night"): the text is about them even with no pronoun
# (a symptom, not a diagnosis: "My mother has RLS", "my husband has diabetes" stay family or others)
COMPLAINS_NOW = re.compile(
    r"(?i)^[^.!?\n]{0,30}?\b(?:has|have|gets|keeps|complains|complaining|can't|cannot|can\s+not|won't|woke|wakes|"
    r"started|suffers|developed|is|has\s+been)\b[^.!?\n]{0,40}?\b(?:pain|painful|aches?|aching|achy|hurts?|hurting|sore|"
    r"swollen|swelling|limp|limping|cramps?|cramping|numb\w*|tingl\w*|bruis\w*|blister\w*|ulcer|wound|walk|feel|weak\w*|"
    r"cold|pale|white|red|hot|fever|temperature|vomit\w*|confus\w*)\b"
    # "My dad's leg went cold and white": the relative's own leg
    r"|^\s*['’]s\s+(?:\w+\s+)?(?:legs?|calf|calves|foot|feet|knees?|ankles?|thighs?|hips?|toes?|heels?|shins?)\b"
)
# the writer describing their own body or symptoms: then a relative named first is not the patient
# ("I need ..." is not among them: a parent writes "do I need to take him in?")
SELF = re.compile(
    r"(?i)\bI(?:'m|’m|\s+am)\s+(?:now\s+|only\s+|just\s+|a\s+)?(?:\d|in\s+(?:pain|agony)|limping|pregnant|diabetic)"
    r"|\bI(?:\s+have|'ve|’ve|\s+had|\s+get|\s+got|\s+keep|\s+suffer|\s+feel)(?:\s+[\w'’]+){0,3}?\s+"
    r"(?:pains?|aches?|aching|cramps?|cramping|swelling|swollen|numb\w*|tingl\w*|sore|burning|legs?|calf|calves|feet|"
    r"foot|thighs?|knees?|hips?|ankles?|toes?|heels?)\b"
    r"|\bI(?:\s+kick|\s+wake|\s+can't\s+walk|\s+cannot\s+walk|\s+can\s+not\s+walk|\s+walk)\b"
    r"|\bmy\s+(?:legs?|calf|calves|feet|foot|thighs?|toes?|knees?|back|ankles?)\b"
)
FEMALE_CONTEXT = re.compile(
    r"(?i)\b(pregnant|pregnancy|weeks?\s+gestation|my\s+periods?|her\s+periods?|menstruat\w*|menopaus\w*|"
    r"postmenopausal|midwife|gyn(?:a)?ecolog\w*)\b"
)


@dataclass(frozen=True)
class AgeSex:
    """Age in years and sex read from text, with the character spans they came from.

    ``subject_span``: when the text is written about a relative who is the patient ("my dad is 82"),
    the span of the relative word (the intake then does not treat that mention as someone else).
    ``female_context``: the text speaks of the person's pregnancy or periods.
    """

    age: int | None = None
    sex: Sex | None = None
    age_span: tuple[int, int] | None = None
    sex_span: tuple[int, int] | None = None
    subject_span: tuple[int, int] | None = field(default=None, repr=False)
    female_context: tuple[int, int] | None = field(default=None, repr=False)


def _sex_of(word: str) -> Sex | None:
    w = word.lower().rstrip(".")
    if w in FEMALE_WORDS:
        return "female"
    if w in MALE_WORDS:
        return "male"
    return None


def _about_someone_else(text: str, start: int) -> bool:
    return OTHERS.search(text[max(0, start - 30) : start]) is not None


def _subject(text: str) -> tuple[tuple[int, int], Sex | None, tuple[int, int] | None, int | None] | None:
    """The relative a text is about, when it opens with one: (word span, sex, age span, age)."""
    m = SUBJECT.search(text)
    if m is None or SELF.search(text):
        return None
    sex = RELATIVES[m.group(1).lower()]
    rest = text[m.end(1) :]
    a = next((x for x in (form.match(rest) for form in SUBJECT_AGE) if x), None)
    age_span = (m.end(1) + a.start(1), m.end(1) + a.end(1)) if a else None
    age = int(a.group(1)) if a else None
    before = re.search(
        r"(?i)\b(\d{1,3})[\s-]*(?:(?:years?|yrs?|y)[\s-]*old|yo|y/o|y\.o\.?)\s+(?:[\w-]+\s+)?$", text[: m.start(1)]
    )
    if age is None and before:  # "my 82-year-old dad"
        age, age_span = int(before.group(1)), before.span(1)
    # the rest of the text must go on about them ("... and she can't sit still", "He has a black toe")
    pronoun = PRONOUNS[sex].search(rest) if sex else (PRONOUNS["female"].search(rest) or PRONOUNS["male"].search(rest))
    if pronoun is None and not COMPLAINS_NOW.match(rest):
        return None  # "My mum had clots" is family history, not the person the text is about
    if sex is None and pronoun is not None:
        she, he = PRONOUNS["female"].search(rest), PRONOUNS["male"].search(rest)
        sex = "female" if she and not he else "male" if he and not she else None
    return m.span(1), sex, age_span, age


def read_age_sex(text: str) -> AgeSex:
    """Read the person's age and sex from ``text`` (either may be ``None``). Never raises."""
    female = FEMALE_CONTEXT.search(text)
    female_context = female.span() if female else None
    subject = _subject(text)
    if subject is not None and not re.search(r"(?i)\bI(?:'m|’m|\s+am)\s+(?:now\s+|only\s+|just\s+|a\s+)?\d", text):
        span, rel_sex, rel_age_span, rel_age = subject
        return AgeSex(rel_age, rel_sex, rel_age_span, span if rel_sex else None, span, female_context)
    age: int | None = None
    sex: Sex | None = None
    age_span: tuple[int, int] | None = None
    sex_span: tuple[int, int] | None = None
    best = len(text) + 1
    for rx, ag, sg in AGE_PATTERNS:
        for m in rx.finditer(text):
            if ag is None or m.start() > best or _about_someone_else(text, m.start()):
                continue
            if m.start() == best and (sex is not None or sg is None or not m.group(sg)):
                continue
            best = m.start()
            age, age_span = int(m.group(ag)), m.span(ag)
            if sg is not None and m.group(sg):
                s = _sex_of(m.group(sg))
                if s is not None:
                    sex, sex_span = s, m.span(sg)
            break
    if age is None:
        for m in DECADE_RE.finditer(text):
            if _about_someone_else(text, m.start()):
                continue
            age = DECADES[m.group(2).lower()] + SHIFT.get((m.group(1) or "mid").lower(), 0)
            age_span = m.span()
            break
    if sex is None:
        for rx in (I_AM_A, HEADER):
            found = rx.search(text)
            if found and _sex_of(found.group(1)) is not None:
                sex, sex_span = _sex_of(found.group(1)), found.span(1)
                break
    if sex is None:
        honorific = HONORIFIC.search(text)
        if honorific:
            sex, sex_span = _sex_of(honorific.group(1)), honorific.span(1)
    if sex is None and age_span is not None:
        # "a 67-year-old retired builder ... man" is rare; a sex word right after the age is common
        tail = re.match(r"[\s,]+(?:[\w-]+\s+){0,3}?" + SEX_WORD + r"\b", text[age_span[1] :], re.IGNORECASE)
        if tail:
            sex, sex_span = _sex_of(tail.group(1)), (age_span[1] + tail.start(1), age_span[1] + tail.end(1))
    if sex is None and female is not None and not _about_someone_else(text, female.start()):
        sex, sex_span = "female", female.span()  # "I'm 30 and 28 weeks pregnant", "with my periods"
    if sex is None and not FIRST_PERSON.search(text):
        she = list(SHE.finditer(text))
        he = list(HE.finditer(text))
        if she and not he:
            sex, sex_span = "female", she[0].span()
        elif he and not she:
            sex, sex_span = "male", he[0].span()
    return AgeSex(age=age, sex=sex, age_span=age_span, sex_span=sex_span, female_context=female_context)
