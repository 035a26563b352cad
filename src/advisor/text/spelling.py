"""Query spelling: misspelled words corrected to the corpus's own words, real English words kept.

A word the articles use is left alone. A word they do not use but that is a real English
word (symspellpy's frequency dictionary, 82,765 words from Google Books n-grams) is left
alone too: it may be what makes a question off-topic, and the refusal rule must see it.
Only a word that is neither is corrected: to the nearest word by edit distance (one edit,
two for long words), a corpus word (found by SymSpell) winning a tie over an English one,
then a word that the articles write next to the typed word's neighbour ("opn source": "open
source", not "on source"), then the more frequent in the corpus; with nothing near it stays
as typed. A word written in capitals ("RIC", "PMP") or joined to digits ("CS231n", "AI-102")
is a name or a code, not a misspelling, and is never corrected. Nor is a word longer than
MAX_WORD letters: no article or English word is that long, and the edits of a 4,000-letter
token would cost seconds.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from symspellpy import SymSpell, Verbosity

__all__ = ["Correction", "Speller", "english_words", "information", "words_of"]

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_WORD_OR_LINE = re.compile(rf"{_WORD.pattern}|\n")
# What correct() looks at: letters with any digits and hyphens joined to them, so that a code
# ("AI-102", "CS231n") is one token and left whole.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:'[a-z]+)?")
MIN_LENGTH = 3  # two-letter words are too often acronyms ("ml", "ai") to guess at
LONG_WORD = 8  # from this length a word may be two edits from what was meant
MAX_WORD = 40  # longer than any English word (and two edits from one): left as typed
# The frequency dictionary's rarest entries include misspellings and fragments; a word rarer
# than this in Google Books is not trusted to be a real word.
MIN_ENGLISH_COUNT = 100_000
_LINE_END = 2**32 - 1  # no pair of words spans a line break


@dataclass(frozen=True)
class Correction:
    """A text with its misspelled words corrected, and what was changed."""

    original: str
    text: str
    changes: tuple[tuple[str, str], ...] = ()  # (as typed, corrected), in order

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def words_of(text: str) -> list[str]:
    """The lower-cased words of a text, as the speller counts them."""
    return [w.lower() for w in _WORD.findall(text)]


@cache
def english_words() -> dict[str, int]:
    """Real English words and their frequency: symspellpy's dictionary, rare entries left out."""
    text = files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text()
    words: dict[str, int] = {}
    for line in text.splitlines():
        word, _, count = line.partition(" ")
        if count and int(count) >= MIN_ENGLISH_COUNT:
            words[word] = int(count)
    return words


@cache
def _english_total() -> int:
    return sum(english_words().values())


def information(word: str) -> float:
    """How much a lower-case word says about a question's topic: -log of its frequency in English.

    "sourdough" says more than "keep"; a word rarer than the dictionary's trusted minimum (or
    absent from it) gets that minimum's weight, the most any word gets.
    """
    count = max(english_words().get(word, 0), MIN_ENGLISH_COUNT)
    return math.log(_english_total() / count)


class Speller:
    """Corrects query words against one corpus's vocabulary; build one per index version."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._ids: dict[str, int] = {"\n": _LINE_END}  # word -> its number, for the pairs below
        numbered: Counter[int] = Counter()
        pairs = [np.zeros(0, np.uint64)]
        inner_capitals: Counter[str] = Counter()  # "PyTorch", "MLOps": a name's own spelling
        for text in texts:
            found = _WORD_OR_LINE.findall(text)
            ids = [self._ids.setdefault(w.lower(), len(self._ids)) for w in found]
            inner_capitals.update(w for w in found if not w[1:].islower() and not w.isupper() and len(w) > 1)
            numbered.update(ids)
            numbers = np.array(ids, np.uint64)
            first, second = numbers[:-1], numbers[1:]
            pairs.append(((first << 32) | second)[(first != _LINE_END) & (second != _LINE_END)])
        del self._ids["\n"], numbered[_LINE_END]
        words = dict(zip(self._ids.values(), self._ids, strict=True))
        self.counts: Counter[str] = Counter({words[i]: n for i, n in numbered.items()})
        # every pair of words next to each other on a line of the articles, sorted (8 bytes a pair)
        self._pairs = np.unique(np.concatenate(pairs))
        self._names: dict[str, str] = {}  # lower case -> the articles' commonest inner-capital form
        for name, _ in inner_capitals.most_common():
            self._names.setdefault(name.lower(), name)
        self._english = english_words()
        self._symspell: SymSpell | None = None  # built at the first misspelling
        self._lock = threading.Lock()

    def _corpus_index(self) -> SymSpell:
        with self._lock:
            if self._symspell is None:
                symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
                for word, count in self.counts.items():
                    symspell.create_dictionary_entry(word, count)
                self._symspell = symspell
            return self._symspell

    def correct(self, text: str) -> Correction:
        """The text with each misspelled word replaced by the corpus word it most likely meant."""
        changes: list[tuple[str, str]] = []
        matches = list(_WORD.finditer(text))
        place = {m.start(): i for i, m in enumerate(matches, start=1)}  # a word's start -> its place
        words = [None, *(m.group(0).lower() for m in matches), None]

        def fix_word(match: re.Match[str], offset: int) -> str:
            word = match.group(0)
            i = place.get(offset + match.start())
            neighbours = (words[i - 1], words[i + 1]) if i is not None else (None, None)
            fixed = self.correct_word(word, neighbours)
            if fixed != word:
                changes.append((word, fixed))
            return fixed

        def fix(match: re.Match[str]) -> str:
            token = match.group(0)
            if _is_name_or_code(token):
                return token
            return _WORD.sub(lambda word: fix_word(word, match.start()), token)

        corrected = _TOKEN.sub(fix, text)
        return Correction(text, corrected, tuple(changes))

    def correct_word(self, word: str, neighbours: tuple[str | None, str | None] = (None, None)) -> str:
        """The word, or the corpus (or else English) word at the smallest edit distance from it;
        neighbours, the words typed before and after it, break a tie (see the module)."""
        lower = word.lower()
        if not MIN_LENGTH <= len(lower) <= MAX_WORD or lower in self.counts or lower in self._english:
            return word
        if "'" in word:  # "waht's": the word before the apostrophe is corrected, the ending kept
            stem, _, ending = word.partition("'")
            return f"{self.correct_word(stem, neighbours)}'{ending}"
        reach = 2 if len(lower) >= LONG_WORD else 1
        found = self._corpus_index().lookup(lower, Verbosity.CLOSEST, max_edit_distance=reach)
        candidates = {s.term: s.distance for s in found}
        for english in _one_edit_away(lower) & self._english.keys():
            candidates.setdefault(english, 1)
        if not candidates:
            return word
        best = min(
            candidates,
            key=lambda c: (
                candidates[c],
                c not in self.counts,
                c not in self.counts or not self._beside(c, neighbours),
                c[0] != lower[0],
                -self.counts[c],
                -self._english.get(c, 0),
                c,
            ),
        )
        if best in self._names and lower != word:  # "PyTroch", "MIOps": as the articles write it
            return self._names[best]
        return _same_case(word, best)

    def _beside(self, word: str, neighbours: tuple[str | None, str | None]) -> bool:
        """Whether the articles write the word right after the word before or before the word after."""
        before, after = (self._ids.get(w) if w else None for w in neighbours)
        this = self._ids[word]  # a candidate in self.counts: only those are asked about
        keys = [a << 32 | b for a, b in ((before, this), (this, after)) if a is not None and b is not None]
        found = np.searchsorted(self._pairs, np.array(keys, np.uint64))
        return any(i < len(self._pairs) and self._pairs[i] == key for i, key in zip(found, keys, strict=True))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _is_name_or_code(token: str) -> bool:
    """Capitals ("RIC", "PMP-style") or digits anywhere ("AI-102", "CS231n", "H-1B")."""
    letters = re.sub(r"[^A-Za-z]", "", token)
    return any(c.isdigit() for c in token) or (len(letters) > 1 and letters.isupper())


def _one_edit_away(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away (Norvig's edits1)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts)


def _same_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[0].isupper():
        return word[0].upper() + word[1:]
    return word
