"""Jinja2 helpers shared by the page templates: plain words for levels, strengths and sources."""

from __future__ import annotations

from typing import Any

from fastapi.templating import Jinja2Templates

from legdx.kb.compile import CompiledKB

__all__ = ["LEVEL", "install", "strength"]

LEVEL: dict[str, dict[str, str]] = {
    "emergency": {"title": "Emergency", "words": "Call your local emergency number now.", "icon": "!!"},
    "urgent": {"title": "Urgent", "words": "Get seen by a clinician today.", "icon": "!"},
    "soon": {"title": "Soon", "words": "See a clinician within the next few days.", "icon": "i"},
    "routine": {
        "title": "Routine",
        "words": "Self-care for now; see a clinician if it persists or gets worse.",
        "icon": "i",
    },
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


def strength(log_odds: float) -> str:
    """Plain words for a log-odds contribution."""
    size = abs(log_odds)
    word = "strongly" if size >= 1.0 else "moderately" if size >= 0.4 else "slightly"
    return f"{word} {'towards' if log_odds > 0 else 'away from'}"


def pct(p: float) -> str:
    if p < 0.01:
        return "under 1%"
    if p > 0.99:
        return "over 99%"
    return f"{p:.0%}"


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

    env: Any = templates.env
    env.filters["pct"] = pct
    env.filters["strength"] = strength
    env.globals.update(
        LEVEL=LEVEL,
        CATEGORY_TITLES=CATEGORY_TITLES,
        citation=citation,
        source_url=source_url,
        condition_exists=condition_exists,
        kb_version=ckb.version,
        disclaimer=kb.meta.disclaimer,
    )
