"""The intake's tokens and sentences: spaCy's English tokenizer and sentencizer (``document.py``).

The intake relies on a few things about spaCy's tokens: ``NORM`` spells out contractions (so
negation phrases stay simple), abbreviations and numbers stay whole, units split from numbers, and
whitespace tokens keep character offsets exact. Sentences end at . ! ? ; and at line breaks.
"""

from __future__ import annotations

import pytest

from legdx.intake.document import parse, tokenize


def _norms(text: str) -> list[str]:
    return [t.norm for t in tokenize(text) if not t.is_space]


@pytest.mark.parametrize(
    ("text", "norms"),
    [
        ("doesn't", ["does", "not"]),
        ("I can't walk", ["i", "can", "not", "walk"]),
        ("I’m fine", ["i", "am", "fine"]),
        ("K 3.1 mmol/L", ["k", "3.1", "mmol", "/", "l"]),
        ("creepy-crawly", ["creepy", "-", "crawly"]),
        ("(e.g. at night),", ["(", "e.g.", "at", "night", ")", ","]),
        ("40mg", ["40", "mg"]),
        ("Dr. Smith", ["dr.", "smith"]),
    ],
)
def test_contractions_abbreviations_units_and_punctuation(text, norms):
    assert _norms(text) == norms


def test_offsets_and_whitespace_tokens():
    text = "Calf pain.  Worse\nat night "
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["Calf", "pain", ".", " ", "Worse", "\n", "at", "night"]
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in tokens)
    assert [t.is_space for t in tokens] == [False, False, False, True, False, True, False, False]


def test_sentences_end_at_punctuation_semicolons_and_line_breaks():
    text = "Calf pain on walking. No back pain; no numbness\nABI 0.62 on the right. Dr. Smith saw him? Yes"
    doc = parse(text)
    sents = [text[s.start_char : s.end_char].strip() for s in doc.sents]
    assert [s for s in sents if s] == [
        "Calf pain on walking.",
        "No back pain;",
        "no numbness",
        "ABI 0.62 on the right.",
        "Dr. Smith saw him?",
        "Yes",
    ]
    assert doc.sents[0].start == 0 and doc.sents[-1].end == len(doc)
    assert all(a.end == b.start for a, b in zip(doc.sents, doc.sents[1:], strict=False))


def test_empty_text_has_no_tokens_or_sentences():
    doc = parse("")
    assert len(doc) == 0 and doc.sents == []


def test_a_unit_that_keeps_its_full_stop_still_ends_the_sentence():
    text = "He stops after 50 m. Examination: cool foot. Seen by Dr. Smith."
    doc = parse(text)
    sents = [text[s.start_char : s.end_char].strip() for s in doc.sents]
    assert [s for s in sents if s] == ["He stops after 50 m.", "Examination: cool foot.", "Seen by Dr. Smith."]
