"""An article's title, author and date: from front matter, or from the byline under its title.

Saved pages put a menu before the title and a byline after it ("Ryan Mitchell | May 20, 2026
| 14 min read"); `strip_header` reads the byline and drops both, keeping a standfirst.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.ingest.blocks import looks_like_code, looks_like_heading
from advisor.ingest.cleaning import CleaningRules
from advisor.ingest.dates import find_date

__all__ = [
    "Metadata",
    "front_matter",
    "is_byline_line",
    "joined_names",
    "markdown_h1",
    "recased_title",
    "split_names",
    "squash",
    "strip_header",
    "title_from_filename",
    "web_url",
]


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    authors: tuple[str, ...] = ()  # each author, in byline order
    date: str | None = None  # YYYY-MM-DD
    url: str | None = None  # the original article on the web (http or https only)

    @property
    def author(self) -> str | None:
        """The authors as one line: "Anjali Rao and Tom Becker", "A, B and C"."""
        return joined_names(self.authors)

    def or_else(self, other: Metadata) -> Metadata:
        """Each field from self, or from other where self has none."""
        return Metadata(self.title or other.title, self.authors or other.authors, self.date or other.date,
                         self.url or other.url)  # fmt: skip


def joined_names(names: tuple[str, ...]) -> str | None:
    if not names:
        return None
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


_NAME_SEPARATORS = re.compile(r"\s*(?:;|,|&|\band\b)\s*")


def split_names(text: str, rules: CleaningRules | None = None) -> tuple[str, ...]:
    """ "Anjali Rao and Tom Becker", "Liam O'Connor; Priya Nair; Grace Tan", "A, B, and C" ->
    each name; a value that is not a list of names ("Written for the tests") stays one."""
    text = " ".join(text.split())
    parts = [p.strip(" .'\"") for p in _NAME_SEPARATORS.split(text) if p.strip(" .'\"")]
    if len(parts) > 1 and all(_is_name(p, rules) for p in parts):
        return tuple(parts)
    return (text.strip("'\""),) if text else ()


_SMALL_WORDS = frozenset("a an and as at but by for from in into nor of on or over the to vs with".split())


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def recased_title(title: str, body: str) -> str:
    """A title written in capitals ("UX RESEARCHER IN SWEDEN: WHAT THE JOB LOOKS LIKE") in title
    case; a word the article itself writes in capitals ("UX") stays so. Other titles as written."""
    if len(title.split()) < 3 or not _in_capitals(title):
        return title
    mixed = "\n".join(
        line for line in body.splitlines() if not _in_capitals(line)
    )  # not a heading in capitals
    capitals = set(re.findall(r"\b[A-Z][A-Z0-9+&]+\b", mixed))
    words: list[str] = []
    for i, word in enumerate(title.split()):
        core = word.strip(":;,.!?()\"'")
        starts = i == 0 or words[-1].endswith((":", "—", "-"))
        if core in capitals:
            words.append(word)
        elif core.lower() in _SMALL_WORDS and not starts:
            words.append(word.lower())
        else:
            words.append(word[:1] + word[1:].lower())
    return " ".join(words)


def squash(text: str) -> str:
    """Text reduced to lower-case words, for comparing titles however they are punctuated."""
    return re.sub(r"\W+", " ", text).strip().lower()


def title_from_filename(name: str) -> str:
    words = re.split(r"[-_\s]+", name.rsplit(".", 1)[0])
    return " ".join(w.upper() if len(w) <= 2 else w.capitalize() for w in words if w)


def markdown_h1(lines: list[str]) -> str | None:
    return next((line[2:].strip() for line in lines if line.startswith("# ")), None)


# front matter ---------------------------------------------------------------------

_KEY_LINE = re.compile(r"^([a-z_][a-z0-9_]*):\s*(.*)$")
_LIST_LINE = re.compile(r"^\s*-\s+\S")


def front_matter(lines: list[str]) -> tuple[list[str], Metadata]:
    """Read YAML-style front matter, fenced by --- or as bare `key: value` lines at the top."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    fenced = start < len(lines) and lines[start].strip() == "---"
    i = start + 1 if fenced else start
    values: dict[str, str] = {}
    key = ""
    while i < len(lines):
        line = lines[i]
        if fenced and line.strip() == "---":
            i += 1
            break
        match = _KEY_LINE.match(line)
        if match:
            key = match.group(1)
            values[key] = match.group(2).strip().strip("'\"")
        elif _LIST_LINE.match(line) and values:
            if key in ("author", "authors") and not values[key].strip("[]"):  # a YAML list of authors
                values[key + "_list"] = (
                    values.get(key + "_list", "") + "; " + line.strip()[1:].strip().strip("'\"")
                )
        elif not (fenced and not line.strip()):
            break
        i += 1
    if not fenced and len(values) < 2:  # one `word: text` line is prose, not front matter
        return lines, Metadata()
    meta = Metadata(
        title=values.get("title") or None,
        authors=split_names(_first(values, "author", "authors", "author_list", "authors_list").strip("[]; ")),
        date=find_date(values.get("date") or values.get("published") or ""),
        url=web_url(values.get("url") or values.get("source") or values.get("canonical") or ""),
    )
    return lines[i:], meta


def _first(values: dict[str, str], *keys: str) -> str:
    return next((values[k] for k in keys if values.get(k, "").strip("[]")), "")


def web_url(text: str) -> str | None:
    """An http(s) address as written, or None: a link to the original must never be a script."""
    text = text.strip()
    return text if re.match(r"https?://[^\s<>\"']+$", text, re.IGNORECASE) else None


# byline and title -----------------------------------------------------------------

_READ_TIME = re.compile(r"\b\d+\s*(min|mins|minute|minutes|minuten)\b.*$", re.IGNORECASE)
_BY = re.compile(r"^(?:written\s+)?(by|door|von|par|por|di)\s+", re.IGNORECASE)  # "by" in a few languages
# A byline's parts: "By Jane Doe, 1 May 2026", "Jane Doe — 1 May 2026", "by Jane Doe on 1 May 2026"
_BYLINE_PARTS = re.compile(r"[•|·,—–]|\s+on\s+")
_FIELD = re.compile(r"^([A-Za-z]+(?:\(s\))?(?: [A-Za-z]+)?):\s+(\S.*)$")  # "Author: ...", "Author(s): ..."
_DATE_TEXT = re.compile(
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:T[\d:.+Z-]+)?|\d{1,2}[/.]\d{1,2}[/.]\d{4}(?:\s*\([DMY/.-]+\))?"
    r"|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?[-\s][A-Za-z]+\.?[-\s,]+\d{4}"
    r"|[A-Za-z]+\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s\d{4}"
)
_PUBLISHED_WORDS = "published|posted"
_UPDATE_WORDS = "updated|modified|revised|edited"
_PUBLISHED = re.compile(rf"\b(?:{_PUBLISHED_WORDS})\b", re.I)
_UPDATE_WORD = re.compile(rf"\b(?:{_UPDATE_WORDS})\b", re.I)
_DATE_FIELD = re.compile(  # "Published: ...", "Last updated on: ...", "Date: ..."
    rf"^\W*(?:first\s+|last\s+)?(?:{_PUBLISHED_WORDS}|{_UPDATE_WORDS}|date|dated)(?:\s+on)?\s*:", re.I
)
_DATE_PARTS = re.compile(r"[•|·]|\s[—–]\s")  # "By A | Updated 14 May 2025": each part its own date


def strip_header(
    lines: list[str], known_title: str | None, rules: CleaningRules, keep: frozenset[int] = frozenset()
) -> tuple[list[str], Metadata]:
    """Find title and byline; drop what stands before the title (menus) and the byline itself.

    Blank lines go too, except those at the indexes in keep (inside a code listing).
    """
    nonblank = [line for i, line in enumerate(lines) if line.strip() or i in keep]
    date_at = _byline_date_index(nonblank)
    title_at: int | None = None
    found_title: str | None = None
    if known_title:
        title_at = next((i for i, line in enumerate(nonblank) if squash(line) == squash(known_title)), None)
        if title_at is not None and title_at > len(nonblank) // 2:
            title_at = None
    elif date_at is not None:
        window = [
            i
            for i in range(date_at - 1, max(date_at - 7, -1), -1)
            if not (is_byline_line(nonblank[i], rules) or _names(_plain(nonblank[i]), rules))
        ]  # "Written by A and B", "Marta Kowalczyk and Piotr Nowak" are never the title
        # The nearest line shaped like a title; failing that, the line right above the byline
        # (its other lines aside) may be a title in sentence case.
        title_at = next(
            (i for i in window if _is_h1(nonblank[i]) or _is_title_like(nonblank[i].lstrip("# "), rules)),
            window[0] if window and _is_title_like(nonblank[window[0]], rules, sentence_case=True) else None,
        )
        if title_at is not None:
            found_title = nonblank[title_at].lstrip("# ").strip()
    if date_at is None or (title_at is not None and date_at < title_at):
        kept = nonblank[title_at:] if title_at is not None else nonblank
        return kept, Metadata(title=found_title)

    date_line = _plain(nonblank[date_at])
    first = title_at if title_at is not None else 0
    authors = _authors_from(date_line, nonblank[first:date_at], rules)
    # Between title and date only a standfirst (a real sentence or more) is article text.
    kept = [
        line for line in nonblank[first:date_at] if len(line.split()) >= 8 and not is_byline_line(line, rules)
    ]
    title = known_title or found_title or ""
    after = date_at + 1
    while after < len(nonblank) and _is_byline_residue(nonblank[after], title, rules):
        after += 1
    dated = [_plain(line) for line in nonblank[first:after] if _is_dated_byline(_plain(line))]
    return kept + nonblank[after:], Metadata(found_title, authors, _publication_date(dated))


def _publication_date(lines: list[str]) -> str | None:
    """The date a byline gives the article: one labelled as published ("First published 2 February
    2025"), else the first not labelled as an update ("By A | Updated 14 May 2025"), else the first."""
    parts = [part for line in lines for part in _DATE_PARTS.split(line) if find_date(part)]
    published = [part for part in parts if _PUBLISHED.search(part)]
    plain = [part for part in parts if not _UPDATE_WORD.search(part)]
    first = next((group[0] for group in (published, plain, parts) if group), None)
    return find_date(first) if first else None


_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "di", "du", "del", "la", "le", "bin", "al", "ter"}
)


def _is_name(text: str, rules: CleaningRules | None = None) -> bool:
    """A person's name (or a team's): two to five capitalised words; "van der", "da" may join them."""
    words = text.split()
    if not 2 <= len(words) <= 5 or (len(words) > 3 and text.isupper()):  # "FERRY DECKHAND JOBS IN SCOTLAND"
        return False
    if rules is not None and any(word.lower() in rules.byline_roles for word in words):
        return False
    capitalised = [word[:1].isupper() and re.fullmatch(r"\w[\w'’\-]*\.?", word) is not None for word in words]
    inner = [c or w in _PARTICLES for c, w in zip(capitalised[1:-1], words[1:-1], strict=True)]
    return capitalised[0] and capitalised[-1] and all(inner)


def _is_title_like(text: str, rules: CleaningRules, sentence_case: bool = False) -> bool:
    """Shaped like a title: capitalised like one, or with `sentence_case` a short line that
    starts with a capital and ends without a sentence's punctuation ("How to move into AI")."""
    words = text.split()
    shaped = looks_like_heading(text) or (
        sentence_case
        and text[:1].isupper()
        and text.rstrip()[-1:] not in ".,;:!"
        and not looks_like_code(text)
    )
    return 3 <= len(words) <= 20 and shaped and not _is_name(text, rules) and _labelled(text, rules) is None


def _labelled(line: str, rules: CleaningRules) -> str | None:
    """The value of a byline field written as "Author: Jane Doe" or "Published: 1 May 2026"."""
    match = _FIELD.match(line.strip())
    if match is None:
        return None
    label = match.group(1).lower().replace("(s)", "").removesuffix("by").split()  # "Written by: ..."
    known = all(word in rules.byline_roles or word.removesuffix("s") in rules.byline_roles for word in label)
    return match.group(2).strip() if known else None  # "Authors: ..." too


def is_byline_line(line: str, rules: CleaningRules) -> bool:
    """A line of a byline: "By Jane Doe", a short line with a date, or a field ("Author: ...")."""
    text = _plain(line)
    signed = _BY.match(text) and _names(_BYLINE_PARTS.split(_BY.sub("", text))[0], rules)
    return bool(signed) or _is_dated_byline(text) or _labelled(text, rules) is not None


_ROLE_NOTE = re.compile(r"\s*\([^)]*\)")  # "Omar Haddad (senior paramedic, Dubai)"
_HONORIFIC = re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+(?=[A-Z])")


def _names(text: str, rules: CleaningRules | None) -> tuple[str, ...]:
    """The names a byline part lists ("Anjali Rao and Tom Becker", "Dr. A (physician) and B"),
    or () if it is no list of names."""
    text = _HONORIFIC.sub("", _ROLE_NOTE.sub("", text))
    parts = [p.strip(" .") for p in _NAME_SEPARATORS.split(text.strip()) if p.strip(" .")]
    return tuple(parts) if parts and all(_is_name(p, rules) for p in parts) else ()


_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")


def _plain(line: str) -> str:
    """A line without its emphasis and the marks around it: "*By Jane Doe, 1 May 2026*",
    "**Author:** Jane Doe", "~ by *A* and *B* ~"."""
    return _EMPHASIS.sub("", line.strip()).strip(" ~*_").strip()


def _is_h1(line: str) -> bool:
    """A Markdown title ("# How to move into healthcare AI"), whatever its capitals."""
    return bool(re.match(r"#\s+\S", line)) and len(line.split()) <= 21


def _byline_date_index(lines: list[str]) -> int | None:
    """The first short line in the first half of the text that carries a full date."""
    for i, line in enumerate(lines[: max(len(lines) // 2, 1)]):
        if _is_dated_byline(_plain(line)):
            return i
    return None


def _is_dated_byline(line: str) -> bool:
    """A short line that carries a full date and little else ("By Jane Doe | 3 March 2026"), or
    a date's field, whatever it adds ("Published: 04/03/2026 (dates here are day/month/year)")."""
    if len(line.split()) > 14 or not find_date(line):
        return False
    return _is_byline_shaped(line) or bool(_DATE_FIELD.match(line))


def _is_byline_shaped(line: str) -> bool:
    """Little else but a date, or a date and the names that signed it ("By A, B and C · date")."""
    rest = _DATE_TEXT.sub(" ", line)
    rest = _READ_TIME.sub(" ", rest)
    if len(re.findall(r"[A-Za-z]+", rest)) <= 8:
        return True
    return any(_names(_BY.sub("", part.strip()), None) for part in _SEGMENTS.split(rest))


def _is_byline_residue(line: str, title: str, rules: CleaningRules) -> bool:
    """Lines after a byline date: repeated title, role labels, times, tag strips, share bars."""
    if squash(line) == squash(title) or rules.is_chrome(line):
        return True
    if find_date(line) and _is_byline_shaped(line):
        return True
    words = line.split()
    return len(words) <= 4 and not line.rstrip().endswith((".", ":")) and not line.startswith("#")


_SEGMENTS = re.compile(r"[•|·—–]|\s+on\s+|\s+on$")


def _authors_from(date_line: str, before: list[str], rules: CleaningRules) -> tuple[str, ...]:
    """The authors a byline names: in its dated line ("By A and B, 9 February 2026"), else in a
    line above it ("Written by A and B", "Author: A")."""
    undated = _READ_TIME.sub(" ", _DATE_TEXT.sub(" ", date_line))
    for part in _SEGMENTS.split(undated):
        if names := _names(_BY.sub("", (_labelled(part, rules) or part).strip()), rules):
            return names
    for line in reversed(before[-5:]):
        candidate = _labelled(_plain(line), rules) or _BY.sub("", _plain(line))
        if names := _names(candidate, rules):
            return names
    return ()
