"""Salary facts from an article's tables, salary lists and sentences: Document -> SalaryRow list.

Shapes that occur: a table of roles by level or by region (regions in the header, or places
in its first column: "| Sydney | A$90k – A$110k | ..."), per-role "Salary range:" lists of
"Region: range" items, and prose ("In Canada, AI Product Designers typically earn between
CA$95,000 and CA$140,000"). Money is read by text/money.py, places by text/places.py.

A figure's region comes from its column, else from its row's place, else from its sentence
(the place it opens with, a city it names, or one named earlier in the paragraph), else from
its currency ("₹" is India's); a role from its row or sentence, else, where the row or
sentence names only a level or a bare job noun ("Senior / lead", "junior researchers"), the
role its table's heading or the article's title names. Each row keeps the exact text it came
from, so an answer can quote it verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from advisor.ingest import Block, Document, table_cells
from advisor.text.lexicon import (
    FUNCTION_WORDS,
    LEVEL_PREFIX,
    LEVELS,
    NOT_ROLE_START,
    ROLE_HEAD,
    ROLE_HEAD_TITLED,
    role_lead,
    role_phrases,
    split_sentences,
)
from advisor.text.money import Figure, find_money
from advisor.text.places import canonical_region, cleaned_label, currency_country, place_of, region_in

__all__ = ["SalaryRow", "salary_rows"]


@dataclass(frozen=True)
class SalaryRow:
    role: str
    level: str | None
    region: str | None
    range: str  # as written: "$110,000–$145,000", "£45,000 – £65,000"
    doc_id: str
    source: str
    date: str | None
    quote: str  # the line of the article this row comes from, verbatim


_SALARY_WORDS = re.compile(
    r"\b(earn\w*|salar\w*|pay|pays|paid|compensation|make|makes|offers?|land|lands|landing|"
    r"start(?:s|ing)? (?:at|on|from)|a year|per year|annually|per annum|a month|per month|ctc)\b",
    re.I,
)
# Words next to a figure that make it something else: a price, a bonus, a day rate, a company's size.
_NOT_SALARY_BEFORE = re.compile(
    r"\b(costs?|price[sd]?|fees?|voucher|budget|tuition|charges?|bonus(?:es)?|stock|equity|raised|funding|"
    r"valuation|revenue|assets)\W+(?:\w+\W+)?$",
    re.I,
)
_NOT_SALARY_AFTER = re.compile(
    r"^\W*(?:a day|per day|daily|an hour|per hour|hourly|in (?:assets|revenue|funding|sales)|valuation|"
    r"per (?:[\w-]+ )?(?:person|head|course|seat|student|night|session|shift|visit|lesson)|tuition|fees?)\b",
    re.I,
)
# A row that prices something ("Integrated ATPL course") is no pay, nor is a table captioned so.
_PRICED = re.compile(r"\b(courses?|tuition|fees?|costs?|prices?|per person)\b", re.I)
_CAPTION_WORDS = 10  # a line this short just above a table is its caption ("Typical training costs")
# Verbs whose subject is the person paid: "most clinical informatics nurses earn ...".
_PAID_VERB = re.compile(
    r"\b(?:earn|earns|earned|make|makes|(?:are|get) paid|take home|takes home|"
    r"start(?:s)? (?:on|at|from|out at))\b",
    re.I,
)
# Words a sentence's subject cannot end in when it is someone paid: "Salaries start at ...".
_NOT_PERSON = re.compile(
    r"^(?:pay|salar\w*|wages?|rates?|offers?|packages?|compensation|income|figures?|ranges?|bonus\w*|"
    r"roles?|jobs?|positions?|it|this|that|they|you|we|people|most|many|some)$",
    re.I,
)
# A first cell naming a span of experience only: "2–4 years", "9+ yrs".
_EXPERIENCE = re.compile(r"^\s*\d+\s*(?:[-–—+]|to)?\s*\d*\+?\s*(?:years?|yrs?)\b[\w\s()+.-]*$", re.I)
# The last word of a name of someone paid, by its ending: "tester", "assistant", "technician".
_AGENT_NOUN = re.compile(r"\w{2,}(?:er|or|ist|ian|ant|ent)s?")
_NOT_NAME_START = NOT_ROLE_START | set(LEVELS) | {"most", "many", "some", "all", "few", "several", "new"}
_NOT_NAME_START |= {"that", "these", "those"}  # a thing referred to: "That practical training is paid"
_PREPOSITIONS = frozenset(
    ("at", "in", "on", "with", "for", "from", "of", "who", "that", "across", "within", "outside")
)
_PREPOSITION = rf"\b(?:{'|'.join(_PREPOSITIONS)})\b"
# "new first officers", "newly qualified": the level a sentence gives a starter.
_STARTER = re.compile(r"\b(?:new|newly qualified|start(?:s|ing)? (?:on|at|from|out))\b", re.I)
_LARGEST_SALARY = 1e8  # no yearly salary runs into billions, in any currency (₹1 crore is 1e7)
_SALARY_LEAD_IN = re.compile(r"^(salary|salaries|pay|compensation)\b.*:$", re.IGNORECASE)
_MONTHLY = re.compile(r"\b(month|monthly|per month|a month|/mo)\b", re.I)
_YEARLY = re.compile(r"\b(annual|annually|year|yearly|per annum|p\.?a\.?|/yr|lpa|ctc)\b", re.I)
_LEVEL = re.compile(r"\d|\b(junior|entry|mid|senior|staff|principal|lead)\b", re.IGNORECASE)
_LEVEL_WORDS = frozenset(w for alias in LEVELS for w in re.split(r"[\s-]+", alias))
_ROLE = re.compile(rf"((?:[A-Z][\w/&+.-]*\s+){{0,4}}(?:{ROLE_HEAD_TITLED})s?)\b")
_PLACE_COLUMN = re.compile(r"^(city|cities|location|region|country|market|metro|area|state|province)\b", re.I)
_CLAUSE = re.compile(r",\s*(?:while|whereas|but|and)\s+|;\s*")


def salary_rows(document: Document) -> list[SalaryRow]:
    """Every salary figure the article states per role, with its level and region."""
    rows: list[SalaryRow] = []
    heading: str | None = None
    context = _role_in(document.title)  # the role a table or sentence leaves unnamed
    place = region_in(document.title)  # where a section's sentences are, unless they say
    in_salary_list = False
    above: str | None = None  # the role of the table row above
    priced = False  # the table below a caption that prices something
    caption: str | None = None  # the paragraph or heading just above
    for block in document.blocks:
        if block.kind != "row":
            above = None
        if block.kind == "header_row":  # a table begins: is the line just above it a caption of prices?
            priced = caption is not None and _is_price_caption(caption)
        caption = block.text if block.kind in ("paragraph", "heading") else None
        if block.kind == "heading":
            heading, in_salary_list = block.text, False
            context = _role_in(block.text) or _role_in(document.title)
            place = region_in(block.text) or region_in(document.title)
        elif block.kind == "row" and block.table_header and not priced:
            found = _table_row(document, block, context, above, place)
            above = LEVEL_PREFIX.sub("", found[0].role).strip() if found else above
            rows.extend(found)
        elif block.kind == "paragraph":
            in_salary_list = bool(_SALARY_LEAD_IN.match(block.text))
            found = list(_prose(document, block.text, context, place))
            place = region_in(block.text) or place
            rows.extend(found)
        elif block.kind == "item" and in_salary_list and heading:
            rows.extend(_list_item(document, block, heading))
        elif block.kind == "item":  # a point made in sentences: "- **Switching pays.** ... earn ₹12–22 lakh"
            rows.extend(_prose(document, block.text, context, place))
    return rows


def _row(document: Document, quote: str, role: str, level: str | None, region: str | None,
         money: str) -> SalaryRow:  # fmt: skip
    return SalaryRow(role, level, region, money.strip(), document.doc_id, document.source,
                     document.date, quote)  # fmt: skip


# tables ---------------------------------------------------------------------------------


def _table_row(
    document: Document, block: Block, context: str | None, above: str | None, section: str | None
) -> list[SalaryRow]:
    """One row's figures. A first cell that names only a level ("Principal / Distinguished") or
    a span of years ("2–4 years") takes the role of the row above it (`above`, its level left
    out), or the context's; so does a row of a table whose columns are levels ("Junior (0–2
    yrs)") whose first cell names no one paid ("Big Four"). A row that prices something gives
    none. Its region is its column's, its row's (or a "Country" column's), its currency's
    country, its column's label, else its section's (`section`)."""
    header = table_cells(block.table_header or "")
    cells = table_cells(block.text)
    if len(cells) != len(header) or _PRICED.search(cells[0]):
        return []
    money_at = [i for i, c in enumerate(cells) if i and _pay(c)]
    if _MONTHLY.search(block.table_header or "") and any(_YEARLY.search(header[i]) for i in money_at):
        money_at = [i for i in money_at if not _MONTHLY.search(header[i])]  # the yearly figures count
    if not money_at:
        return []
    by_level = any(_LEVEL.search(header[i]) and not place_of(header[i]) for i in money_at)
    place = place_of(cells[0]) or (cells[0] if _PLACE_COLUMN.match(header[0]) else None)
    role: str | None = context
    level: str | None = None
    if place is None:
        role, level = _role_and_level(cells[0])
        if _only_level_or_noun(role, context) or _EXPERIENCE.match(cells[0]):
            role, level = above or context, cells[0]  # the level as the row names it: "2–4 years"
        elif by_level and context and not _names_person(role):
            role = context  # "Big Four / large consultancy" under columns of levels
        place = next(  # a "Country" column beside the role's
            (
                canonical_region(c)
                for c, h in zip(cells[1:], header[1:], strict=True)
                if _PLACE_COLUMN.match(h)
            ),
            None,
        )
    if role is None:
        return []
    if len(cells) > 2 and not find_money(cells[1]) and not _PLACE_COLUMN.match(header[1]):
        level = level or cells[1]  # a column of levels or years: "0–2 years"
    rows = []
    for i in money_at:
        figures = find_money(cells[i])
        column = place_of(header[i])
        column_level = header[i] if _LEVEL.search(header[i]) and not column else None
        label = None if column_level else _label(header[i])  # "Consultant (3–5 yrs)" is a level
        region = column or place or _currency_region(figures) or label or section
        rows.append(_row(document, block.text, role, level or column_level, region, cells[i]))
    return rows


def _is_price_caption(text: str) -> bool:
    """A short line that prices, not pays: "Typical training costs, 2026"."""
    return (
        len(text.split()) <= _CAPTION_WORDS and bool(_PRICED.search(text)) and not _SALARY_WORDS.search(text)
    )


def _pay(cell: str) -> list[Figure]:
    """A cell's figures that are pay: none priced "per person", charged as tuition or by the hour."""
    return [f for f in find_money(cell) if not _NOT_SALARY_AFTER.search(cell[f.end :])]


def _names_person(cell: str) -> bool:
    """Whether a row's first cell names someone paid: a role's head noun ("QA automation
    engineer"), a level ("Apprentice, glassworks") or an agent noun ("LQA tester (German)",
    "Studio assistant"), not a thing ("Integrated ATPL course", "Big Four / large consultancy")."""
    name = re.sub(r"\s*\(.*?\)", "", cell).strip()
    words = [w.lower() for w in re.findall(r"[\w+#]+", name)]
    if any(w in _LEVEL_WORDS for w in words) or re.search(rf"\b(?:{ROLE_HEAD})s?\b", name, re.I):
        return True
    return bool(words) and bool(_AGENT_NOUN.fullmatch(words[-1]))


def _label(header: str) -> str | None:
    """A column header that names no place, kept as the region label it is ("Global tech hubs")."""
    cleaned = cleaned_label(header)
    return cleaned if cleaned and not _LEVEL.search(cleaned) and not _YEARLY.search(cleaned) else None


def _currency_region(figures: list[Figure]) -> str | None:
    return currency_country(figures[0].low.code) if figures else None


def _role_and_level(text: str) -> tuple[str, str | None]:
    """'Junior ML Engineer (0-2 years)' -> role and level; '(LLM/GenAI)' stays in the role."""
    match = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", text.strip())
    if match and _LEVEL.search(match.group(2)):
        return match.group(1), match.group(2)
    return text.strip(), None


def _only_level_or_noun(cell: str, context: str | None) -> bool:
    """A first cell that names a level and at most the context role's own noun: "Senior / lead",
    "Junior researcher" under "UX Researcher"."""
    words = [w.lower() for w in re.findall(r"[\w+#]+", cell)]
    rest = [w for w in words if w not in _LEVEL_WORDS]
    if not words or len(rest) == len(words):
        return False
    noun = context.split()[-1].lower() if context else None
    return not rest or (noun is not None and rest in ([noun], [f"{noun}s"]))


# salary lists ---------------------------------------------------------------------------


def _list_item(document: Document, block: Block, heading: str) -> list[SalaryRow]:
    text = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", block.text)
    label, _, rest = text.partition(":")
    figures = find_money(rest)
    if not figures:
        return []
    role = re.sub(r"^\d+\.\s*", "", heading)
    region = canonical_region(label)  # a label that names no place stays as written ("Global tech hubs")
    return [_row(document, text, role, None, region, figures[0].text)]  # quote without "•"


# sentences ------------------------------------------------------------------------------


def _prose(document: Document, paragraph: str, context: str | None, place: str | None) -> Iterator[SalaryRow]:
    """Rows stated in sentences: a role, a figure and a region, carried across clauses.

    A clause without a role or region ("while senior positions ... reach X to Y") takes
    those of the clause or sentence before it in the same paragraph; a paragraph without a
    region, its currency's country, else the one its section or the article's title names.
    """
    region: str | None = None
    for line in paragraph.splitlines():
        for sentence in split_sentences(line):
            region = region_in(sentence) or region
            if not _SALARY_WORDS.search(sentence):
                continue
            roles: list[str] = []
            said: str | None = None  # the level of the clause before, for a clause naming no role
            for clause in _CLAUSE.split(sentence):
                named = _roles_in(clause, context)
                roles = named or roles
                clause_region = region_in(clause) or region
                figures = _salary_ranges(clause)
                said = next(iter(_levels(clause)), None) if named else said
                for n, figure in enumerate(figures):
                    where = clause_region or currency_country(figure.low.code) or place
                    level = _figure_level(clause, figures, n) or (None if named else said)
                    for role in roles:
                        yield _row(document, sentence, role, level, where, figure.text.rstrip(".,"))


def _figure_level(clause: str, figures: list[Figure], n: int) -> str | None:
    """The level a clause gives its nth figure: a level word since the figure before it, else
    one after it up to the next ("... rising to £75k to £90k for senior first officers"), else
    a starter's ("new first officers ... start on £45k"), else one before the clause's figures."""
    start = figures[n - 1].end if n else 0
    end = figures[n + 1].start if n + 1 < len(figures) else len(clause)
    before, after = _levels(clause[start : figures[n].start]), _levels(clause[figures[n].end : end])
    if before or after:
        return before[0] if before else after[0]
    if _STARTER.search(clause[start : figures[n].start]):
        return "junior"
    return next(iter(_levels(clause[: figures[0].start])), None)  # the clause's, before its figures


def _levels(text: str) -> list[str]:
    """The level words of a text, in order, as LEVELS spells them ("leads" -> "lead")."""
    words = re.findall(r"[a-z]+", text.lower())
    return [w if w in LEVELS else w[:-1] for w in words if w in LEVELS or (w[:-1] in LEVELS)]


def _salary_ranges(clause: str) -> list[Figure]:
    """The clause's salary ranges: no price, day rate, bonus or company size."""
    found = []
    for figure in find_money(clause):
        before, after = clause[: figure.start], clause[figure.end :]  # "signing bonuses of ...", "... a day"
        if (
            figure.is_range
            and figure.high.value < _LARGEST_SALARY
            and not (_NOT_SALARY_BEFORE.search(before) or _NOT_SALARY_AFTER.search(after))
        ):
            found.append(figure)
    return found


def _role_in(text: str, context: str | None = None) -> str | None:
    """The last role a text names (see _roles_in)."""
    roles = _roles_in(text, context)
    return roles[-1] if roles else None


def _roles_in(text: str, context: str | None = None) -> list[str]:
    """The roles a text names: capitalised titles, else ones in lower case ("computer vision
    engineers"), else, for a bare job noun the context role ends in ("researchers"), that role.

    Of several, the first before the salary's verb, the sentence's subject.
    """
    found = [r for r in (role_lead(r).strip() for r in _ROLE.findall(text)) if r]
    found = found or [_titled(p) for p in role_phrases(text)]
    noun = context.split()[-1].lower() if context else None
    if not found:
        bare = re.search(rf"\b({ROLE_HEAD})s?\b", text, re.I)
        if context and bare and noun == bare.group(1).lower():
            return [context]
        subject = _paid_subject(text)
        return [subject] if subject else []
    names = [n[:-1] if n.endswith("s") and not n.endswith("ss") else n for n in (f.strip() for f in found)]
    names = [context if context and n.lower() == noun else n for n in names]
    return _subject(text, list(dict.fromkeys(names)))


def _paid_subject(clause: str) -> str | None:
    """The subject of a verb of being paid, for a role no job noun names: "most clinical
    informatics nurses earn ..." names "Clinical Informatics Nurse", "Captains on narrow-body
    aircraft usually earn ..." "Captain". The words before the verb, after the last comma and
    before the first preposition, without adverbs ("typically"), quantifiers or levels."""
    verb = _PAID_VERB.search(clause)
    if not verb:
        return None
    before = re.split(r"[,;:()!?]", clause[: verb.start()])[-1]
    parts = re.split(_PREPOSITION, before, flags=re.I)
    if parts[0].strip() or len(parts) == 1:
        before = parts[0]  # "Captains on narrow-body aircraft earn": before the preposition
    else:  # "In the private sector many hygienists are paid": after a quantifier, if any
        words = re.findall(r"[\w/+#-]+", before)
        cut = [i for i, w in enumerate(words) if w.lower() in _NOT_NAME_START or w.lower() in _PREPOSITIONS]
        before = " ".join(words[cut[-1] + 1 :]) if cut else before
    words = [w for w in re.findall(r"[\w/+#-]+", before) if not w.lower().endswith("ly")]
    while words and words[0].lower() in _NOT_NAME_START:
        words = words[1:]
    ends = [i for i, w in enumerate(words) if i and w.lower() in FUNCTION_WORDS]
    words = words[: ends[0]] if ends else words  # "Fellows there often earn": the fellows
    words = words[-4:]
    if not words or not words[-1].isalpha() or _NOT_PERSON.match(words[-1]) or not words[-1][0].isalpha():
        return None
    head = words[-1]
    words[-1] = head[:-1] if head.lower().endswith("s") and not head.lower().endswith("ss") else head
    return _titled(" ".join(words))


def _subject(text: str, names: list[str]) -> list[str]:
    """The first role before the salary's verb ("fleet analysts at large operators earn ...":
    the analysts), else the last one named."""
    low = text.lower()
    verb = _SALARY_WORDS.search(text)
    at = sorted(
        (i, n) for n in names if 0 <= (i := low.find(n.lower())) < (verb.start() if verb else len(text))
    )
    return [at[0][1]] if at else names[-1:]


def _titled(phrase: str) -> str:
    """ "computer vision engineers" -> "Computer Vision Engineers": a role as a title writes it."""
    return " ".join(word[:1].upper() + word[1:] for word in phrase.split())
