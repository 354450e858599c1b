"""Condition search: SQLite FTS5, and PostgreSQL full-text search with an ILIKE fallback."""

from __future__ import annotations

import pytest

from legdx.store.search import rebuild_search_index, search_conditions


@pytest.fixture
def indexed(tmp_store, kb):
    assert rebuild_search_index(tmp_store, kb) == len(kb.conditions)
    return tmp_store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("restless", "restless_legs_syndrome"),
        ("claudication", "peripheral_artery_disease"),
        ("cauda equina", "cauda_equina_syndrome"),
        ("period", "menstrual_leg_pain"),
    ],
)
def test_search_finds_the_condition(indexed, query, expected):
    hits = search_conditions(indexed, query)
    assert expected in [h.condition_id for h in hits[:5]], [h.condition_id for h in hits]


def test_search_marks_matches_and_escapes_html(indexed):
    hits = search_conditions(indexed, "cramp")
    assert hits and any("<mark>" in h.snippet_html for h in hits)
    assert all("<script" not in h.snippet_html for h in hits)


def test_partial_words_match(indexed):
    ids = [h.condition_id for h in search_conditions(indexed, "claudic")]
    assert "peripheral_artery_disease" in ids


@pytest.mark.parametrize("query", ["", "   ", '"', "AND OR NOT", "*", "(", "NEAR(", "'; DROP TABLE assessments; --"])
def test_odd_queries_never_fail(indexed, query):
    hits = search_conditions(indexed, query)
    assert isinstance(hits, list)


def test_rebuild_is_repeatable(indexed, kb):
    assert rebuild_search_index(indexed, kb) == len(kb.conditions)
    assert search_conditions(indexed, "restless")
