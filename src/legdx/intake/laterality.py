"""One leg or both: the ``bilateral`` finding, and which swelling finding a swelling mention means.

``bilateral`` is read at three strengths (the stronger wins when they disagree):

2. explicit: "both legs", "bilateral", "left and right" -> true; "one leg", "unilateral",
   "only on the left" -> false;
1. a side tied to a limb ("left calf", "right foot", "L leg") and never the other side -> false;
0. the whole limbs in the plural ("my legs ache", "restless limbs") -> true. Other plurals
   ("calves", "feet", "thighs") say nothing: people write "my calves" and "my feet" of one leg.

A swelling mention ("swollen", "oedema", "puffy") is resolved against its sentence: a side, a
comparison ("bigger than the other") or a singular limb -> ``unilateral_leg_swelling``; both
sides, plural limbs or the ankles -> ``ankle_swelling`` (and not unilateral swelling). The limb
that counts is the one nearest the swelling word ("my calf is swollen and my feet are cold": the
calf), and toes never make a limb plural (one foot has five).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from legdx.intake.document import Doc, Sentence

__all__ = ["Side", "bilateral_candidates", "denied_swelling_findings", "one_side", "swelling_findings"]

LIMB_SINGULAR = {
    "leg", "calf", "foot", "thigh", "ankle", "shin", "knee", "toe", "buttock", "hip", "limb", "heel",
    "sole", "extremity", "lle", "rle", "lower", "big", "great", "gastrocnemius", "groin", "popliteal", "achilles",
}  # fmt: skip
LIMB_PLURAL = {
    "legs",
    "calves",
    "feet",
    "thighs",
    "ankles",
    "shins",
    "knees",
    "toes",
    "buttocks",
    "limbs",
    "extremities",
    "heels",
    "soles",
    "hips",
}
WHOLE_LIMBS_PLURAL = {"legs", "limbs", "extremities"}  # the only plurals that suggest both sides
ANKLE = {"ankle", "ankles", "pedal", "feet", "foot"}
SIDE_WORDS = {"left": "left", "right": "right", "lt": "left", "rt": "right", "l": "left", "r": "right"}
SIDED = {"left-sided": "left", "right-sided": "right"}
ONE_WORDS = {"unilateral", "unilaterally", "one-sided"}
BOTH_WORDS = {"bilateral", "bilaterally", "symmetrical", "symmetric", "symmetrically"}


@dataclass(frozen=True)
class Side:
    finding: str
    value: bool
    start: int  # token indices
    end: int
    priority: int


def _limb_after(doc: Doc, i: int, end: int, window: int = 3) -> bool:
    for j in range(i + 1, min(end, i + 1 + window)):
        n = doc[j].norm
        if n in LIMB_SINGULAR or n in LIMB_PLURAL or n in ("side", "sided", "lower", "upper"):
            return True
    return False


def _toes_after(doc: Doc, i: int, end: int) -> bool:
    """ "both great toes", "both big toes": an examination site, not the side that hurts."""
    return any(doc[j].norm in ("toes", "toe") for j in range(i + 1, min(end, i + 3)))


def _side_at(doc: Doc, i: int, end: int) -> str | None:
    tok = doc[i]
    n = tok.norm
    if n in SIDED:
        return SIDED[n]
    if n in ("l", "r"):
        if tok.text not in ("L", "R") or (i > 0 and doc[i - 1].text in ("/", "-")):
            return None
        return SIDE_WORDS[n] if _limb_after(doc, i, end, 1) else None
    if n in SIDE_WORDS and _limb_after(doc, i, end):
        return SIDE_WORDS[n]
    if n in ("left", "right") and i >= 2 and doc[i - 1].norm in ("the", "her", "his", "my") and doc[i - 2].norm == "on":
        return SIDE_WORDS[n]
    return None


EXAM_WORDS = {
    "reflex",
    "reflexes",
    "jerks",
    "jerk",
    "pulses",
    "pulse",
    "power",
    "tone",
    "sensation",
    "abi",
    "pressures",
}


def _explicit(doc: Doc, i: int, end: int) -> bool | None:
    n = doc[i].norm
    if n in BOTH_WORDS:
        # "reflexes symmetrical", "pulses symmetrical": an examination finding, not where it hurts
        near = {doc[j].norm for j in range(max(0, i - 3), min(len(doc), i + 3))}
        return None if near & EXAM_WORDS else True
    if n in ONE_WORDS:
        return False
    if n == "both" and _limb_after(doc, i, end, 3) and not _toes_after(doc, i, end):
        return True
    if (
        n in ("left", "right")
        and i + 2 < end
        and doc[i + 1].norm in ("and", "&", "/")
        and doc[i + 2].norm in ("left", "right")
    ):
        return True
    if n in ("one", "single", "either") and i + 1 < end and doc[i + 1].norm in ("leg", "side", "calf", "foot", "limb"):
        return n == "either" or False
    if (
        n == "only"
        and i + 2 < end
        and doc[i + 1].norm in ("the", "my", "her", "his")
        and doc[i + 2].norm in ("left", "right")
    ):
        return False
    return None


def bilateral_candidates(doc: Doc, skip: set[int]) -> list[Side]:
    """Evidence for ``bilateral`` in the whole text. ``skip`` holds token indices to ignore
    (tokens inside mentions about other people or hypotheticals)."""
    out: list[Side] = []
    sides: dict[str, Side] = {}
    for sent in doc.sents:
        for i in range(sent.start, sent.end):
            if i in skip:
                continue
            ex = _explicit(doc, i, sent.end)
            if ex is not None:
                out.append(Side("bilateral", ex, i, i + 1, 2))
                continue
            side = _side_at(doc, i, sent.end)
            if side is not None:
                sides.setdefault(side, Side("bilateral", False, i, i + 1, 1))
            elif doc[i].norm in WHOLE_LIMBS_PLURAL:
                out.append(Side("bilateral", True, i, i + 1, 0))
    if len(sides) == 1:
        out.extend(sides.values())
    return out


def one_side(doc: Doc, skip: set[int]) -> str | None:
    """ "left" or "right" when the text names only that side of a limb ("left calf", "R leg")."""
    sides = {
        side
        for sent in doc.sents
        for i in range(sent.start, sent.end)
        if i not in skip and (side := _side_at(doc, i, sent.end)) is not None
    }
    return sides.pop() if len(sides) == 1 else None


NOT_A_SIDE_CLUE = {"toes", "toe", "lower", "big", "great"}  # one foot has many toes; "lower leg" says no side


def _swollen_limb(doc: Doc, sent: Sentence, start: int, end: int) -> str | None:
    """The limb word nearest the swelling mention in its sentence ("my calf is swollen": calf)."""
    best: tuple[int, str] | None = None
    for i in range(sent.start, sent.end):
        n = doc[i].norm
        if (n in LIMB_SINGULAR or n in LIMB_PLURAL) and n not in NOT_A_SIDE_CLUE:
            dist = start - i if i < start else max(0, i - end + 1)
            if best is None or dist < best[0]:
                best = (dist, n)
    return best[1] if best else None


JOINTS = {"knee", "knees", "hip", "hips", "toe", "heel"}  # a swelling nearest these is the joint's own

SIZE_WORDS = {"bigger", "larger", "fatter", "thicker", "wider", "puffier", "swollen", "swelled", "bulkier"}
OTHER_SIDE = {"other", "left", "right", "opposite"}


def _compares_sides(norms: list[str]) -> bool:
    """Does the sentence compare one leg with the other ("bigger than the other", "asymmetric",
    "calf circumference 3 cm more")? A bare "than" does not ("way more than normal")."""
    if {"asymmetric", "asymmetrical", "asymmetry", "circumference", "unequal"} & set(norms):
        return True
    for i, n in enumerate(norms):
        if n != "than":
            continue
        before, after = set(norms[max(0, i - 3) : i]), set(norms[i + 1 : i + 4])
        if before & SIZE_WORDS or after & OTHER_SIDE:
            return True
    return False


def swelling_findings(doc: Doc, sent: Sentence, start: int, end: int, text_side: str | None = None) -> dict[str, bool]:
    """What an affirmed swelling mention at tokens [start, end) means, from its sentence.

    One side named in the sentence, a comparison ("bigger than the other") or one swollen calf,
    leg, shin or thigh -> unilateral swelling; both sides or plural limbs -> ankle swelling and not
    unilateral; ankles or feet -> ankle swelling; no limb named -> unilateral swelling when the text
    names only one side (``text_side``: "pain in my left leg ... it is swollen"), else ankle swelling.
    """
    norms = [doc[i].norm for i in range(sent.start, sent.end)]
    words = set(norms)
    if _swollen_limb(doc, sent, start, end) in JOINTS and not words & (SWELLING_LIMBS | ANKLE):
        return {}  # "R knee pain, occ swelling": a swollen joint (an effusion), not a swollen leg
    both = any(_explicit(doc, i, sent.end) for i in range(sent.start, sent.end))
    one = any(_side_at(doc, i, sent.end) for i in range(sent.start, sent.end)) or bool(words & ONE_WORDS)
    compare = _compares_sides(norms)
    if (one or compare) and not both:
        return {"unilateral_leg_swelling": True}
    limb = _swollen_limb(doc, sent, start, end)
    if both or (limb is not None and limb in LIMB_PLURAL):
        return {"ankle_swelling": True, "unilateral_leg_swelling": False}
    if limb is None:
        return {"unilateral_leg_swelling": True} if text_side else {"ankle_swelling": True}
    if limb in ANKLE:
        return {"ankle_swelling": True}
    return {"unilateral_leg_swelling": True}


SWELLING_LIMBS = {"leg", "legs", "calf", "calves", "thigh", "thighs", "shin", "shins", "limb", "limbs", "extremity",
                  "extremities", "lle", "rle", "gastrocnemius"}  # fmt: skip


def denied_swelling_findings(doc: Doc, sent: Sentence, start: int, end: int) -> dict[str, bool]:
    """What a negated swelling mention denies: only the swelling of the limb it names.

    "No ankle swelling" -> ankle swelling false (it says nothing about one swollen calf); "no calf
    or leg swelling" -> unilateral swelling false; "legs not swollen" -> both false; "no swelling"
    with no limb named -> both false; a knee, hip or toe that is not swollen -> nothing.
    """
    limb = _swollen_limb(doc, sent, start, end)
    if limb is None:
        return {"unilateral_leg_swelling": False, "ankle_swelling": False}
    if limb in ANKLE:
        return {"ankle_swelling": False}
    if limb in SWELLING_LIMBS:
        if limb in LIMB_PLURAL:
            return {"unilateral_leg_swelling": False, "ankle_swelling": False}
        return {"unilateral_leg_swelling": False}
    return {}
