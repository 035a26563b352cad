"""Citation checks for LLM answers: does each cited sentence stand in the passage it cites?"""

from __future__ import annotations

import re

import numpy as np

from advisor.answer.models import Citation
from advisor.answer.quotes import split_units
from advisor.embedding import Embedder
from advisor.retrieval import Hit
from advisor.text.lexicon import split_sentences

__all__ = ["SUPPORT_THRESHOLD", "check_citations", "numbers_in"]

SUPPORT_THRESHOLD = 0.45  # cosine of a sentence to the best unit of its cited passage
_MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d[\d,.]*\d%?|\d%?")


def numbers_in(text: str) -> set[str]:
    """Figures in a text, commas dropped, so "$120,000" and "120000" compare equal."""
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(_MARKER.sub(" ", text))}


def _sentences(text: str) -> list[str]:
    parts = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+\.)\s+", "", line).strip()
        parts += split_sentences(line)
    return parts


def check_citations(answer: str, hits: list[Hit], embedder: Embedder) -> tuple[list[Citation], list[str]]:
    """Citations for the [n] markers used, and the sentences and figures no source backs."""
    citations: dict[int, Citation] = {}
    unsupported: list[str] = []
    all_numbers = set().union(*(numbers_in(h.text) for h in hits)) if hits else set()
    for sentence in _sentences(answer):
        cited = [int(n) for n in _MARKER.findall(sentence)]
        claim = _MARKER.sub("", sentence).strip()
        missing = numbers_in(claim) - all_numbers
        if missing:
            unsupported.append(f"{claim} (figures in no source: {', '.join(sorted(missing))})")
            continue
        if not cited:
            continue
        valid = [n for n in cited if 1 <= n <= len(hits)]
        if len(valid) < len(cited):
            unsupported.append(f"{claim} (cites a source that does not exist)")
            continue
        best_score, backed_numbers = -1.0, set()
        for n in valid:
            units = split_units(hits[n - 1]) or []
            texts = [u.text for u in units] or [hits[n - 1].text]
            vectors = embedder.embed([claim, *texts])
            scores = vectors[1:] @ vectors[0]
            i = int(np.argmax(scores))
            backed_numbers |= numbers_in(hits[n - 1].text)
            if n not in citations:
                citations[n] = Citation.from_hit(n, hits[n - 1], texts[i])
            best_score = max(best_score, float(scores[i]))
        if best_score < SUPPORT_THRESHOLD or numbers_in(claim) - backed_numbers:
            unsupported.append(claim)
    return [citations[n] for n in sorted(citations)], unsupported
