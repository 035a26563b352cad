"""Comparison answers: each side looked up on its own, a table of cited cells, a computed verdict.

Pay is compared like with like: where one article prices both sides in a region, its
figures are compared; otherwise each side's span over all articles. The verdict is
computed from the middle of the ranges, in one currency only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from advisor.answer.definition import defining_quote
from advisor.answer.models import Table
from advisor.answer.pay import (
    Money,
    cite_row,
    in_region_phrase,
    in_regions,
    level_of,
    levels_in_years,
    parse_range,
    region_of,
    role_rows,
)
from advisor.answer.question import Question
from advisor.answer.quotes import Quote, QuoteRanker, content_words, quotes_from_hits
from advisor.answer.sources import Citer, Library
from advisor.corpus.salaries import SalaryRow
from advisor.retrieval import Hit
from advisor.text.lexicon import normalize_term

__all__ = ["Search", "compose_comparison"]

Search = Callable[..., list[Hit]]  # (query, k=...) -> hits
ASPECT_K = 8  # passages searched for what a comparison asks about each side
LABEL_SHARE = 0.5  # a salary row's label names a side when it holds this share of the side's words
_ASKS_PAY = re.compile(
    r"\b(pay\w*|paid|earn\w*|salar\w*|make|makes|money|compensation|income|wages?)\b", re.I
)


@dataclass(frozen=True)
class _Spread:
    """One side's lowest and highest figure in one region and currency."""

    low: Money
    high: Money
    rows: tuple[SalaryRow, ...]

    @property
    def middle(self) -> float:
        return (self.low.value + self.high.value) / 2

    @property
    def text(self) -> str:
        return self.low.text if self.low.text == self.high.text else f"{self.low.text}–{self.high.text}"


def _spread(rows: Sequence[SalaryRow]) -> _Spread | None:
    parsed = [(r, p) for r in rows if (p := parse_range(r.range))]
    if not parsed:
        return None
    low = min((p[0] for _, p in parsed), key=lambda m: m.value)
    high = max((p[1] for _, p in parsed), key=lambda m: m.value)
    return _Spread(low, high, tuple(r for r, _ in parsed))


def _currency(row: SalaryRow) -> str:
    parsed = parse_range(row.range)
    return parsed[0].currency if parsed else ""


def _cell(spread: _Spread | None, library: Library, citer: Citer) -> str:
    if spread is None:
        return "not given"
    marks = "".join(f"[{n}]" for n in dict.fromkeys(cite_row(r, library, citer) for r in spread.rows))
    return f"{spread.text} {marks}"


def _more(a: str, b: str, sa: _Spread, sb: _Spread, where: str) -> str | None:
    """ "A pays more than B in X ($..–$.. against $..–$..)", or None when they are level."""
    if sa.middle == sb.middle or sa.low.currency != sb.low.currency:
        return None
    (wa, swa), (wb, swb) = ((a, sa), (b, sb)) if sa.middle > sb.middle else ((b, sb), (a, sa))
    return f"{wa} pays more than {wb}{where} ({swa.text} against {swb.text})"


def _pay_by_role(names: Sequence[str], regions: Sequence[str], levels: Sequence[str], library: Library,
                 citer: Citer) -> tuple[list[str], Table] | None:  # fmt: skip
    """Two or more roles: one row of the table per region, one column per role."""
    side_rows = [role_rows(n, library.salaries) for n in names]
    if levels:
        side_rows = [[r for r in rows if level_of(r) in levels] or rows for rows in side_rows]
    else:  # like with like: a side's range for every level, where it gives one, not its senior tier
        side_rows = [[r for r in rows if level_of(r) is None] or rows for rows in side_rows]
    if not all(side_rows):
        missing = [n for n, rows in zip(names, side_rows, strict=True) if not rows]
        if len(missing) == len(names):
            return None
        gap = (
            f"None of the articles gives a salary for {' or '.join(missing)}, so the pay cannot be compared."
        )
        present = [(n, rows) for n, rows in zip(names, side_rows, strict=True) if rows]
        cells = [(f"{n}{in_region_phrase(region_of(r))}", _cell(_spread([r]), library, citer))
                 for n, rows in present for r in rows[:6]]  # fmt: skip
        return [gap], Table("What the articles give", ("", "Pay"), tuple(cells))
    # Each side named as its source writes it ("MLOps / AI Infrastructure Engineer"), not as typed.
    names = [rows[0].role for rows in side_rows]
    keys: list[tuple[str, str]] = []
    for rows in side_rows:
        for r in rows:
            key = (region_of(r) or "", _currency(r))
            if key not in keys and (not regions or in_regions(r, regions)):
                keys.append(key)
    table_rows: list[tuple[str, ...]] = []
    verdicts: list[str] = []
    for region, currency in keys:
        here = [
            [r for r in rows if (region_of(r) or "") == region and _currency(r) == currency]
            for rows in side_rows
        ]
        # Like with like: an article that prices every side here is the fairest comparison.
        shared = set.intersection(*({r.doc_id for r in rows} for rows in here)) if all(here) else set()
        if shared:
            doc = min(shared)
            here = [[r for r in rows if r.doc_id == doc] for rows in here]
        spreads = [_spread(rows) for rows in here]
        table_rows.append((f"Pay{in_region_phrase(region)}", *(_cell(s, library, citer) for s in spreads)))
        if len(names) == 2 and spreads[0] and spreads[1]:
            source = f", by *{library.title(min(shared))}*" if shared else ""
            verdict = _more(names[0], names[1], spreads[0], spreads[1], in_region_phrase(region) + source)
            if verdict:
                verdicts.append(verdict)
    if not table_rows:
        return None
    lead = (
        "; ".join(verdicts[:3]) + "."
        if verdicts
        else "The articles give these figures; they do not settle which pays more."
    )
    return [lead[:1].upper() + lead[1:]], Table(None, ("", *names), tuple(table_rows))


def _pay_by_region(regions: Sequence[str], role: str | None, levels: Sequence[str], library: Library,
                   citer: Citer) -> tuple[list[str], Table] | None:  # fmt: skip
    """Two or more regions for one role: one row per level, one column per region."""
    rows = role_rows(role, library.salaries) if role else list(library.salaries)
    if levels:
        rows = [r for r in rows if level_of(r) in levels] or rows
    per_region = [[r for r in rows if in_regions(r, [region])] for region in regions]
    if not any(per_region):
        return None
    lv_keys = list(dict.fromkeys(level_of(r) for r in rows))
    table_rows: list[tuple[str, ...]] = []
    verdicts: list[str] = []
    for level in lv_keys:
        cells = [_spread([r for r in rs if level_of(r) == level]) for rs in per_region]
        if not any(cells):
            continue
        table_rows.append(
            (f"{level or 'all levels'}".capitalize(), *(_cell(c, library, citer) for c in cells))
        )
        a, b = cells if len(cells) == 2 else (None, None)
        if a and b and a.low.currency == b.low.currency and a.middle != b.middle:
            (hi_at, hi), (lo_at, lo) = sorted(zip(regions, cells, strict=True), key=lambda x: -x[1].middle)  # type: ignore[union-attr]
            at = f" at {level} level" if level else ""
            higher, lower = in_region_phrase(hi_at), in_region_phrase(lo_at)
            verdicts.append(f"pay{at} is higher{higher} ({hi.text}) than{lower} ({lo.text})")  # type: ignore[union-attr]
    if not table_rows:
        return None
    missing = [r for r, rs in zip(regions, per_region, strict=True) if not rs]
    lead = ""
    if missing:
        where = in_region_phrase(" or ".join(missing))
        lead = f"None of the articles gives a salary for {role or 'this role'}{where}. "
    if verdicts:
        lead += "; ".join(verdicts[:3]) + "."
    elif not missing:
        lead += "The articles give these figures in different currencies, shown side by side, not converted."
    lead = lead.strip()
    subject = role or "Pay"
    return [lead[:1].upper() + lead[1:]], Table(subject, ("Level", *regions), tuple(table_rows))


def _pay_by_label(sides: Sequence[str], library: Library, citer: Citer) -> tuple[list[str], Table] | None:
    """Sides no role names ("technical AI safety work at labs"): each the salary row whose own
    label shares most of its words ("Technical AI safety at labs: $150,000 – $400,000+")."""
    rows: list[SalaryRow] = []
    for side in sides:
        wanted = content_words(side)
        scored = [
            (len(wanted & content_words(row.quote.split(row.range, 1)[0])) / max(len(wanted), 1), row)
            for row in library.salaries
        ]
        best = max(scored, key=lambda item: item[0], default=(0.0, None))
        if best[1] is None or best[0] < LABEL_SHARE or best[1] in rows:
            return None
        rows.append(best[1])
    spreads = [_spread([row]) for row in rows]
    if not all(spreads):
        return None
    names = [row.quote.split(row.range, 1)[0].strip(" :–—-") for row in rows]
    verdict = _more(names[0], names[1], spreads[0], spreads[1], "") if len(rows) == 2 else None  # type: ignore[arg-type]
    if verdict:
        lead = f"{verdict}."
    elif len({spread.low.currency for spread in spreads if spread}) > 1:
        lead = "The articles give these figures in different currencies, shown side by side, not converted."
    else:
        lead = "The articles give these figures:"
    cells = tuple(_cell(spread, library, citer) for spread in spreads)
    return [lead[:1].upper() + lead[1:]], Table(None, ("", *names), (("Pay", *cells),))


# Words that frame a comparison rather than say what it is about.
_FRAME = content_words(
    "which one is better best worse more less the difference differences different differ between compare "
    "compared comparison versus vs or and what whats actually really how they should choose pick go for "
    "become aim someone do does would two both side sides career careers path paths job jobs role roles "
    "option options terms"
)


def aspect(question: str, sides: Sequence[str]) -> str:
    """What a comparison asks about beyond the sides: "easier to break into", "needs a PhD"; ""
    for a plain "what's the difference" between them."""
    text = question
    for side in sides:
        text = re.sub(re.escape(side), " ", text, flags=re.I)
    named = content_words(" ".join(sides))
    words = [
        w for w in re.findall(r"[\w'/-]+", text) if any(len(c) > 1 for c in content_words(w) - _FRAME - named)
    ]
    return " ".join(words)


def _side_quotes(name: str, others: Sequence[str], question: str, asked: str, search: Search,
                 library: Library, ranker: QuoteRanker) -> tuple[Quote | None, Quote | None]:  # fmt: skip
    """The best line about one side, retrieved on its own ("ML engineer" apart from "data
    scientist"), and, when the question asks about something (`asked`), its best line on that."""
    query = question
    for other in others:  # as typed, or in another spelling ("ML engineer" for "Machine Learning Engineer")
        query = re.sub(re.escape(other), " ", query, flags=re.I)
        query = f" {normalize_term(query)} ".replace(f" {normalize_term(other)} ", " ")
    hits = search(f"{name} {query}")
    candidates = _describing(name, others, hits, library)
    defined = defining_quote(name, hits, library)  # "Machine Learning is a subset of AI ..."
    if defined is None:
        best = ranker.best(query, candidates, 1)
        defined = best[0] if best else None
    on_it: list[Quote] = []
    if asked:  # searched on its own: "Research Scientist needs a PhD" finds what "which needs" does not
        found = search(f"{name} {asked}", ASPECT_K)
        on_side = _describing(name, others, found, library, in_section=True)
        on_it = ranker.best(f"{name} {asked}", on_side, 1)
    answer = on_it[0] if on_it and defined is not None and on_it[0].text not in defined.text else None
    return defined, answer


def _describing(name: str, others: Sequence[str], hits: list[Hit], library: Library,
                in_section: bool = False) -> list[Quote]:  # fmt: skip
    """The lines found that can describe one side: naming it, or else in its section, and no other
    side; with `in_section`, lines naming it and lines of its section alike."""
    quotes = [q for q in quotes_from_hits(hits, library.units) if q.kind != "row"]
    # A line that also names another side (or lists several roles) cannot tell this side apart.
    # A lead-in ("... the practitioner who:") says nothing until its items; it is no description.
    apart = [
        q for q in quotes if not _names_other(q.shown(), name, others, library) and not q.text.endswith(":")
    ]
    named = [q for q in apart if _names(q.text, name, library)]
    in_its_section = [q for q in apart if _names(q.hit.section or "", name, library)]
    if in_section:  # in its own section a line may name other roles as backgrounds ("Who it suits: ...")
        own = [
            q
            for q in quotes
            if _names(q.hit.section or "", name, library)
            and not any(_names(q.text, other, library) for other in others)
            and not q.text.endswith(":")
        ]
        return list({q.text: q for q in [*named, *own]}.values())
    return named or in_its_section or apart or quotes


def _names(text: str, name: str, library: Library) -> bool:
    """Whether a text names a side, as written or by another spelling of the same role."""
    named = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I)  # "AI" is not in "trains"
    return bool(named) or name in library.version.vocabulary.find_roles(text)


def _names_other(text: str, name: str, others: Sequence[str], library: Library) -> bool:
    """Whether a text names another side, or any other role (it relates roles, not describes one)."""
    if any(_names(text, other, library) for other in others):
        return True
    return bool(set(library.version.vocabulary.find_roles(text)) - {name})


def compose_comparison(question: Question, search: Search, library: Library, ranker: QuoteRanker,
                       citer: Citer) -> tuple[list[str], Table] | None:  # fmt: skip
    """A direct verdict, then a table with one column per side; None when nothing compares."""
    e = question.entities
    sides = list(question.sides)
    levels = e.levels or levels_in_years(question.text)
    # Pay is asked in this turn, or carried by a follow-up's query ("compare that ..." after a salary turn).
    asks_pay = bool(_ASKS_PAY.search(question.text) or _ASKS_PAY.search(question.query))
    if asks_pay and len(e.regions) >= 2 and set(sides) <= set(e.regions):
        return _pay_by_region(e.regions, e.roles[0] if e.roles else None, levels, library, citer)
    if asks_pay and len(e.levels) >= 2 and set(sides) <= set(e.levels):
        return _pay_by_levels(e.levels, e.roles[0] if e.roles else None, e.regions, library, citer)
    if asks_pay:
        paid = _pay_by_role(sides, e.regions, levels, library, citer) or _pay_by_label(sides, library, citer)
        if paid:
            return paid
    asked = aspect(question.text, sides)
    found = [
        _side_quotes(s, [o for o in sides if o != s], question.text, asked, search, library, ranker)
        for s in sides
    ]
    quotes = [described for described, _ in found]
    if not all(quotes) or len({q.text for q in quotes if q}) < len(quotes):
        return None  # the sides could not be told apart: the general answer does better
    both = _both_named(sides, question.query, search, library, ranker)
    if both is not None and re.search(r"[$£€]\d", both.text):
        both = None  # pay was not asked: a line of figures is no contrast of what they do
    lines = (
        [" ".join(f"{q.shown()} [{citer.quote(q)}]" for q in _with_other_half(both, sides, library))]
        if both
        else []
    )
    cells = tuple(f"{q.shown()} [{citer.quote(q)}]" for q in quotes if q)
    rows: list[tuple[str, ...]] = [("What the articles say", *cells)]
    answers = [on_it for _, on_it in found]
    if any(answers):  # what the question asks about each side, beyond what each is
        rows.append(("On your question", *(f"{q.shown()} [{citer.quote(q)}]" if q else "—" for q in answers)))
    lines = lines or ["The articles describe each on its own:"]
    return lines, Table(None, ("", *sides), tuple(rows))


def _pay_by_levels(levels: Sequence[str], role: str | None, regions: Sequence[str], library: Library,
                   citer: Citer) -> tuple[list[str], Table] | None:  # fmt: skip
    """Two levels of one role: one row per region, one column per level."""
    rows = role_rows(role, library.salaries) if role else []
    if regions:
        rows = [r for r in rows if in_regions(r, regions)] or rows
    table_rows: list[tuple[str, ...]] = []
    verdicts: list[str] = []
    for region in dict.fromkeys(region_of(r) for r in rows):
        cells = [_spread([r for r in rows if region_of(r) == region and level_of(r) == lv]) for lv in levels]
        if not any(cells):
            continue
        table_rows.append((f"Pay{in_region_phrase(region)}", *(_cell(c, library, citer) for c in cells)))
        if len(levels) == 2 and cells[0] and cells[1]:
            verdict = _more(
                f"{levels[0]} level", f"{levels[1]} level", cells[0], cells[1], in_region_phrase(region)
            )
            if verdict:
                verdicts.append(verdict)
    if not table_rows:
        return None
    lead = "; ".join(verdicts[:3]) + "." if verdicts else "The articles give these figures:"
    return [lead[:1].upper() + lead[1:]], Table(role, ("", *levels), tuple(table_rows))


def _both_named(sides: Sequence[str], query: str, search: Search, library: Library,
                ranker: QuoteRanker) -> Quote | None:  # fmt: skip
    """The best line that names every side: where an article itself compares them."""
    quotes = quotes_from_hits(search(query), library.units)
    both = [q for q in quotes if all(_names(q.text, side, library) for side in sides)]
    # A line naming other roles too lists titles ("... get used interchangeably"); it compares nothing.
    vocabulary = library.version.vocabulary
    both = [q for q in both if not set(vocabulary.find_roles(q.text)) - set(sides)]
    best = ranker.best(query, both, 1)
    return best[0] if best else None


def _with_other_half(quote: Quote, sides: Sequence[str], library: Library) -> list[Quote]:
    """A contrast and the sentence after it when that one names a side: "X focus on ... Y focus on ..."."""
    following = [q for q in library.quotes(quote.hit.chunk_id) if q.position == quote.position + 1]
    if (
        following
        and following[0].kind == "sentence"
        and any(_names(following[0].text, s, library) for s in sides)
    ):
        return [quote, replace(following[0], hit=quote.hit)]
    return [quote]
