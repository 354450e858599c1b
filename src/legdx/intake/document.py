"""spaCy's English tokenizer and sentencizer, and the small Doc the intake works on.

Text is tokenized by spaCy (``spacy.blank("en")``: its English tokenizer, with the ``NORM`` of
every token, which lower-cases and spells out contractions, "doesn't" = "does not") and split into
sentences by spaCy's rule-based ``sentencizer`` (with ";" added to its sentence-ending characters),
plus two domain rules: a line break ends a sentence, because notes are often one finding a line, and
so does a unit that keeps its full stop after a number ("walked 50 m. Examination: ...").
spaCy is imported only here, only when there is text, and the blank pipeline is built once.

The result is copied into :class:`Doc`, a deliberately small plain-Python structure: the intake only
ever needs each token's text, character offset, ``NORM`` and whether it is whitespace, plus
sentence bounds, and plain lists keep the matcher's inner loops cheap (reading ``token.norm_``
from a spaCy ``Doc`` costs a Cython property and a string-store lookup every time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, cast, overload

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc

__all__ = ["QUERY_MARK", "Doc", "Sentence", "Token", "english", "parse", "tokenize"]

EXTRA_SENTENCE_END = [";"]  # besides spaCy's sentencizer defaults (. ! ? and their unicode kin)
LOWER_TITLES = ["dr.", "mr.", "mrs.", "prof."]  # kept whole ("ms." may be multiple sclerosis ending a sentence)
MAX_LEXEMES = 300_000  # a long-lived process rebuilds the blank pipeline when its vocabulary grows past this
# quotation marks a writer puts round a word ("urine 'cola' coloured", "not the 'have to move them' thing"):
# the matcher steps over them between the words of a pattern, and they do not use up a context scope
QUOTES = frozenset(["'", '"', "‘", "’", "“", "”", "`", "''", "``"])
# the NORM given to a clinician's query mark ("?DVT"): context.yaml gives it a short forward scope
QUERY_MARK = "querymark"
QUERY_LEADS = frozenset(["(", ":", "/", ","])  # a query mark may follow these with no space: "Imp:?DVT"


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
    """Tokens and sentences of one text. ``doc[i]`` is a token; ``doc.norms[i]`` the NORM the
    matcher compares (spaCy's, with misspellings corrected by the matcher's parse)."""

    __slots__ = ("text", "tokens", "norms", "sents")

    def __init__(self, text: str, tokens: list[Token], sentence_starts: Iterable[int] = (0,)) -> None:
        self.text = text
        self.tokens = tokens
        self.norms = [t.norm for t in tokens]
        self.sents = _sentences(tokens, sentence_starts)

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


def _sentences(tokens: list[Token], starts: Iterable[int]) -> list[Sentence]:
    bounds = sorted({s for s in starts if 0 < s < len(tokens)} | {0, len(tokens)})
    return [_sentence(tokens, a, b) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def _sentence(tokens: list[Token], start: int, end: int) -> Sentence:
    last = tokens[end - 1]
    return Sentence(start, end, tokens[start].idx, last.idx + len(last.text))


class _Tokenizer(Protocol):
    """The part of spaCy's rule-based tokenizer used here (``spacy.tokenizer`` is compiled, without stubs)."""

    def add_special_case(self, string: str, substrings: list[dict[str, Any]]) -> None: ...


@cache
def english() -> Language:
    """spaCy's blank English pipeline with its rule-based sentencizer (built once per process)."""
    try:
        import spacy
        from spacy.pipeline import Sentencizer
    except ModuleNotFoundError as exc:  # pragma: no cover - the nlp extra is part of every install we test
        raise ModuleNotFoundError(
            "reading free text needs spaCy: install legdx with the 'nlp' extra (pip install 'legdx[nlp]')"
        ) from exc
    nlp = spacy.blank("en")
    tokenizer = cast(_Tokenizer, nlp.tokenizer)  # a blank pipeline's tokenizer is spaCy's rule-based one
    for title in LOWER_TITLES:  # text is tokenized in lower case; "Dr." is an exception, "dr." was not
        tokenizer.add_special_case(title, [{"ORTH": title}])
    nlp.add_pipe("sentencizer", config={"punct_chars": Sentencizer.default_punct_chars + EXTRA_SENTENCE_END})
    return nlp


def _nlp() -> Language:
    nlp = english()
    if len(nlp.vocab) > MAX_LEXEMES:  # spaCy's vocabulary keeps every word it has seen: bound it
        english.cache_clear()
        nlp = english()
    return nlp


def _lower(text: str) -> str:
    """``text`` in lower case, character for character (a few characters grow when lower-cased,
    "İ" -> "i̇": those stay as they are, so token offsets still index the original text)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _tokens(sdoc: SpacyDoc, text: str) -> list[Token]:
    return [Token(text[t.idx : t.idx + len(t.text)], t.idx, t.norm_, t.is_space) for t in sdoc]


def tokenize(text: str) -> list[Token]:
    """spaCy's English tokens of ``text`` (no sentence splitting), tokenized in lower case like
    :func:`parse`, so a pattern word and the same word in a text always split alike."""
    return _tokens(_nlp().make_doc(_lower(text)), text)


def parse(text: str) -> Doc:
    """Tokens and sentences of ``text``: spaCy's sentencizer, and a line break ends a sentence.

    spaCy tokenizes a lower-cased copy: its contraction rules are written for "can't" and "Can't"
    but not "CAN'T", and it splits "t2dm" but keeps "T2DM" whole, so the case a person types in must
    not change the tokens. Each token keeps its original text (capitals matter to "L" / "R" and to
    the sentence rules below)."""
    sdoc = _nlp()(_lower(text))
    tokens = _tokens(sdoc, text)
    queried = _query_marks(tokens)
    for i in queried:  # its own NORM, so that only the query mark's context rule (forward) reads it
        tokens[i] = Token(tokens[i].text, tokens[i].idx, QUERY_MARK, False)
    # a query mark begins the sentence of the word it queries: spaCy ends a sentence after every
    # "?", which put "?" with the text before it, and its backward scope denied "swollen L calf ?DVT"
    starts = [s.start - 1 if s.start - 1 in queried else s.start for s in sdoc.sents]
    starts += [i + 1 for i, t in enumerate(tokens) if t.is_space and "\n" in t.text]
    starts += _unit_stops(tokens)
    starts += _initial_stops(tokens)
    return Doc(text, tokens, starts)


def _query_marks(tokens: list[Token]) -> set[int]:
    """Indices of the question marks a clinician writes before a suspected diagnosis ("Imp:
    ?statin myopathy", "R calf swollen ?DVT"): set off by a space in front and joined to the next
    word, they query what follows, not what came before."""
    out = set()
    for i, t in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        joined = nxt.idx == t.idx + 1 and nxt.text[:1].isalnum()
        spaced = i == 0 or tokens[i - 1].idx + len(tokens[i - 1].text) < t.idx or tokens[i - 1].text in QUERY_LEADS
        if t.text == "?" and joined and spaced:
            out.add(i)
    return out


def _unit_stops(tokens: list[Token]) -> list[int]:
    """Sentence starts after a number's unit that keeps its full stop ("after 50 m. Examination:",
    "at 3 p.m. He"): spaCy keeps "m." whole, so its sentencizer sees no full stop there."""
    out = []
    words = [i for i, t in enumerate(tokens) if not t.is_space]
    for a, b, c in zip(words, words[1:], words[2:], strict=False):
        unit, nxt = tokens[b].text, tokens[c].text
        if tokens[a].text[:1].isdigit() and len(unit) > 1 and unit.endswith(".") and nxt[:1].isupper():
            out.append(c)
    return out


TITLES = {"dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr"}


def _initial_stops(tokens: list[Token]) -> list[int]:
    """Sentence starts after a one-letter word that keeps its full stop ("low vitamin D. Calf pain",
    "hepatitis B. She ..."): spaCy keeps "d." whole as an initial. Initials of a name stay one
    sentence ("Dr. A. Smith", "J. K. Jones"): a capital word or title before the letter, or another
    initial after it, says it is a name."""
    out = []
    words = [i for i, t in enumerate(tokens) if not t.is_space]
    for a, b, c in zip(words, words[1:], words[2:], strict=False):
        letter, prev, nxt = tokens[b].text, tokens[a].text, tokens[c].text
        if len(letter) != 2 or not letter[0].isalpha() or letter[1] != ".":
            continue
        if not nxt[:1].isupper() or (len(nxt) == 2 and nxt.endswith(".")):
            continue
        if prev.rstrip(".").lower() in TITLES or (len(prev) == 2 and prev.endswith(".")) or prev == ".":
            continue
        out.append(c)
    return out
