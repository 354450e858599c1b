"""The spaCy pipeline, built once: tokenizer, sentence splitter and the lexicon's matchers.

spaCy is imported here and only here, lazily: nothing imports this module until there is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from legdx.intake.lexicon import Lexicon, load_lexicon

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Match", "Pipeline", "compile_pattern", "get_pipeline"]

GAP_STOP = [".", "!", "?", ";"]
NUMBER_WORDS = [
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "half", "few", "couple", "several",
]  # fmt: skip
NUMBER_RE = r"^\d+(?:[.,]\d+)*$"
SENTENCE_END = {".", "!", "?", ";"}


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled (raised at pipeline build; tests load every pattern)."""


@dataclass(frozen=True)
class Match:
    key: str  # "T<n>" for lexicon entry n, "C<n>" for context rule n
    start: int  # token indices, end exclusive
    end: int


def _alt_spec(alts: list[str], macros: dict[str, list[str]]) -> dict[str, Any]:
    words: list[str] = []
    prefixes: list[str] = []
    for alt in alts:
        if alt.startswith("@"):
            name = alt[1:]
            if name not in macros:
                raise PatternError(f"unknown macro @{name}")
            items = macros[name]
        else:
            items = [alt]
        for item in items:
            if item.endswith("*") and len(item) > 1:
                prefixes.append(item[:-1].lower())
            else:
                words.append(item.lower())
    if not prefixes:
        return {"NORM": {"IN": sorted(set(words))}}
    parts = [re.escape(w) + "$" for w in sorted(set(words))] + [re.escape(p) for p in sorted(set(prefixes))]
    return {"NORM": {"REGEX": "^(?:" + "|".join(parts) + ")"}}


def compile_pattern(pattern: str, macros: dict[str, list[str]], tokenize: Any) -> list[dict[str, Any]] | None:
    """Compile one lexicon pattern into spaCy Matcher token specs (``None`` for a plain phrase).

    >>> compile_pattern("calf pain", {}, lambda s: s.split()) is None
    True
    >>> compile_pattern("pain|ache in the? calf*", {}, lambda s: s.split())[0]
    {'NORM': {'IN': ['ache', 'pain']}}
    """
    raw = pattern.split()
    if not raw:
        raise PatternError("empty pattern")
    special = any(
        t in ("..", "...", "#", "*") or "|" in t or t.startswith("@") or (len(t) > 1 and t.endswith(("?", "*")))
        for t in raw
    )
    if not special:
        return None
    specs: list[dict[str, Any]] = []
    for tok in raw:
        if tok in ("..", "..."):
            n = 3 if tok == ".." else 6
            specs.append({"IS_SPACE": False, "TEXT": {"NOT_IN": GAP_STOP}, "OP": f"{{0,{n}}}"})
            continue
        optional = len(tok) > 1 and tok.endswith("?")
        if optional:
            tok = tok[:-1]
        if tok == "*":
            spec: dict[str, Any] = {"IS_SPACE": False, "TEXT": {"NOT_IN": GAP_STOP}}
        elif tok == "#":
            spec = {"NORM": {"REGEX": NUMBER_RE[:-1] + "|^(?:" + "|".join(NUMBER_WORDS) + ")$"}}
        elif "|" in tok or tok.startswith("@") or (len(tok) > 1 and tok.endswith("*")):
            spec = _alt_spec([a for a in tok.split("|") if a], macros)
        else:
            words = tokenize(tok)
            if len(words) != 1:
                if optional:
                    raise PatternError(f"optional token {tok!r} splits into {words}")
                specs.extend({"NORM": w} for w in words)
                continue
            spec = {"NORM": words[0]}
        if optional:
            spec["OP"] = "?"
        specs.append(spec)
    if all(s.get("OP") in ("?",) or "OP" in s and s["OP"].startswith("{0") for s in specs):
        raise PatternError("pattern can match nothing")
    return specs


class Pipeline:
    """Tokenizer + sentence splitter + one PhraseMatcher and one Matcher for the whole lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        self.lexicon = lexicon
        self.nlp: Language = spacy.blank("en")
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.matcher = Matcher(self.nlp.vocab, validate=True)

        def norms(text: str) -> list[str]:
            return [t.norm_ for t in self.nlp.make_doc(text) if not t.is_space]

        def add(key: str, terms: list[str]) -> None:
            phrase_docs = []
            token_patterns = []
            for term in terms:
                try:
                    specs = compile_pattern(term, lexicon.macros, norms)
                except PatternError as exc:
                    raise PatternError(f"{key}: {term!r}: {exc}") from None
                if specs is None:
                    variants = {term}
                    if "-" in term:
                        variants |= {term.replace("-", " "), term.replace("-", "")}
                    phrase_docs += [self.nlp.make_doc(v) for v in sorted(variants)]
                else:
                    token_patterns.append(specs)
            if phrase_docs:
                self.phrases.add(key, phrase_docs)
            if token_patterns:
                self.matcher.add(key, token_patterns, greedy="LONGEST")

        for i, entry in enumerate(lexicon.entries):
            add(f"T{i}", entry.terms)
        for i, rule in enumerate(lexicon.context):
            add(f"C{i}", rule.terms)

    def parse(self, text: str) -> Doc:
        doc = self.nlp.make_doc(text)
        _split_sentences(doc)
        return doc

    def matches(self, doc: Doc) -> list[Match]:
        strings = self.nlp.vocab.strings
        found = {(strings[m], s, e) for m, s, e in self.phrases(doc)}
        found |= {(strings[m], s, e) for m, s, e in self.matcher(doc)}
        return sorted((Match(k, s, e) for k, s, e in found), key=lambda m: (m.start, m.end, m.key))


def _split_sentences(doc: Doc) -> None:
    """Sentence starts after . ! ? ; and after line breaks (notes are often one finding a line)."""
    start_next = True
    for tok in doc:
        tok.is_sent_start = start_next
        text = tok.text
        start_next = text in SENTENCE_END or (tok.is_space and "\n" in text) or text.endswith("\n")


@cache
def get_pipeline() -> Pipeline:
    """The pipeline for the packaged lexicon, built on first use and kept for the process."""
    return Pipeline(load_lexicon())
