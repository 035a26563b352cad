"""A thesaurus learned from the embedding model, not written by hand.

A question often says what the articles say in other words ("earn" where they say "pay").
For the keyword side, a query word that no article uses is searched together with the
article word nearest to it in meaning: the nearest by cosine between the model's vectors of
the two words, if close enough. The vectors of common English words (symspellpy's frequency
list) are computed once per model and kept in the encoder cache folder; at query time an
expansion is one lookup and one (article words x 384) product per unknown word, no model call.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advisor.embedding import Embedder, Vectors
from advisor.text.spelling import english_words, words_of

__all__ = ["Expander", "WordVectors", "load_word_vectors"]

MIN_COUNT = 1_000_000  # English words at least this common in Google Books get a vector (22k)
MIN_SIMILARITY = 0.40  # an article word this close to the query word is searched too (tuned on dev)
PER_WORD = 1  # article words added per unknown query word (1 beat 2 and 3 on dev)
MIN_LENGTH = 3


@dataclass(frozen=True)
class WordVectors:
    """One model's unit-length vectors of common English words, one row per word."""

    words: tuple[str, ...]
    vectors: Vectors

    def row(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.words)}


def load_word_vectors(embedder: Embedder, cache_dir: Path, progress: str | None = None) -> WordVectors:
    """The model's vectors of common English words, from cache_dir or embedded (once) and saved there
    (progress: the label of a bar shown on a terminal meanwhile)."""
    words = sorted(w for w, count in english_words().items() if count >= MIN_COUNT and w.isalpha())
    key = hashlib.sha256("\n".join([embedder.name, str(embedder.dim), *words]).encode()).hexdigest()[:16]
    path = cache_dir / f"words-{key}.npy"
    if path.exists():
        vectors = np.load(path, mmap_mode="r")  # server workers share the pages
    else:
        vectors = embedder.embed(words, batch_size=256, progress=progress)
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".npy", delete=False) as out:
            np.save(out, vectors)
        os.replace(out.name, path)  # another process may write the same file: whole files only
    return WordVectors(tuple(words), vectors.astype(np.float32, copy=False))


class Expander:
    """Article words for the query words no article uses; build one per index version."""

    def __init__(self, words: WordVectors, vocabulary: Iterable[str], found: Callable[[str], bool]) -> None:
        """vocabulary: the articles' topic words; found(word): the keyword side needs no help with it."""
        self._row = words.row()
        self._vectors = words.vectors
        self._targets = sorted({w for w in vocabulary if w in self._row and len(w) >= MIN_LENGTH})
        self._matrix = words.vectors[[self._row[w] for w in self._targets]] if self._targets else None
        self._found = found
        self._nearest: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def expand(self, query: str) -> list[str]:
        """The article words to search besides the query's own (none for words the articles use)."""
        extra: list[str] = []
        for word in words_of(query):
            if len(word) >= MIN_LENGTH and word in self._row and not self._found(word):
                extra.extend(self.nearest(word))
        return extra

    def nearest(self, word: str) -> tuple[str, ...]:
        """The article words nearest in meaning to an English word, closest first."""
        with self._lock:
            found = self._nearest.get(word)
        if found is not None:
            return found
        found = ()
        if self._matrix is not None and word in self._row:
            scores = self._matrix @ self._vectors[self._row[word]]
            best = np.argsort(-scores)[:PER_WORD]
            found = tuple(self._targets[i] for i in best if scores[i] >= MIN_SIMILARITY)
        with self._lock:
            self._nearest[word] = found
        return found
