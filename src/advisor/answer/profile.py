"""Who is asking: what a person says about themselves, read from what they write.

"I'm a secondary school teacher, 38, zero coding experience, maybe 5 hours a week" gives a
background, an age, a skill they lack and the time they have. The profile lives with the
conversation: each turn's reading is laid over the last (a later statement wins), and it
tailors the answer: pay for the asker's country, a first step for their background, roles
that suit what they have and lack. Only general English forms are read here; places and
roles come from the lexicon and the corpus's vocabulary.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from advisor.answer.question import as_role
from advisor.corpus.vocabulary import Vocabulary
from advisor.text.lexicon import split_sentences
from advisor.text.places import country_of

__all__ = ["Profile", "read_profile"]

_F = re.IGNORECASE
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip
_N = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"


@dataclass(frozen=True)
class Profile:
    """What the advisor has read about the asker; every field optional."""

    background: str | None = None  # "secondary school teacher", "backend Java developer"
    experience_years: int | None = None  # years in that background: "5 years' experience"
    skills: tuple[str, ...] = ()  # what they say they have: "SQL", "Tableau", "Python"
    lacks: tuple[str, ...] = ()  # what they say they lack: "coding", "ML", "maths"
    place: str | None = None  # as written: "Manchester", "Berlin"
    country: str | None = None  # the canonical region it is in: "UK", "Germany"
    hours_per_week: int | None = None
    age: int | None = None
    target_role: str | None = None  # the role they want: "ML Engineer"
    deadline: str | None = None  # as written: "within a year", "in 6 months"
    preferences: tuple[str, ...] = ()  # what they say they want or avoid: "no interest in research"
    interest: str | None = None  # what they want to get into, as written: "LLM / GenAI work"

    @property
    def languages(self) -> tuple[str, ...]:
        """The programming languages they say they know, as pygments knows languages ("Java")."""
        words = re.findall(r"[A-Za-z][\w+#]*", " ".join([self.background or "", *self.skills]))
        return tuple(dict.fromkeys(w for w in words if len(w) > 1 and w.lower() in _programming_languages()))

    @property
    def empty(self) -> bool:
        return self == Profile()

    def over(self, earlier: Profile | None) -> Profile:
        """This reading laid over an earlier one: what is said now wins, what was said stays."""
        if earlier is None:
            return self
        merged: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(earlier, f.name)
            if isinstance(mine, tuple):
                merged[f.name] = tuple(dict.fromkeys([*theirs, *mine]))
            else:
                merged[f.name] = mine if mine is not None else theirs
        return replace(self, **merged)

    def to_json(self) -> dict[str, Any] | None:
        """The fields that are known (INTERFACES.md's `profile`); None when nothing is."""
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        known = {k: v for k, v in data.items() if v not in (None, [], "")}
        return known or None

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Profile:
        if not data:
            return cls()
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names
        }
        return cls(**values)


# Pygments' lexers of languages that are not programming languages: configuration, markup, data,
# shells and query languages (its lexers are grouped into modules by what they read).
_NOT_PROGRAMMING = frozenset(
    "configs special html markup templates textfmts data shell sql console diff make css email mime "
    "dns graphviz hexdump installers testing business".split()
)


@functools.cache
def _programming_languages() -> frozenset[str]:
    """Names and aliases of programming languages, from pygments' registry of lexers."""
    from pygments.lexers._mapping import LEXERS

    names: set[str] = set()
    for module, name, aliases, *_ in LEXERS.values():
        if module.rsplit(".", 1)[-1] not in _NOT_PROGRAMMING:
            names.update(a.lower() for a in (name, *aliases))
    return frozenset(names)


# --- reading -------------------------------------------------------------------------------

_SELF = re.compile(r"\b(i|i'm|im|i am|i've|ive|my|me)\b", _F)
_AGE = re.compile(
    rf"\b(?:i'?m|i am|aged?|age)\s+{_N}\b"
    r"(?!\s*(?:\+\s*)?(?:years? (?:of|in|as|at|doing)|yrs? (?:of|in)|%|hours?|h\b))|"
    r"(?:^|,)\s*(\d{2})\s*(?=,)|\b(\d{2})\s*(?:years? old|yo\b|y/o\b)",
    _F,
)
_HOURS = re.compile(
    rf"\b(?:maybe |about |around |only |just )?{_N}\s*(?:hours?|hrs?|h)\s*(?:a|per|/|each|every)\s*week", _F
)
_YEARS = re.compile(
    rf"\b{_N}\+?\s*(?:years?|yrs?)(?:['’]s?)?\s*(?:of\s+)?(?:experience|exp\b|in\b|as\b|at\b|working|doing|of\b)",
    _F,
)
_YEARS_OF = re.compile(
    rf"\b{_N}\+?\s*(?:years?|yrs?)(?:['’])?\s+of\s+([A-Z][\w+#./-]*(?:\s+[A-Z][\w+#./-]*)?)"
)
_LACKS = re.compile(
    r"\b(?:zero|no|without|little|not much|limited|never done any|don'?t (?:know|have) (?:any )?|"
    r"haven'?t (?:done|got) any)\s+(?:real |prior |formal |actual )?"
    r"(coding|programming|code|python|ml|machine learning|math(?:s|ematics)?|statistics|stats|"
    r"degree|cs degree|experience|technical background|tech background)\b",
    _F,
)
_NOT_CODER = re.compile(
    r"\b(?:not an? (?:\w+ )?(?:programmer|coder|developer)|can'?t code|don'?t code|never coded)\b", _F
)
_KNOW = re.compile(
    r"\b(?:i (?:know|use|work with|do|write|am good (?:at|with)|'m good (?:at|with)|have used)|"
    r"i'?m (?:good|strong|comfortable|fluent) (?:at|with|in)|experience (?:with|in)|"
    r"(?:comfortable|fluent|skilled) (?:with|in))\s+(.+?)(?=(?:\s+(?:really well|well|every day|daily|"
    r"at work|a lot)\b)|[.;!?]|,\s*(?:but|and i|i)\b|\s+but\b|$)",
    _F,
)
_A_BIT = re.compile(r"\b(?:a (?:bit|little) of|some|basic)\s+(?:basic\s+)?([A-Za-z][\w+#.-]*)", _F)
_WANT = re.compile(
    r"\b(?:become|becoming|be|get into|getting into|move into|moving into|break into|transition (?:in)?to|"
    r"switch (?:in)?to|land|landing|work as|working as|aim for|target|pivot (?:in)?to)\s+(?:an?\s+|the\s+)?"
    r"(.{3,60}?)(?=[.,;!?]|\s+(?:role|job|position|within|in\b|by\b|and\b|but\b|—|-)|$)",
    _F,
)
_DEADLINE = re.compile(
    rf"\b(?:within|in|by)\s+(?:the next\s+|about\s+|around\s+)?(?:a|one|{_N})\s+(?:years?|months?)\b|"
    r"\bby (?:next year|the end of (?:the|next) year|20\d\d)\b|\b(?:a|one) year\b(?= (?:realistic|enough))",
    _F,
)
_INTEREST = re.compile(
    r"\b(?:interested in|passionate about|curious about|get into|getting into|move into|moving into|"
    r"break into|switch into|transition into|work in|pivot into)\s+([^.,;!?—]{3,60}?)"
    r"(?=\s+(?:but|because|as|so|and i|within|by)\b|[.,;!?—]|$)",
    _F,
)
_PREFER = re.compile(
    r"\b(?:(?:no|zero|little) interest in|don'?t (?:want|like|enjoy)|not interested in|"
    r"(?:really )?(?:love|enjoy|prefer|want to avoid|avoid))\s+([^.,;!?]{3,60})",
    _F,
)
# A self-description: "I'm a backend Java dev", "Former secondary school teacher", "Data analyst here".
_I_AM = re.compile(
    r"\b(?:i'?m|i am|i work as|working as|i'?ve been|i have been)\s+(?:currently\s+|now\s+|still\s+)?"
    r"(?:an?\s+)([^,.;!?]{2,60}?)(?=\s+(?:in|at|with|from|for|and|but|who|looking|wanting|trying|of)\b|[,.;!?—]|$)",
    _F,
)
_DEGREE = re.compile(
    r"\bi (?:have|hold|did|got|finished|completed) (?:an?\s+|my\s+)?"
    r"((?:phd|ph\.d\.|master'?s|msc|ma|bachelor'?s|bsc|ba|degree)(?: degree)?\s+in\s+[a-z][\w ]{2,30}?)"
    r"(?=[,.;!?]|\s+(?:and|with|but)\b|$)",
    _F,
)
_APPOSITION = re.compile(  # "im 34, an accountant in Leeds"
    r"(?:^|,)\s*an?\s+([a-z][\w /-]{2,40}?)(?=\s+(?:in|at|from|with|based|living)\b|[,.;!?]|$)", _F
)
_LEADING_ROLE = re.compile(
    r"^(?:hi|hello|hey)?[\s,!]*(?:(?:a|an|the)\s+)?"
    r"((?:former |ex-|senior |junior |retired )?[a-z][\w/ -]{2,50}?)"
    r"(?:\s+here\b|\s+(?:in|from|at|with|living|based)\b|,)",
    _F,
)


def read_profile(text: str, vocabulary: Vocabulary) -> Profile:
    """What one message says about its writer (nothing, for a question that tells nothing)."""
    about = " ".join(s for s in split_sentences(text) if _tells_of_self(s, text))
    if not about.strip():
        return Profile()
    place, country = _place(about, vocabulary)
    return Profile(
        background=_background(about),
        experience_years=_first_number(_YEARS, about),
        skills=_skills(about),
        lacks=_lacks(about),
        place=place,
        country=country,
        hours_per_week=_first_number(_HOURS, about),
        age=_age(about),
        target_role=_target(about, vocabulary),
        deadline=(m.group(0) if (m := _DEADLINE.search(text)) else None),
        preferences=tuple(m.group(0).strip() for m in _PREFER.finditer(about)),
        interest=(m.group(1).strip() if (m := _INTEREST.search(about)) else None),
    )


def _tells_of_self(sentence: str, text: str) -> bool:
    """A sentence about the writer: it says I or my, or it opens a message with a role ("Copywriter here")."""
    return bool(_SELF.search(sentence)) or (text.startswith(sentence) and bool(_LEADING_ROLE.match(sentence)))


def _number(written: str) -> int:
    return int(written) if written.isdigit() else _NUMBER_WORDS[written.lower()]


def _first_number(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return _number(match.group(1)) if match else None


def _age(text: str) -> int | None:
    for match in _AGE.finditer(text):
        written = next(g for g in match.groups() if g)
        value = _number(written)
        if 16 <= value <= 80:
            return value
    return None


def _place(text: str, vocabulary: Vocabulary) -> tuple[str | None, str | None]:
    """The place they are in, as written, and its canonical region ("Manchester" -> "UK")."""
    for canonical in vocabulary.find_regions(text):
        if canonical.lower() == "remote":
            continue
        written = [a for a, c in vocabulary.regions.items() if c == canonical and re.search(
            rf"(?<![\w.]){re.escape(a)}(?!\w)", text, _F)]  # fmt: skip
        shown = max(written, key=len) if written else canonical
        match = re.search(rf"(?<![\w.]){re.escape(shown)}(?!\w)", text, _F)
        return (match.group(0) if match else shown), country_of(canonical) or canonical
    return None, None


def _background(text: str) -> str | None:
    for pattern in (_I_AM, _LEADING_ROLE, _APPOSITION, _DEGREE):
        for match in pattern.finditer(text):
            found = re.sub(r"^(?:currently|now|still)\s+", "", match.group(1).strip(" -—"), flags=_F)
            if len(found.split()) <= 7 and not _NOT_BACKGROUND.search(found):
                return found
    return None


# What a self-description's noun phrase is not: an age, a want, the pronoun itself.
_NOT_BACKGROUND = re.compile(
    r"^(?:i'?m|im|i|looking|trying|interested|thinking|hoping|planning|bit|little|lot|few|year|month|"
    r"in|on|at|for|of|about|with|from|to|what|which|how|where|when|why|who|is|are|do|does|can|so|and|but|ok)\b|\d",
    _F,
)


def _skills(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for match in _KNOW.finditer(text):
        for piece in re.split(r",|\band\b|&|/", match.group(1)):
            name = re.sub(r"^(?:some|basic|a bit of|a little)\s+", "", piece.strip(" ."), flags=_F)
            name = re.sub(r"\s+(?:basics|fundamentals|stuff)$", "", name.strip(), flags=_F)
            if name and len(name.split()) <= 3 and not _SELF.match(name):
                found.append(name)
    # "a bit of basic python": a name, or one of the skills any guide to the field starts from
    for match in _A_BIT.finditer(text):
        word = match.group(1).rstrip(".")
        if word[:1].isupper() or word.lower() in _BASICS:
            found.append(word)
    found += [m.group(2) for m in _YEARS_OF.finditer(text)]
    lacked = {w.lower() for w in _lacks(text)}
    return tuple(
        dict.fromkeys(s for s in found if s.lower() not in lacked and s.lower() not in {"it", "them"})
    )


_BASICS = frozenset({"python", "pandas", "sql", "pytorch", "statistics", "maths", "math"})
# What a lack is called, whichever word says it.
_LACK_NAMES = {"programming": "coding", "code": "coding", "math": "maths", "mathematics": "maths",
               "stats": "statistics", "machine learning": "ML", "ml": "ML"}  # fmt: skip


def _lacks(text: str) -> tuple[str, ...]:
    found = [m.group(1).lower() for m in _LACKS.finditer(text)]
    if _NOT_CODER.search(text):
        found.append("coding")
    return tuple(dict.fromkeys(_LACK_NAMES.get(w, w) for w in found))


def _target(text: str, vocabulary: Vocabulary) -> str | None:
    for match in _WANT.finditer(text):
        wanted = match.group(1)
        roles = vocabulary.find_roles(wanted) or vocabulary.find_roles(as_role(wanted, vocabulary))
        if roles:
            return roles[0]
    return None
