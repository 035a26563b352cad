"""Plan answers: the steps of the best-fitting article's plan, in its order, with their labels."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.answer.models import Step
from advisor.answer.question import PERIOD_NUMBER, PERIOD_WORDS, Period
from advisor.answer.quotes import Quote, content_words, quotes_from_hits
from advisor.answer.sources import Citer, Library
from advisor.retrieval import Hit
from advisor.text.lexicon import is_role_title

__all__ = [
    "Plan",
    "best_plans",
    "compose_ordered_list",
    "compose_period",
    "compose_plan",
    "neighbour_step",
    "ordered_list",
    "period_steps",
    "plan_of",
]

MIN_STEPS = 3  # fewer labelled steps than this is a list, not a plan
W_SUBJECT = 1.0  # the weight of the share of the question's subject a plan's article holds
SUBJECT_SLACK = 0.1  # a labelled plan replaces an outline from an article holding about as much
OTHERS_SUBJECT = 0.5  # another article's plan is named when it holds half the subject the best's does
STEP_CHARS = 420  # a step quotes its first sentences, up to about this many characters
_TIME_WORDS = re.compile(r"\b(day|week|month|year|quarter)s?\b", re.I)
# A lead-in that announces its items come in order: "The key libraries to learn, in order:".
_IN_ORDER = re.compile(
    r"\b(in (?:this |that |the following |the right |)order|in sequence|one after another)\b", re.I
)
_PLAN_WORDS = content_words(
    "in what order which order should learn first next then plan roadmap steps sequence study"
)


_LABEL_PERIOD = re.compile(
    rf"^(?P<word>{PERIOD_WORDS})s?\s+(?P<a>{PERIOD_NUMBER})(?:\s*(?:[-–—]|to|and|&)\s*(?P<b>{PERIOD_NUMBER}))?",
    re.I,
)


def _label_period(label: str | None) -> Period | None:
    match = _LABEL_PERIOD.match(label or "")
    if not match:
        return None
    return Period.of(match.group("word"), match.group("a"), match.group("b"))


@dataclass(frozen=True)
class PlanStep:
    """One step: its label as written and its opening text, verbatim from one passage."""

    label: str
    chunk_id: str
    section: str | None
    text: str


@dataclass(frozen=True)
class Plan:
    """One ordered sequence of an article: its steps, in document order."""

    sequence: str
    doc_id: str
    steps: tuple[PlanStep, ...]

    @property
    def span(self) -> str:
        return f"{self.steps[0].label} to {self.steps[-1].label}"


def _plan(sequence: str, units: Sequence[Any], library: Library) -> Plan:
    """Each label's first units, joined while they run on in the same passage."""
    grouped: dict[str, list[Any]] = {}
    for unit in units:
        if unit.label and unit.kind != "code":
            grouped.setdefault(unit.label, []).append(unit)
    steps = []
    for label, members in grouped.items():
        first = members[0]
        text = first.text
        passage = library.hit(first.chunk_id).text
        start = passage.find(text)
        for unit in members[1:]:
            at = passage.find(unit.text, start + len(text)) if start >= 0 else -1
            gap = passage[start + len(text) : at] if at >= 0 else "\n"
            if unit.chunk_id != first.chunk_id or gap.strip() or "\n" in gap:
                break
            if at + len(unit.text) - start > STEP_CHARS:
                break
            text = passage[start : at + len(unit.text)]
        steps.append(PlanStep(label, first.chunk_id, first.section, text))
    return Plan(sequence, units[0].doc_id, tuple(steps))


def plan_of(sequence: str, library: Library) -> Plan | None:
    """One ordered sequence as a plan, when it has enough steps and is not a list of roles."""
    units = library.sequences.get(sequence)
    if not units:
        return None
    plan = _plan(sequence, units, library)
    return plan if len(plan.steps) >= MIN_STEPS and not _lists_roles(plan) else None


def best_plans(
    question: str,
    hits: Sequence[Hit],
    library: Library,
    evidence: Callable[[str, Hit], float],
    subject: Callable[[str], float] = lambda doc_id: 0.0,
) -> list[Plan]:
    """The plans of the retrieved articles, best fit first.

    A plan fits by the evidence of its passages that were retrieved (what they say about the
    question: advisor.answer.evidence, never their rank), its article's best, and how much of
    the question's subject its article holds (`subject`, 0..1: a plan to become a pilot is in
    the article that names pilots); a plan labelled by time periods fits a question about
    months or weeks better than a list of numbered steps.
    """
    found = {h.chunk_id: evidence(question, h) for h in hits}
    top = max(found.values(), default=0.0) or 1.0
    share = {chunk_id: score / top for chunk_id, score in found.items()}
    docs: dict[str, float] = {}
    for h in hits:
        docs[h.doc_id] = max(docs.get(h.doc_id, 0.0), share[h.chunk_id])
    best_doc = max(docs.values(), default=0.0)
    asks_time = bool(_TIME_WORDS.search(question)) or bool(re.search(r"\bhow long\b", question, re.I))
    scored: list[tuple[float, Plan]] = []
    for sequence, units in library.sequences.items():
        if units[0].doc_id not in docs:
            continue
        plan = _plan(sequence, units, library)
        if len(plan.steps) < MIN_STEPS or _lists_roles(plan):
            continue
        shares = {u.chunk_id: share[u.chunk_id] for u in units if u.chunk_id in share}
        if not shares and docs[plan.doc_id] < best_doc:
            continue  # a plan none of whose passages was found, in an article that was not the best
        score = sum(shares.values()) + 0.2 * docs[plan.doc_id] + W_SUBJECT * subject(plan.doc_id)
        label = plan.steps[0].label or ""
        if _TIME_WORDS.match(label):
            score += 0.5 if asks_time else 0.2
        elif label[:1].isdigit():
            score -= 0.3  # a numbered list is as often a list of roles or tips as a plan
        scored.append((score, plan))
    scored.sort(key=lambda item: -item[0])
    if scored and _numbered(scored[0][1]):
        # An article's numbered outline is its structure; a plan labelled by period or step
        # ("Month 1-2", "Step 3") is a plan. The labelled plan of the best-found article wins,
        # from an article that holds as much of the question's subject as the outline's.
        least = subject(scored[0][1].doc_id) - SUBJECT_SLACK
        labelled = [
            plan
            for sequence, units in library.sequences.items()
            if not _numbered(plan := _plan(sequence, units, library))
            and len(plan.steps) >= MIN_STEPS
            and not _lists_roles(plan)
            and subject(plan.doc_id) >= least
        ]
        if labelled:
            first = min(labelled, key=lambda p: (-docs.get(p.doc_id, -1.0), -len(p.steps)))
            scored.insert(0, (float("inf"), first))
    best: list[Plan] = []
    for _, plan in scored:  # one plan per article
        if all(p.doc_id != plan.doc_id for p in best):
            best.append(plan)
    if best:  # other articles' plans on the same subject, named after the best: periods and steps
        least = OTHERS_SUBJECT * subject(best[0].doc_id)
        for sequence, units in library.sequences.items():
            plan = _plan(sequence, units, library)
            label = plan.steps[0].label if plan.steps else ""
            numbered = not label or label[:1].isdigit()
            if (
                len(plan.steps) >= MIN_STEPS
                and not numbered
                and not _lists_roles(plan)
                and all(p.doc_id != plan.doc_id for p in best)
                and subject(plan.doc_id) >= least
            ):
                best.append(plan)
    return best


def _numbered(plan: Plan) -> bool:
    """A sequence labelled by numbers alone ("1.", "2)"), not by periods or steps."""
    label = plan.steps[0].label if plan.steps else ""
    return not label or label.rstrip(".)").isdigit()


def _lists_roles(plan: Plan) -> bool:
    """Numbered sections most of whose headings are role names ("1. Data Scientist") list roles."""
    headings = [_heading(step) or "" for step in plan.steps]
    return sum(is_role_title(h) for h in headings) * 2 > len(headings)


def _step_text(unit: PlanStep) -> str:
    """The step as shown: its text without the label it starts with."""
    text: str = unit.text
    if unit.label and text.startswith(unit.label):
        text = text[len(unit.label) :].lstrip(" :.)–—-")
    return text or unit.text


def _heading(unit: PlanStep) -> str | None:
    """The step's own heading when the label is a heading's: "Build Foundations That Do Not Break"."""
    last = (unit.section or "").rsplit(" > ", 1)[-1]
    if unit.label and last.startswith(unit.label):
        return last[len(unit.label) :].lstrip(" :.)–—-") or None
    return None


_AFTER = re.compile(
    r"\b(after|before|once i(?:'ve| have)? (?:finished|done|learned|covered)|comes? (?:after|before))\s+"
    r"(?:the\s+|my\s+)?([\w /+-]{2,40}?)(?=\s+(?:in|on|of|from|phase|stage|step|part|months?)\b|[?,.;]|$)",
    re.I,
)


def neighbour_step(question: str, plan: Plan) -> PlanStep | None:
    """ "What comes after deep learning?": the step after (or before) the one naming what is asked."""
    match = _AFTER.search(question)
    if not match:
        return None
    named = content_words(match.group(2))
    overlaps = [len(named & content_words(f"{_heading(step) or ''} {step.text}")) for step in plan.steps]
    if not overlaps or max(overlaps) == 0:
        return None
    at = overlaps.index(max(overlaps))
    at += -1 if "before" in match.group(1).lower() else 1
    return plan.steps[at] if 0 <= at < len(plan.steps) else None


def period_steps(period: Period, plans: Sequence[Plan]) -> tuple[Plan, list[PlanStep]] | None:
    """The plan whose steps best cover the period asked, and those steps: "Months 5-7" for
    "months five to seven", "Month 5–8" for "months 5 to 8"."""
    best: tuple[float, Plan, list[PlanStep]] | None = None
    for plan in plans:
        scored = [(period.overlap(p), step) for step in plan.steps if (p := _label_period(step.label))]
        top = max((score for score, _ in scored), default=0.0)
        if top > 0 and (best is None or top > best[0]):
            best = (top, plan, [step for score, step in scored if score == top])
    return (best[1], best[2]) if best else None


def compose_period(steps: Sequence[PlanStep], library: Library, citer: Citer) -> list[str]:
    """The steps that cover the period asked, quoted first as written: "Months 5-7: Deep learning. ..."."""
    lines = []
    for step in steps:
        heading = _heading(step)
        label = f"{step.label}: {heading}" if heading else step.label
        text = step.text if step.text.startswith(step.label) else f"**{label}** — {_step_text(step)}"
        lines.append(f"{text} [{citer.cite(library.hit(step.chunk_id), step.text)}]")
    return lines


def compose_plan(plans: list[Plan], library: Library, citer: Citer) -> tuple[list[str], list[Step]]:
    """The best plan as a numbered list, then a line naming the other articles' plans."""
    plan = plans[0]
    title = library.title(plan.doc_id)
    lines = [f"*{title}* sets out this plan, in its own order:"]  # its steps follow at once
    steps: list[Step] = []
    for i, unit in enumerate(plan.steps, start=1):
        n = citer.cite(library.hit(unit.chunk_id), unit.text)
        heading = _heading(unit)
        text = _step_text(unit)
        if unit.label.rstrip(".)").isdigit():  # the list's own number is the label
            shown = f"**{heading}** — {text}" if heading else text
        else:
            shown = f"**{unit.label}: {heading}** — {text}" if heading else f"**{unit.label}** — {text}"
        lines.append(f"{i}. {shown} [{n}]")
        steps.append(Step(unit.label, text if not heading else f"{heading}: {text}", n))
    others = []
    for other in plans[1:3]:
        first, last = other.steps[0], other.steps[-1]
        a = citer.cite(library.hit(first.chunk_id), first.text)
        b = citer.cite(library.hit(last.chunk_id), last.text)
        others.append(f"*{library.title(other.doc_id)}* ({first.label} [{a}] to {last.label} [{b}])")
    if others:
        lines += ["", "Other articles give plans too: " + "; ".join(others) + "."]
    return lines, steps


def ordered_list(question: str, hits: Sequence[Hit], library: Library) -> list[Quote]:
    """A list whose lead-in says its items come in order, about what the question names.

    "In what order should I learn the Python libraries?" is answered by "The key libraries
    to learn, in order:" and its items better than by a whole article's outline.
    """
    asked = content_words(question) - _PLAN_WORDS
    for quote in quotes_from_hits(hits, library.units):
        lead = quote.context or ""
        if quote.kind != "item" or not _IN_ORDER.search(lead):
            continue
        if asked & content_words(lead):  # the lead-in itself names it, not just its section
            items = [q for q in library.quotes(quote.hit.chunk_id) if q.kind == "item" and q.context == lead]
            if len(items) >= MIN_STEPS:
                return sorted(items, key=lambda q: q.position)
    return []


def compose_ordered_list(items: list[Quote], library: Library, citer: Citer) -> tuple[list[str], list[Step]]:
    """The ordered items as numbered steps, under their lead-in and article."""
    first = items[0]
    lead = (first.context or "").rstrip(":").strip()
    lines = [f"{lead}, according to *{library.title(first.hit.doc_id)}*:"]
    steps: list[Step] = []
    for i, item in enumerate(items, start=1):
        n = citer.quote(item)
        lines.append(f"{i}. {item.text} [{n}]")
        steps.append(Step(str(i), item.text, n))
    return lines, steps
