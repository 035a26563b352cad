"""The words the advisor understands, learned from the corpus; and the one sentence splitter.

Roles, tools and topics come from the articles themselves (headings, table rows, salary
rows, list items), so a new article brings its own. Regions and seniority levels come
from generic lexical lists (countries and their common aliases; seniority words).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.chunking import Chunk
    from advisor.salaries import SalaryRow

__all__ = [
    "LEVELS",
    "REGIONS",
    "ROLE_NOUNS",
    "Vocabulary",
    "build_vocabulary",
    "canonical_region",
    "normalize_term",
    "split_sentences",
]

# A sentence ends at . ! or ? followed by space and a capital, digit, quote or bracket.
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s+[A-Z0-9\"“(])|$)")


def split_sentences(line: str) -> list[str]:
    """The sentences of one line of text, stripped, in order; each is a substring of the line."""
    return [s for m in _SENTENCE.finditer(line) if (s := m.group(0).strip())]


FORMAT = 3  # bump when what is learned changes: a stored vocabulary of another format is relearned

# --- generic lexical resources ---------------------------------------------------------

# Countries, regions and their everyday aliases -> a canonical short name. Generic: written
# from general knowledge of place names, not from the articles.
REGIONS: dict[str, str] = {
    "us": "US", "u.s.": "US", "usa": "US", "united states": "US", "america": "US",
    "american": "US", "the states": "US", "silicon valley": "US", "new york": "US",
    "san francisco": "US", "seattle": "US",
    "uk": "UK", "u.k.": "UK", "united kingdom": "UK", "britain": "UK", "great britain": "UK",
    "british": "UK", "england": "UK", "scotland": "UK", "wales": "UK", "london": "UK",
    "canada": "Canada", "toronto": "Canada", "vancouver": "Canada",
    "germany": "Germany", "berlin": "Germany", "munich": "Germany", "france": "France",
    "paris": "France", "netherlands": "Netherlands", "amsterdam": "Netherlands",
    "ireland": "Ireland", "dublin": "Ireland", "spain": "Spain", "italy": "Italy",
    "switzerland": "Switzerland", "zurich": "Switzerland", "sweden": "Sweden",
    "poland": "Poland", "portugal": "Portugal", "europe": "Europe", "eu": "Europe",
    "european": "Europe", "india": "India", "bangalore": "India", "bengaluru": "India",
    "china": "China", "japan": "Japan", "tokyo": "Japan", "singapore": "Singapore",
    "australia": "Australia", "sydney": "Australia", "new zealand": "New Zealand",
    "brazil": "Brazil", "mexico": "Mexico", "nigeria": "Nigeria", "kenya": "Kenya",
    "south africa": "South Africa", "egypt": "Egypt", "israel": "Israel", "uae": "UAE",
    "dubai": "UAE", "pakistan": "Pakistan", "philippines": "Philippines",
    "indonesia": "Indonesia", "vietnam": "Vietnam", "south korea": "South Korea",
    "korea": "South Korea", "asia": "Asia", "africa": "Africa", "latin america": "Latin America",
    "remote": "Remote", "remotely": "Remote",
}  # fmt: skip

# Seniority words -> a canonical level.
LEVELS: dict[str, str] = {
    "intern": "intern", "internship": "intern", "junior": "junior", "entry level": "junior",
    "entry-level": "junior", "entry": "junior", "graduate": "junior", "new grad": "junior",
    "beginner": "junior", "fresher": "junior", "0-2 years": "junior", "mid level": "mid",
    "mid-level": "mid", "mid": "mid", "intermediate": "mid", "senior": "senior", "staff": "staff",
    "principal": "principal", "distinguished": "principal", "lead": "lead", "head": "lead",
    "director": "lead",
}  # fmt: skip

# Head nouns of job titles in English ("... Engineer", "... Scientist").
ROLE_NOUNS = (
    "engineer", "scientist", "researcher", "analyst", "manager", "developer", "architect",
    "designer", "specialist", "consultant", "strategist", "officer", "administrator",
    "programmer", "technician", "statistician", "ethicist", "director", "advocate", "trainer",
    "responder", "auditor", "investigator",
)  # fmt: skip
_ROLE_NOUN = "|".join(ROLE_NOUNS)
_ROLE_TITLE = re.compile(rf"\b(?:{_ROLE_NOUN})s?(?:\s*\(.*\))?$", re.I)


def is_role_title(text: str) -> bool:
    """Whether a heading is a role's name: it ends with a role noun ("MLOps / AI Infrastructure
    Engineer", "Data Scientist (ML-focused)"), not merely mentions one ("What an Engineer Does")."""
    return bool(_ROLE_TITLE.search(re.sub(r"^\d+[.)]\s*", "", text.strip())))


# A role name: up to four capitalised or acronym words, then a head noun, as titles are written.
_ROLE_NAME = re.compile(rf"\b((?:[A-Z][\w/+.-]*\s+){{0,4}}(?:{_ROLE_NOUN.title()})s?)\b")
_LEVEL_PREFIX = re.compile(
    r"^(?:(?:junior|senior|staff|principal|lead|mid-level|entry-level|distinguished|head of)\s+)+", re.I
)
_NOT_ROLE_START = {"the", "a", "an", "as", "for", "every", "each", "your", "our", "this", "become",
                   "becoming", "hire", "hiring", "and", "or", "of", "to", "if", "how", "why",
                   "what", "when", "with", "most", "many", "some", "any"}  # fmt: skip


@functools.lru_cache(maxsize=1 << 16)  # the vocabulary's names are normalised for every question
def normalize_term(text: str) -> str:
    """Lower case, the usual abbreviations for the field, no plural: for matching names."""
    t = text.lower()
    t = re.sub(r"\bmachine[- ]learning\b", "ml", t)
    t = re.sub(r"\bartificial intelligence\b", "ai", t)
    t = re.sub(r"\bnatural language processing\b", "nlp", t)
    t = re.sub(r"\blarge language models?\b", "llm", t)
    t = re.sub(r"[^\w+#/ ]+", " ", t)
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in t.split()]
    return " ".join(words)


@functools.lru_cache(maxsize=4096)
def _region_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(alias)}(?![\w])")


@functools.lru_cache(maxsize=4096)
def _level_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(alias)}(?=[^\w-]|$|-level\b)")  # "staff-level" too


def canonical_region(label: str) -> str:
    """A region label as written ("United Kingdom", "UK (London)") -> its canonical name."""
    cleaned = re.sub(r"\s*\(.*?\)|\bcompensation\b|\btotal\b", "", label, flags=re.I).strip()
    return REGIONS.get(cleaned.lower(), cleaned)


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
        for name in [*(_LEVEL_PREFIX.sub("", r) for r in known), *role_phrases(text)]:
            key = normalize_term(name)
            at = norm.find(f" {key} ")
            if key and at >= 0 and not any(a <= at < b or a < at + len(key) <= b for a, b in spans):
                spans.append((at, at + len(key) + 1))
                found.append((at, name))
        return tuple(dict.fromkeys(name for _, name in sorted(found)))

    def find_regions(self, text: str) -> tuple[str, ...]:
        """Canonical regions the text names ("in Britain" -> "UK")."""
        low = text.lower()
        hits = [
            (m.start(), canonical)
            for alias, canonical in self.regions.items()
            if (m := _region_pattern(alias).search(low)) and (alias != "us" or _is_us(text, m.start()))
        ]
        return tuple(dict.fromkeys(c for _, c in sorted(hits)))

    def find_levels(self, text: str) -> tuple[str, ...]:
        """Canonical seniority levels the text names ("entry-level" -> "junior")."""
        low = text.lower()
        hits = [
            (m.start(), canonical)
            for alias, canonical in self.levels.items()
            if (m := _level_pattern(alias).search(low))
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


def _is_us(text: str, at: int) -> bool:
    """ "US" the country, not the pronoun "us": written in capitals, or after "in"/"the"."""
    word = text[at : at + 2]
    return word == "US" or bool(re.search(r"\b(in|the|across|for)\s+$", text[:at].lower()))


def role_phrases(text: str) -> list[str]:
    """Role names as a text writes them: "AI Product Manager", "computer vision engineers".

    The words just before a job-title noun, back to the first word that cannot be part of
    a title (an article, a verb, a seniority word), make the role.
    """
    found: list[str] = []
    for match in re.finditer(rf"\b({_ROLE_NOUN})s?\b", text, re.I):
        before = re.findall(r"[\w/+#.-]+", text[max(0, match.start() - 60) : match.start()])
        words: list[str] = []
        for word in reversed(before[-3:]):
            low = word.lower().strip(".")
            if low in _NOT_ROLE_START or low in _FUNCTION_WORDS or low in LEVELS or not low:
                break
            words.insert(0, word.strip("."))
        if words:
            found.append(" ".join([*words, match.group(1)]))
    return found


_FUNCTION_WORDS = {"is", "are", "was", "be", "do", "does", "can", "i", "you", "to", "in", "on", "at",
                   "my", "me", "am", "good", "great", "better", "new", "best", "work", "become",
                   "being", "earn", "earns", "pay", "make", "like", "from", "into", "than", "vs",
                   "versus", "which", "who", "whom", "there", "all", "day", "time", "s", "it",
                   "that", "those", "these", "they", "about", "more", "less", "much", "get"}  # fmt: skip


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
        while words and words[0].lower() in _NOT_ROLE_START:
            words = words[1:]
        name = _LEVEL_PREFIX.sub("", " ".join(words)).strip()
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
            roles[_LEVEL_PREFIX.sub("", name).strip()] = None
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
    return bool(re.search(rf"\b({_ROLE_NOUN})s?\b", name, re.I))


def _merge_spellings(roles: dict[str, None]) -> tuple[str, ...]:
    """One spelling per role ("ML Engineer" and "ML engineer" are one)."""
    by_key: dict[str, str] = {}
    for role in roles:
        by_key.setdefault(normalize_term(role), role)
    return tuple(by_key.values())
