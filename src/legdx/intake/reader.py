"""Free text -> findings, each with the span of text it came from.

``understand(case, ckb)`` reads ``case.text`` (a person's own words, a clinician's note or an
exam-style vignette) into :class:`~legdx.case.UnderstoodFinding` items: finding id, value, the
character span and its text, and ``used`` (false when the value is out of range, when an explicit
finding or the case's own age / sex overrides it, or when another mention of the same finding was
preferred). ``read_age_sex(text)`` gives the age and sex alone (for the web app's form).

How it reads, in order:

1. The text was already checked with the case (:func:`legdx.case.text_problem`: empty,
   whitespace-only, control-character / binary text and over-long text are bad input).
2. spaCy's English tokenizer and its rule-based sentencizer (``spacy.blank("en")``, plus a line
   break ends a sentence; ``document.py``), then a phrase table + anchored token-pattern matcher
   (spaCy ``PhraseMatcher`` / ``Matcher`` semantics, built for speed) compiled from the lexicon data
   (``lexicon/*.yaml``: lay and clinical phrases for every finding, drug names by class, concepts
   such as DVT or restless legs whose meaning depends on context). See ``matcher.py``,
   ``document.py`` and ``lexicon.py``.
3. ConText (``context.py``): negation, uncertainty, hypotheticals, history, family, other people,
   stopped medicines. A historical mention keeps its meaning only for history-like findings (a
   history of diabetes is diabetes; a history of leg swelling is not current swelling) or maps
   through the lexicon (history of DVT -> ``previous_dvt``; mother with RLS -> ``family_history_rls``).
   A phrase that carries its own negation ("not pregnant") is not flipped by an earlier "no"; a
   duration before "history of" ("a 3-week history of", "10/7 hx") is the present complaint; a
   relative *reporting* ("Daughter found an ulcer") is not family history; and when the text is
   about a relative ("My dad is 82 and ..."), that relative is the patient, not someone else.
   Blocker phrases take over matches that start or end inside them ("painful period cramps").
4. Laterality (``laterality.py``), time course (``durations.py``: sudden onset, and how long the
   complaint has lasted, from its first stated duration), measured values with units and
   conversions (``numbers.py``), and age / sex (``demographics.py``). Site pain: a body site
   ("thighs", "knee") linked to a pain word in its sentence through listing words only is that
   site's pain ("pain in both legs, behind the knees and front of thighs"; ``_site_pain``). Two combinations: an injury
   anywhere in the text plus pain off the scale, untouched by painkillers or escalating gives
   ``severe_pain_after_injury`` (inferred); foot drop implies leg weakness (inferred).
5. One value per finding: measured numbers beat qualitative words, explicit phrases beat inferred
   ones, and among equals a present finding beats an absent one (so "no pain at rest, but calf pain
   on walking" keeps the calf pain). Every other mention is kept with ``used=False`` so a person
   can see and correct everything that was read.

Why this stack (STACK.md, "NLP"): spaCy 3.8's blank English pipeline is offline, needs no model
download, and its ``NORM`` attribute already spells out contractions ("doesn't" = "does not"),
which makes negation phrases simple to write. spaCy does the tokenizing and sentence splitting at
run time; it is imported lazily (only when there is text) and built once per process. The matcher
is our own (``matcher.py`` says why: profiling, and a pattern language of our own).
medspaCy's ConText is the right *algorithm*, but medspaCy 1.3.1 pins spaCy < 3.8 on Python 3.11
and must be installed with ``--no-deps`` around a metadata conflict (``pip check`` then fails for
good), drags in PyRuSH / quicksectx / pysimstring / nltk, and costs about 3 s of import time on
every CLI call that has text. negspacy covers negation only (no history, family or hypothetical)
and works on ``doc.ents`` with its own term lists. So the ConText algorithm is implemented here in
about a hundred lines (``context.py``) with its rules as data (``lexicon/context.yaml``, in
medspaCy's rule format: category, direction, max scope, terminators, pseudo-triggers).

Speed (``bench/bench_intake.py``): a 500-word note reads in about 17 ms; the first text read in a
process also pays about 2 s to build the pipeline (importing spaCy alone is about 1.5 s; building
its blank English pipeline and compiling the lexicon's patterns about 0.5 s).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from legdx.case import Case, UnderstoodFinding, text_problem
from legdx.errors import InvalidCase
from legdx.intake.demographics import read_age_sex
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING, Finding, FindingCategory, FindingKind

if TYPE_CHECKING:  # pragma: no cover
    from legdx.intake.context import Target
    from legdx.intake.document import Doc
    from legdx.intake.lexicon import Entry, Lexicon

__all__ = ["extract", "understand"]

HISTORY_LIKE = {FindingCategory.HISTORY, FindingCategory.MEDICATION, FindingCategory.LIFESTYLE}
FAMILY_FINDINGS = {"family_history_rls"}
UNAFFIRMED = {"negated", "possible", "hypothetical", "historical", "family", "other"}
# a present finding that entails another: foot drop is weakness of the leg
IMPLIES: dict[str, dict[str, bool | float]] = {"foot_drop": {"leg_weakness": True}}
# priorities: a measured number (3) > an explicit phrase (2) > an inference (1) > a weak inference such as a
# plural (0, laterality.py) > a hedged warning sign (-1)
MEASURED, EXPLICIT, INFERRED, UNCERTAIN = 3, 2, 1, -1


@dataclass(frozen=True)
class _Candidate:
    finding: str
    value: bool | float
    start: int  # characters
    end: int
    priority: int
    pick: str = "first"


def _resolve(
    current: Mapping[str, bool | float],
    historical: Mapping[str, bool | float] | None,
    family: Mapping[str, bool | float],
    categories: set[str],
    findings: Mapping[str, Finding],
) -> dict[str, bool | float]:
    """What one mention means, given its ConText categories."""
    if "family" in categories:
        chosen: Mapping[str, bool | float] = family
    elif categories & {"other", "hypothetical"}:
        return {}
    elif "possible" in categories:  # uncertain: only a warning sign is kept (see _uncertain_warning_signs)
        return {}
    elif "historical" in categories:
        if historical is not None:
            chosen = historical
        else:
            chosen = {f: v for f, v in current.items() if f in findings and findings[f].category in HISTORY_LIKE}
    else:
        chosen = current
    out: dict[str, bool | float] = {}
    for fid, value in chosen.items():
        f = findings.get(fid)
        if f is None:
            continue
        if "stopped" in categories and f.category is FindingCategory.MEDICATION and isinstance(value, bool):
            value = False
        if "negated" in categories:
            if not isinstance(value, bool):
                continue
            value = not value
        out[fid] = value
    return out


def _uncertain_about_person(categories: set[str]) -> bool:
    """A hedged mention about the person now ("maybe a bit numb down below", "?saddle anaesthesia")."""
    return "possible" in categories and not categories & {"negated", "family", "other", "hypothetical", "historical"}


def _uncertain_warning_signs(current: Mapping[str, bool | float], findings: Mapping[str, Finding]) -> list[str]:
    """Safety first: of a hedged mention, the warning signs it would mean are kept as uncertain.

    The pipeline treats them as present for triage (never for the differential) and says so; any
    other hedged finding is dropped, as ConText would.
    """
    return [fid for fid, value in current.items() if value is True and fid in findings and findings[fid].red_flag]


def _meanings(e: Entry) -> set[str]:
    """The ids an entry sets or stands for (what a blocker can name)."""
    return set(e.current) | set(e.historical or {}) | set(e.family) | ({e.id} if e.id else set())


def _covers(blocker: Target, t: Target) -> bool:
    """A blocker phrase takes over a match that starts or ends inside it: in "painful period cramps"
    the cramps are period cramps; in "hot day, both calves" the heat is the weather's."""
    return blocker.start <= t.start < blocker.end or blocker.start < t.end <= blocker.end


SITE_REACH = 12  # tokens a site and its pain word may lie apart (through linking words only)


@dataclass(frozen=True)
class _Words:
    """A macro's word set: whole words and ``prefix*`` prefixes."""

    words: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, items: list[str]) -> _Words:
        return cls(frozenset(w for w in items if not w.endswith("*")), tuple(w[:-1] for w in items if w.endswith("*")))

    def __contains__(self, norm: object) -> bool:
        return isinstance(norm, str) and (
            norm in self.words or (bool(self.prefixes) and norm.startswith(self.prefixes))
        )


SiteWords = tuple[_Words, _Words, _Words, _Words, frozenset[str]]
DETERMINERS = {"the", "my", "his", "her", "their", "both", "left", "right", "l", "r"}


def _site_words(lex: Lexicon) -> SiteWords:
    """(pain, linking, "spared" and bounding words) for site pain; every site word also links
    (a few hundred words: built per text, cheaper than a cache keyed on the lexicon)."""
    sites = [w for e in lex.entries if e.special == "site_pain" for term in e.terms for w in term.split("_")]
    link = _Words.of(lex.macros["sitelink"] + sites)
    m = lex.macros
    whole = frozenset(term for e in lex.entries if e.special == "site_pain" for term in e.terms if "_" not in term)
    return _Words.of(m["sitepain"]), link, _Words.of(m["sitefine"]), _Words.of(m["siteedge"]), whole


def _site_pain(doc: Doc, t: Target, words: SiteWords) -> bool:
    """Is the body site at ``t`` in pain? A pain word is reached from it, left or right within its
    sentence, over linking words only ("pain in both legs, behind the knees and front of thighs",
    "achy lower back and thighs", "knee hurts, sometimes the thigh also"), and the site is not
    followed by a word that spares it ("calf pain, thigh fine") nor only a bound ("pain down past
    the knee", "swollen below the knee"). Negation and the other ConText
    categories of the site are checked by the caller; a "not" or "no" is no linking word, so
    "the calf is not painful" links nothing."""
    pain, link, fine, edge, sites = words
    i = t.start - 1
    while i >= t.sent_start and doc.norms[i] in DETERMINERS:
        i -= 1
    if i >= t.sent_start and doc.norms[i] in edge:  # "below the knee": a bound, not the site
        return False
    found = False
    for step, start, stop in ((-1, t.start - 1, t.sent_start - 1), (1, t.end, t.sent_end)):
        budget = SITE_REACH  # words since the last site: a list of sites may run on ("flank ... groin ... thigh")
        for i in range(start, stop, step):
            n = doc.norms[i]
            if doc[i].is_space or budget == 0:
                break
            if step > 0 and n in fine:
                return False
            if n in pain:
                found = True
                break
            if n not in link:
                break
            budget = SITE_REACH if n in sites else budget - 1
    return found


def _candidates(text: str, findings: Mapping[str, Finding]) -> list[_Candidate]:
    from legdx.intake import durations, laterality
    from legdx.intake.context import Modifier, Target, assign
    from legdx.intake.document import Sentence
    from legdx.intake.matcher import get_matcher
    from legdx.intake.numbers import read_measurements

    matcher = get_matcher()
    lex = matcher.lexicon
    doc = matcher.parse(text)
    sents = doc.sents
    sent_of: list[Sentence] = []  # token index -> its sentence
    for s in sents:
        sent_of += [s] * (s.end - s.start)

    demo = read_age_sex(text)
    subject = demo.subject_span  # "My dad is 82 and ...": the text is about dad, not about someone else
    targets: list[Target] = []
    modifiers: list[Modifier] = []
    for m in matcher.matches(doc):
        idx = int(m.key[1:])
        if m.key[0] == "C":
            if subject and doc[m.start].idx < subject[1] and subject[0] < doc[m.end - 1].idx + len(doc[m.end - 1].text):
                continue
            modifiers.append(Modifier(lex.context[idx], m.start, m.end))
            continue
        ss, se = sent_of[m.start].start, sent_of[m.start].end
        if m.end > se:
            continue
        e = lex.entries[idx]
        ids = frozenset({e.id or ""} | set(e.current) | set(e.historical or {}) | set(e.family))
        denies = bool(e.current) and all(v is False for v in e.current.values())
        targets.append(Target(idx, m.start, m.end, ss, se, ids, set(), denies))

    blockers = [t for t in targets if lex.entries[t.entry].blocks]
    if blockers:
        # each blocker with what it blocks and what it means, worked out once per text
        blocking = [(b, set(lex.entries[b.entry].blocks), _meanings(lex.entries[b.entry])) for b in blockers]
        kept = []
        for t in targets:
            e = lex.entries[t.entry]
            sets = _meanings(e)
            # of two blockers that block each other, the one that names the other wins
            # ("numbness in both buttocks after walking" overrules "numbness in both buttocks")
            if any(
                b is not t and _covers(b, t) and sets & blocks and not means & set(e.blocks)
                for b, blocks, means in blocking
            ):
                continue
            kept.append(t)
        targets = kept

    assign(doc, targets, modifiers)

    out: list[_Candidate] = []
    elsewhere: set[int] = set()  # sentences about other people or hypotheticals: no laterality there
    past: set[int] = set()  # sentences about past history ("a DVT in the left leg 10 years ago")
    for t in targets:
        e = lex.entries[t.entry]
        if t.categories & {"family", "other", "hypothetical"} or any(f in FAMILY_FINDINGS for f in e.current):
            elsewhere.update(range(t.sent_start, t.sent_end))
        if "historical" in t.categories:
            past.update(range(t.sent_start, t.sent_end))
    text_side = laterality.one_side(doc, elsewhere | past)  # "left" / "right" when only that side is named
    about_patient: dict[str, list[Target]] = {}  # concept id -> its affirmed mentions about the person now
    site_words: SiteWords | None = None
    for t in targets:
        e = lex.entries[t.entry]
        cs, ce = doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1].text)
        if e.id and not t.categories & UNAFFIRMED:
            about_patient.setdefault(e.id, []).append(t)
        ankle_phrase = e.current == {"ankle_swelling": True}  # "pitting oedema", "swollen ankle": which side?
        if e.special == "swelling" or (ankle_phrase and not t.categories & UNAFFIRMED):
            if t.categories & {"family", "other", "hypothetical", "possible", "historical"}:
                continue
            if "negated" in t.categories:
                meaning = laterality.denied_swelling_findings(doc, sent_of[t.start], t.start, t.end)
            else:
                meaning = laterality.swelling_findings(doc, sent_of[t.start], t.start, t.end, text_side)
                if ankle_phrase and "unilateral_leg_swelling" not in meaning:
                    meaning = {"ankle_swelling": True}
            out += [_Candidate(f, v, cs, ce, EXPLICIT) for f, v in meaning.items() if f in findings]
            continue
        if e.special == "site_pain":
            site_words = site_words or _site_words(lex)
            if not t.categories & UNAFFIRMED and _site_pain(doc, t, site_words):
                out += [_Candidate(f, v, cs, ce, INFERRED) for f, v in e.current.items() if f in findings]
            continue
        if _uncertain_about_person(t.categories):
            out += [_Candidate(f, True, cs, ce, UNCERTAIN) for f in _uncertain_warning_signs(e.current, findings)]
        kept_uncertain: set[str] = set()
        if {"negated", "across_and"} <= t.categories and not t.categories & {"family", "other", "hypothetical"}:
            # "no injury and the leg is cold and white": the "no" may belong to the injury only, so
            # a warning sign after the "and" is kept as uncertain (present for triage), never denied
            kept_uncertain = set(_uncertain_warning_signs(e.current, findings))
            out += [_Candidate(f, True, cs, ce, UNCERTAIN) for f in sorted(kept_uncertain)]
        for fid, value in _resolve(e.current, e.historical, e.family, t.categories, findings).items():
            if fid in kept_uncertain:
                continue
            out.append(_Candidate(fid, value, cs, ce, EXPLICIT))
            if value is True and fid in IMPLIES:
                out += [_Candidate(f, v, cs, ce, INFERRED) for f, v in IMPLIES[fid].items() if f in findings]

    # trauma + pain at the top of the scale, untouched by painkillers, or escalating, about the
    # person now (neither alone): the pain may be out of proportion to the injury
    injuries, severe = about_patient.get("injury_event", []), about_patient.get("severe_pain_report", [])
    if injuries and severe and "severe_pain_after_injury" in findings:
        injured_from = min(t.sent_start for t in injuries)
        later = [t for t in severe if t.start >= injured_from]
        if later:
            t = later[0]
            cs, ce = doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1].text)
            out.append(_Candidate("severe_pain_after_injury", True, cs, ce, INFERRED))

    # the phrases that block ``bilateral`` ("pulses palp bilat", "OA both knees") hide their words
    # from the laterality reader too
    not_sides = {i for b in blockers if "bilateral" in lex.entries[b.entry].blocks for i in range(b.start, b.end)}
    for side in laterality.bilateral_candidates(doc, elsewhere | not_sides):
        first, last = doc[side.start], doc[side.end - 1]
        out.append(_Candidate(side.finding, side.value, first.idx, last.idx + len(last.text), side.priority))

    lasted: _Candidate | None = None  # the first duration of the complaint says how long it has lasted
    for s in sents:
        base = s.start_char
        if s.start in elsewhere:
            continue
        for a, b, sudden in durations.onset_spans(text[base : s.end_char]):
            out.append(_Candidate("sudden_onset", sudden, base + a, base + b, INFERRED))
        if "longstanding_swelling" in findings:
            for a, b in durations.longstanding_swelling_spans(text[base : s.end_char]):
                out.append(_Candidate("longstanding_swelling", True, base + a, base + b, INFERRED))
        for a, b, long in durations.persistence_spans(text[base : s.end_char]):
            age = demo.age_span
            if lasted is None and not (age and age[0] < base + b and base + a < age[1]):
                lasted = _Candidate("persistent_symptoms", long, base + a, base + b, MEASURED)
    if lasted is not None and "persistent_symptoms" in findings:
        out.append(lasted)

    for r in read_measurements(text, lex):
        out.append(_Candidate(r.finding, r.value, r.start, r.end, MEASURED, r.pick))

    if demo.age is not None and demo.age_span is not None:
        out.append(_Candidate(AGE_FINDING, float(demo.age), *demo.age_span, MEASURED))
    if demo.sex is not None and demo.sex_span is not None:
        out.append(_Candidate(FEMALE_FINDING, demo.sex == "female", *demo.sex_span, MEASURED))
    return out


def _in_range(f: Finding, value: bool | float) -> bool:
    if f.kind is FindingKind.BINARY:
        return isinstance(value, bool)
    if isinstance(value, bool) or f.range is None:
        return False
    return f.range.min <= value <= f.range.max


def _drop_shadowed(cands: list[_Candidate]) -> list[_Candidate]:
    """Of two overlapping mentions of one finding that disagree, the longer (more specific) phrase
    wins, and the negative one on a tie: "walks without pain" is not "walks ... pain"."""

    def shadowed(c: _Candidate) -> bool:
        return any(
            o.value != c.value
            and o.priority >= c.priority
            and o.start < c.end
            and c.start < o.end
            and ((o.end - o.start) > (c.end - c.start) or ((o.end - o.start) == (c.end - c.start) and o.value is False))
            for o in cands
        )

    return [c for c in cands if not shadowed(c)]


def _choose(cands: list[_Candidate], f: Finding) -> _Candidate | None:
    ok = [c for c in cands if _in_range(f, c.value)]
    if not ok:
        return None
    if f.red_flag:
        # a warning sign the text states stands even against a measurement that does not show it
        # now ("he reports fevers" beside "temperature 37.9"): a warning sign only raises urgency
        stated = [c for c in ok if c.priority >= EXPLICIT and c.value is True]
        if stated:
            return stated[0]
    top = max(c.priority for c in ok)
    best = [c for c in ok if c.priority == top]
    if f.kind is FindingKind.BINARY:
        return next((c for c in best if c.value is True), best[0])
    if best[0].pick == "min":
        return min(best, key=lambda c: float(c.value))
    return best[0]


# an exam question's answer list: "Which is the most likely diagnosis? (A) Femoral hernia (B) ..."
_ANSWER_OPTIONS = re.compile(r"\?[\s\"')]*(?=\(?[Aa][).:]\s*\S)")
_SECOND_OPTION = re.compile(r"(?:^|[\s(])[Bb][).:]\s*\S")


def _answer_options_start(text: str) -> int:
    """Where an exam vignette's answer options begin (len(text) if it has none).

    The options are the diagnoses the reader chooses between, not facts about the person: "(D)
    Saphena varix" is no varicose vein.
    """
    found = _ANSWER_OPTIONS.search(text)
    if found is None or not _SECOND_OPTION.search(text, found.end() + 2):
        return len(text)  # one "a)" after a question is a list item, not a set of options
    return found.end()


def extract(text: str, findings: Mapping[str, Finding]) -> list[UnderstoodFinding]:
    """Read ``text`` into findings known to ``findings`` (a KB's finding table), in text order.

    Does not validate ``text``; :func:`understand` does (:func:`legdx.case.text_problem`).
    """
    by_finding: dict[str, list[_Candidate]] = {}
    options_at = _answer_options_start(text)
    for c in _candidates(text, findings):
        if c.start >= options_at:
            continue
        f = findings.get(c.finding)
        if f is None or f.replaced_by is not None:
            continue
        if (f.kind is FindingKind.BINARY) != isinstance(c.value, bool):
            continue
        by_finding.setdefault(c.finding, [])
        if c not in by_finding[c.finding]:
            by_finding[c.finding].append(c)
    out: list[UnderstoodFinding] = []
    for fid, cands in by_finding.items():
        chosen = _choose(_drop_shadowed(cands), findings[fid])
        for c in cands:
            value: bool | float = c.value if isinstance(c.value, bool) else float(c.value)
            uncertain = c.priority == UNCERTAIN
            out.append(
                UnderstoodFinding(
                    finding=fid,
                    value=value,
                    span=(c.start, c.end),
                    text=text[c.start : c.end],
                    used=c is chosen and not uncertain,
                    uncertain=uncertain and c is chosen,
                )
            )
    out.sort(key=lambda u: (u.span[0], u.span[1], u.finding))
    return out


def understand(case: Case, ckb: CompiledKB) -> list[UnderstoodFinding]:
    """Read ``case.text`` into findings with their spans. Explicit findings win over text.

    Raises:
        InvalidCase: the text is empty, whitespace only, too long, or holds control / binary characters.
    """
    if case.text is None:
        return []
    problem = text_problem(case.text)
    if problem is not None:
        raise InvalidCase("text", problem)
    kb = ckb.kb
    found = extract(case.text, kb.findings)
    overridden = set(case.findings)
    if case.age is not None:
        overridden.add(AGE_FINDING)
    if case.sex is not None:
        overridden.add(FEMALE_FINDING)
    if case.sex == "male":
        overridden.update(f.id for f in kb.findings.values() if f.sex == "female")
    return [u.model_copy(update={"used": False}) if u.used and u.finding in overridden else u for u in found]
