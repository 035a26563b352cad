"""What an answer was about, kept with its turn, so a follow-up can point back at it.

An answer names things in an order a reader sees: the roles it offers in bold, the sides of its
table, the tools of its list. "The second one", "those two", "the other one", "the better paid
one", "the most recognized one" and "the next level up" are read against that order, the pay
the library gives each, the line each stood on, and the seniority ladder. The state is stored
with the turn (ANSWER's `about`), so no earlier turn is read again from its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from advisor.answer.models import Answer
from advisor.answer.question import Question
from advisor.corpus.salaries import SalaryRow
from advisor.corpus.vocabulary import Vocabulary

__all__ = ["About", "about_of", "point_back"]

MAX_ITEMS = 12
_F = re.IGNORECASE
_BOLD = re.compile(r"\*\*([^*\n]{2,80}?)\*\*")
_MARK = re.compile(r"\s*\[\d+\]")
_ORDINALS = {
    "first": 0,
    "second": 1,
    "third": 2,
    "fourth": 3,
    "fifth": 4,
    "last": -1,
    "former": 0,
    "latter": -1,
}
_ORDINAL = re.compile(
    r"\bthe (first|second|third|fourth|fifth|last|former|latter)(?: one| option| role)?\b"
    r"(?!\s+(?:steps?|stages?|phases?|months?|weeks?|years?|parts?|milestones?)\b)",  # a plan's, not an item
    _F,
)
_TWO = re.compile(r"\b(those two|these two|the two|both(?: of them)?|those roles|these roles)\b", _F)
_OTHER = re.compile(r"\bthe other(?: one)?\b", _F)
_BETTER_PAID = re.compile(
    r"\bthe (?:better|best|higher|highest|more|most) (?:paid|paying)(?: one)?\b|"
    r"\bthe one (?:that|which) pays (?:more|most|better|the most)\b",
    _F,
)
_SUPERLATIVE = re.compile(r"\bthe (most|least) ([a-z-]+)(?: one)?\b|\bthe ([a-z]+est)(?: one)\b", _F)
_NEXT_LEVEL = re.compile(
    r"\b(?:the )?next (?:level|step|rung)(?: up)?\b|\blevel up\b|\bone level (?:up|higher)\b", _F
)


@dataclass(frozen=True)
class About:
    """What one answer was about: what it was asked of, and what it named, in the order shown."""

    roles: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # the names the answer showed, in order
    lines: tuple[str, ...] = ()  # the line each item stood on, without citation marks

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> About | None:
        if not data:
            return None
        return cls(**{k: tuple(data.get(k) or ()) for k in ("roles", "levels", "regions", "items", "lines")})


def about_of(question: Question, answer: Answer, vocabulary: Vocabulary) -> About:
    """What an answer was about: the question's roles, levels and regions, and the names it showed."""
    names: list[tuple[str, str]] = []
    for line in answer.answer.splitlines():
        for match in _BOLD.finditer(line):
            name = match.group(1).strip(" :")
            if not name.endswith("?") and not re.match(r"^\d", name):  # not a part's heading or a step
                names.append((_plain(name), _MARK.sub("", line).strip(" -")))
    if not names and answer.table is not None:
        names = [(c, "") for c in answer.table.columns[1:] if c.strip()]
    if not names:
        text = answer.answer.lower()
        found = sorted(
            (text.find(n.lower()), n) for n in (*vocabulary.roles, *vocabulary.tools) if n.lower() in text
        )
        names = [(n, "") for _, n in found]
    unique = list({n.lower(): (n, line) for n, line in names}.values())[:MAX_ITEMS]
    entities = question.entities
    roles = question.sides if len(question.sides) >= 2 else entities.roles
    if not roles:  # "what's the fastest growing role?": the role its opening names is what it was about
        opening = answer.answer.strip().split("\n\n", 1)[0]
        roles = vocabulary.find_roles(opening)[:1]
    return About(
        roles=tuple(roles),
        levels=entities.levels,
        regions=entities.regions,
        items=tuple(n for n, _ in unique),
        lines=tuple(line for _, line in unique),
    )


def _plain(name: str) -> str:
    """A shown name without what the answer added to it: "Junior ML Engineer (0-2 years), UK"."""
    return re.sub(r",\s*(?:UK|US|[A-Z][a-z]+)$", "", name).strip()


def point_back(
    text: str,
    about: About,
    salaries: Sequence[SalaryRow],
    ladder: Sequence[str],
    earlier: Sequence[About] = (),
) -> str | None:
    """The follow-up with what it points back to named, or None when it points at nothing here.
    `earlier`: what the turns before the last were about, latest first: "the other one" after a
    turn about one of two things named before is the other of those two."""
    items = list(about.items) or list(about.roles)
    if (other := _OTHER.search(text)) and len(items) < 2:
        discussed = {n.lower() for n in (*about.items, *about.roles)}
        pair = next((list(a.items) or list(a.roles) for a in earlier if len(a.items or a.roles) >= 2), [])
        rest = [i for i in pair if i.lower() not in discussed]
        if discussed and len(rest) == 1:
            return _put(text, other, rest[0])
    if (ordinal := _ORDINAL.search(text)) and items:
        index = _ORDINALS[ordinal.group(1).lower()]
        if -len(items) <= index < len(items):
            return _put(text, ordinal, items[index])
    if (two := _TWO.search(text)) and len(items) >= 2:
        return _put(text, two, f"{items[0]} and {items[1]}")
    if (better := _BETTER_PAID.search(text)) and len(items) >= 2:
        best = _best_paid(items, salaries, about.regions)
        if best:
            return _put(text, better, best)
    if (other := _OTHER.search(text)) and len(about.roles) >= 1 and len(items) >= 2:
        named = {r.lower() for r in about.roles}
        rest = [i for i in items if i.lower() not in named]
        if rest:
            return _put(text, other, rest[0])
    if (most := _SUPERLATIVE.search(text)) and items and about.lines:
        words = [w for w in most.groups() if w]
        phrase = " ".join(words).lower()
        for item, line in zip(items, about.lines, strict=False):
            if phrase in line.lower() or (words and words[-1].lower() in line.lower() and len(words) == 1):
                return _put(text, most, item)
    if (up := _NEXT_LEVEL.search(text)) and about.levels and ladder:
        current = about.levels[-1]
        if current in ladder and ladder.index(current) + 1 < len(ladder):
            return _put(text, up, f"{ladder[ladder.index(current) + 1]} level")
    return None


def _put(text: str, match: re.Match[str], name: str) -> str:
    return f"{text[: match.start()]}{name}{text[match.end() :]}"


def _best_paid(items: Sequence[str], salaries: Sequence[SalaryRow], regions: Sequence[str]) -> str | None:
    """The item whose salary rows (in the regions asked, if any) reach highest."""
    from advisor.answer.pay import in_regions, parse_range, role_rows

    best: tuple[float, str] | None = None
    for item in items:
        rows = role_rows(item, salaries)
        rows = [r for r in rows if in_regions(r, regions)] if regions else rows
        tops = [parsed[1].value for r in rows if (parsed := parse_range(r.range))]
        if tops and (best is None or max(tops) > best[0]):
            best = (max(tops), item)
    return best[1] if best else None
