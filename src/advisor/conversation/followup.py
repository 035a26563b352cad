"""Follow-up resolution without an LLM: carry role, region and seniority from earlier turns."""

from __future__ import annotations

import re

__all__ = ["rewrite_follow_up"]

_ROLES = [
    "machine learning engineer", "ml engineer", "mlops engineer", "ai infrastructure engineer",
    "data scientist", "data engineer", "research scientist", "ai research scientist",
    "ai engineer", "llm engineer", "genai engineer", "applied ai engineer",
    "ai product manager", "product manager", "prompt engineer", "ai safety researcher",
    "ethics researcher", "computer vision engineer", "nlp engineer", "head of ai",
    "ml director", "software engineer",
]  # fmt: skip
_REGIONS = [
    "united kingdom", "united states", "the uk", "the us", "uk", "us", "usa", "britain",
    "america", "europe", "berlin", "toronto", "singapore", "remote",
]  # fmt: skip
_LEVELS = [
    "junior",
    "entry-level",
    "entry level",
    "mid-level",
    "senior",
    "staff",
    "principal",
    "lead",
]
_PEOPLE = re.compile(r"\b(they|them|their|that role|this role|those roles|that job|this job)\b", re.I)
_THING = re.compile(r"\b(it|that|this|those|these|ones)\b", re.I)
_FRAGMENT = re.compile(r"^(and|what about|how about|and what about|same for|also|or)\b", re.I)


# Words that ask about a topic without naming one: "What's the salary range?"
_GENERIC = set(
    "what whats what's how which who why when where is are was do does did can could should would "
    "the a an and or of in on for to at it its i me my you your they them their there this that "
    "salary salaries range pay paid earn earnings make cost long take time need needed skills "
    "requirements outlook job jobs role roles career much many typical average usually about s".split()
)


def _topic_words(question: str) -> set[str]:
    return set(re.findall(r"[a-z']+", question.lower())) - _GENERIC


def _find(options: list[str], text: str) -> str | None:
    """The first option named in text, as the text spells it."""
    for option in options:  # longer names come first in each list
        match = re.search(rf"\b{re.escape(option)}(?=s?\b)", text, re.IGNORECASE)
        if match:
            return match.group(0)
    return None


def _plural(role: str) -> str:
    return role if role.endswith("s") else role + "s"


def rewrite_follow_up(question: str, previous_queries: list[str]) -> str:
    """Make a follow-up standalone by carrying role, region and seniority from earlier turns.

    "And in the UK?" after "What does a junior ML engineer earn in the US?" becomes
    "What does a junior ML engineer earn in the UK?"; "What do they earn?" after a question
    about data scientists becomes "What do data scientists earn?"; "How long should I study
    for it?" keeps the earlier question beside it as context.
    """
    if not previous_queries:
        return question
    last = previous_queries[-1]
    slots = [(_find(_ROLES, question), _ROLES), (_find(_REGIONS, question), _REGIONS),
             (_find(_LEVELS, question), _LEVELS)]  # fmt: skip
    named = [(new, options) for new, options in slots if new]
    is_fragment = bool(_FRAGMENT.match(question.strip())) or not _topic_words(question)
    if named and is_fragment and not _PEOPLE.search(question):
        return _substitute(last, named)
    role = slots[0][0] or next((r for q in reversed(previous_queries) if (r := _find(_ROLES, q))), None)
    if role and not slots[0][0] and _PEOPLE.search(question):
        rewritten = _PEOPLE.sub(_plural(role), question, count=1)
    elif _THING.search(question) or is_fragment:
        return f"{question.rstrip()} ({last.rstrip('?. ')})"
    elif role and not slots[0][0]:
        rewritten = f"{question.rstrip('?. ')} for a {role}?"
    else:
        return question
    carried = [x for x, mine in ((_find(_LEVELS, last), slots[2][0]), (_find(_REGIONS, last), slots[1][0]))
               if x and not mine]  # fmt: skip
    return f"{rewritten.rstrip('?. ')} ({', '.join(carried)})?" if carried else rewritten


def _substitute(query: str, named: list[tuple[str, list[str]]]) -> str:
    """Swap the earlier query's role, region or level for the ones the follow-up names."""
    for new, options in named:
        old = _find(options, query)
        if old:
            query = re.sub(rf"\b{re.escape(old)}(s?)\b", new + r"\1", query, count=1, flags=re.I)
        elif options is _REGIONS:
            query = f"{query.rstrip('?. ')} in {new}?"
        else:
            query = f"{query.rstrip('?. ')} ({new})?"
    return query
