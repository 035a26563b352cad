"""How the advisor reads English text: the one sentence splitter, seniority levels, job-title
nouns and the names of roles as a sentence writes them (place names are places.py's).

The word lists are data (words.toml), written from general knowledge of English, never from
the articles; what the articles name is learned in corpus/vocabulary.py.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib.resources import files

from advisor.text.places import REGIONS, canonical_region, find_places, is_us

__all__ = [
    "FUNCTION_WORDS",
    "LEVELS",
    "REGIONS",
    "ROLE_HEAD",
    "ROLE_HEAD_TITLED",
    "ROLE_NOUNS",
    "canonical_region",
    "is_role_title",
    "is_us",
    "level_pattern",
    "normalize_term",
    "role_lead",
    "role_phrases",
    "split_sentences",
]

# A sentence ends at . ! or ? followed by space and a capital, digit, quote or bracket.
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s+[A-Z0-9\"“(])|$)")


def split_sentences(line: str) -> list[str]:
    """The sentences of one line of text, stripped, in order; each is a substring of the line."""
    return [s for m in _SENTENCE.finditer(line) if (s := m.group(0).strip())]


_WORDS = tomllib.loads(files("advisor.text").joinpath("words.toml").read_text(encoding="utf-8"))

LEVELS: dict[str, str] = _WORDS["levels"]  # seniority word -> canonical level ("entry-level" -> "junior")
ROLE_NOUNS: tuple[str, ...] = tuple(_WORDS["words"]["role_nouns"])  # "engineer", "scientist", ...
NOT_ROLE_START = frozenset(_WORDS["words"]["not_role_start"])
FUNCTION_WORDS = frozenset(_WORDS["words"]["function_words"])

ROLE_NOUN = "|".join(ROLE_NOUNS)
# ... or an -ist agent noun no list names ("Learning Technologist", "Nurse Informaticist"), not
# "Checklist" nor the verbs "assist", "resist"
_IST = r"\w{2,}(?<![ls])ist"  # after a first letter
ROLE_HEAD = rf"{ROLE_NOUN}|\w{_IST}"  # a role's head noun, in lower case (re.I)
ROLE_HEAD_TITLED = rf"{ROLE_NOUN.title()}|[A-Z]{_IST}"  # ... as a title writes it
_ROLE_TITLE = re.compile(rf"\b(?:{ROLE_HEAD})s?(?:\s*\(.*\))?$", re.I)
LEVEL_PREFIX = re.compile(
    r"^(?:(?:junior|senior|staff|principal|lead|mid-level|entry-level|distinguished|head of)\s+)+", re.I
)


def is_role_title(text: str) -> bool:
    """Whether a heading is a role's name: it ends with a role noun ("MLOps / AI Infrastructure
    Engineer", "Data Scientist (ML-focused)"), not merely mentions one ("What an Engineer Does")."""
    return bool(_ROLE_TITLE.search(re.sub(r"^\d+[.)]\s*", "", text.strip())))


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
def level_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(alias)}s?(?=[^\w-]|$|-level\b)")  # "staff-level", "seniors"


def role_phrases(text: str) -> list[str]:
    """Role names as a text writes them: "AI Product Manager", "computer vision engineers".

    The words just before a job-title noun, back to the first word that cannot be part of
    a title (an article, a verb, a seniority word), a place or a comma, make the role: "In
    Germany, AI product managers earn ..." names "AI product managers".
    """
    found: list[str] = []
    for match in re.finditer(rf"\b({ROLE_NOUN})s?\b", text, re.I):
        before = re.findall(r"[\w/+#.-]+", role_lead(text[max(0, match.start() - 60) : match.start()]))
        words: list[str] = []
        for word in reversed(before[-3:]):
            low = word.lower().strip(".")
            if low in NOT_ROLE_START or low in FUNCTION_WORDS or low in LEVELS or not low:
                break
            words.insert(0, word.strip("."))
        if words:
            found.append(" ".join([*words, match.group(1)]))
    return found


def role_lead(before: str) -> str:
    """What may belong to a role name of the text before its noun: after the last comma or
    bracket, and after the last place ("the United Kingdom AI ..." leaves "AI ...")."""
    before = re.split(r"[,;:()!?]", before)[-1]
    places = find_places(before)
    return before[places[-1].end :] if places else before
