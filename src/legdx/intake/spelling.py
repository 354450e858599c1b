"""Spelling tolerance: a misspelt word is read as the lexicon word it most likely means.

People write "swolen", "numbnes", "crampes" and "tinglin". The matcher compares words exactly, so a
word that is neither in the lexicon nor an ordinary English word is looked up, by edit distance,
among the lexicon's own words with symspellpy (a well-kept implementation of the symmetric-delete
algorithm; offline, it ships its English frequency list): at most one edit for words of five to
seven letters, two for longer ones, none for shorter ones (too many real words lie one edit from
a short word: "pain" / "paid"); among equally close words the commoner in English wins. Ordinary
English words ("walls", "tinkling") are never changed, so a correctly spelt word is not turned
into a different finding; numbers and words with digits or punctuation are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

__all__ = ["SpellingCorrector", "english_words"]

MIN_LENGTH = 5  # shorter words are never corrected
LONG_WORD = 8  # from this length two edits are allowed


@cache
def english_words() -> dict[str, int]:
    """The words of symspellpy's English frequency list (about 83,000), lower case, with their counts."""
    text = (resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
    return {word: int(count) for word, count in (line.split(" ", 1) for line in text.splitlines() if line)}


class SpellingCorrector:
    """Maps a misspelt word to the closest lexicon word (or leaves it as it is)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        from symspellpy import SymSpell

        self.vocabulary = frozenset(w for w in vocabulary if w.isalpha())
        self.english = english_words()
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word in self.vocabulary:
            if len(word) >= MIN_LENGTH - 1:  # among equally close words, the commoner one wins
                self._symspell.create_dictionary_entry(word, self.english.get(word, 1))
        self._memo: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The lexicon word ``word`` was probably meant to be, or ``word`` itself.

        >>> SpellingCorrector(["swollen", "numbness", "pain"]).correct("swolen")
        'swollen'
        >>> SpellingCorrector(["swollen", "walks"]).correct("walls")  # an English word stays
        'walls'
        """
        hit = self._memo.get(word)
        if hit is not None:
            return hit
        out = word
        if len(word) >= MIN_LENGTH and word.isalpha() and word not in self.vocabulary and word not in self.english:
            from symspellpy import Verbosity

            distance = 2 if len(word) >= LONG_WORD else 1
            found = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
            if found:
                out = found[0].term  # the nearest lexicon word; the commonest in English among ties
        if len(self._memo) > 100_000:  # bound the memo on adversarial input
            self._memo.clear()
        self._memo[word] = out
        return out
