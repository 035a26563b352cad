"""Roles named loosely: "mlops salary uk" is about the MLOps roles, "LLM / GenAI work" about the
roles whose names carry LLM or GenAI, though neither names a role in full.

A word counts when it is distinctive among the library's role names (few of them carry it) and
is no everyday English word ("MLOps", "GenAI", "LLM"); an everyday word ("research", "data",
"product") counts only beside the role's head noun, as vocabulary.find_roles reads it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

from advisor.text.lexicon import ROLE_NOUNS, normalize_term
from advisor.text.spelling import english_words

__all__ = ["loose_roles"]

DISTINCTIVE_SHARE = 0.25  # a word in at most this share of the role names tells them apart
_GENERIC = frozenset({"ai", "ml", "and", "of", "the", *ROLE_NOUNS})


def _words(text: str) -> set[str]:
    return set(re.split(r"[\s/()+,-]+", normalize_term(text))) - {""}


@functools.lru_cache(maxsize=64)
def _distinctive(names: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Each distinctive non-English word of the role names -> the names that carry it."""
    counts = Counter(w for name in names for w in _words(name))
    limit = max(1, int(len(names) * DISTINCTIVE_SHARE))
    english = english_words()
    index: dict[str, set[str]] = {}
    for name in names:
        for word in _words(name):
            if word in _GENERIC or counts[word] > limit or word in english or len(word) < 3:
                continue
            index.setdefault(word, set()).add(name)
    return {w: frozenset(n) for w, n in index.items()}


def loose_roles(text: str, names: Iterable[str]) -> tuple[str, ...]:
    """The role names the text points at by a distinctive word, those sharing most words first."""
    index = _distinctive(tuple(dict.fromkeys(names)))
    asked = _words(text)
    votes: Counter[str] = Counter()
    for word in asked & index.keys():
        for name in index[word]:
            votes[name] += 1
    if not votes:
        return ()
    best = max(votes.values())
    return tuple(sorted((n for n, v in votes.items() if v == best), key=len))
