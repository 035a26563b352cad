"""Salary answers: one summary line per level and region across sources, then the cited rows.

The figures come only from parsed salary rows (advisor.salaries), each quoted verbatim.
When the role, level or region asked about has no figure, the answer says so first and
labels what it shows instead as the nearest figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from advisor.answer.models import ChartBar
from advisor.answer.opening import ASKING_WORDS, stems
from advisor.answer.outliers import Figure, disagreeing
from advisor.answer.sources import Citer, Library
from advisor.corpus.salaries import SalaryRow
from advisor.text.lexicon import LEVELS, canonical_region, normalize_term
from advisor.text.money import Money, parse_range
from advisor.text.places import covers, place_of, region_in

__all__ = [
    "Figures",
    "Money",
    "PayLine",
    "find_figures",
    "in_region_phrase",
    "level_of",
    "parse_range",
    "role_rows",
]

MAX_ROWS = 12
_LEVEL_STEMS = stems(" ".join(LEVELS))  # levels are matched as levels (level_of), not as words
_PAY_WORDS = stems(
    "salary salaries pay paid earn earns earning make makes money wage wages income month year"
)
ROLE_SLACK = 0.2  # row roles this close to the best match are the same role written differently
_YEARS = re.compile(r"(\d+)\s*(?:\+|[-–]\s*\d+)?\s*(?:years?|yrs?)?")
# A span of years of experience: "3–7 years", "2 to 4 yrs", "5+ years".
_SPAN = re.compile(r"(\d{1,2})\s*(?:(?:[-–]|to\s)\s*(\d{1,2})|(\+))\s*(?:years?|yrs?)", re.I)
# Seniority by years of experience, for rows that give years instead of a word.
_BY_YEARS = ((8, "staff"), (5, "senior"), (2, "mid"), (0, "junior"))
_LEVEL_PREFIX = re.compile(
    r"^(?:(?:junior|senior|staff|principal|lead|entry[- ]level|mid[- ]level)\s+)+", re.I
)


def levels_in_years(text: str) -> tuple[str, ...]:
    """Levels a text gives as years of experience: "3-5 years" -> ("mid",)."""
    found = _SPAN.search(text)
    if not found:
        return ()
    low = int(found.group(1))
    return (next(level for floor, level in _BY_YEARS if low >= floor),)


def level_of(row: SalaryRow) -> str | None:
    """A row's seniority as a canonical level: from its words, else from its years."""
    text = f"{row.role} {row.level or ''}".lower()
    for alias, level in sorted(LEVELS.items(), key=lambda item: -len(item[0])):
        if re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
            return level
    years = _YEARS.search(row.level or "")
    if years and row.level and re.search(r"\d", row.level):
        low = int(years.group(1))
        return next(level for floor, level in _BY_YEARS if low >= floor)
    return None


def region_of(row: SalaryRow) -> str | None:
    return canonical_region(row.region) if row.region else None


def in_regions(row: SalaryRow, regions: Sequence[str], article_place: str | None = None) -> bool:
    """The row is for one of the regions: by its label, or a place its label names
    ("Global tech hubs (Berlin, Toronto, Singapore)" is in Germany), or, where its label names
    no place ("Offshore"), the place its article is about (`article_place`)."""
    if any(covers(asked, region_of(row)) for asked in regions):
        return True
    if row.region and place_of(row.region) is None and article_place is not None:  # "Offshore"
        return any(covers(asked, article_place) for asked in regions)
    label = row.quote.split(row.range, 1)[0] if row.region else ""
    places = [
        canonical_region(p.strip()) for group in re.findall(r"\(([^)]*)\)", label) for p in group.split(",")
    ]
    return any(covers(asked, place) for asked in regions for place in places)


def _role_key(role: str) -> set[str]:
    return set(re.split(r"[\s/]+", normalize_term(_LEVEL_PREFIX.sub("", role).strip()))) - {""}


def role_rows(role: str, rows: Iterable[SalaryRow]) -> list[SalaryRow]:
    """The rows of the role asked about: the row roles that share the most of its name.

    A row role written with alternatives ("Prompt Engineer / AI Solutions Specialist")
    matches on any of them. A match needs most of the asked name and most of the row's.
    """
    asked = _role_key(role)
    if not asked:
        return []
    scored: list[tuple[float, SalaryRow]] = []
    for row in rows:
        best = 0.0
        # "Prompt Engineer / AI Solutions Specialist" is either; "AI Engineer (LLM/GenAI)" is
        # "AI Engineer" or "LLM/GenAI engineer".
        names = re.split(r"\s+/\s+", row.role)
        variants = [*names, *(re.sub(r"\s*\(.*?\)", "", n) for n in names)]
        for alternative in variants:
            key = _role_key(alternative)
            if key:
                best = max(best, len(asked & key) / len(asked | key))
        scored.append((best, row))
    top = max((s for s, _ in scored), default=0.0)
    return [r for s, r in scored if s >= max(0.5, top - ROLE_SLACK)]


@dataclass(frozen=True)
class PayLine:
    """The range across sources for one level and region of a role."""

    level: str | None
    region: str | None
    low: Money
    high: Money
    rows: tuple[SalaryRow, ...]
    role: str | None = None  # the row's role, where lines of several roles are shown side by side

    @property
    def articles(self) -> int:
        return len({r.doc_id for r in self.rows})

    @property
    def range(self) -> str:
        return self.low.text if self.low.text == self.high.text else f"{self.low.text}–{self.high.text}"

    @property
    def years(self) -> str:
        """The years of the articles behind the line: "2026", "2024, 2026", "2025, undated"."""
        dates = {r.doc_id: r.date for r in self.rows}
        years = sorted({d[:4] for d in dates.values() if d})
        return ", ".join(years + (["undated"] if None in dates.values() or "" in dates.values() else []))

    @property
    def label(self) -> str:
        if self.role:
            return f"{self.role}, {self.region}" if self.region else self.role
        level = f"{self.level} level" if self.level else "all levels together"
        return f"{level}, {self.region}" if self.region else level


def pay_lines(rows: Sequence[SalaryRow], by_level: bool = True, by_role: bool = False) -> list[PayLine]:
    """Rows grouped by level (unless not by_level), region and currency, and by role when several
    roles are shown and none was asked (their figures are never pooled); each group's span."""
    groups: dict[tuple[str | None, str | None, str, str], list[tuple[SalaryRow, Money, Money]]] = {}
    for row in rows:
        parsed = parse_range(row.range)
        if parsed is None:
            continue
        low, high = parsed
        level = level_of(row) if by_level else None
        role = role_label(row) if by_role else ""
        groups.setdefault((level, region_of(row), low.key, role), []).append((row, low, high))
    lines = []
    for (level, region, _, role), members in groups.items():
        low = min((m[1] for m in members), key=lambda money: money.value)
        high = max((m[2] for m in members), key=lambda money: money.value)
        one_level = {level_of(m[0]) for m in members}  # rows merged across levels may share one
        level = level or (one_level.pop() if len(one_level) == 1 else None)
        lines.append(PayLine(level, region, low, high, tuple(m[0] for m in members), role or None))
    order = {lv: i for i, lv in enumerate(dict.fromkeys(LEVELS.values()))}
    rows_in = {ln.region: 0 for ln in lines}
    for ln in lines:
        rows_in[ln.region] += len(ln.rows)
    first_seen = {region: i for i, region in enumerate(dict.fromkeys(region_of(r) for r in rows))}
    # The region most rows price first, then the one the articles give first (the table's first
    # column, not the alphabet's "Remote"); within it, levels from junior up.
    return sorted(
        lines,
        key=lambda ln: (
            -rows_in[ln.region],
            first_seen.get(ln.region, 99),
            order.get(ln.level or "", 99),
            ln.low.value,
        ),
    )


@dataclass(frozen=True)
class Figures:
    """What the corpus prices for a question: the rows that answer it, or a gap and the nearest."""

    rows: list[SalaryRow]  # the answer's rows (empty when there is a gap and nothing near)
    gap: str | None  # what no article prices: "data engineer", "ML Engineer in India"
    nearest: bool  # the rows are the nearest figures, not the answer
    subject: str = "these roles"  # the role asked about, as the question names it
    levels: tuple[str, ...] = ()  # the levels asked about
    other_roles: bool = False  # the gap is the role itself: the rows are other roles'


def find_figures(roles: Sequence[str], levels: Sequence[str], regions: Sequence[str],
                 library: Library, retrieved: set[str], asked: str = "") -> Figures:  # fmt: skip
    """The rows for the role, level and region asked; `retrieved` holds the passages' texts.
    `asked` is the question: its words that only some rows' labels hold ("newly qualified",
    "offshore", "Christchurch") narrow the rows to those."""
    rows = library.salaries
    role = roles[0] if roles else None
    if role:
        rows = role_rows(role, rows)
        if not rows:
            near = [r for r in library.salaries if any(r.quote in text for text in retrieved)]
            return Figures(_narrow(near, levels, regions)[:MAX_ROWS], role, True, role, other_roles=True)
    else:
        rows = [r for r in rows if any(r.quote in text for text in retrieved)]
        if not rows:
            return Figures([], None, False)
    subject = role or "these roles"
    if regions:
        about = {doc: region_in(library.title(doc)) for doc in {r.doc_id for r in rows}}  # once per article
        in_region = [r for r in rows if in_regions(r, regions, about[r.doc_id])]
        if not in_region:
            gap = f"{subject} in {' or '.join(regions)}"
            return Figures(_narrow(rows, levels, ())[:MAX_ROWS], gap, True, subject, tuple(levels))
        rows = in_region
    if levels:
        # A table row labelled only by a level ("Principal / Distinguished") belongs to the
        # role its article's other rows price.
        docs = {r.doc_id for r in rows}
        rows += [r for r in library.salaries if r.doc_id in docs and _only_level(r.role) and r not in rows]
        at_level = [r for r in rows if level_of(r) in levels]
        if at_level:  # a range for all levels together is no answer beside the level's own
            rows = at_level
        else:  # a range "for all levels" does not price the level asked: it is the nearest figure
            where = in_region_phrase(regions[0]) if len(regions) == 1 else ""
            gap = f"{subject} at {' or '.join(levels)} level{where}"
            nearest = [r for r in rows if level_of(r) is None] or rows
            return Figures(nearest[:MAX_ROWS], gap, True, subject, tuple(levels))
    titles = [library.title(doc) for doc in {r.doc_id for r in rows}]
    rows = years_rows(asked, named_rows(asked, rows, [*roles, *titles]))
    return Figures(rows[:MAX_ROWS], None, False, subject, tuple(levels))


def named_rows(asked: str, rows: list[SalaryRow], subjects: Sequence[str] = ()) -> list[SalaryRow]:
    """The rows whose labels hold most of the question's words that tell rows apart: words of
    the rows' role, level or column the question names beyond what it asks about (`subjects`:
    the role asked, the rows' articles' titles). A word every row's label holds, or none does,
    tells nothing."""
    labels = [_label_words(row) for row in rows]
    words = (stems(asked) - ASKING_WORDS - _PAY_WORDS - _LEVEL_STEMS).difference(
        *(stems(s) for s in subjects)
    )
    if not labels:
        return rows
    every: frozenset[str] = frozenset.intersection(*labels)
    telling = words & (frozenset().union(*labels) - every)  # held by some rows' labels, not all
    if not telling:
        return rows
    held = [len(telling & label) for label in labels]
    return [row for row, n in zip(rows, held, strict=True) if n == max(held)]


_NUMBER_WORDS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}
_ASKED_YEARS = re.compile(
    rf"(?<![\d–-])(\d{{1,2}}|{'|'.join(_NUMBER_WORDS)})\s*(?:years?|yrs?)\b(?!\s*(?:old|of age|ago))", re.I
)


def years_rows(asked: str, rows: list[SalaryRow]) -> list[SalaryRow]:
    """Where the question gives one number of years ("~5 yrs experience", "after five years"),
    the rows whose span of years holds it ("3–7 years", "5+ years"), if any row gives one."""
    found = _ASKED_YEARS.search(asked)
    if not found:
        return rows
    word = found.group(1).lower()
    years = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    holding = []
    for row in rows:
        span = _SPAN.search(f"{row.role} {row.level or ''}")
        if span and int(span.group(1)) <= years <= (int(span.group(2)) if span.group(2) else 99):
            holding.append(row)
    return holding or rows


def _label_words(row: SalaryRow) -> frozenset[str]:
    return stems(f"{row.role} {row.level or ''} {row.region or ''}")


def _only_level(role: str) -> bool:
    words = [w for w in re.split(r"[\s/]+", role.lower()) if w]
    return bool(words) and all(w in LEVELS for w in words)


def _narrow(rows: list[SalaryRow], levels: Sequence[str], regions: Sequence[str]) -> list[SalaryRow]:
    """Rows narrowed to the level and region asked, where that leaves any."""
    if regions:
        rows = [r for r in rows if in_regions(r, regions)] or rows
    if levels:
        rows = [r for r in rows if level_of(r) in levels] or rows
    return rows


def role_label(row: SalaryRow) -> str:
    """Role and level as the source writes them: "Junior ML Engineer (0-2 years)"."""
    if not row.level:
        return row.role
    glued = f"{row.role} ({row.level})"
    return glued if glued in row.quote else f"{row.role}, {row.level}"


def cite_row(row: SalaryRow, library: Library, citer: Citer) -> int:
    hit = library.hit_with_text(row.quote, row.doc_id, row.role)
    assert hit is not None, "a salary row is quoted from its own article"
    return citer.cite(hit, row.quote)


def compose_pay(figures: Figures, library: Library, citer: Citer) -> tuple[list[str], list[ChartBar]]:
    """The answer's lines (direct answer, summary per level and region, rows) and its chart."""
    lines: list[str] = []
    if figures.gap:
        lines.append(f"None of the articles gives a salary for {figures.gap}.")
        if figures.other_roles and figures.rows:
            first_rows = list({r.role: r for r in reversed(figures.rows)}.values())[::-1][:5]
            named = ", ".join(f"{r.role} [{cite_row(r, library, citer)}]" for r in first_rows)
            lines.append(
                f"They do give salaries for other roles, which are not an answer for this one: {named}."
            )
            return lines, []
        if not figures.rows:
            return lines, []
        lines.append("The nearest figures they give are these; they are not for what you asked:")
    several = figures.subject == "these roles"  # no role asked: each role's figures on their own
    rows, apart = _agreeing(figures.rows, one_role=not several)
    if not rows:  # every figure disagrees with another article's: none is a headline
        return [*lines, *_apart_lines(apart, library, citer)], []
    figures = replace(figures, rows=rows)
    summary = pay_lines(figures.rows, by_level=not figures.gap or bool(figures.levels), by_role=several)
    chart: list[ChartBar] = []
    summary_lines: list[str] = []
    for line in summary:
        marks = "".join(f"[{n}]" for n in dict.fromkeys(cite_row(r, library, citer) for r in line.rows))
        across = f" across {line.articles} articles" if line.articles > 1 else ""
        label = line.label[:1].upper() + line.label[1:]
        if len(line.rows) == 1:  # one row: as its article writes it
            summary_lines.append(f"- {_row_line(line.rows[0], figures.levels)} ({line.years}) {marks}")
        else:
            summary_lines.append(f"- {label}: {line.range}{across} ({line.years}) {marks}")
        chart.append(ChartBar(label, line.low.value, line.high.value, line.low.currency,
                              cite_row(line.rows[0], library, citer)))  # fmt: skip
    if not figures.gap:
        lines.append(_direct(figures.subject, summary, figures.levels))
    lines += [
        *(summary_lines if not figures.gap else ["", *summary_lines]),
        *_apart_lines(apart, library, citer),
    ]
    if figures.gap or all(len(line.rows) == 1 for line in summary):  # each line is its one row
        return lines, chart
    lines += ["", "The rows behind these figures:", ""]
    lines += [f"- {_row_line(row, figures.levels)} [{cite_row(row, library, citer)}]" for row in figures.rows]
    return lines, chart


def _row_line(row: SalaryRow, levels: Sequence[str] = ()) -> str:
    """A salary row as its article writes it: "**Junior ML Engineer (0-2 years), UK**: £45,000 – £65,000".
    Where a level was asked and the row names none, it says the range is all levels'."""
    region = f", {row.region}" if row.region else ""
    after = row.quote.split(row.range, 1)[-1].strip()  # "(at OpenAI, DeepMind, ...)"
    note = f" {after}" if after.startswith("(") else ""
    pooled = " (all levels together)" if levels and level_of(row) is None else ""
    return f"**{role_label(row)}{region}**{pooled}: {row.range}{note}"


def _agreeing(rows: list[SalaryRow], one_role: bool) -> tuple[list[SalaryRow], list[SalaryRow]]:
    """(rows that count, rows far outside what other articles give: outliers.py decides)."""
    priced: list[tuple[SalaryRow, Figure]] = []
    for row in rows:
        bounds = parse_range(row.range)
        if bounds is not None:
            role = None if one_role else frozenset(_role_key(row.role))
            group = (role, level_of(row), region_of(row), bounds[0].currency)
            priced.append((row, Figure(row.doc_id, group, bounds[0].value, bounds[1].value)))
    far = disagreeing([figure for _, figure in priced])
    apart = [row for (row, _), outside in zip(priced, far, strict=True) if outside]
    return [r for r in rows if r not in apart], apart


def _apart_lines(apart: list[SalaryRow], library: Library, citer: Citer) -> list[str]:
    """Each figure that disagrees with the other articles, said apart and not counted."""
    lines = []
    for row in apart:
        region = f", {row.region}" if row.region else ""
        n = cite_row(row, library, citer)
        lines.append(
            f"- One article claims {row.range} for {role_label(row)}{region} [{n}], "
            "far outside what the other articles give for it; it is not counted above."
        )
    return ["", *lines] if lines else []


def _direct(subject: str, summary: list[PayLine], levels: Sequence[str]) -> str:
    """One sentence: the range for the role (and level) asked, in the first region."""
    summary = [ln for ln in summary if ln.level in levels] or summary
    first = summary[0]
    if first.role:  # several roles: each its own figures, never one span across them
        level = f" at {' or '.join(levels)} level" if levels else ""
        if len(summary) == 1:  # its line names its role, level and region
            return "The articles give one figure for this:"
        return f"The articles give these figures{level}{in_region_phrase(first.region)}, role by role:"
    same = [ln for ln in summary if ln.region == first.region and ln.low.key == first.low.key]
    low = min((ln.low for ln in same), key=lambda m: m.value)
    high = max((ln.high for ln in same), key=lambda m: m.value)
    articles = len({r.doc_id for ln in same for r in ln.rows})
    sources = f"across {articles} articles" if articles > 1 else "in one article"
    span = low.text if low.text == high.text else f"{low.text} to {high.text}"
    level = f" at {' or '.join(levels)} level" if levels and first.level in levels else ""
    return f"Pay for {subject}{level}{in_region_phrase(first.region)} runs from {span} {sources}:"


def in_region_phrase(region: str | None) -> str:
    """ " in the US", " in India", " working remotely", "" (an acronym takes "the")."""
    if not region:
        return ""
    if region.strip().lower() == "remote":  # not a place
        return " working remotely"
    if place_of(region) is None:  # a setting its table names: "Offshore", "Big Tech"
        return f" ({region})"
    return f" in the {region}" if region.isupper() else f" in {region}"
