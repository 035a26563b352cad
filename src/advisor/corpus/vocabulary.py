"""The words the advisor understands, learned from the corpus at index time.

Roles, tools and topics come from the articles themselves (headings, table rows, salary
rows, list items), so a new article brings its own. Regions and seniority levels come
from the generic lists of text/lexicon.py.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from advisor.text.lexicon import (
    LEVEL_PREFIX,
    LEVELS,
    NOT_ROLE_START,
    REGIONS,
    ROLE_NOUN,
    ROLE_NOUNS,
    level_pattern,
    normalize_term,
    role_phrases,
)
from advisor.text.places import find_regions

if TYPE_CHECKING:
    from advisor.corpus.chunking import Chunk
    from advisor.corpus.salaries import SalaryRow

__all__ = ["Vocabulary", "build_vocabulary"]

FORMAT = 4  # bump when what is learned changes: a stored vocabulary of another format is relearned

# A role name: up to four capitalised or acronym words, then a head noun, as titles are written.
_ROLE_NAME = re.compile(rf"\b((?:[A-Z][\w/+.-]*\s+){{0,4}}(?:{ROLE_NOUN.title()})s?)\b")


@dataclass(frozen=True)
class Vocabulary:
    """What the corpus talks about: its roles, tools and headings; regions and levels."""

    roles: tuple[str, ...] = ()  # role names from headings, table rows, salary rows, list items
    regions: dict[str, str] = field(default_factory=lambda: dict(REGIONS))  # alias -> canonical
    levels: dict[str, str] = field(default_factory=lambda: dict(LEVELS))  # alias -> canonical
    tools: tuple[str, ...] = ()  # tools, certifications, courses named in lists
    headings: tuple[str, ...] = ()  # the corpus's own topics, for refusals and suggestions

    def find_roles(self, text: str) -> tuple[str, ...]:
        """Roles the text names: known ones as the corpus spells them, else as the text does."""
        norm = f" {normalize_term(text)} "
        found: list[tuple[int, str]] = []
        spans: list[tuple[int, int]] = []
        known = sorted(self.roles, key=lambda r: -len(normalize_term(r)))
        # Roles the corpus does not know ("computer vision engineer") count too, after known ones.
        for name in [*(LEVEL_PREFIX.sub("", r) for r in known), *role_phrases(text)]:
            key = normalize_term(name)
            at = norm.find(f" {key} ")
            if key and at >= 0 and not any(a <= at < b or a < at + len(key) <= b for a, b in spans):
                spans.append((at, at + len(key) + 1))
                found.append((at, name))
        return tuple(dict.fromkeys(name for _, name in sorted(found)))

    def find_regions(self, text: str) -> tuple[str, ...]:
        """Canonical regions the text names ("in Britain" -> "UK"; "Melbourne, Australia" ->
        "Melbourne"), by text/places.py: countries from pycountry, cities and others as data."""
        return find_regions(text)

    def find_levels(self, text: str) -> tuple[str, ...]:
        """Canonical seniority levels the text names ("entry-level" -> "junior")."""
        low = text.lower()
        hits = [
            (m.start(), canonical)
            for alias, canonical in self.levels.items()
            if (m := level_pattern(alias).search(low))
            and not (alias == "head" and not re.search(r"\bhead of\b", low))
            and not (alias == "lead" and not re.search(r"\blead\s+\w+", low))
        ]
        return tuple(dict.fromkeys(c for _, c in sorted(hits)))

    def find_tools(self, text: str) -> tuple[str, ...]:
        """Tools, certifications and courses from the corpus that the text names.

        "RAG (Retrieval-Augmented Generation)" is named by either of its two names.
        """
        norm = f" {normalize_term(text)} "
        return tuple(t for t in self.tools if any(f" {n} " in norm for n in _names_of(t)))

    def knows(self, entities_roles: tuple[str, ...], tools: tuple[str, ...]) -> bool:
        """Whether a question names a role the corpus knows or a distinctive tool of it."""
        roles = {normalize_term(r) for r in self.roles}
        if any(normalize_term(r) in roles for r in entities_roles):
            return True
        return any(_distinctive(n) for t in tools for n in _names_of(t, normalized=False))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Vocabulary:
        if data.get("format") != FORMAT:
            raise ValueError("vocabulary written by another version")
        return cls(
            roles=tuple(data.get("roles", ())),
            regions=dict(data.get("regions") or REGIONS),
            levels=dict(data.get("levels") or LEVELS),
            tools=tuple(data.get("tools", ())),
            headings=tuple(data.get("headings", ())),
        )

    def save(self, path: Any) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1))


@functools.lru_cache(maxsize=1 << 14)  # every tool's names are looked for in every question
def _names_of(tool: str, normalized: bool = True) -> tuple[str, ...]:
    match = re.match(r"^(.+?)\s*\(([^)]+)\)\s*$", tool)
    names = [tool, match.group(1), match.group(2)] if match else [tool]
    return tuple(normalize_term(n) if normalized else n for n in names if len(n) >= 2)


def _distinctive(name: str) -> bool:
    """Not an everyday word: several words, an acronym, CamelCase or a digit ("RAG", "MLflow")."""
    return len(name.split()) >= 2 or bool(re.search(r"[A-Z]", name[1:]) or re.search(r"\d", name))


# --- learning the vocabulary -----------------------------------------------------------

_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.*)$")
_NAME_BEFORE = re.compile(r"^\**([A-Z][\w+#./&() -]{1,48}?)\**\s*(?::|\s[–—-]\s)")


def _title_roles(text: str) -> list[str]:
    """Role names written as titles (capitalised) in a heading, row or list item."""
    out = []
    for match in _ROLE_NAME.finditer(text):
        if _CREDENTIAL.match(text[match.end() :].strip()):
            continue  # "TensorFlow Developer Certificate" names a credential
        words = match.group(1).split()
        while words and words[0].lower() in NOT_ROLE_START:
            words = words[1:]
        name = LEVEL_PREFIX.sub("", " ".join(words)).strip()
        if len(name.split()) >= 2:
            plural = name.lower().endswith(tuple(f"{n}s" for n in ROLE_NOUNS))
            out.append(name[:-1] if plural else name)
    return out


def _tools_in(item: str) -> list[str]:
    """Named things in one list item: "PyTorch, TensorFlow" or "**AWS ML Specialty**: ..."."""
    item = re.sub(r"\*\*|__|`", "", item).strip()
    named = _NAME_BEFORE.match(item)
    if named:
        return [named.group(1).strip()]
    if re.search(r"[.!?]\s|:\s", item):  # a sentence, not a list of names
        return []
    outside = re.sub(r"\([^)]*\)", "", item)  # "Python (Pandas, NumPy)": the names inside stay whole
    pieces = [p.strip(" .") for p in re.split(r",|\band\b|;", outside)]
    if len(pieces) >= 2 and all(1 <= len(p.split()) <= 3 and p[:1].isupper() for p in pieces if p):
        return [p for p in pieces if p]
    return []


def _heading_topic(section: str) -> str | None:
    """The last heading of a section path, if it reads as a topic (not a number or a stray line)."""
    last = section.rsplit(" > ", 1)[-1].strip(" #:*")
    last = re.sub(r"^(?:\d+[.)]|Step \d+:?|Phase \d+:?)\s*", "", last).strip()
    words = last.split()
    if not 1 <= len(words) <= 10 or not re.search(r"[A-Za-z]{3}", last) or last.endswith((".", ",")):
        return None
    return last


def build_vocabulary(
    chunks: Iterable[Chunk], salary_rows: Sequence[SalaryRow], titles: Iterable[str] = ()
) -> Vocabulary:
    """The vocabulary of one index version, from all its chunks and salary rows (pure)."""
    roles: dict[str, None] = {}
    tools: dict[str, None] = {}
    headings: dict[str, None] = {}
    for row in salary_rows:
        for name in _title_roles(row.role) or ([row.role] if _looks_like_role(row.role) else []):
            roles[LEVEL_PREFIX.sub("", name).strip()] = None
    for title in titles:
        for name in _title_roles(title):
            roles[name] = None
    for chunk in chunks:
        for part in (chunk.section or "").split(" > "):
            for name in _title_roles(part):
                roles[name] = None
        if chunk.section and (topic := _heading_topic(chunk.section)):
            headings[topic] = None
            if _CREDENTIAL.search(topic.replace("Professional", "")):
                tools[topic] = None
        for line in chunk.text.splitlines():
            if line.lstrip().startswith("|"):
                first = line.strip().strip("|").split("|")[0]
                for name in _title_roles(first):
                    roles[name] = None
                continue
            item = _LIST_ITEM.match(line)
            if item:
                for name in _title_roles(item.group(1)[:80]):
                    roles[name] = None
                for tool in _tools_in(item.group(1)):
                    if not _looks_like_role(tool) and tool.lower() not in REGIONS and not _LABEL.match(tool):
                        tools[tool] = None
    credentials = {r for r in roles if _CREDENTIAL.search(r)}  # "... Professional ML Engineer"
    for name in credentials:
        del roles[name]
        tools[name] = None
    merged = _merge_spellings(roles)
    return Vocabulary(roles=merged, tools=tuple(tools), headings=tuple(headings))


_LABEL = re.compile(r"^(?:day|week|month|year|phase|step|stage|part|level)s?\s+\d", re.I)
_CREDENTIAL = re.compile(
    r"\b(certified|certificate|certification|specialty|specialization|specialisation|professional|"
    r"associate|nanodegree|course)\b",
    re.I,
)


def _looks_like_role(name: str) -> bool:
    return bool(re.search(rf"\b({ROLE_NOUN})s?\b", name, re.I))


def _merge_spellings(roles: dict[str, None]) -> tuple[str, ...]:
    """One spelling per role ("ML Engineer" and "ML engineer" are one)."""
    by_key: dict[str, str] = {}
    for role in roles:
        by_key.setdefault(normalize_term(role), role)
    return tuple(by_key.values())
