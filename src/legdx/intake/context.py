"""ConText: is a mention negated, uncertain, hypothetical, historical, or about someone else?

The algorithm is Chapman et al.'s ConText (J Biomed Inform 2009), the one medspaCy implements:
modifier phrases ("denies", "history of", "mother has", "if") open a scope that runs forward
(or backward, for "... was ruled out") to the end of the sentence, to a terminator ("but",
"however"), or to the rule's ``max_scope`` tokens; every target whose start lies in that scope
takes the modifier's category. Extras, all data-driven from ``lexicon/context.yaml``:

- ``comma_ends``: a short negator ("no", "without") stops at the next comma unless the list goes
  on to an "or"/"nor" item ("no fever, chills or swelling"), so "no back pain, worse at night"
  negates only the back pain;
- ``pseudo`` phrases ("no change", "not only", "gram negative") cancel any trigger they overlap;
- a modifier that overlaps the target itself is ignored, so lexicon phrases may contain their own
  negation ("no pain when sitting", "cannot walk more than 100 m");
- a phrase that already says a finding is absent or normal ("strength 5/5") is not flipped by a
  backward "normal" / "negative" after it ("strength 5/5 and reflexes normal");
- ``only_for`` limits a rule to some entries (e.g. "N years ago" marks only past clots as history,
  not "my legs started aching two years ago"); ``stopped`` applies only to medicines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from legdx.intake.document import QUOTES
from legdx.intake.lexicon import ContextRule

if TYPE_CHECKING:  # pragma: no cover
    from legdx.intake.document import Doc

__all__ = ["Modifier", "Target", "assign"]

LIST_WORDS = {"or", "nor"}
AND_WORDS = {"and", "&", "+"}
# after "and", a word that starts a new clause ("no injury and the leg is cold", "no back pain and
# numb down below"): a warning sign there may not be denied by the "no" before it (reader.py keeps
# it as uncertain); a bare list ("denies chest pain and shortness of breath") stays denied
CLAUSE_WORDS = {
    "the", "my", "his", "her", "their", "its", "it", "is", "was", "are", "were", "has", "have", "had", "now", "then",
    "went", "gone", "became", "become", "becoming", "suddenly", "also", "feels", "felt", "feeling", "got", "getting",
    "numb", "cold", "white", "pale", "blue", "weak", "dead",
}  # fmt: skip


@dataclass(frozen=True)
class Modifier:
    rule: ContextRule
    start: int
    end: int


@dataclass
class Target:
    entry: int
    start: int
    end: int
    sent_start: int
    sent_end: int
    ids: frozenset[str]  # entry id and the finding ids it can set (for ``only_for``)
    categories: set[str]
    denies: bool = False  # the phrase itself says "absent" / "normal" ("strength 5/5", "pulses palpable")


def _forward_end(doc: Doc, mod: Modifier, sent_end: int, stops: list[int]) -> int:
    end = min(sent_end, mod.end + mod.rule.max_scope)
    # quote marks do not use up the scope: "not the 'have to move them' restless thing"
    quotes = sum(1 for i in range(mod.end, end) if doc[i].text in QUOTES)
    end = min(sent_end, end + quotes)
    for s in stops:
        if mod.end <= s < end:
            end = s
            break
    if mod.rule.stop_words:
        words = set(mod.rule.stop_words)
        for i in range(mod.end, end):
            if doc[i].norm in words:
                end = i
                break
    if mod.rule.comma_ends:
        for i in range(mod.end, end):
            if doc[i].text == ",":
                last = _last_list_item(doc, i, sent_end)
                if last is not None:
                    end = max(end, min(sent_end, last + 1 + LIST_ITEM))  # the negation reaches the "or" item
                elif not any(doc[j].norm in LIST_WORDS for j in range(i + 1, end)):
                    end = i
                break
    return end


LIST_ITEM = 3  # words in one item of a list ("no fever, weight loss, rash, or joint swelling")
# an item that opens with its own negation starts a new list: in "AJs absent, pedal pulses palpable,
# skin intact, no ulcer or callus" the "or" belongs to "no ulcer", and "absent" had reached (and
# turned round) the palpable pulses and the intact skin
OWN_NEGATION = {"no", "not", "nil", "without", "never", "denies"}


def _last_list_item(doc: Doc, comma: int, sent_end: int) -> int | None:
    """Where short items separated by commas, from this comma on, reach an "or"/"nor" item (the
    index of that word), however many items there are; None when the words after the comma are not
    such a list."""
    words = 0
    for i in range(comma + 1, sent_end):
        if doc[i].norm in LIST_WORDS:
            return i
        if doc[i].text == ",":
            if i + 1 < sent_end and doc[i + 1].norm in OWN_NEGATION:
                return None
            words = 0
            continue
        words += 1
        if words > LIST_ITEM:
            return None
    return None


def _backward_start(doc: Doc, mod: Modifier, sent_start: int, stops: list[int]) -> int:
    start = max(sent_start, mod.start - mod.rule.max_scope)
    if mod.rule.comma_ends:
        for i in range(mod.start - 1, start - 1, -1):
            if doc[i].text == ",":
                start = i + 1
                break
    for s in reversed(stops):
        if start <= s < mod.start:
            return s + 1
    return start


def _new_clause_after_and(doc: Doc, start: int, end: int) -> bool:
    """Is there an "and" in tokens [start, end) followed, before ``end``, by a word that starts a clause?"""
    for i in range(start, end):
        if doc[i].norm in AND_WORDS:
            return any(doc[j].norm in CLAUSE_WORDS for j in range(i + 1, end))
    return False


def assign(doc: Doc, targets: list[Target], modifiers: list[Modifier]) -> None:
    """Set ``target.categories`` for every target from the modifiers in its sentence."""
    pseudo = [m for m in modifiers if m.rule.category == "pseudo"]
    live = [
        m
        for m in modifiers
        if m.rule.category not in ("pseudo", "terminate")
        and not any(p.start < m.end and m.start < p.end for p in pseudo)
    ]
    stops = sorted({m.start for m in modifiers if m.rule.category == "terminate"})
    negations = [m for m in live if m.rule.category == "negated"]
    for t in targets:
        # a phrase that carries its own negation ("not pregnant", "doesn't smoke", "back is fine")
        # already says its polarity: an earlier "no" in the sentence does not flip it back
        self_negated = any(t.start <= m.start and m.end <= t.end for m in negations)
        for m in live:
            if m.start < t.end and t.start < m.end:
                continue  # the modifier is part of the target phrase itself
            if self_negated and m.rule.category == "negated":
                continue
            if t.denies and m.rule.category == "negated" and m.rule.direction == "backward":
                continue  # "strength 5/5 and reflexes normal": a second "normal" does not make the first abnormal
            if not (t.sent_start <= m.start < t.sent_end):
                continue
            if m.rule.only_for and not t.ids & set(m.rule.only_for):
                continue
            d = m.rule.direction
            hit = False
            if d in ("forward", "bidirectional") and m.end <= t.start:
                hit = t.start < _forward_end(doc, m, t.sent_end, stops)
                if hit and m.rule.category == "negated" and _new_clause_after_and(doc, m.end, t.start + 1):
                    t.categories.add("across_and")
            if not hit and d in ("backward", "bidirectional") and t.end <= m.start:
                hit = t.start >= _backward_start(doc, m, t.sent_start, stops)
            if hit:
                t.categories.add(m.rule.category)
