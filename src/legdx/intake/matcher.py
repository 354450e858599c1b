"""The lexicon compiled into a fast token matcher over spaCy's tokens; built once.

Every lexicon pattern (``lexicon.py`` documents the syntax) compiles into one or more *token
patterns*: a sequence of :class:`TokenTest` (a word set with prefixes, a number, any word, or a gap
of up to n words; each may be optional). Plain phrases ("calf pain") go into a phrase table keyed by
their tuple of normal forms instead. Text and pattern words are tokenized by spaCy's English
tokenizer (``document.py``), so a pattern word and the same word in a text always have the same
``NORM``.

Why not spaCy's ``Matcher`` / ``PhraseMatcher``: this matcher is domain logic for our pattern
language (alternatives, macros, prefixes, number words, bounded gaps that never cross punctuation),
not a general tokenizer-level facility, and replacing spaCy's matchers was justified by profiling:
every build compiled and validated some 7,000 patterns into one ``Matcher`` per lexicon entry, and
matching (REGEX / IN predicates evaluated per token) took ~120 ms on a 500-word note against
~15 ms here. The semantics are spaCy's: every span that a token pattern
matches, then, per lexicon entry and sentence, the longest non-overlapping spans
(``greedy="LONGEST"``), and every occurrence of every phrase in the whole text, as the
``PhraseMatcher`` does; ``tests/intake/test_matcher.py`` checks it against spaCy's matchers running
the same compiled patterns. One extension: a quotation mark between two words of a token pattern
is stepped over ("urine 'cola' coloured"), which spaCy's matcher would not do.

It is built for this lexicon's shape: thousands of patterns, each with a required word that is
usually rare. Each token pattern is indexed under the word set of its rarest
required token (its *anchor*), so a sentence only tries the patterns whose anchor word it contains,
and only at that word: the pattern's tests are checked outwards from the anchor, left and right.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from legdx.intake.document import QUOTES, Doc, parse, tokenize
from legdx.intake.lexicon import Lexicon, load_lexicon
from legdx.intake.spelling import SpellingCorrector

__all__ = ["Match", "LexiconMatcher", "TokenPattern", "TokenTest", "compile_pattern", "get_matcher"]

GAP_STOP = frozenset([".", "!", "?", ";", ","])  # a gap or ``*`` never skips these (nor GAP_NEGATIONS)
NUMBER_WORDS = [
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "half", "few", "couple", "several",
]  # fmt: skip
# digits, a number word, or a clinical duration written as a fraction (10/7 days, 6/12 months, 2/52 weeks)
NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*$|^\d{1,2}/(?:7|12|52)$|^(?:" + "|".join(NUMBER_WORDS) + ")$")
MAX_EXPANSIONS = 400
PLAIN_WORDS = re.compile(r"[A-Za-z'-]+(?: [A-Za-z'-]+)+")  # a phrase of ordinary words only
COMMON = {
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "my", "her", "his", "is",
    "was", "are", "be", "it", "i", "not", "no", "when", "if", "up", "down", "out", "that", "this", "as", "from",
}  # fmt: skip
# a gap or ``*`` never skips these either: "the pain is not getting worse when I walk" must not match
# "@pain .. worse .. walk" with the "not" inside it, where the phrase would shield it from negation
GAP_NEGATIONS = frozenset(["no", "not", "never", "without", "nor"])

Tokenize = Callable[[str], list[str]]  # text -> the NORMs of its non-space tokens

WORDS, NUMBER, ANY_WORD = "words", "number", "any"


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled (raised when the matcher is built; tests load every pattern)."""


@dataclass(frozen=True)
class Match:
    key: str  # "T<n>" for lexicon entry n, "C<n>" for context rule n
    start: int  # token indices, end exclusive
    end: int


@dataclass(frozen=True, slots=True)
class TokenTest:
    """What one token of a pattern must be.

    ``words`` / ``prefixes``: the token's NORM is one of the words or starts with one of the
    prefixes; ``number``: digits ("12", "0.5", "1,000"), a number word or a
    duration fraction ("6/12"); ``any``: any word that is neither whitespace nor one of
    ``GAP_STOP`` or ``GAP_NEGATIONS``. ``optional``: may be skipped. ``gap`` > 0: up to that many
    ``any`` tokens (``..`` = 3, ``...`` = 6).
    """

    kind: str
    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    optional: bool = False
    gap: int = 0

    def but_optional(self) -> TokenTest:
        return TokenTest(self.kind, self.words, self.prefixes, True, self.gap)


ANY = TokenTest(ANY_WORD)
NUM = TokenTest(NUMBER)


def _word_tests(word: str, macros: dict[str, list[str]], tokenize: Tokenize) -> list[TokenTest]:
    """Tests for one pattern word (no ``|``): literal (may split into several tokens), ``@macro``,
    ``word*`` prefix, ``NUM``, ``*`` (any word); a trailing ``?`` makes it optional; ``_`` joins
    several such words into one alternative."""
    if "_" in word.strip("_") and word.lstrip("@").rstrip("?") not in macros:
        # "came_on_within", "for_NUM_minutes", "on_@drug_taking_statin": each joined word as if alone
        return [t for part in _joined(word, macros) for t in _word_tests(part, macros, tokenize)]
    optional = len(word) > 1 and word.endswith("?")
    if optional:
        word = word[:-1]
    if word == "NUM":
        test = NUM
    elif word == "*":
        test = ANY
    elif word.startswith("@") or (len(word) > 1 and word.endswith("*")):
        test = _set_test((word,), macros, tokenize)
    else:
        norms = tokenize(word.replace("_", " "))
        if not norms:
            raise PatternError(f"{word!r} has no tokens")
        if len(norms) > 1:
            if optional:
                raise PatternError(f"optional word {word!r} splits into {norms}")
            return [TokenTest(WORDS, frozenset([n])) for n in norms]
        test = TokenTest(WORDS, frozenset(norms))
    return [test.but_optional() if optional else test]


def _joined(word: str, macros: dict[str, list[str]]) -> list[str]:
    """The words of a ``_``-joined alternative; a macro name may itself hold ``_`` (``@drug_taking_statin``)."""
    pieces = [p for p in word.split("_") if p]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        j = i + 1
        if pieces[i].startswith("@"):  # the longest run of pieces that names a macro
            j = next(
                (k for k in range(len(pieces), i, -1) if "_".join(pieces[i:k]).lstrip("@").rstrip("?") in macros), j
            )
        out.append("_".join(pieces[i:j]))
        i = j
    return out


def _set_test(alts: tuple[str, ...], macros: dict[str, list[str]], tokenize: Tokenize) -> TokenTest:
    """One token that is any of ``alts``: words, ``@macro`` sets, ``prefix*``."""
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
                if len(norms) == 1:  # a macro word that splits ("pain-free") can never match one token
                    words.add(norms[0])
    return TokenTest(WORDS, frozenset(words), tuple(sorted(prefixes)))


def _slot(alts: list[str], macros: dict[str, list[str]], tokenize: Tokenize) -> list[list[TokenTest]]:
    """The options of one slot: single words merged into one set test, each longer phrase apart."""
    singles: list[str] = []
    optional = False
    options: list[list[TokenTest]] = []
    for alt in alts:
        words = alt.split()
        if len(words) == 1 and "_" not in alt.strip("_"):
            w = words[0]
            if len(w) > 1 and w.endswith("?"):
                optional, w = True, w[:-1]
            if w in ("NUM", "*"):
                options.append(_word_tests(w, macros, tokenize))
            elif w.startswith("@") or w.endswith("*") or len(tokenize(w)) == 1:
                singles.append(w)
            else:
                options.append(_word_tests(w, macros, tokenize))
        else:
            seq: list[TokenTest] = []
            for w in words:
                seq += _word_tests(w, macros, tokenize)
            options.append(seq)
    if singles:
        options.insert(0, [_set_test(tuple(singles), macros, tokenize)])
    if optional:  # "a|b?" makes every one-token option optional; a phrase option stays required
        options = [[opt[0].but_optional()] if len(opt) == 1 else opt for opt in options]
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


def _is_special(token: str) -> bool:
    return (
        token in ("..", "...", "NUM", "*")
        or "|" in token
        or "_" in token
        or token.startswith("@")
        or (len(token) > 1 and token.endswith(("?", "*")))
    )


def compile_pattern(pattern: str, macros: dict[str, list[str]], tokenize: Tokenize) -> list[list[TokenTest]] | None:
    """Compile one lexicon pattern into token patterns (``None`` for a plain phrase).

    ``|`` always separates single words ("pain|ache in the calf" = pain or ache, then "in the
    calf"); ``_`` joins the words of one alternative ("flat_feet|flat_foot|pes_planus",
    "no_feeling|numb"). Alternatives of several words expand into separate token patterns.

    A stretch that reads as a list of phrases ("flat feet|flat foot|pes planus": two or more
    alternatives of plain words with spaces, one of them in the middle) is refused: it used to be
    read as whole phrases, which silently made "when|once|whenever i|she|he" match a bare "she" and
    "better|easier when|while|on|by lying" a bare "on". The ``_`` form says which words go together;
    a stretch whose spaced parts hold a macro, a number, punctuation or an option is a sequence of
    single-word slots ("sudden|abrupt , @severe|sharp , @pain").

    >>> compile_pattern("calf pain", {}, lambda s: s.split()) is None
    True
    >>> first = compile_pattern("pain|ache in the? calf*", {}, lambda s: s.split())[0]
    >>> sorted(first[0].words), first[2].optional, first[3].prefixes
    (['ache', 'pain'], True, ('calf',))
    >>> len(compile_pattern("flat_feet|flat_foot|pes_planus", {}, lambda s: s.split()))
    3
    >>> compile_pattern("flat feet|flat foot|pes planus", {}, lambda s: s.split())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    legdx.intake.matcher.PatternError: ambiguous alternatives ...
    """
    raw = pattern.split()
    if not raw:
        raise PatternError("empty pattern")
    if not any(_is_special(t) for t in raw):
        return None
    slots: list[list[list[TokenTest]]] = []
    for seg in _segments(raw):
        if isinstance(seg, str):
            slots.append([[TokenTest(ANY_WORD, optional=True, gap=3 if seg == ".." else 6)]])
            continue
        stretch = " ".join(seg)
        parts = stretch.split("|")
        multi = [i for i, p in enumerate(parts) if " " in p.strip()]
        plain = all(PLAIN_WORDS.fullmatch(parts[i].strip()) for i in multi)
        if len(multi) >= 2 and any(0 < i < len(parts) - 1 for i in multi) and plain:
            raise PatternError(f"ambiguous alternatives {stretch!r}: join the words of each alternative with _")
        for tok in seg:
            slots.append(_slot([a for a in tok.split("|") if a], macros, tokenize))
    patterns: list[list[TokenTest]] = [[]]
    for options in slots:
        patterns = [p + o for p in patterns for o in options]
        if len(patterns) > MAX_EXPANSIONS:
            raise PatternError(f"expands into more than {MAX_EXPANSIONS} patterns")
    out = []
    for p in patterns:
        if all(t.optional for t in p):
            continue
        while p and p[0].gap:
            p = p[1:]  # a pattern never starts or ends with a gap
        while p and p[-1].gap:
            p = p[:-1]
        out.append(p)
    if not out:
        raise PatternError("pattern can match nothing")
    return out


@dataclass(frozen=True, slots=True)
class TokenPattern:
    """A compiled token pattern, split at its anchor: the tests before it (nearest first) and after."""

    key: str
    anchor: TokenTest | None  # None: no required word; ``after`` is then the whole pattern
    before: tuple[TokenTest, ...]
    after: tuple[TokenTest, ...]

    def tests(self) -> list[TokenTest]:
        """The pattern's tests in text order."""
        return [*reversed(self.before), *([self.anchor] if self.anchor else []), *self.after]

    def words(self) -> set[str]:
        """Every literal word the pattern can match (the spelling corrector's vocabulary)."""
        return {w for t in self.tests() for w in t.words}


def anchor_index(tests: list[TokenTest]) -> int | None:
    """The best required token of a pattern to index it by: rarest words, never only stop words.
    ``None`` when no required token has a word list (the pattern must be tried everywhere)."""
    best: int | None = None
    best_score = (2, 10**9)
    for i, t in enumerate(tests):
        if t.kind != WORDS or t.optional or not (t.words or t.prefixes):
            continue
        score = (1 if t.words <= COMMON and not t.prefixes else 0, len(t.words) + 10 * len(t.prefixes))
        if score < best_score:
            best, best_score = i, score
    return best


@dataclass
class _TokenView:
    """Per-text facts the tests need, computed once per text."""

    norms: list[str]
    is_number: list[bool]
    gap_ok: list[bool]  # may be skipped by a gap or matched by ``*``
    quote: list[bool]  # a quotation mark, stepped over between words ("urine 'cola' coloured")


def _view(doc: Doc) -> _TokenView:
    norms = doc.norms
    return _TokenView(
        norms,
        [NUMBER_RE.search(n) is not None for n in norms],
        [
            not t.is_space and t.text not in GAP_STOP and n not in GAP_NEGATIONS
            for t, n in zip(doc.tokens, norms, strict=True)
        ],
        [n in QUOTES for n in norms],
    )


def _passes(test: TokenTest, i: int, view: _TokenView) -> bool:
    kind = test.kind
    if kind == WORDS:
        n = view.norms[i]
        return n in test.words or (bool(test.prefixes) and n.startswith(test.prefixes))
    if kind == NUMBER:
        return view.is_number[i]
    return view.gap_ok[i]


def _reach(tests: Iterable[TokenTest], pos: int, step: int, limit: int, view: _TokenView) -> set[int]:
    """Every boundary reachable from boundary ``pos`` by matching ``tests`` one after another,
    moving right (``step`` = 1, ``limit`` = sentence end) or left (``step`` = -1, ``limit`` =
    sentence start). Like a regex engine: optional tests and gaps fork the set of positions."""
    frontier = {pos}
    for test in tests:
        reached: set[int] = set()
        for p in frontier:
            if test.optional:
                reached.add(p)
            if test.gap:  # up to ``gap`` skippable words in a row
                q = p
                for _ in range(test.gap):
                    if q == limit or not view.gap_ok[q if step > 0 else q - 1]:
                        break
                    q += step
                    reached.add(q)
            else:
                while p != limit and view.quote[p if step > 0 else p - 1]:
                    p += step  # a quotation mark between two words of a pattern is stepped over
                if p != limit and _passes(test, p if step > 0 else p - 1, view):
                    reached.add(p + step)
        if not reached:
            return reached
        frontier = reached
    return frontier


def _longest(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """spaCy's ``greedy="LONGEST"``: longest first (earliest first among equals), never overlapping."""
    taken: set[int] = set()
    out = []
    for s, e in sorted(spans, key=lambda x: (x[1] - x[0], -x[0]), reverse=True):
        if taken.isdisjoint(range(s, e)):
            out.append((s, e))
            taken.update(range(s, e))
    return out


class LexiconMatcher:
    """spaCy's tokenizer and sentencizer + the lexicon's phrase table and anchored token patterns."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.phrases: dict[tuple[str, ...], set[str]] = {}  # NORMs of a phrase -> keys
        self.phrase_lengths: dict[str, list[int]] = {}  # first NORM -> lengths of phrases starting with it
        self.matchers: dict[str, list[TokenPattern]] = {}  # key -> its token patterns
        self.by_word: dict[str, list[TokenPattern]] = {}  # anchor word -> patterns
        self.by_prefix: dict[str, list[TokenPattern]] = {}  # anchor prefix -> patterns
        self.unanchored: list[TokenPattern] = []  # no required word: tried at every token
        self._candidates: dict[str, tuple[TokenPattern, ...]] = {}  # NORM -> patterns anchored on it

        norm_cache: dict[str, list[str]] = {}

        def norms(text: str) -> list[str]:  # the same words recur across thousands of patterns
            hit = norm_cache.get(text)
            if hit is None:
                hit = norm_cache[text] = [t.norm for t in tokenize(text) if not t.is_space]
            return hit

        for i, entry in enumerate(lexicon.entries):
            self._add(f"T{i}", entry.terms, norms)
        for i, rule in enumerate(lexicon.context):
            self._add(f"C{i}", rule.terms, norms)
        self._prefix_lengths = sorted({len(p) for p in self.by_prefix})
        words = set(self.by_word) | {w for phrase in self.phrases for w in phrase}
        words |= {w for tests in self.matchers.values() for pat in tests for w in pat.words()}
        self.spelling = SpellingCorrector(words)

    def _add(self, key: str, terms: list[str], norms: Tokenize) -> None:
        for term in terms:
            try:
                compiled = compile_pattern(term, self.lexicon.macros, norms)
            except PatternError as exc:
                raise PatternError(f"{key}: {term!r}: {exc}") from None
            if compiled is None:
                variants = {term}
                if "-" in term:
                    variants |= {term.replace("-", " "), term.replace("-", "")}
                for v in variants:
                    phrase = tuple(t.norm for t in tokenize(v))  # space tokens included, as spaCy
                    if phrase:
                        self.phrases.setdefault(phrase, set()).add(key)
                        lengths = self.phrase_lengths.setdefault(phrase[0], [])
                        if len(phrase) not in lengths:
                            lengths.append(len(phrase))
                continue
            for tests in compiled:
                a = anchor_index(tests)
                if a is None:
                    pattern = TokenPattern(key, None, (), tuple(tests))
                    self.unanchored.append(pattern)
                else:
                    anchor = tests[a]
                    pattern = TokenPattern(key, anchor, tuple(reversed(tests[:a])), tuple(tests[a + 1 :]))
                    for w in anchor.words:
                        self.by_word.setdefault(w, []).append(pattern)
                    for p in anchor.prefixes:
                        self.by_prefix.setdefault(p, []).append(pattern)
                self.matchers.setdefault(key, []).append(pattern)

    def parse(self, text: str) -> Doc:
        """spaCy's tokens and sentences of ``text`` (``document.parse``), misspelt words read as the
        lexicon words they most likely mean (``spelling.py``)."""
        doc = parse(text)
        doc.norms = [self.spelling.correct(n) for n in doc.norms]
        return doc

    def _anchored_on(self, norm: str) -> tuple[TokenPattern, ...]:
        hit = self._candidates.get(norm)
        if hit is None:
            found = dict.fromkeys(self.by_word.get(norm, ()))
            for k in self._prefix_lengths:
                if k > len(norm):
                    break
                found.update(dict.fromkeys(self.by_prefix.get(norm[:k], ())))
            hit = tuple(found)
            if len(self._candidates) > 100_000:  # bound the memo on adversarial input
                self._candidates.clear()
            self._candidates[norm] = hit
        return hit

    def matches(self, doc: Doc) -> list[Match]:
        norms = doc.norms
        found: set[tuple[str, int, int]] = set()
        n_tokens = len(norms)
        for i, n in enumerate(norms):  # phrases: anywhere in the text, every occurrence
            for length in self.phrase_lengths.get(n, ()):
                if i + length > n_tokens:
                    continue
                keys = self.phrases.get(tuple(norms[i : i + length]))
                if keys:
                    found.update((k, i, i + length) for k in keys)
        view = _view(doc)
        for sent in doc.sents:  # token patterns: within a sentence
            spans: dict[str, set[tuple[int, int]]] = {}
            for i in range(sent.start, sent.end):
                patterns = self._anchored_on(norms[i])
                if self.unanchored:
                    patterns = patterns + tuple(self.unanchored)
                for pat in patterns:
                    if pat.anchor is None:  # tried as starting at token i
                        ends = _reach(pat.after, i, 1, sent.end, view)
                        ends.discard(i)
                        if ends:
                            spans.setdefault(pat.key, set()).update((i, e) for e in ends)
                        continue
                    if not _passes(pat.anchor, i, view):
                        continue
                    ends = _reach(pat.after, i + 1, 1, sent.end, view)
                    if not ends:
                        continue
                    starts = _reach(pat.before, i, -1, sent.start, view)
                    if starts:
                        spans.setdefault(pat.key, set()).update((s, e) for s in starts for e in ends)
            for key, key_spans in spans.items():
                found.update((key, s, e) for s, e in _longest(key_spans))
        return sorted((Match(k, s, e) for k, s, e in found), key=lambda m: (m.start, m.end, m.key))


_BUILDING = threading.Lock()


def get_matcher() -> LexiconMatcher:
    """The matcher for the packaged lexicon, built on first use and kept for the process.

    Thread-safe: the web app builds it in the background at start while requests arrive, and a
    request that needs it first waits for that build instead of starting a second one.
    """
    with _BUILDING:
        return _matcher()


@cache
def _matcher() -> LexiconMatcher:
    return LexiconMatcher(load_lexicon())
