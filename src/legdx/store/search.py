"""Full-text search over the condition pages.

The searchable text of every condition is rebuilt from the knowledge base at startup
(``rebuild_search_index``) into ``condition_docs``. How a query is answered depends on the database:

- **SQLite**: an FTS5 table ``condition_fts`` (porter stemming, unicode61), ranked by bm25 with
  names weighted above body text, each query word matched as a prefix, snippets marked up.
- **PostgreSQL**: its built-in full-text search (``to_tsvector('english', ...)`` against
  ``websearch_to_tsquery``, ranked by ``ts_rank``), falling back to ``ILIKE`` on every word when
  full-text search finds nothing (so partial words such as "claudi" still match).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sqlalchemy import delete, text

from legdx.kb.load import KnowledgeBase
from legdx.store.db import Store
from legdx.store.tables import ConditionDoc

__all__ = ["SearchHit", "condition_text", "rebuild_search_index", "search_conditions"]

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_OPEN, _CLOSE = "\x02", "\x03"


@dataclass(frozen=True)
class SearchHit:
    condition_id: str
    name: str
    lay_name: str
    snippet_html: str  # HTML-escaped text with <mark> around matches


def condition_text(kb: KnowledgeBase, condition_id: str) -> str:
    c = kb.conditions[condition_id]
    parts = [
        c.summary_lay,
        c.summary_clinician,
        c.typical_pattern,
        c.how_confirmed,
        c.what_helps,
        c.when_to_get_help,
        " ".join(c.icd10),
    ]
    return "\n".join(parts)


def rebuild_search_index(store: Store, kb: KnowledgeBase) -> int:
    """Replace the searchable condition text with the knowledge base's. Returns the number indexed."""
    docs = [
        ConditionDoc(
            condition_id=c.id,
            name=c.name,
            lay_name=c.lay_name,
            body=condition_text(kb, c.id),
            kb_version=kb.meta.kb_version,
        )
        for c in kb.conditions.values()
    ]
    with store.session() as s:
        s.execute(delete(ConditionDoc))
        s.add_all(docs)
        if store.dialect == "sqlite":
            s.execute(text("DROP TABLE IF EXISTS condition_fts"))
            s.execute(
                text(
                    "CREATE VIRTUAL TABLE condition_fts USING fts5("
                    "condition_id UNINDEXED, name, lay_name, body, tokenize='porter unicode61')"
                )
            )
            s.execute(
                text("INSERT INTO condition_fts (condition_id, name, lay_name, body) VALUES (:i, :n, :l, :b)"),
                [{"i": d.condition_id, "n": d.name, "l": d.lay_name, "b": d.body} for d in docs],
            )
        s.commit()
    return len(docs)


def _terms(query: str) -> list[str]:
    return _WORD.findall(query[:MAX_QUERY_CHARS].lower())[:MAX_TERMS]


def _mark(snippet: str) -> str:
    return html.escape(snippet).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def _mark_terms(body: str, terms: list[str], width: int = 160) -> str:
    """A snippet of ``body`` around the first term found, with every term marked (PostgreSQL path)."""
    low = body.lower()
    pos = min((i for i in (low.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, pos - width // 3)
    piece = body[start : start + width]
    escaped = html.escape(piece)
    for t in sorted(set(terms), key=len, reverse=True):
        escaped = re.sub(f"({re.escape(html.escape(t))})", r"<mark>\1</mark>", escaped, flags=re.IGNORECASE)
    return ("…" if start else "") + escaped + ("…" if start + width < len(body) else "")


def search_conditions(store: Store, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Conditions matching ``query``, best first. An empty or word-less query matches nothing."""
    terms = _terms(query)
    if not terms:
        return []
    with store.session() as s:
        if store.dialect == "sqlite":
            match = " ".join('"' + t.replace('"', "") + '"*' for t in terms)
            rows = s.execute(
                text(
                    "SELECT condition_id, name, lay_name, "
                    f"snippet(condition_fts, 3, '{_OPEN}', '{_CLOSE}', '…', 24) "
                    "FROM condition_fts WHERE condition_fts MATCH :m "
                    "ORDER BY bm25(condition_fts, 0.0, 10.0, 10.0, 1.0) LIMIT :n"
                ),
                {"m": match, "n": limit},
            ).all()
            return [SearchHit(r[0], r[1], r[2], _mark(r[3])) for r in rows]
        doc = "to_tsvector('english', name || ' ' || lay_name || ' ' || body)"
        rows = s.execute(
            text(
                f"SELECT condition_id, name, lay_name, body FROM condition_docs "
                f"WHERE {doc} @@ websearch_to_tsquery('english', :q) "
                f"ORDER BY ts_rank({doc}, websearch_to_tsquery('english', :q)) DESC, condition_id LIMIT :n"
            ),
            {"q": " ".join(terms), "n": limit},
        ).all()
        if not rows:
            where = " AND ".join(f"(name || ' ' || lay_name || ' ' || body) ILIKE :t{i}" for i in range(len(terms)))
            params: dict[str, object] = {f"t{i}": f"%{t}%" for i, t in enumerate(terms)}
            params["n"] = limit
            rows = s.execute(
                text(
                    f"SELECT condition_id, name, lay_name, body FROM condition_docs WHERE {where} "
                    "ORDER BY condition_id LIMIT :n"
                ),
                params,
            ).all()
        return [SearchHit(r[0], r[1], r[2], _mark_terms(r[3], terms)) for r in rows]
