"""The compiled lexicon matcher: spaCy Matcher / PhraseMatcher semantics, and fast enough.

``matcher.py`` replaced one spaCy ``Matcher`` per lexicon entry (and a ``PhraseMatcher``) with
an anchored matcher of its own. Its semantics are pinned here on a small lexicon, and, with spaCy
installed, compared with spaCy's matchers running the very same compiled patterns over the
development set and generated lexicon phrases.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest

from legdx.intake.document import QUOTES
from legdx.intake.lexicon import Entry, Lexicon
from legdx.intake.matcher import (
    ANY_WORD,
    GAP_NEGATIONS,
    GAP_STOP,
    NUMBER,
    NUMBER_RE,
    LexiconMatcher,
    PatternError,
    TokenTest,
    compile_pattern,
    get_matcher,
)

DEVSET = Path(__file__).parent.parent / "data" / "vignettes" / "freetext.jsonl"


def _small(*terms: str, macros: dict[str, list[str]] | None = None) -> LexiconMatcher:
    lex = Lexicon(
        macros=macros or {},
        entries=[Entry(terms=[t]) for t in terms],
        context=[],
        analytes=[],
        connectors=[],
        reject_units=[],
    )
    return LexiconMatcher(lex)


def _found(pipe: LexiconMatcher, text: str) -> set[tuple[str, int, int]]:
    return {(m.key, m.start, m.end) for m in pipe.matches(pipe.parse(text))}


def test_gaps_skip_up_to_n_words_but_never_punctuation_or_a_sentence_end():
    pipe = _small("pain .. calf")
    assert _found(pipe, "pain in the left calf") == {("T0", 0, 5)}
    assert _found(pipe, "pain in the very left calf") == set()
    assert _found(pipe, "pain, calf") == set()
    assert _found(pipe, "pain. Calf") == set()


def test_gaps_never_skip_a_negation():
    # "@pain .. worse .. walk" must not read "the pain is not getting worse when I walk"
    pipe = _small("pain .. worse .. walk", "pain * calf")
    assert _found(pipe, "pain is getting worse when I walk") == {("T0", 0, 7)}
    assert _found(pipe, "pain is not getting worse when I walk") == set()
    assert _found(pipe, "pain isn't worse when I walk") == set()
    assert _found(pipe, "pain no calf") == set()


def test_alternatives_are_single_words_unless_joined_with_underscores():
    pipe = _small("flat_feet|pes_planus|pronation", "when|once|whenever i|she? .. lie")
    assert _found(pipe, "pes planus") == {("T0", 0, 2)}
    assert _found(pipe, "flat") == set()
    assert _found(pipe, "whenever she lies down") == set()  # "lie*" would be needed; "she" alone is not a match
    assert _found(pipe, "once i lie down") == {("T1", 0, 3)}
    assert _found(pipe, "she") == set()


@pytest.mark.parametrize(
    "pattern",
    [
        "flat feet|flat foot|pes planus",
        "better|easier when|while|on|by lying|sitting",
        "dark urine|tea coloured|cola coloured wee",
    ],
)
def test_a_list_of_phrases_written_with_spaces_is_refused(pattern):
    """Two or more alternatives with spaces, one in the middle: which words go together is ambiguous
    (the old reader silently read such stretches as whole phrases, so "she" alone matched)."""
    with pytest.raises(PatternError, match="ambiguous"):
        compile_pattern(pattern, {}, lambda s: s.split())


def test_joined_alternatives_keep_macros_numbers_and_options():
    macros = {"drug_statin": ["atorvastatin"], "det": ["my", "the"]}
    pipe = _small("for_NUM_minutes|on_@drug_statin|in_@det?_calf", macros=macros)
    assert _found(pipe, "for 5 minutes") == {("T0", 0, 3)}
    assert _found(pipe, "on atorvastatin") == {("T0", 0, 2)}
    assert _found(pipe, "in calf") == {("T0", 0, 2)}
    assert _found(pipe, "in my calf") == {("T0", 0, 3)}


def test_longest_match_per_entry_and_every_phrase_occurrence():
    pipe = _small("calf pain|ache?", "calf pain", "pain")
    # T0 could match "calf" or "calf pain": only the longest is kept; phrases keep every occurrence
    assert _found(pipe, "calf pain") == {("T0", 0, 2), ("T1", 0, 2), ("T2", 1, 2)}


def test_sets_prefixes_numbers_and_macros():
    pipe = _small("@walk NUM blocks", "throb* @calf", macros={"walk": ["walk", "stroll*"], "calf": ["calf", "calves"]})
    assert _found(pipe, "strolling two blocks") == {("T0", 0, 3)}
    assert _found(pipe, "walk 2 blocks and throbbing calves") == {("T0", 0, 3), ("T1", 4, 6)}
    assert _found(pipe, "walk many blocks") == set()


# ---------------------------------------------------------------- against spaCy's matchers


def _spacy_spec(test: TokenTest) -> dict:
    if test.kind == NUMBER:
        spec: dict = {"NORM": {"REGEX": NUMBER_RE.pattern}}
    elif test.kind == ANY_WORD:
        spec = {"IS_SPACE": False, "TEXT": {"NOT_IN": sorted(GAP_STOP)}, "NORM": {"NOT_IN": sorted(GAP_NEGATIONS)}}
    elif test.prefixes:
        parts = [re.escape(w) + "$" for w in sorted(test.words)] + [re.escape(p) for p in test.prefixes]
        spec = {"NORM": {"REGEX": "^(?:" + "|".join(parts) + ")"}}
    else:
        spec = {"NORM": {"IN": sorted(test.words)}}
    if test.gap:
        spec["OP"] = f"{{0,{test.gap}}}"
    elif test.optional:
        spec["OP"] = "?"
    return spec


def _generated_texts(n: int) -> list[str]:
    """Texts made of realised lexicon patterns (alternatives, macros, gaps and optionals filled)."""
    pipe = get_matcher()
    lex = pipe.lexicon
    rng = random.Random(11)
    terms = [t for e in lex.entries for t in e.terms] + [t for r in lex.context for t in r.terms]
    fillers = ["no", "denies", "history of", "but", ",", ".", "\n", "left", "my calf", "at night", "the", "very"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 5)):
            words = []
            for tok in rng.choice(terms).split():
                if tok in ("..", "..."):
                    words += rng.sample(fillers, rng.randint(0, 4))
                    continue
                w = rng.choice([a for a in tok.split("|") if a] or [tok])
                if len(w) > 1 and w.endswith("?"):
                    w = w[:-1] if rng.random() < 0.5 else ""
                if w.startswith("@"):
                    w = rng.choice(lex.macros.get(w[1:], ["x"]))
                if w == "NUM":
                    w = rng.choice(["2", "two", "3.5", "a"])
                if len(w) > 1 and w.endswith("*"):
                    w = w[:-1] + rng.choice(["", "ing", "s"])
                words.append(w.replace("_", " "))
            parts.append(" ".join(words))
        out.append(rng.choice([" ", ", ", ". ", "\n"]).join(parts))
    return out


def test_same_matches_as_spacys_matchers(findings):
    spacy = pytest.importorskip("spacy")
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

    pipe = get_matcher()
    nlp = spacy.blank("en")
    # the PhraseMatcher compares NORMs: here as the texts of docs whose words are the NORMs
    phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
    for phrase, keys in pipe.phrases.items():
        for key in keys:
            phrases.add(key, [Doc(nlp.vocab, words=list(phrase))])
    matchers = {}
    required: dict[str, set[frozenset[TokenTest]]] = {}  # key -> per pattern, its required word tests
    tests_by_word: dict[str, set[TokenTest]] = {}
    tests_by_prefix: dict[str, set[TokenTest]] = {}
    for key, patterns in pipe.matchers.items():
        matchers[key] = Matcher(nlp.vocab)
        matchers[key].add(key, [[_spacy_spec(t) for t in p.tests()] for p in patterns], greedy="LONGEST")
        required[key] = set()
        for p in patterns:
            tests = frozenset(t for t in p.tests() if t.kind not in (NUMBER, ANY_WORD) and not t.optional)
            required[key].add(tests)
            for t in tests:
                for w in t.words:
                    tests_by_word.setdefault(w, set()).add(t)
                for pre in t.prefixes:
                    tests_by_prefix.setdefault(pre, set()).add(t)

    def passing(norms: set[str]) -> set[TokenTest]:
        out: set[TokenTest] = set()
        for n in norms:
            out |= tests_by_word.get(n, set())
            for k in range(1, len(n) + 1):
                out |= tests_by_prefix.get(n[:k], set())
        return out

    texts = [json.loads(line)["case"]["text"] for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from bench_intake import NOTE

    for text in [NOTE, *texts, *_generated_texts(200)]:
        doc = pipe.parse(text)
        if any(n in QUOTES for n in doc.norms):
            continue  # ours steps over quotation marks between words, spaCy's does not (test_misreadings)
        sdoc = nlp.make_doc(text.lower())  # the intake tokenizes in lower case (document.py)
        # the norms the matcher compares, spelling corrections included ("crushs" is matched as "crush")
        for i, stok in enumerate(sdoc):
            stok.norm_ = doc.norms[i]
        assert len(sdoc) == len(doc)
        norm_doc = Doc(nlp.vocab, words=list(doc.norms), spaces=[False] * len(doc))
        want = {(nlp.vocab.strings[k], s, e) for k, s, e in phrases(norm_doc)}
        for sent in doc.sents:
            present = passing({doc.norms[i] for i in range(sent.start, sent.end)})
            for key, per_pattern in required.items():
                # run a key's matcher wherever a pattern could match: all its required words present
                if any(tests <= present for tests in per_pattern):
                    found = matchers[key](sdoc[sent.start : sent.end])
                    want |= {(key, sent.start + s, sent.start + e) for _k, s, e in found}
        assert {(m.key, m.start, m.end) for m in pipe.matches(doc)} == want, text


# Speed is measured by bench/bench_intake.py (docs/benchmarks.md), not by a timed unit test.
