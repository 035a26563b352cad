"""The extractive answerer: an answer shaped by the question's kind, built only from quotes.

It needs no LLM. Every claim is a verbatim quote or a template filled with names and
figures copied from cited quotes, so every citation quote is a substring of its chunk
and no figure is ever rewritten. The kinds' compositions live in their own modules; this
one picks among them and holds the general case: the best quote, then supporting ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from advisor.answer.advice import direct_answers, faq_reply
from advisor.answer.asks import Ask, heading_of
from advisor.answer.comparison import compose_comparison
from advisor.answer.coverage import Coverage
from advisor.answer.definition import (
    MAX_LIST,
    asked_term,
    best_quotes,
    defining_quote,
    list_after,
    refers_back,
    whole_list,
)
from advisor.answer.evidence import Evidence
from advisor.answer.fit import fitting
from advisor.answer.gaps import (
    Mentions,
    asked_measure,
    is_pay_figure,
    not_covered_line,
    unmentioned_names,
    unpriced_line,
)
from advisor.answer.listing import (
    Entry,
    background_quotes,
    compose_entries,
    labelled_lines,
    list_items,
    modified_list,
    more_note,
    narrowed,
    role_of,
    role_sections,
    role_topic_line,
    section_lines,
    series,
    sibling_sections,
    topic_sections,
    whole_sections,
)
from advisor.answer.models import Answer, Step
from advisor.answer.opening import Articles, Focus, Opening, stems
from advisor.answer.parts import Part, join_parts
from advisor.answer.pay import compose_pay, find_figures, levels_in_years
from advisor.answer.plan import (
    best_plans,
    compose_ordered_list,
    compose_period,
    compose_plan,
    neighbour_step,
    ordered_list,
    period_steps,
    plan_of,
)
from advisor.answer.profile import Profile
from advisor.answer.question import (
    LIST_TOPICS,
    Kind,
    Question,
    asked_period,
    names_topic,
    topic_modifier,
    topic_words,
)
from advisor.answer.quotes import Quote, QuoteRanker, content_words, near_duplicate, quotes_from_hits
from advisor.answer.roles import loose_roles
from advisor.answer.sources import Citer, Library
from advisor.ingest.shapes import glued_cells
from advisor.retrieval import Hit, Retriever, Searches

__all__ = ["ExtractiveAnswerer"]

MAX_SUPPORT = 4  # supporting bullets after the first sentence
BARE_NAME_WORDS = (
    6  # a list item this short is a name on its own ("Prompt Engineer / AI Solutions Specialist")
)
SUPPORT_RATIO = 0.8  # a supporting line scores at least this share of the opening's score (dev readers)
SUPPORT_BAR = 0.6  # ... and at least this (Opening's score: cosine + focus + shape), fitted on dev
SIDE_K = 4  # passages retrieved for each side of a comparison
PLAN_K = 5  # passages searched again for a plan when those found hold none
ADVICE_K = 10  # passages searched for a yes/no question's direct reply
DIRECT_SHARE = 0.8  # a direct reply is at least this close in meaning as the best other quote
BACKGROUND_WORDS = 4  # a background this short ("backend developer") can be named in a sentence
_ASKS_LIST = re.compile(r"^\W*(?:which|what)\s+\w+s\b|\b(?:list|full list|all of them|name them)\b", re.I)
LIST_CANDIDATES = 3  # a list answers when one of the best lines for the ask is its item ...
LIST_FOCUS = 0.45  # ... holding this share of the ask's focus
MAX_ITEMS = 15  # items of one list shown; past that, how many more there are
_ONE_THING = re.compile(
    r"^\W*(?:which|what)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:tool|framework|library|platform|database|language|certification|cert|course|service|model|one)\b(?!s)",
    re.I,
)
SHORT_WORDS = 8  # a sentence this short says something of its heading: the heading goes before it
REFER_WORDS = 6  # a pronoun among a sentence's first words refers to something said before it
RELATED = 2  # lines offered after saying a topic is not covered
RELATED_FOCUS = 0.6  # ... each holding this share of the ask's weighted focus
DIRECT_FOCUS = 0.45  # a line holding this share of the ask's weighted focus answers it directly (dev)
# Kinds whose structure is the direct answer: pay lines, a verdict and its table, steps, the line
# that defines the term, the roles that fit, the list asked for (which opens with its item).
_STRUCTURE_ANSWERS = frozenset(
    {Kind.SALARY, Kind.COMPARISON, Kind.PLAN, Kind.DEFINITION, Kind.ROLE_FIT, Kind.LIST}
)
_REFERS = re.compile(r"\b(this|it|these|they|them)\b", re.I)
_TIMED_PLAN = re.compile(r"\b(?:days?|weeks?|months?|years?|plan|roadmap|timeline|schedule)\b", re.I)
_END_STEP = re.compile(r"\b(first|opening|last|final)\s+(?:step|stage|phase|month|part|milestone)s?\b", re.I)
_HOW_LONG = re.compile(r"\bhow (?:long|many (?:days|weeks|months|years))\b", re.I)


class ExtractiveAnswerer:
    """Composes an answer per question kind from one index version's passages and units."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        self.library = Library(retriever.version, retriever.gate)
        version = retriever.version
        self.evidence = Evidence(
            f"{version.documents[c.doc_id].title} {c.section or ''} {c.text}" for c in version.chunks.values()
        )  # the library's passages, as Evidence.words reads a hit
        self.ranker = QuoteRanker(retriever.embedder, retriever.quote_vector, self.evidence.score)
        self._lines = [u.text for units in self.library.units.values() for u in units]
        headings = [
            *(c.section or "" for c in version.chunks.values()),
            *(d.title for d in version.documents.values()),
        ]
        focus = Focus([*self._lines, *headings])  # the library's words, by their rarity among its lines
        words: dict[str, set[str]] = {}
        for units in self.library.units.values():
            for unit in units:
                words.setdefault(unit.doc_id, set()).update(stems(unit.text))
        articles = Articles({doc: frozenset(w) for doc, w in words.items()})
        self.opening = Opening(self.ranker, focus, articles)
        self.coverage = Coverage(focus, retriever.embedder)
        self.mentions = Mentions(
            [*(c.text for c in version.chunks.values()), *(c.section or "" for c in version.chunks.values()),
             *(d.title for d in version.documents.values())]
        )  # fmt: skip

    def answer_asks(
        self, asks: list[Ask], evidence: list[list[Hit]], profile: Profile, search: Searches
    ) -> Answer:
        """A message's answer: each ask answered with its own passages, in the order asked;
        `search` is the turn's, which found them."""
        several = len(asks) > 1
        parts = [
            Part(
                heading_of(ask.text) if several else None,
                self.answer(ask.question, hits, profile, ask.also, search),
            )
            for ask, hits in zip(asks, evidence, strict=True)
        ]
        answer = join_parts(parts)
        answer.kind = str(asks[0].kind)
        return answer

    def answer(
        self,
        question: Question,
        hits: list[Hit],
        profile: Profile | None = None,
        also: tuple[str, ...] = (),
        search: Searches | None = None,
    ) -> Answer:
        """One ask's answer; `also` are the searches made for people like the asker, whose lines
        may open a plan written for everyone. A composer that needs more passages asks `search`
        (the turn's: nothing is searched twice)."""
        # Where a kind takes the first passage that has something, "first" is by evidence: the
        # same five passages give the same answer whichever fusion ordered them.
        profile = profile or Profile()
        search = search or Searches(self.retriever)
        hits = self.evidence.order(question.query, hits)
        unpriced = unpriced_line(question.text, self._lines)
        if unpriced is not None:  # a price or an hourly rate: salary rows would not answer it
            general = self._general(question.query, hits, keep=lambda q: not is_pay_figure(q.text))
            general.answer = f"{unpriced} What the articles do say:\n\n{general.answer}"
            general.kind = str(question.kind)
            general.gaps = [
                "hourly or day rates" if asked_measure(question.text) == "rate" else "what it costs"
            ]
            return general
        ranked = self.opening.rank(
            _asked(question), question.query, quotes_from_hits(hits, self.library.units)
        )
        names = unmentioned_names(question.text, self.mentions)  # said first below, with what is there
        gap = [] if names else self.coverage.uncovered(question, hits, ranked[0].focus if ranked else 0.0)
        if gap:  # in scope, but about something no article treats: said at the level of the question
            return self._not_covered(question, hits, gap)
        composed: Answer | None = None
        if question.kind is Kind.SALARY and len(question.entities.roles) >= 2:  # "X pay against Y pay"
            composed = self._comparison(replace(question, sides=question.entities.roles), search)
        if question.kind is Kind.SALARY:
            composed = composed or self._salary(question, hits)
        elif question.kind is Kind.COMPARISON and len(question.sides) >= 2:
            composed = self._comparison(question, search)
        elif question.kind is Kind.PLAN:
            composed = self._plan(question, hits, search)
        elif question.kind is Kind.LIST:
            composed = self._list(question, hits, search)
        elif question.kind is Kind.ROLE_FIT:
            composed = self._role_fit(question, hits, profile)
        elif question.kind is Kind.DEFINITION:
            composed = self._definition(question, hits)
        elif question.kind is Kind.ADVICE:
            composed = self._advice(question, hits, search)
        elif question.kind is Kind.GENERAL and _ASKS_LIST.search(question.text):  # "which makers ...?"
            composed = self._item_list(question, hits)
        if question.kind in (Kind.DEFINITION, Kind.ROLE_FIT, Kind.GENERAL):  # an FAQ asking it answers first
            composed = self._faq(question.query, hits) or composed
        answer = composed or self._general(question.query, hits, asked=_asked(question))
        situated = question.kind is Kind.PLAN and bool(also)  # a plan, for someone coming from somewhere
        if composed is not None and (question.kind not in _STRUCTURE_ANSWERS or situated):
            answer = self._opened(question, hits, answer, " ".join(also))
        answer.kind = str(question.kind)
        return self._say_what_is_not_covered(question, answer)

    def _not_covered(self, question: Question, hits: list[Hit], gap: list[str]) -> Answer:
        """Says what the articles do not cover, then at most two lines about the rest of the ask."""
        lines = [f"{not_covered_line(gap)} I can't answer that from them."]
        quotes = quotes_from_hits(hits, self.library.units)
        related = [s.quote for s in self.opening.rank(_asked(question), question.query, quotes)
                   if s.focus >= RELATED_FOCUS][:RELATED]  # fmt: skip
        citer = Citer()
        if related:
            lines += ["", "What they do say that comes close:", ""]
            lines += [f"- {self._line(q, citer, set())}" for q in related]
        answer = Answer("\n".join(lines), citer.citations, False, "extractive")
        answer.kind, answer.gaps = str(question.kind), gap
        return answer

    def _opened(self, question: Question, hits: list[Hit], composed: Answer, also: str = "") -> Answer:
        """The composed answer, after the line that answers directly when it does not open with it.

        A kind's structure (a list, a table, a role's lines) is shape; the line of the library that
        holds the ask's focus is the answer, and comes first.
        """
        quotes = quotes_from_hits(hits, self.library.units)
        asked = f"{_asked(question)} {also}".strip()
        ranked = self.opening.rank(asked, asked, quotes)
        if not ranked or ranked[0].focus < DIRECT_FOCUS:
            return composed
        best = ranked[0].quote
        opening = composed.answer.strip().split("\n\n", 1)[0]
        if best.text in opening or any(
            best.text in c.quote or c.quote in best.text for c in composed.citations[:1]
        ):
            return composed
        citer = Citer()
        direct = Answer(self._line(best, citer, set()), citer.citations, False, "extractive")
        joined = join_parts([Part(None, direct), Part(None, composed)])
        joined.kind, joined.gaps = composed.kind, composed.gaps
        return joined

    def _say_what_is_not_covered(self, question: Question, answer: Answer) -> Answer:
        """A name asked about that no article mentions ("AI-102") is said to be missing first."""
        missing = unmentioned_names(question.text, self.mentions)
        if not missing or answer.refused or answer.answer.startswith("None of the articles"):
            return answer
        answer.answer = f"{not_covered_line(missing)} What the articles do say:\n\n{answer.answer}"
        return answer

    # the general case ---------------------------------------------------------------

    def _chosen(self, asked: str, query: str, quotes: list[Quote]) -> list[Quote]:
        """The opening line and the lines that support it: each above the relevance bar, none a
        near-copy of one before it."""
        ranked = self.opening.rank(asked, query, quotes)
        if not ranked:
            return []
        chosen = [ranked[0].quote]
        for scored in ranked[1:]:
            if len(chosen) > MAX_SUPPORT or scored.score < max(SUPPORT_BAR, ranked[0].score * SUPPORT_RATIO):
                break
            if not any(near_duplicate(scored.quote.text, c.text) for c in chosen):
                chosen.append(scored.quote)
        return chosen

    def _general(
        self,
        query: str,
        hits: list[Hit],
        citer: Citer | None = None,
        keep: Callable[[Quote], bool] | None = None,
        asked: str | None = None,
    ) -> Answer:
        quotes = [q for q in quotes_from_hits(hits, self.library.units) if keep is None or keep(q)]
        chosen = self._chosen(asked or query, query, quotes)
        if not chosen:
            return Answer("The passages I found contain no quotable text.", [], True, "extractive")
        in_order = self._steps_of_one_plan(chosen, citer)
        if in_order is not None:
            return in_order
        citer = citer or Citer()
        shown: set[str] = set()
        lines: list[str] = []
        listed: set[str] = set()
        for i, quote in enumerate(chosen):
            if quote.text in listed:
                continue
            lines += (
                [self._line(quote, citer, shown)]
                if i == 0
                else [*([""] if i == 1 else []), f"- {self._line(quote, citer, shown)}"]
            )
            items = [item for item in list_after(quote, self.library) if item.text not in listed]
            listed.update(item.text for item in items)  # the list its paragraph goes on to give
            lines += _item_lines(items, citer, "  " if i == 0 else "    ")
        return Answer("\n".join(lines), citer.citations, False, "extractive")

    def _steps_of_one_plan(self, chosen: list[Quote], citer: Citer | None) -> Answer | None:
        """Most of the best quotes are steps of one plan ("Months 5-7", "Months 3-4", ...): that
        plan answers, in its own order, rather than its steps in the order they scored."""
        # A step is a quote opening with its label ("Months 5-7: ..."), not any line under a step's heading.
        sequences = [q.sequence for q in chosen if q.sequence and q.label and q.text.startswith(q.label)]
        common = max(set(sequences), key=sequences.count) if sequences else None
        if common is None or sequences.count(common) * 2 <= len(chosen) or sequences.count(common) < 2:
            return None
        plan = plan_of(common, self.library)
        if plan is None:
            return None
        citer = citer or Citer()
        lines, steps = compose_plan([plan], self.library, citer)
        return Answer("\n".join(lines), citer.citations, False, "extractive", steps=steps)

    @staticmethod
    def _line(quote: Quote, citer: Citer, shown: set[str]) -> str:
        """A quote with its lead-in, unless an earlier line already showed that lead-in."""
        text = quote.text if quote.context in shown or (quote.context or "") in quote.text else quote.shown()
        if quote.kind == "row" and (cells := glued_cells(quote.text)):  # "Role$1£2" as the table's cells
            text = f"| {' | '.join(cells)} |"
        heading = quote.heading
        # "Complete this before ..." under "Deep Learning Specialization": the heading says what "this" is.
        if quote.kind == "sentence" and not quote.context and heading and heading not in shown:
            opening = " ".join(quote.text.split()[:REFER_WORDS])
            short = len(quote.text.split()) <= SHORT_WORDS  # "The fastest-growing role in 2026."
            if (_REFERS.search(opening) or short) and heading.lower() not in quote.text.lower():
                text = f"*{heading}:* {text}"
                shown.add(heading)
        shown.update((quote.text, quote.context or ""))
        return f"{text} [{citer.quote(quote)}]"

    def _notes(self, query: str, hits: list[Hit], citer: Citer, limit: int = 1) -> list[str]:
        """Context the structured part leaves out: the best prose quotes, not other rows."""
        quotes = [q for q in quotes_from_hits(hits, self.library.units) if q.kind == "sentence"]
        chosen = [q for q in self.ranker.best(query, quotes, limit + 1) if "$" not in q.text[:1]][:limit]
        if not chosen:
            return []
        return ["", "Also from the articles:", "", *(f"- {q.shown()} [{citer.quote(q)}]" for q in chosen)]

    # the kinds ------------------------------------------------------------------------

    def _salary(self, question: Question, hits: list[Hit]) -> Answer | None:
        e = question.entities
        levels = e.levels or levels_in_years(question.text)
        roles = e.roles or loose_roles(question.text, self.library.version.vocabulary.roles)
        figures = find_figures(roles, levels, e.regions, self.library, {h.text for h in hits}, question.text)
        if not figures.rows and not figures.gap:
            return None
        citer = Citer()
        lines, chart = compose_pay(figures, self.library, citer)
        if not figures.rows:
            general = self._general(question.query, hits, citer)
            lines += ["", "What the articles do say:", "", general.answer]
        answer = Answer("\n".join(lines), citer.citations, False, "extractive", chart=chart or None)
        answer.gaps = (
            [f"a salary for {figures.gap}"] if figures.gap else []
        )  # "None of the articles gives ..."
        return answer

    def _comparison(self, question: Question, searches: Searches) -> Answer | None:
        def search(query: str, k: int = SIDE_K) -> list[Hit]:
            return self.evidence.order(query, searches(query, k))

        citer = Citer()
        composed = compose_comparison(question, search, self.library, self.ranker, citer)
        if composed is None:
            return None
        lines, table = composed
        lines = [*lines, "", table.markdown()]
        return Answer("\n".join(lines), citer.citations, False, "extractive", table=table)

    def _plan(self, question: Question, hits: list[Hit], search: Searches) -> Answer | None:
        ordered = ordered_list(question.query, hits, self.library)
        if ordered:
            citer = Citer()
            lines, steps = compose_ordered_list(ordered, self.library, citer)
            return Answer("\n".join(lines), citer.citations, False, "extractive", steps=steps)
        levels = self._levels(question, hits)
        if levels is not None:
            return levels
        terms = self.opening.focus.terms(_asked(question))
        subject = partial(self.opening.articles.share, terms)
        plans = best_plans(question.query, hits, self.library, self.evidence.score, subject)
        if not plans:  # "show me a roadmap to ...": the passages found describe the role, not its plan
            planned = search(f"{question.query} step by step plan", PLAN_K)
            planned = self.evidence.order(question.query, planned)
            plans = best_plans(question.query, planned, self.library, self.evidence.score, subject)
        if not plans:
            return None
        citer = Citer()
        direct: list[str] = []
        period = asked_period(question.text)
        covering = period_steps(period, plans) if period else None
        if covering is not None:  # "months five to seven": those steps first, then their plan whole
            plan, covered = covering
            plans = [plan, *(p for p in plans if p is not plan)]
            direct = [*compose_period(covered, self.library, citer), ""]
        elif (after := neighbour_step(question.text, plans[0])) is not None:  # "what comes after X?"
            direct = [*compose_period([after], self.library, citer), ""]
        elif (end := _END_STEP.search(question.text)) and plans[0].steps:  # "the final stage", "step one"
            step = plans[0].steps[0 if end.group(1).lower() in ("first", "opening") else -1]
            direct = [*compose_period([step], self.library, citer), ""]
        elif _HOW_LONG.search(question.text):  # the passage that says how long comes first
            best = self.ranker.best(question.query, quotes_from_hits(hits, self.library.units), 1)
            direct = [self._line(best[0], citer, set()), ""] if best else []
        lines, steps = compose_plan(plans, self.library, citer)
        lines = [*direct, *lines]
        return Answer("\n".join(lines), citer.citations, False, "extractive", steps=steps)

    def _levels(self, question: Question, hits: list[Hit]) -> Answer | None:
        """ "How should my projects progress?": a series of sections ("Beginner Level" ... "Expert
        Level") under a heading naming what is asked, in order, each with its own lines."""
        if _TIMED_PLAN.search(question.text):  # "the 12-month plan that ends with a capstone project"
            return None
        topics = [t for t in LIST_TOPICS if t != "roles" and names_topic(question.text, t)]
        for topic in topics:
            entries = sibling_sections(question.query, topic, hits, self.library, self.ranker)
            if not series(entries):
                continue
            citer = Citer()
            title = self.library.title(entries[0].quote.hit.doc_id)
            lines = [f"*{title}* sets these out in order:"]
            steps: list[Step] = []
            for i, entry in enumerate(entries, start=1):
                own = section_lines(entry, self.library) or [Entry(None, entry.quote)]
                marks = [citer.quote(line.quote) for line in own]
                lines.append(f"{i}. **{entry.name}**")
                lines += [f"   - {line.quote.text} [{n}]" for line, n in zip(own, marks, strict=True)]
                steps.append(Step(entry.name, own[0].quote.text, marks[0]))
            return Answer("\n".join(lines), citer.citations, False, "extractive", steps=steps)
        return None

    def _list(self, question: Question, hits: list[Hit], search: Searches) -> Answer | None:
        # A role's own list ("what skills does a prompt engineer need?") is read from its sections.
        vocabulary = self.library.version.vocabulary
        named_role = any(r in vocabulary.roles for r in vocabulary.find_roles(question.text))  # named in full
        return (None if named_role else self._item_list(question, hits)) or self._lists_of_topic(
            question, hits, search
        )

    def _item_list(self, question: Question, hits: list[Hit]) -> Answer | None:
        """The list whose item holds the ask's focus best, whole: what the question names ("the
        tools for drift"), not the headings of a larger list. A question asking for one thing
        ("which tool ...?") opens with that item; one asking for several, with the list."""
        quotes = quotes_from_hits(whole_sections(hits, self.library), self.library.units)
        ranked = [s for s in self.opening.rank(_asked(question), question.query, quotes)[:LIST_CANDIDATES]]
        topic = question.list_topic
        best = next((s for s in ranked if s.quote.kind == "item" and s.quote.context), None)
        if best is None or best.framed < LIST_FOCUS:  # an item says little; its lead-in says what it lists
            return None
        if topic and topic != "options" and not names_topic(best.quote.header, topic):
            return None  # a list of something else ("Six-Month Plan" is no list of projects)
        items = self._whole(best.quote)
        if len(items) < 2:
            return None
        citer = Citer()
        lead = best.quote.context.rstrip(":").strip() if best.quote.context else best.quote.heading
        lines: list[str] = []
        if _ONE_THING.search(question.text):  # "which tool ...": the one that answers, then its list
            lines = [f"{best.quote.text} [{citer.quote(best.quote)}]", ""]
        lines.append(f"*{lead}:*")
        lines += [f"- {q.text} [{citer.quote(q)}]" for q in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            lines.append(
                f"- … and {len(items) - MAX_ITEMS} more in *{self.library.title(best.quote.hit.doc_id)}*"
            )
        return Answer("\n".join(lines), citer.citations, False, "extractive")

    def _whole(self, item: Quote) -> list[Quote]:
        """Every item of an item's list (same article, heading and lead-in), in order, across passages."""
        doc, section = item.hit.doc_id, item.hit.section
        found: list[Quote] = []
        for chunk_id, chunk_section in self.library.passages(doc):
            if chunk_section == section:
                found += [
                    q for q in self.library.quotes(chunk_id) if q.kind == "item" and q.context == item.context
                ]
        unique = list({q.text: q for q in found}.values())
        return sorted(unique, key=lambda q: q.position)

    def _lists_of_topic(self, question: Question, hits: list[Hit], search: Searches) -> Answer | None:
        topic = question.list_topic or "items"
        # "Which AI roles": for roles the words before the noun name the field, not one part of it.
        modifier = topic_modifier(question.text, question.list_topic) if topic != "roles" else ()
        found = self._lists(question, topic, modifier, hits)
        if modifier and not any(_headed_by(c, topic) for c in found):
            # A long question can find no list of what it asks ("the really ambitious, expert-tier
            # portfolio projects that ..."): the topic with its qualifying words is searched alone.
            searched = f"{' '.join(modifier)} {topic}"
            more = self.evidence.order(searched, search(searched, len(hits) or 5))
            hits = [*more, *(h for h in hits if h.chunk_id not in {x.chunk_id for x in more})]
            found = self._lists(question, topic, modifier, hits)
        if topic != "items" and not any(_headed_by(c, topic) for c in found):
            # Passages found, none under a heading naming what is asked: their articles' sections
            # that are ("Portfolio Projects" of the article whose pay and roles were found).
            sections = topic_sections(topic, hits, self.library)
            if sections:
                hits = [*sections, *(h for h in hits if h.chunk_id not in {x.chunk_id for x in sections})]
                found = self._lists(question, topic, modifier, hits) or found
        found = [c for c in found if len(c) >= 2] or found  # one section is no list while another is
        if not found:
            return None
        # A list headed by what narrows the topic ("monitoring" tools) wins, then one headed by the
        # topic asked ("Projects That ...", "Skills needed:"); then the list from the best-ranked
        # article; sections before items when they tie.
        # Lists alike in how they are headed: one whose header holds the very word asked ("mistakes",
        # not "ideas"), then the one whose lines come closest to the question.
        asked = _asked_words(question.text, topic)
        closeness = [float(self.ranker.scores(question.query, [e.quote for e in c]).max()) for c in found]
        chosen = min(
            range(len(found)),
            key=lambda i: (
                not _headed_by(found[i], " ".join(modifier), modifier),
                not _headed_by(found[i], topic),
                not (asked & content_words(found[i][0].quote.header)),
                -closeness[i],
            ),
        )
        entries = found[chosen]
        citer = Citer()
        opening: list[str] = []
        # "What skills does an X need?": the X section's own "Core skills: ..." line answers, and
        # only lists from X's own sections follow it, never another role's.
        roles = question.entities.roles
        own = role_topic_line(topic, roles, hits, self.library)
        if own is not None:
            opening = [f"{own.shown()} [{citer.quote(own)}]"]
            entries = [e for e in entries if e.quote.text != own.text and _on_topic_for(e, roles, topic)]
        names = [e.name for e in entries if e.name]
        lead = f"The articles list these {topic}:"
        if names:
            lead = f"The articles name these {topic}: {', '.join(names)}{more_note(entries)}."
        listed = [lead, *compose_entries(entries, citer)] if entries else []
        if entries and not names and all(len(e.quote.text.split()) <= BARE_NAME_WORDS for e in entries):
            # Items that are names alone ("Data Scientist") answer in the opening line, each cited.
            named = ", ".join(f"{e.quote.text.rstrip('.')} [{citer.quote(e.quote)}]" for e in entries)
            listed = [f"The articles name these {topic}: {named}{more_note(entries)}."]
        lines = [*opening, *([""] if opening and listed else []), *listed]
        return Answer("\n".join(lines), citer.citations, False, "extractive")

    def _lists(
        self, question: Question, topic: str, modifier: tuple[str, ...], hits: list[Hit]
    ) -> list[list[Entry]]:
        """The candidate lists the passages hold for a list question, narrowed by what it asks."""
        if topic == "roles":
            candidates = [
                role_sections(hits, self.library, one_article=True),
                list_items(question.query, hits, self.library, self.ranker, roles=True),
            ]
        else:
            candidates = [
                modified_list(modifier, hits, self.library),
                sibling_sections(question.query, topic, hits, self.library, self.ranker),
                labelled_lines(topic, hits, self.library),
                list_items(
                    question.query, hits, self.library, self.ranker, headed=lambda h: names_topic(h, topic)
                ),
            ]
            # A question naming a role asks about roles; it does not pick one out.
            candidates = [narrowed(c, modifier, question.text, self.library) for c in candidates]
        return [c for c in candidates if c]

    def _definition(self, question: Question, hits: list[Hit]) -> Answer | None:
        roles = question.entities.roles
        chosen = best_quotes(question.query, hits, roles, self.library, self.ranker, MAX_SUPPORT + 1)
        term = asked_term(question.text)
        defining = defining_quote(term, hits, self.library) if term else None
        if defining is not None:
            chosen = [defining, *(q for q in chosen if q.text not in defining.text)][: MAX_SUPPORT + 1]
        if not chosen:
            return None
        # Prose opens a definition; a list item it would open with is shown with its whole list below.
        prose = next((q for q in chosen if q.kind == "sentence" and not self._leads_in(q)), None)
        if prose is not None:
            chosen = [prose, *(q for q in chosen if q is not prose)]
        citer, shown = Citer(), set[str]()
        after = refers_back(chosen[0], self.library)
        lines = [
            self._line(chosen[0], citer, shown) + (f" {after.text} [{citer.quote(after)}]" if after else "")
        ]
        support: list[str] = []
        lists: set[tuple[str, str]] = set()
        for quote in chosen[1:]:
            if quote.kind == "item" and quote.context:  # a list quoted from is shown whole
                if (quote.hit.chunk_id, quote.context) not in lists:
                    lists.add((quote.hit.chunk_id, quote.context))
                    support.append(f"- *{quote.context.rstrip(':').strip()}:*")
                    support += _item_lines(whole_list(quote, self.library), citer, "  ")
            elif not self._leads_in(quote) and (after is None or quote.text != after.text):
                support.append(f"- {self._line(quote, citer, shown)}")
        lines += ["", *support] if support else []
        return Answer("\n".join(lines), citer.citations, False, "extractive")

    def _leads_in(self, quote: Quote) -> bool:
        """A line ending in ":" that introduces items of a list; one before a formula or code says
        something itself ("... focus on the most relevant parts of an input, regardless of position:")."""
        if not quote.text.endswith(":"):
            return False
        return any(
            q.kind == "item" and q.position == quote.position + 1
            for q in self.library.quotes(quote.hit.chunk_id)
        )

    def _faq(self, query: str, hits: list[Hit], searched: list[Hit] | None = None) -> Answer | None:
        """An FAQ whose own question asks this (among `searched`, else `hits`): its reply first,
        then the best other quotes."""
        reply = faq_reply(query, searched or hits, self.library.units, self.ranker.embedder.embed_query,
                          self.evidence.weight)  # fmt: skip
        if reply is None:
            return None
        quotes = [q for q in quotes_from_hits(hits, self.library.units) if q.text not in reply.text]
        support = self.ranker.best(query, quotes, MAX_SUPPORT)
        citer, shown = Citer(), set[str]()
        lines = [f"{reply.text} [{citer.quote(reply)}]"]
        lines += ["", *(f"- {self._line(q, citer, shown)}" for q in support)] if support else []
        return Answer("\n".join(lines), citer.citations, False, "extractive")

    def _advice(self, question: Question, hits: list[Hit], search: Searches) -> Answer | None:
        """A passage's own "No. Many ... without ..." opens the answer when it is about the question."""
        found = search(question.query, ADVICE_K)  # an FAQ reply often ranks lower
        found = self.evidence.order(question.query, found)
        if faq := self._faq(question.query, hits, found):
            return faq
        direct = self.ranker.best(
            question.query, direct_answers(quotes_from_hits(found, self.library.units)), 1
        )
        if not direct:
            return None
        quotes = [q for q in quotes_from_hits(hits, self.library.units) if q.text not in direct[0].text]
        support = self.ranker.best(question.query, quotes, MAX_SUPPORT)
        # Meaning alone: the reply's passage ranks lower than the top hits by construction.
        closeness = self.ranker.quote_vectors([direct[0], *support[:1]]) @ self.ranker.embedder.embed_query(
            question.query
        )
        if len(closeness) > 1 and closeness[0] < DIRECT_SHARE * closeness[1]:
            return None  # a reply to another question
        citer, shown = Citer(), set[str]()
        lines = [f"{direct[0].text} [{citer.quote(direct[0])}]"]
        lines += ["", *(f"- {self._line(q, citer, shown)}" for q in support)] if support else []
        return Answer("\n".join(lines), citer.citations, False, "extractive")

    def _role_fit(self, question: Question, hits: list[Hit], profile: Profile) -> Answer | None:
        background = question.background
        found = background_quotes(background, question.query, self.library, self.ranker) if background else []
        # "Can I become a research scientist?" names its role: only a question that does not is
        # answered with the roles that fit it.
        named = [r for r in question.entities.roles if r.lower() not in (background or "").lower()]
        # Lines naming the background answer it; otherwise the roles whose descriptions fit.
        person = profile if not profile.empty else Profile(background=background)
        fits = (
            []
            if named or found
            else fitting(
                question.text, person, hits, self.library, self.opening, self.library.version.vocabulary
            )
        )
        if not found and not fits:
            return None
        citer = Citer()
        shown: set[str] = set()
        lines: list[str] = []
        if found:  # the articles' own word on this background comes first
            role = role_of(found[0])  # a line in a role's own section says which role it speaks of
            line = self._line(found[0], citer, shown)
            lines = [f"**{role}**: {line}" if role and role.lower() not in line.lower() else line]
            lines += ["", *(f"- {self._line(q, citer, shown)}" for q in found[1:])] if len(found) > 1 else []
        if fits:
            best, others = fits[0], fits[1:]
            line = self._line(best.quote, citer, shown)
            lines = [f"From what you describe, the closest fit is **{best.role}**: {line}"]
            if background and not any(stems(background) & stems(f.quote.text) for f in fits):
                # no line speaks of this background: say so, then whom each role suits in its own words
                article = "an" if background[:1].lower() in "aeiou" else "a"
                names = ", ".join(f.role for f in fits)
                lines = [f"None of the articles says which role suits {article} {background}.", "",
                         f"The roles whose descriptions come closest: {names}.", ""]  # fmt: skip
                lines += [f"- **{f.role}**: {self._line(f.quote, citer, shown)}" for f in fits]
                others = []
            if others:
                lines += ["", "Also worth a look:", ""]
                lines += [f"- **{f.role}**: {self._line(f.quote, citer, shown)}" for f in others]
        return Answer("\n".join(lines), citer.citations, False, "extractive")


def _asked(question: Question) -> str:
    """What an ask is about, for its focus: its words, and what its standalone query adds to them
    (a follow-up's topic, the person's interest); a long message's capped query adds nothing."""
    query, text = question.query, question.text
    return text if text.startswith(query.rstrip(" ?")) else query


def _item_lines(items: list[Quote], citer: Citer, indent: str) -> list[str]:
    """A list's items as answer lines, MAX_LIST of them, and how many more there are."""
    lines = [f"{indent}- {item.text} [{citer.quote(item)}]" for item in items[:MAX_LIST]]
    more = len(items) - MAX_LIST
    return lines + ([f"{indent}- … and {more} more the article lists"] if more > 0 else [])


def _on_topic_for(entry: Entry, roles: tuple[str, ...], topic: str) -> bool:
    """An entry from a named role's own section whose heading or lead-in names the topic."""
    quote = entry.quote
    if not any(r.lower() in (quote.hit.section or "").lower() for r in roles):
        return False
    return names_topic(" ".join(filter(None, (entry.name, quote.context, quote.heading))), topic)


def _asked_words(question: str, topic: str) -> frozenset[str]:
    """The words the question names its topic with, as written ("mistakes" for the topic "options")."""
    return frozenset().union(*(content_words(w) for w in topic_words(question, topic)))


def _headed_by(entries: list[Entry], topic: str, words: tuple[str, ...] | None = None) -> bool:
    """Whether a list's first entry sits under a lead-in or heading (or parent heading) naming the
    topic; with `words`, one holding all those words (its name counts as its heading)."""
    header = entries[0].quote.header
    if words is not None:
        wanted = content_words(" ".join(words))
        return bool(wanted) and wanted <= content_words(header)
    return topic == "roles" or names_topic(header, topic)
