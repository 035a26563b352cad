"""Plan answers: the steps of the best-fitting article's plan, in its order, with their labels."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advisor.answer.models import Step
from advisor.answer.sources import Citer, Library
from advisor.retrieval import Hit

__all__ = ["Plan", "best_plans", "compose_plan"]

MIN_STEPS = 3  # fewer labelled steps than this is a list, not a plan
_TIME_WORDS = re.compile(r"\b(day|week|month|year|quarter)s?\b", re.I)


@dataclass(frozen=True)
class Plan:
    """One ordered sequence of an article: its steps' first units, in document order."""

    sequence: str
    doc_id: str
    steps: tuple[Any, ...]  # one Unit per label, the first of each

    @property
    def span(self) -> str:
        return f"{self.steps[0].label} to {self.steps[-1].label}"


def _plan(sequence: str, units: Sequence[Any]) -> Plan:
    firsts: dict[str, Any] = {}
    for unit in units:
        if unit.label and unit.label not in firsts and unit.kind != "code":
            firsts[unit.label] = unit
    return Plan(sequence, units[0].doc_id, tuple(firsts.values()))


def best_plans(question: str, hits: Sequence[Hit], library: Library) -> list[Plan]:
    """The plans of the retrieved articles, best fit first.

    A plan fits by how high its passages were retrieved; a plan labelled by time periods
    fits a question about months or weeks better than a list of numbered steps.
    """
    rank_of = {h.chunk_id: h.rank for h in hits}
    docs = {h.doc_id: h.rank for h in reversed(hits)}
    asks_time = bool(_TIME_WORDS.search(question)) or bool(re.search(r"\bhow long\b", question, re.I))
    scored: list[tuple[float, Plan]] = []
    for sequence, units in library.sequences.items():
        if units[0].doc_id not in docs:
            continue
        plan = _plan(sequence, units)
        if len(plan.steps) < MIN_STEPS:
            continue
        ranks = [rank_of[u.chunk_id] for u in units if u.chunk_id in rank_of]
        score = sum(1.0 / r for r in set(ranks)) + 0.2 / docs[plan.doc_id]
        label = plan.steps[0].label or ""
        if _TIME_WORDS.match(label):
            score += 0.5 if asks_time else 0.2
        elif label[:1].isdigit():
            score -= 0.3  # a numbered list is as often a list of roles or tips as a plan
        scored.append((score, plan))
    scored.sort(key=lambda item: -item[0])
    best: list[Plan] = []
    for _, plan in scored:  # one plan per article
        if all(p.doc_id != plan.doc_id for p in best):
            best.append(plan)
    if best:  # other articles' plans, named after the best: periods and steps, not numbered lists
        for sequence, units in library.sequences.items():
            plan = _plan(sequence, units)
            label = plan.steps[0].label if plan.steps else ""
            numbered = not label or label[:1].isdigit()
            if len(plan.steps) >= MIN_STEPS and not numbered and all(p.doc_id != plan.doc_id for p in best):
                best.append(plan)
    return best


def _step_text(unit: Any) -> str:
    """The step as shown: its text without the label it starts with."""
    text: str = unit.text
    if unit.label and text.startswith(unit.label):
        text = text[len(unit.label) :].lstrip(" :.)–—-")
    return text or unit.text


def _heading(unit: Any) -> str | None:
    """The step's own heading when the label is a heading's: "Build Foundations That Do Not Break"."""
    last = (unit.section or "").rsplit(" > ", 1)[-1]
    if unit.label and last.startswith(unit.label):
        return last[len(unit.label) :].lstrip(" :.)–—-") or None
    return None


def compose_plan(plans: list[Plan], library: Library, citer: Citer) -> tuple[list[str], list[Step]]:
    """The best plan as a numbered list, then a line naming the other articles' plans."""
    plan = plans[0]
    title = library.title(plan.doc_id)
    lines = [f"*{title}* lays out a plan from {plan.span}:", ""]
    steps: list[Step] = []
    for i, unit in enumerate(plan.steps, start=1):
        n = citer.cite(library.hit(unit.chunk_id), unit.text)
        heading = _heading(unit)
        text = _step_text(unit)
        shown = f"**{unit.label}: {heading}** — {text}" if heading else f"**{unit.label}** — {text}"
        lines.append(f"{i}. {shown} [{n}]")
        steps.append(Step(unit.label, text if not heading else f"{heading}: {text}", n))
    others = []
    for other in plans[1:3]:
        n = citer.cite(library.hit(other.steps[0].chunk_id), other.steps[0].text)
        others.append(f"*{library.title(other.doc_id)}* ({other.span}) [{n}]")
    if others:
        lines += ["", "Other articles give plans too: " + "; ".join(others) + "."]
    return lines, steps
