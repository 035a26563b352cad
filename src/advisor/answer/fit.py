"""Which role suits this person: the library's own lines about whom each role suits, weighed
against what the person says of themselves.

Candidates are every line of a role's own section (its heading is a role's name) and every line
anywhere that names a background and a role ("Writer/communications → Prompt Engineer"). The
person's background, skills, what they lack and what they want, with the ask, are the focus
(answer/opening.py); what they say they do not want ("no interest in research", "not the
technical side") counts against a role whose name or line holds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from advisor.answer.listing import role_of
from advisor.answer.opening import Opening, Scored, stems
from advisor.answer.profile import Profile
from advisor.answer.quotes import Quote, quotes_from_hits
from advisor.answer.sources import Library
from advisor.corpus.vocabulary import Vocabulary
from advisor.retrieval import Hit

__all__ = ["Fit", "fitting"]

MAX_FITS = 3  # roles offered: a few options, best first
BACKGROUND_BONUS = 0.3  # a line naming the rarest word of who they are ("DevOps") speaks to them
AVOID_PENALTY = 0.5  # a role whose name or line holds what the person does not want
_ARROW = re.compile(r"→|->|=>")
_NEGATED = re.compile(
    r"\b(?:no|zero|little) interest in\s+|\bnot interested in\s+|\bdon'?t (?:want|like|enjoy)\s+(?:to\s+)?|"
    r"\bnot (?:the\s+)?|\bwant to avoid\s+|\bavoid\s+",
    re.I,
)


@dataclass(frozen=True)
class Fit:
    role: str
    quote: Quote
    score: float


def fitting(
    ask: str,
    profile: Profile,
    hits: Sequence[Hit],
    library: Library,
    opening: Opening,
    vocabulary: Vocabulary,
) -> list[Fit]:
    """The roles that suit the person, best first, each with the line that says so."""
    candidates = _candidates(hits, library, vocabulary)
    if not candidates:
        return []
    about = _about(ask, profile)
    background = {
        w: n for w, n in opening.focus.terms(profile.background or "").items() if opening.focus.holds(w)
    }
    rarest = max(background, key=lambda w: background[w]) if background else None  # a word some line has
    ranked = opening.rank(about, about, [q for q, _ in candidates], subject=False)
    naming = [q for q, _ in candidates if rarest and rarest in stems(q.text)]  # "Former teachers who ..."
    ranked += opening.rank(about, about, naming, subject=False)  # ranked even where other words win
    role_of_quote = {id(q): role for q, role in candidates}
    avoid = _avoided(profile, ask)
    lacked = stems(" ".join(profile.lacks))
    best: dict[str, Fit] = {}
    for scored in ranked:
        role = role_of_quote[id(scored.quote)]
        score = scored.score - _penalty(avoid, role, scored) - _lacking(lacked, scored.quote.text)
        if rarest and rarest in stems(scored.quote.text):  # "Software/DevOps engineers who ...": them
            score += BACKGROUND_BONUS
        if role not in best or score > best[role].score:
            best[role] = Fit(role, scored.quote, score)
    return sorted(best.values(), key=lambda f: -f.score)[:MAX_FITS]


def _about(ask: str, profile: Profile) -> str:
    """What the person says of themselves that bears on a role, and the ask. What they lack is
    not here: a line asking for it ("people who enjoy coding") would match it (see _lacking)."""
    parts = [profile.background or "", *profile.skills, *profile.preferences, profile.interest or "", ask]
    return " ".join(p for p in parts if p)


def _avoided(profile: Profile, ask: str) -> frozenset[str]:
    """The words of what they say they do not want, stemmed."""
    words: set[str] = set()
    for text in (*profile.preferences, ask):
        for match in _NEGATED.finditer(text):
            rest = re.split(r"[,.;!?]|\bbut\b", text[match.end() :], maxsplit=1)[0]
            words |= stems(" ".join(rest.split()[:3]))
    return frozenset(words - stems("the a an side part"))


def _penalty(avoid: frozenset[str], role: str, scored: Scored) -> float:
    if not avoid:
        return 0.0
    held = avoid & stems(role)
    return AVOID_PENALTY if held else 0.0


_WITHOUT = re.compile(r"\b(?:no|not|don'?t|doesn'?t|without|never|little|less)\b", re.I)


def _lacking(lacked: frozenset[str], line: str) -> float:
    """AVOID_PENALTY for a line that asks for what the person lacks ("People who enjoy both
    coding and ..." for someone with no coding); a line saying it is not needed ("you don't
    code") is no demand. `lacked`: the stems of what they lack."""
    if not lacked:
        return 0.0
    words = re.findall(r"[\w']+", line.lower())
    for n, word in enumerate(words):
        if stems(word) & lacked and not any(_WITHOUT.fullmatch(w) for w in words[max(0, n - 3) : n]):
            return AVOID_PENALTY
    return 0.0


def _candidates(hits: Sequence[Hit], library: Library, vocabulary: Vocabulary) -> list[tuple[Quote, str]]:
    """(line, the role it is about): role sections' lines, and lines mapping a background to a role."""
    found: dict[tuple[str, str], tuple[Quote, str]] = {}
    for chunk_id, _ in library.passages():
        for quote in library.quotes(chunk_id):
            role = role_of(quote)
            background, arrow, rest = _ARROW.split(quote.text, maxsplit=1)[0], _ARROW.search(quote.text), ""
            if role is None and arrow and "?" not in background:  # "Writer/communications → Prompt Engineer"
                rest = quote.text[arrow.end() :]
                named = vocabulary.find_roles(rest)
                role = named[0] if named else None
            if role is not None:
                found[(chunk_id, quote.text)] = (quote, role)
    for quote in quotes_from_hits(hits, library.units):  # the passages found, ranked by the search
        role = role_of(quote)
        if role is not None:
            found.setdefault((quote.hit.chunk_id, quote.text), (quote, role))
    return list(found.values())
