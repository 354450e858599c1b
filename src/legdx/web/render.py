"""Jinja2 helpers for the page templates; the words themselves come from ``legdx.report.wording``."""

from __future__ import annotations

from typing import Any

from fastapi.templating import Jinja2Templates

from legdx.kb.compile import CompiledKB
from legdx.report.wording import FOR_PERSON, percent, strength

__all__ = ["LEVEL", "install"]

LEVEL: dict[str, dict[str, str]] = {
    level.value: {"title": words.title, "words": words.what_to_do} for level, words in FOR_PERSON.items()
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
    env.filters["pct"] = percent
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
