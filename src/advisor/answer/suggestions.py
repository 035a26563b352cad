"""Questions the library can answer, built from its vocabulary: for refusals and follow-ups.

Candidates come from the corpus itself (roles with a section or salary rows, headings), so
a new article brings its own. They are ranked by meaning against what was asked; their
vectors are computed once per index version, when first needed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from advisor.answer.pay import in_region_phrase
from advisor.answer.question import Kind, Question
from advisor.corpus.salaries import SalaryRow
from advisor.corpus.vocabulary import Vocabulary
from advisor.embedding import Embedder, Vectors
from advisor.text.lexicon import is_role_title, normalize_term

__all__ = ["Suggester", "Suggestion"]

MAX_TOPICS = 6  # topics named in a refusal
TOO_CLOSE = 0.92  # a suggestion this close to the question only repeats it


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: Kind
    subject: str  # the role or heading it is about


def _article(name: str) -> str:
    """ "an" before a vowel sound: "an AI ...", "an MLOps ..." (an acronym read letter by letter)."""
    acronym = len(name) > 1 and name[1].isupper()
    return "an" if name[:1].lower() in ("aeiou" + ("fhlmnrsx" if acronym else "")) else "a"


# Headings that name a part of a document, not a topic: "Introduction: ...", "FAQ".
_DOCUMENT_PART = re.compile(
    r"^(introduction|intro|conclusion|summary|overview|final thoughts|frequently asked questions|faqs?|"
    r"table of contents|contents|references|about the author|key takeaways|tl;?dr)\b",
    re.I,
)


def _topic(heading: str) -> str | None:
    """A heading as the end of "What do the articles say about ...?", or None if it reads badly there."""
    if len(heading.split()) < 2 or re.search(r"\d{4}|\?$", heading) or _DOCUMENT_PART.search(heading):
        return None
    # "How to Choose Your Path" -> "how to choose your path"; "The Skills ..." -> "the skills ..."
    if heading.split()[0].lower() in {"how", "what", "why", "when", "where", "which", "the", "a", "an"}:
        return " ".join(w.lower() if w[1:].islower() else w for w in heading.split())
    return heading


def candidates(vocabulary: Vocabulary, salaries: list[SalaryRow]) -> list[Suggestion]:
    """Answerable questions: what a role does and earns, and what the articles say on each heading."""
    headings = {normalize_term(h) for h in vocabulary.headings}
    priced = {normalize_term(r.role) for r in salaries}
    regions: dict[str, list[str]] = {}
    for row in salaries:
        if row.region:
            regions.setdefault(normalize_term(row.role), []).append(row.region)
    out: list[Suggestion] = []
    for role in vocabulary.roles:
        key = normalize_term(role)
        if key in headings:
            out.append(Suggestion(f"What does {_article(role)} {role} do?", Kind.DEFINITION, role))
            out.append(Suggestion(f"How do I become {_article(role)} {role}?", Kind.PLAN, role))
        if key in priced:
            where = sorted(set(regions.get(key, [])))
            for region in where[:3] or [""]:
                place = in_region_phrase(region)
                out.append(Suggestion(f"What does {_article(role)} {role} earn{place}?", Kind.SALARY, role))
    roles = {normalize_term(r) for r in vocabulary.roles}
    for heading in vocabulary.headings:
        topic = _topic(heading)
        if topic and normalize_term(heading) not in roles and not is_role_title(heading):
            out.append(Suggestion(f"What do the articles say about {topic}?", Kind.GENERAL, heading))
    return list({s.text: s for s in out}.values())


class Suggester:
    """Ranks the library's answerable questions and topics by closeness to a question."""

    def __init__(
        self,
        embedder: Embedder,
        vocabulary: Vocabulary,
        salaries: list[SalaryRow],
        vectors: Callable[[list[str]], Vectors] | None = None,
    ) -> None:
        """vectors: how texts are embedded (a shared cache); the embedder's own by default."""
        self.embedder = embedder
        self._embed = vectors or embedder.embed
        self.vocabulary = vocabulary
        self.candidates = candidates(vocabulary, salaries)
        self._vectors: Vectors | None = None
        self._topics: Vectors | None = None
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Embed the candidate questions and topics (otherwise done at the first need)."""
        self._ensure()

    def _ensure(self) -> tuple[Vectors, Vectors]:
        with self._lock:
            if self._vectors is None or self._topics is None:
                texts = [c.text for c in self.candidates] or [""]
                self._vectors = self._embed(texts)
                self._topics = self._embed(list(self.vocabulary.headings) or [""])
            return self._vectors, self._topics

    def closest(self, text: str, k: int = 3) -> list[str]:
        """Up to k answerable questions closest in meaning to the text."""
        if not self.candidates:
            return []
        vectors, _ = self._ensure()
        scores = vectors @ self.embedder.embed_query(text)
        return [self.candidates[i].text for i in np.argsort(-scores)[:k]]

    def topics(self, text: str, k: int = MAX_TOPICS) -> list[str]:
        """The corpus headings closest to the text: what the library does cover nearby."""
        if not self.vocabulary.headings:
            return []
        _, topics = self._ensure()
        scores = topics @ self.embedder.embed_query(text)
        return [self.vocabulary.headings[i] for i in np.argsort(-scores)[:k]]

    def follow_ups(self, question: Question, k: int = 3) -> list[str]:
        """Two or three next questions: about the same roles, of other kinds, closest in meaning."""
        if not self.candidates:
            return []
        vectors, _ = self._ensure()
        scores = vectors @ self.embedder.embed_query(question.query)
        named = {normalize_term(r) for r in question.entities.roles}
        ranked: list[tuple[float, str]] = []
        for i, candidate in enumerate(self.candidates):
            score = float(scores[i])
            if score > TOO_CLOSE or candidate.text.lower() == question.text.lower():
                continue
            same_subject = normalize_term(candidate.subject) in named
            same_kind = candidate.kind is question.kind and not (
                candidate.kind is Kind.SALARY and question.entities.regions
                and not any(r in candidate.text for r in question.entities.regions)
            )  # fmt: skip
            ranked.append((score + 0.5 * same_subject - 0.3 * same_kind, candidate.text))
        ranked.sort(reverse=True)
        return [text for _, text in ranked[:k]]
