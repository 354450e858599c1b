"""The tokenized text the intake works on: tokens, their normal forms, and sentences.

A deliberately small, plain-Python stand-in for spaCy's ``Doc``: the intake only ever needs each
token's text, character offset, ``NORM`` (lower case, contractions spelled out) and whether it is
whitespace, plus sentence bounds. Plain tuples and lists make the matcher's inner loops cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

__all__ = ["Doc", "Sentence", "Token", "split_sentences"]

SENTENCE_END = {".", "!", "?", ";"}


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    idx: int  # character offset of the token in the text
    norm: str  # spaCy's NORM: lower case, "n't" -> "not", "’" -> "'"
    is_space: bool


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # token indices, end exclusive
    end: int
    start_char: int  # character offsets of the first token and the end of the last one
    end_char: int


class Doc:
    """Tokens and sentences of one text. ``doc[i]`` is a token; ``doc.norms[i]`` its NORM."""

    __slots__ = ("text", "tokens", "norms", "sents")

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.norms = [t.norm for t in tokens]
        self.sents = split_sentences(tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self) -> Iterator[Token]:
        return iter(self.tokens)

    @overload
    def __getitem__(self, i: int) -> Token: ...
    @overload
    def __getitem__(self, i: slice) -> list[Token]: ...
    def __getitem__(self, i: int | slice) -> Token | list[Token]:
        return self.tokens[i]


def split_sentences(tokens: list[Token]) -> list[Sentence]:
    """Sentence starts after . ! ? ; and after line breaks (notes are often one finding a line)."""
    out: list[Sentence] = []
    start = 0
    for i, tok in enumerate(tokens):
        text = tok.text
        if text in SENTENCE_END or (tok.is_space and "\n" in text) or text.endswith("\n"):
            out.append(_sentence(tokens, start, i + 1))
            start = i + 1
    if start < len(tokens):
        out.append(_sentence(tokens, start, len(tokens)))
    return out


def _sentence(tokens: list[Token], start: int, end: int) -> Sentence:
    last = tokens[end - 1]
    return Sentence(start, end, tokens[start].idx, last.idx + len(last.text))
