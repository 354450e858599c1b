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

GAP_STOP = [".", "!", "?", ";", ","]
NUMBER_WORDS = [
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "half", "few", "couple", "several",
]  # fmt: skip
NUMBER_RE = r"^\d+(?:[.,]\d+)*$"
MAX_EXPANSIONS = 400
ANCHOR = "anchor"  # metadata on a token spec: (words, prefixes) one of which the token must have
COMMON = {
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "my", "her", "his", "is",
    "was", "are", "be", "it", "i", "not", "no", "when", "if", "up", "down", "out", "that", "this", "as", "from",
}  # fmt: skip
NEGATION_PREFIXES = {"no", "not", "non", "without", "never", "denies", "negative"}
SENTENCE_END = {".", "!", "?", ";"}


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled (raised at pipeline build; tests load every pattern)."""


@dataclass(frozen=True)
class Match:
    key: str  # "T<n>" for lexicon entry n, "C<n>" for context rule n
    start: int  # token indices, end exclusive
    end: int


def _word_spec(word: str, macros: dict[str, list[str]], tokenize: Any) -> list[dict[str, Any]]:
    """Specs for one pattern word (no ``|``): literal (may split into several tokens), ``@macro``,
    ``word*`` prefix, ``NUM``, ``*`` (any word); a trailing ``?`` makes it optional."""
    optional = len(word) > 1 and word.endswith("?")
    if optional:
        word = word[:-1]
    if word == "NUM":
        spec: dict[str, Any] = {"NORM": {"REGEX": NUMBER_RE + "|^(?:" + "|".join(NUMBER_WORDS) + ")$"}}
    elif word == "*":
        spec = {"IS_SPACE": False, "TEXT": {"NOT_IN": GAP_STOP}}
    elif word.startswith("@") or (len(word) > 1 and word.endswith("*")):
        spec = _set_spec([word], macros, tokenize)
    else:
        norms = tokenize(word.replace("_", " "))
        if not norms:
            raise PatternError(f"{word!r} has no tokens")
        if len(norms) > 1:
            if optional:
                raise PatternError(f"optional word {word!r} splits into {norms}")
            return [{"NORM": n, ANCHOR: (frozenset([n]), ())} for n in norms]
        spec = {"NORM": norms[0], ANCHOR: (frozenset([norms[0]]), ())}
    if optional:
        spec["OP"] = "?"
    return [spec]


def _set_spec(alts: list[str], macros: dict[str, list[str]], tokenize: Any) -> dict[str, Any]:
    words: set[str] = set()
    prefixes: set[str] = set()
    for alt in alts:
        items = [alt]
        if alt.startswith("@"):
            if alt[1:] not in macros:
                raise PatternError(f"unknown macro {alt}")
            items = macros[alt[1:]]
        for item in items:
            if item.endswith("*") and len(item) > 1:
                prefixes.add(item[:-1].lower())
            else:
                norms = tokenize(item)
                if len(norms) == 1:
                    words.add(norms[0])
    anchor = (frozenset(words), tuple(sorted(prefixes)))
    if not prefixes:
        return {"NORM": {"IN": sorted(words)}, ANCHOR: anchor}
    parts = [re.escape(w) + "$" for w in sorted(words)] + [re.escape(p) for p in sorted(prefixes)]
    return {"NORM": {"REGEX": "^(?:" + "|".join(parts) + ")"}, ANCHOR: anchor}


def _slot(alts: list[str], macros: dict[str, list[str]], tokenize: Any) -> list[list[dict[str, Any]]]:
    """The options of one slot: single words merged into one set spec, each longer phrase apart."""
    singles: list[str] = []
    optional = False
    options: list[list[dict[str, Any]]] = []
    for alt in alts:
        words = alt.split()
        if len(words) == 1 and "_" not in alt:
            w = words[0]
            if len(w) > 1 and w.endswith("?"):
                optional, w = True, w[:-1]
            if w in ("NUM", "*"):
                options.append(_word_spec(w, macros, tokenize))
            elif w.startswith("@") or w.endswith("*") or len(tokenize(w)) == 1:
                singles.append(w)
            else:
                options.append(_word_spec(w, macros, tokenize))
        else:
            seq: list[dict[str, Any]] = []
            for w in words:
                seq += _word_spec(w, macros, tokenize)
            options.append(seq)
    if singles:
        options.insert(0, [_set_spec(singles, macros, tokenize)])
    if optional:
        options = [[{**s, "OP": "?"} for s in opt] if len(opt) == 1 else opt for opt in options]
    return options


def _segments(raw: list[str]) -> list[list[str] | str]:
    out: list[list[str] | str] = []
    cur: list[str] = []
    for tok in raw:
        if tok in ("..", "..."):
            if cur:
                out.append(cur)
            out.append(tok)
            cur = []
        else:
            cur.append(tok)
    if cur:
        out.append(cur)
    return out


def compile_pattern(
    pattern: str, macros: dict[str, list[str]], tokenize: Any
) -> list[list[dict[str, Any]]] | None:
    """Compile one lexicon pattern into spaCy Matcher patterns (``None`` for a plain phrase).

    Within a stretch between gaps, ``|`` separates single words ("pain|ache in the calf" = pain or
    ache, then "in the calf"), unless the stretch is a list of phrases: two or more alternatives with
    several words, one of them in the middle ("flat feet|flat foot|pes planus"), where a leading
    negation is shared ("no numbness|tingling|pins and needles"); ``_`` joins the words of one
    alternative explicitly ("no_feeling|numb"). Alternatives of several words expand into separate
    Matcher patterns.

    >>> compile_pattern("calf pain", {}, lambda s: s.split()) is None
    True
    >>> compile_pattern("pain|ache in the? calf*", {}, lambda s: s.split())[0][0]
    {'NORM': {'IN': ['ache', 'pain']}}
    >>> len(compile_pattern("flat feet|flat foot|pes planus", {}, lambda s: s.split()))
    3
    """
    raw = pattern.split()
    if not raw:
        raise PatternError("empty pattern")
    special = any(
        t in ("..", "...", "NUM", "*") or "|" in t or "_" in t or t.startswith("@") or (len(t) > 1 and t.endswith(("?", "*")))
        for t in raw
    )
    if not special:
        return None
    slots: list[list[list[dict[str, Any]]]] = []
    for seg in _segments(raw):
        if isinstance(seg, str):
            n = 3 if seg == ".." else 6
            slots.append([[{"IS_SPACE": False, "TEXT": {"NOT_IN": GAP_STOP}, "OP": f"{{0,{n}}}"}]])
            continue
        parts = " ".join(seg).split("|")
        multi = [i for i, p in enumerate(parts) if " " in p.strip()]
        phrase_list = len(multi) >= 2 and any(0 < i < len(parts) - 1 for i in multi)
        if phrase_list:
            alts = [p.strip() for p in parts if p.strip()]
            head = alts[0].split()[0]
            if head in NEGATION_PREFIXES and not any(a.split()[0] == head for a in alts[1:]):
                alts = [alts[0]] + [f"{head} {a}" for a in alts[1:]]  # "no numbness|tingling" = no either
            slots.append(_slot(alts, macros, tokenize))
        else:
            for tok in seg:
                slots.append(_slot([a for a in tok.split("|") if a], macros, tokenize))
    patterns: list[list[dict[str, Any]]] = [[]]
    for options in slots:
        patterns = [p + o for p in patterns for o in options]
        if len(patterns) > MAX_EXPANSIONS:
            raise PatternError(f"expands into more than {MAX_EXPANSIONS} patterns")
    out = []
    for p in patterns:
        if all("OP" in s for s in p):
            continue
        while p and "OP" in p[0] and p[0]["OP"] != "?":
            p = p[1:]  # a pattern never starts or ends with a gap
        while p and "OP" in p[-1] and p[-1]["OP"] != "?":
            p = p[:-1]
        out.append(p)
    if not out:
        raise PatternError("pattern can match nothing")
    return out


Anchor = tuple[frozenset[str], tuple[str, ...]]


def pattern_anchor(specs: list[dict[str, Any]]) -> Anchor | None:
    """The best required token of a pattern to index it by: rarest words, never only stop words.
    ``None`` when no required token has a word list (the pattern must always run)."""
    best: Anchor | None = None
    best_score = (2, 10**9)
    for spec in specs:
        anchor = spec.get(ANCHOR)
        op = spec.get("OP")
        if anchor is None or (op is not None and op != "+"):
            continue
        words, prefixes = anchor
        score = (1 if words and words <= COMMON and not prefixes else 0, len(words) + 10 * len(prefixes))
        if score < best_score:
            best, best_score = anchor, score
    return best


def _strip(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in s.items() if k != ANCHOR} for s in specs]


class Pipeline:
    """Tokenizer + sentence splitter + one PhraseMatcher and one Matcher for the whole lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        self.lexicon = lexicon
        self.nlp: Language = spacy.blank("en")
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.matchers: dict[str, Matcher] = {}  # one small Matcher per lexicon entry / context rule
        self.always: list[str] = []  # keys with a pattern that has no anchor word
        self.by_word: dict[str, set[str]] = {}
        self.by_prefix: dict[str, set[str]] = {}

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
                    token_patterns.extend(specs)
            if phrase_docs:
                self.phrases.add(key, phrase_docs)
            if token_patterns:
                matcher = Matcher(self.nlp.vocab, validate=True)
                matcher.add(key, [_strip(p) for p in token_patterns], greedy="LONGEST")
                self.matchers[key] = matcher
                anchors = [pattern_anchor(p) for p in token_patterns]
                if any(a is None for a in anchors):
                    self.always.append(key)
                    return
                for words, prefixes in anchors:  # type: ignore[misc]
                    for w in words:
                        self.by_word.setdefault(w, set()).add(key)
                    for pre in prefixes:
                        self.by_prefix.setdefault(pre, set()).add(key)

        for i, entry in enumerate(lexicon.entries):
            add(f"T{i}", entry.terms)
        for i, rule in enumerate(lexicon.context):
            add(f"C{i}", rule.terms)

    def parse(self, text: str) -> Doc:
        doc = self.nlp.make_doc(text)
        _split_sentences(doc)
        return doc

    def _sentences_by_key(self, doc: Doc) -> dict[str, set[tuple[int, int]]]:
        """For each matcher whose anchor word (or prefix) occurs, the sentences it occurs in.
        Patterns never cross a sentence end, so a matcher only needs to run on those sentences."""
        out: dict[str, set[tuple[int, int]]] = {}
        cache: dict[str, set[str]] = {}
        for sent in doc.sents:
            bounds = (sent.start, sent.end)
            for tok in sent:
                n = tok.norm_
                keys = cache.get(n)
                if keys is None:
                    keys = cache[n] = _keys_for_norms({n}, self.by_word, self.by_prefix)
                for key in keys:
                    out.setdefault(key, set()).add(bounds)
        if self.always:
            every = {(s.start, s.end) for s in doc.sents}
            for key in self.always:
                out[key] = every
        return out

    def matches(self, doc: Doc) -> list[Match]:
        strings = self.nlp.vocab.strings
        found = {(strings[m], s, e) for m, s, e in self.phrases(doc)}
        for key, sentences in self._sentences_by_key(doc).items():
            matcher = self.matchers[key]
            for start, end in sentences:
                found |= {(strings[m], start + s, start + e) for m, s, e in matcher(doc[start:end])}
        return sorted((Match(k, s, e) for k, s, e in found), key=lambda m: (m.start, m.end, m.key))


def _keys_for_norms(norms: set[str], by_word: dict[str, set[str]], by_prefix: dict[str, set[str]]) -> set[str]:
    keys: set[str] = set()
    for n in norms:
        hit = by_word.get(n)
        if hit:
            keys |= hit
        for k in range(1, len(n) + 1):
            hit = by_prefix.get(n[:k])
            if hit:
                keys |= hit
    return keys


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
