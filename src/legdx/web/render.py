"""Jinja2 helpers for the page templates; the words themselves come from ``legdx.report.wording``.

The person's pages use lay words only: findings by their lay label (:attr:`Finding.plain`), causes
by their lay name and "about N in 10 people with answers like yours", never ids, codes or
clinician labels. :func:`causes_for_person` and :func:`answers_for_person` turn an Assessment into
what the result page (and the PDF handout) shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.templating import Jinja2Templates

from legdx.case import Assessment, Contribution
from legdx.kb.compile import CompiledKB
from legdx.kb.load import KnowledgeBase
from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING, FindingKind
from legdx.report.wording import (
    EMERGENCY_NUMBER,
    FOR_PERSON,
    CauseLine,
    advice_topic,
    answer_word,
    bar_steps,
    causes_in_order,
    in_ten,
    kept_for,
    percent,
    share_sentence,
    strength,
)

__all__ = [
    "LEVEL",
    "CauseView",
    "answers_for_person",
    "causes_for_person",
    "install",
    "lay_labels",
    "lay_reason",
]

LEVEL: dict[str, dict[str, str]] = {
    level.value: {"title": w.title, "words": w.what_to_do, "headline": w.headline, "where": w.where}
    for level, w in FOR_PERSON.items()
}

CATEGORY_TITLES = {
    "red_flag": "Warning signs",
    "pattern": "Pattern and timing",
    "character": "What it feels like",
    "place": "Where it is",
    "sign": "Signs",
    "exam": "Examination",
    "history": "History and risk",
    "medication": "Medicines",
    "lifestyle": "Lifestyle",
    "measured": "Measured values",
}

REASONS = 4  # answers shown per direction under "why we think this"


@dataclass(frozen=True)
class CauseView:
    """One line of the person's list of causes."""

    name: str
    words: str  # "About 8 in 10 people with answers like yours"
    share: float
    bar: int  # bar length in twentieths
    link: str | None = None  # the condition page
    serious: bool = False  # a must-not-miss condition
    towards: list[str] = field(default_factory=list)
    away: list[str] = field(default_factory=list)
    says: str = ""  # "something else" only: what it means


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def lay_reason(kb: KnowledgeBase, x: Contribution) -> str:
    """One answer that moved a cause, in the person's words ("Pain in the calf: yes")."""
    f = kb.findings.get(x.finding)
    if f is None:
        return _cap(x.label)
    if x.finding == FEMALE_FINDING:
        return "Being female" if x.state == "present" else "Being male"
    if f.kind is FindingKind.NUMERIC:
        band = next((b.label for b in f.bands if b.id == x.state), x.state)
        return f"Your age: {band}" if x.finding == AGE_FINDING else f"{_cap(f.plain)}: {band}"
    return f"{_cap(f.plain)}: {'yes' if x.state == 'present' else 'no'}"


def causes_for_person(a: Assessment, kb: KnowledgeBase) -> tuple[list[CauseView], list[CauseView]]:
    """(the causes to show, the less likely ones named below them), most likely first
    (:func:`legdx.report.wording.causes_in_order` chooses them), with why in the person's words."""

    def view(line: CauseLine) -> CauseView:
        c = line.condition
        if c is None:
            return CauseView(
                name=line.name,
                words=share_sentence(line.share),
                share=line.share,
                bar=bar_steps(line.share),
                says=line.says,
            )
        cond = kb.conditions.get(c.id)
        return CauseView(
            name=c.lay_name,
            words=share_sentence(c.share),
            share=c.share,
            bar=bar_steps(c.share),
            link=f"/conditions/{c.id}" if cond is not None else None,
            serious=bool(cond is not None and cond.must_not_miss),
            towards=[lay_reason(kb, x) for x in c.contributions if x.log_odds > 0][:REASONS],
            away=[lay_reason(kb, x) for x in c.contributions if x.log_odds < 0][:REASONS],
        )

    shown, less = causes_in_order(a)
    return [view(x) for x in shown], [view(x) for x in less]


def answers_for_person(a: Assessment, kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Every answer the result used, and each "don't know", as (lay label, answer) pairs."""
    out: list[tuple[str, str]] = []
    if a.case.age is not None:
        out.append(("Age", f"{a.case.age}"))
    if a.case.sex is not None:
        out.append(("Sex", a.case.sex))
    for x in a.answered:
        f = kb.findings.get(x.finding)
        label = _cap(f.plain) if f is not None else _cap(x.question)
        value = answer_word(x.value)
        if x.unit and not isinstance(x.value, bool):
            value = f"{value} {x.unit}"
        out.append((label, value))
    for fid in a.case.unknown:
        f = kb.findings.get(fid)
        if f is not None:
            out.append((_cap(f.plain), answer_word(None)))
    return out


def lay_labels(kb: KnowledgeBase) -> dict[str, str]:
    """Finding id -> the person's words, for renderers that do not load the knowledge base (the PDF)."""
    return {fid: f.plain for fid, f in kb.findings.items()}


def install(templates: Jinja2Templates, ckb: CompiledKB) -> None:
    kb = ckb.kb

    def citation(source_id: str) -> str:
        src = kb.sources.get(source_id)
        return src.citation if src else source_id

    def source_url(source_id: str) -> str | None:
        src = kb.sources.get(source_id)
        return src.url if src else None

    def condition_exists(cid: str) -> bool:
        return cid in kb.conditions

    def plain(fid: str) -> str:
        f = kb.findings.get(fid)
        return _cap(f.plain) if f is not None else fid

    env: Any = templates.env
    env.filters["pct"] = percent
    env.filters["strength"] = strength
    env.filters["in_ten"] = in_ten
    env.filters["topic"] = advice_topic
    env.globals.update(
        LEVEL=LEVEL,
        CATEGORY_TITLES=CATEGORY_TITLES,
        EMERGENCY_NUMBER=EMERGENCY_NUMBER,
        citation=citation,
        source_url=source_url,
        condition_exists=condition_exists,
        plain=plain,
        kept_for=kept_for,
        kb_version=ckb.version,
        disclaimer=kb.meta.disclaimer,
    )
