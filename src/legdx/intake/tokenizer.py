"""spaCy's English tokenizer, in plain Python, on spaCy's own rules (``tokenizer_en.json``).

Why not call spaCy: the intake used ``spacy.blank("en")`` only for its tokenizer and ``NORM``, and
importing spaCy (thinc, confection, its CLI, pydantic v1 shims...) plus building the blank pipeline
took 1.3-1.9 s of the first text read in every process (profiled: more than the whole 1 s budget
for a snappy ``legdx assess``), while tokenizing itself is a few milliseconds. So the algorithm of
spaCy 3.8's ``Tokenizer`` (whitespace split; special cases; prefix, suffix and infix rules; URL
match; the special-case pass over affix-split tokens) is reproduced here, and its *data* (the
English prefix / suffix / infix / URL regular expressions, the ~1,300 tokenizer exceptions with
their ``NORM`` values, and the base ``NORM`` table) is exported from spaCy into
``tokenizer_en.json``. The result is token-for-token what spaCy gives: ``tests/intake/
test_tokenizer.py`` checks the shipped data against the installed spaCy and compares both
tokenizers on the development set, the test strings and thousands of generated texts.

Regenerate the data after a spaCy upgrade (needs spaCy installed, the ``nlp`` extra)::

    .venv/bin/python -m legdx.intake.tokenizer > src/legdx/intake/tokenizer_en.json
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from importlib import resources
from typing import Any

from legdx.intake.document import Token

__all__ = ["Tokenizer", "english_tokenizer", "export_spacy_rules"]

DATA_FILE = "tokenizer_en.json"
MEMO_LIMIT = 50_000  # chunks remembered between calls (spaCy keeps a cache too)

Piece = tuple[str, str | None]  # (text, NORM from a special case, or None for the word's own NORM)


class Tokenizer:
    """``tokenizer(text)`` -> tokens with character offsets and NORMs, as spaCy's ``Tokenizer``.

    Names and steps follow spaCy's ``tokenizer.pyx`` so the two can be read side by side.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self._prefix_search: Callable[[str], re.Match[str] | None] = re.compile(data["prefix"]).search
        self._suffix_search: Callable[[str], re.Match[str] | None] = re.compile(data["suffix"]).search
        self._infix_finditer = re.compile(data["infix"]).finditer
        self._url_match = re.compile(data["url"]).match
        self._base_norms: dict[str, str] = data["norms"]
        self._specials: dict[str, list[Piece]] = {
            text: [(orth, norm) for orth, norm in pieces] for text, pieces in data["rules"].items()
        }
        self._memo: dict[str, list[Piece]] = {}
        # Special cases that contain affixes ("a.m.)" would otherwise lose "a.m."): spaCy finds them
        # in a second pass, as sequences of affix-split tokens.
        self._special_phrases: dict[tuple[str, ...], str] = {}
        self._special_lengths: dict[str, set[int]] = {}
        for text in sorted(self._specials):
            if self._find_prefix(text) or self._find_suffix(text) or list(self._infix_finditer(text)) or " " in text:
                orths = tuple(orth for orth, _norm, _space in self._tokenize_affixes(text, with_specials=False))
                if orths:
                    self._special_phrases[orths] = text
                    self._special_lengths.setdefault(orths[0], set()).add(len(orths))

    def __call__(self, text: str) -> list[Token]:
        pieces = self._apply_special_cases(self._tokenize_affixes(text, with_specials=True))
        tokens = []
        idx = 0
        for orth, norm, space in pieces:
            if norm is None:
                norm = self._base_norms.get(orth)
                if norm is None:
                    norm = orth.lower()
            tokens.append(Token(orth, idx, norm, orth.isspace()))
            idx += len(orth) + space
        return tokens

    def _find_prefix(self, string: str) -> int:
        m = self._prefix_search(string)
        return m.end() - m.start() if m else 0

    def _find_suffix(self, string: str) -> int:
        m = self._suffix_search(string)
        return m.end() - m.start() if m else 0

    def _tokenize_affixes(self, string: str, with_specials: bool) -> list[tuple[str, str | None, bool]]:
        """Split on whitespace as spaCy does: a single space after a token is that token's trailing
        space; any other run of whitespace is a token of its own. Each chunk is then split."""
        out: list[tuple[str, str | None, bool]] = []
        if not string:
            return out
        start = 0
        in_ws = string[0].isspace()
        for i, ch in enumerate(string):
            if ch.isspace() != in_ws:
                if start < i:
                    out += [(orth, norm, False) for orth, norm in self._chunk(string[start:i], with_specials)]
                if ch == " ":
                    out[-1] = (out[-1][0], out[-1][1], True)
                    start = i + 1
                else:
                    start = i
                in_ws = not in_ws
        if start < len(string):
            out += [(orth, norm, False) for orth, norm in self._chunk(string[start:], with_specials)]
            out[-1] = (out[-1][0], out[-1][1], string[-1] == " " and not in_ws)
        return out

    def _chunk(self, chunk: str, with_specials: bool) -> list[Piece]:
        if with_specials:
            special = self._specials.get(chunk)
            if special is not None:
                return special
            hit = self._memo.get(chunk)
            if hit is not None:
                return hit
        string, prefixes, suffixes = self._split_affixes(chunk, with_specials)
        pieces = self._attach_tokens(string, prefixes, suffixes, with_specials)
        if with_specials:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[chunk] = pieces
        return pieces

    def _split_affixes(self, string: str, with_specials: bool) -> tuple[str, list[str], list[str]]:
        prefixes: list[str] = []
        suffixes: list[str] = []
        specials = self._specials if with_specials else {}
        last_size = 0
        while string and len(string) != last_size:
            if string in specials:
                break
            last_size = len(string)
            pre_len = self._find_prefix(string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in specials:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = self._find_suffix(string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        return string, prefixes, suffixes

    def _attach_tokens(self, string: str, prefixes: list[str], suffixes: list[str], with_specials: bool) -> list[Piece]:
        out: list[Piece] = [(p, None) for p in prefixes]
        if string:
            special = self._specials.get(string) if with_specials else None
            if special is not None:
                out += special
            elif self._url_match(string):
                out.append((string, None))
            else:
                start = 0
                for m in self._infix_finditer(string):
                    infix_start, infix_end = m.start(), m.end()
                    if infix_start == 0:
                        continue  # an infix at the very start splits nothing
                    if infix_start != start:
                        out.append((string[start:infix_start], None))
                    if infix_start != infix_end:
                        out.append((string[infix_start:infix_end], None))
                    start = infix_end
                if string[start:]:
                    out.append((string[start:], None))
        out += [(s, None) for s in reversed(suffixes)]
        return out

    def _apply_special_cases(self, pieces: list[tuple[str, str | None, bool]]) -> list[tuple[str, str | None, bool]]:
        """spaCy's second pass: special cases found as runs of affix-split tokens are retokenized."""
        orths = [p[0] for p in pieces]
        n = len(orths)
        found: list[tuple[int, int]] = []
        for i, orth in enumerate(orths):
            for length in self._special_lengths.get(orth, ()):
                if i + length <= n and tuple(orths[i : i + length]) in self._special_phrases:
                    found.append((i, i + length))
        if not found:
            return pieces
        # longest first, then leftmost; a span is kept unless its first or last token was already
        # covered by an earlier (kept or not) span, exactly as spaCy's _filter_special_spans
        seen: set[int] = set()
        kept: list[tuple[int, int]] = []
        for start, end in sorted(found, key=lambda s: (-(s[1] - s[0]), s[0])):
            if start not in seen and end - 1 not in seen:
                kept.append((start, end))
            seen.update(range(start, end))
        out: list[tuple[str, str | None, bool]] = []
        i = 0
        for start, end in sorted(kept):
            out += pieces[i:start]
            span_text = "".join(p[0] + (" " if p[2] else "") for p in pieces[start : end - 1]) + pieces[end - 1][0]
            special = self._specials.get(span_text)
            if special is None:
                out += pieces[start:end]
            else:
                out += [(orth, norm, False) for orth, norm in special]
                out[-1] = (out[-1][0], out[-1][1], pieces[end - 1][2])
            i = end
        out += pieces[i:]
        return out


def english_tokenizer() -> Tokenizer:
    """The tokenizer for English built from the shipped spaCy rules (``tokenizer_en.json``)."""
    node = resources.files("legdx") / "intake" / DATA_FILE
    return Tokenizer(json.loads(node.read_text(encoding="utf-8")))


def export_spacy_rules() -> dict[str, Any]:
    """The rules of the installed spaCy's blank English tokenizer, as ``tokenizer_en.json`` holds them."""
    import spacy
    from spacy.about import __version__ as spacy_version
    from spacy.attrs import NORM, ORTH  # type: ignore[import-not-found]  # a compiled module without stubs
    from spacy.lang.norm_exceptions import BASE_NORMS

    tok: Any = spacy.blank("en").tokenizer
    assert tok.token_match is None and tok.faster_heuristics, "rules this module does not implement"
    patterns = {}
    for name, func in (
        ("prefix", tok.prefix_search),
        ("suffix", tok.suffix_search),
        ("infix", tok.infix_finditer),
        ("url", tok.url_match),
    ):
        compiled = func.__self__
        assert compiled.flags == re.UNICODE, f"{name}: unexpected regex flags {compiled.flags}"
        patterns[name] = compiled.pattern
    rules = {
        text: [[piece.get(ORTH, piece.get("ORTH")), piece.get(NORM, piece.get("NORM"))] for piece in pieces]
        for text, pieces in sorted(tok.rules.items())
    }
    return {"spacy_version": spacy_version, **patterns, "norms": dict(sorted(BASE_NORMS.items())), "rules": rules}


def _dump(data: dict[str, Any]) -> str:
    """JSON with one tokenizer exception per line, so a spaCy upgrade shows as a readable diff."""
    head = {k: v for k, v in data.items() if k != "rules"}
    lines = [json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "rules": {']
    rules = [
        f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for k, v in data["rules"].items()
    ]
    return "\n".join(lines) + "\n" + ",\n".join(rules) + "\n }\n}\n"


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    sys.stdout.write(_dump(export_spacy_rules()))
