"""Follow-up resolution without an LLM: a follow-up's standalone query, from the last turn's entities.

"And in the UK?" after "What does a junior ML engineer earn in the US?" becomes "What does a
junior ML engineer earn in the UK?"; "What do they earn?" after a question about data
scientists becomes "What do Data Scientists earn?"; "Which of those first?" keeps its words
and gains the earlier turn's topic: "Which of those first? (certifications ML Engineer)".
The query is rebuilt from entities and words each turn, so it never nests, and it is capped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from advisor.answer.question import (
    LIST_TOPICS,
    OWN_ASK,
    Entities,
    Kind,
    Question,
    entities_of,
    names_topic,
    read_question,
)
from advisor.corpus.vocabulary import Vocabulary
from advisor.text.lexicon import normalize_term

__all__ = ["MAX_QUERY_CHARS", "LastTurn", "last_turn", "resolve_follow_up"]

MAX_QUERY_CHARS = 300  # a standalone query longer than this is cut at a word
TOPIC_WORDS = 8  # words of the earlier turn's topic carried into a follow-up
CONTEXT_TURNS = 6  # earlier turns read to resolve a chain of follow-ups


@dataclass(frozen=True)
class LastTurn:
    """The last answered turn: what it asked, and the roles and items its answer named."""

    question: Question
    answer_roles: tuple[str, ...] = ()
    answer_items: tuple[str, ...] = ()  # tools, certifications, courses, in the answer's order
    earlier_roles: tuple[str, ...] = ()  # the turn before's roles: "what about X?" then "which one ...?"


_PEOPLE = re.compile(
    r"\b(they|them|their|theirs|those people|that role|this role|those roles|these roles)\b", re.I
)
_THING = re.compile(
    r"\b(it|its|that|this|those|these|the two|both|either|which one|the first|the second|the last|"
    r"the former|the latter|there|the whole thing|all of it)\b",
    re.I,
)
_ONES = re.compile(r"\b((?:the|which) (?:[\w-]+ )?)ones\b", re.I)  # "the advanced ones"
_WHICH_ONE = re.compile(r"\b(which one|which of (?:them|the two|those)|which (?:pays|earns|is))\b", re.I)
_ORDINAL = re.compile(r"\bthe (first|second|third|last)(?: one)?\b", re.I)
_FRAGMENT = re.compile(r"^\s*(and|or|also|what about|how about|same for|then|so|but)\b", re.I)
_COMPARE = re.compile(r"\b(compare|compared|vs\.?|versus|against|than|which of the two|both)\b", re.I)

# Words that ask about a topic without naming one: "What's the salary range?"
_GENERIC = set(
    "what whats what's how which who why when where is are was were do does did can could should would "
    "will the a an and or of in on for to at it its i me my you your they them their there this that "
    "these those one ones be been being have has had get got salary salaries range pay paid earn "
    "earnings make cost long take time need needed skills requirements outlook job jobs role roles "
    "career much many typical average usually about s first second last level levels ok okay so also "
    "then same more less better best than vs versus compare compared with both either two thing things "
    "kind else other any some just really actually even if not no yes up out whole entire "
    "suit suits fit fits live like someone worth".split()
)


def _content_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][\w+#.-]*", re.sub(r"\([^)]*\)", " ", text))
    kept = [w.strip(".") for w in words if w.lower().strip(".") not in _GENERIC]
    return [w for w in kept if len(w) > 1 or w.isupper()]  # not the "m" of "I'm"


def _has_topic(text: str, vocabulary: Vocabulary) -> bool:
    """Whether the text names something of its own beyond regions and levels."""
    places = {w for alias in [*vocabulary.regions, *vocabulary.levels] for w in alias.split()}
    return any(w.lower() not in places for w in _content_words(text))


def last_turn(turns: Sequence[tuple[str, str, bool]], vocabulary: Vocabulary) -> LastTurn | None:
    """The last answered turn, each earlier one resolved in order (bounded to CONTEXT_TURNS).

    `turns` are (question, answer, answered) for earlier turns, oldest first; a turn whose
    answer was a refusal (answered False) is skipped, so a side question does not break a
    conversation.
    """
    last: LastTurn | None = None
    for question, answer, answered in list(turns)[-CONTEXT_TURNS:]:
        if not answered:
            continue
        query = resolve_follow_up(question, last, vocabulary)
        understood = read_question(question, vocabulary, query)
        earlier = _roles_of(last) if last else ()
        items = _items_in_order(answer, vocabulary)
        if understood.list_topic == "roles":  # "the second one" of a list of roles is a role
            items = vocabulary.find_roles(answer)
        last = LastTurn(understood, vocabulary.find_roles(answer), items, earlier)
    return last


def _items_in_order(text: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    low = text.lower()
    found = [(low.find(t.lower()), t) for t in vocabulary.tools if t.lower() in low]
    return tuple(t for _, t in sorted(found))


def resolve_follow_up(text: str, last: LastTurn | None, vocabulary: Vocabulary) -> str:
    """The standalone query for this turn: the text itself, or the text with what it refers to."""
    if last is None:
        return _cap(text)
    previous = last.question
    mine = entities_of(text, vocabulary)
    people = _PEOPLE.search(text)
    thing = _THING.search(text)
    fragment = bool(_FRAGMENT.match(text)) or not _has_topic(text, vocabulary)
    ones = _ONES.search(text)
    if not (people or thing or fragment or ones):
        return _cap(text)  # a question of its own
    ellipsis = fragment and (mine.regions or mine.levels or mine.roles) and not people and not thing
    new_comparison = _COMPARE.search(text) and previous.kind is not Kind.COMPARISON
    if ellipsis and not new_comparison:
        return _cap(_substitute(previous, mine, vocabulary, text))
    listed = previous.list_topic or next((t for t in LIST_TOPICS if names_topic(previous.query, t)), None)
    if ones and listed and listed != "roles":  # "the advanced ones" of a list of projects
        return _cap(_ONES.sub(lambda m: f"{m.group(1)}{listed}", text, count=1))
    roles = _roles_of(last)
    if people and roles and not mine.roles:
        singular = people.group(1).lower() in {"that role", "this role"}
        names = " and ".join(r if singular else _plural(r) for r in roles)
        return _cap(_PEOPLE.sub(names, text, count=1))
    return _cap(f"{text.rstrip()} ({_topic(last, text, mine, vocabulary)})")


def _roles_of(last: LastTurn) -> tuple[str, ...]:
    """The roles a turn was about: its sides, its roles (less a stated background), or its answer's."""
    question = last.question
    if question.kind is Kind.COMPARISON and question.entities.roles:
        return question.entities.roles
    background = (question.background or "").lower()
    roles = tuple(r for r in question.entities.roles if r.lower() not in background)
    # a turn that named no role was about the one role its answer named, if it named one
    return roles or (
        last.answer_roles[:1] if question.kind is Kind.ROLE_FIT or len(last.answer_roles) == 1 else ()
    )


def _topic(last: LastTurn, text: str, mine: Entities, vocabulary: Vocabulary) -> str:
    """What the earlier turn was about, in a few words: sides or roles, region, level, topic words."""
    question = last.question
    ordinal = _ORDINAL.search(text)
    if ordinal and last.answer_items:
        index = {"first": 0, "second": 1, "third": 2, "last": -1}[ordinal.group(1).lower()]
        if abs(index) < len(last.answer_items) or index == 0:
            return re.sub(r"[()\[\]]", "", last.answer_items[index])
    parts: list[str] = []
    roles = _roles_of(last)
    if question.kind is Kind.COMPARISON and question.sides:
        parts.append(" vs ".join(question.sides))
    elif _WHICH_ONE.search(text) and len(roles) == 1 and last.earlier_roles[:1] not in ((), roles[:1]):
        parts.append(f"{last.earlier_roles[0]} vs {roles[0]}")  # "what about X?" then "which one pays more?"
    else:
        parts += roles
    if not mine.levels:
        parts += question.entities.levels
    if not mine.regions:
        parts += question.entities.regions
    if question.kind is Kind.SALARY and not OWN_ASK.match(text):  # "how long would it take?" asks no pay
        parts.append("salary")
    said = set(normalize_term(" ".join([*parts, text])).split())
    carried = " ".join(re.findall(r"\(([^()]*)\)", question.query))  # the topic it carried itself
    words = [
        w for w in _content_words(f"{carried} {question.query}")
        if normalize_term(w) not in said and not _replaced(w, mine, vocabulary)
    ]  # fmt: skip
    if question.list_topic and question.list_topic not in {w.lower() for w in words}:
        words.insert(0, question.list_topic)
    topic = " ".join([*parts, *dict.fromkeys(words)][: TOPIC_WORDS + len(parts)])
    return re.sub(r"[()\[\]]", "", topic).strip() or question.text


def _replaced(word: str, mine: Entities, vocabulary: Vocabulary) -> bool:
    """A region or level of the earlier turn that this one replaces with its own ("... in the UK?")."""
    return bool(mine.regions and vocabulary.find_regions(word)) or bool(
        mine.levels and word.lower() in vocabulary.levels
    )


def _written(text: str, aliases: dict[str, str], canonical: tuple[str, ...]) -> list[str]:
    """How the text writes each canonical region or level ("intermediate" for "mid")."""
    out = []
    for name in canonical:
        spans = [
            m.group(0)
            for alias, c in aliases.items()
            if c == name and (m := re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text, re.I))
        ]
        out.append(max(spans, key=len) if spans and name not in {"US", "UK"} else name)
    return out


def _substitute(previous: Question, mine: Entities, vocabulary: Vocabulary, fragment: str) -> str:
    """The earlier query with the regions, levels or roles this fragment names put in."""
    query = previous.query
    for slot, new, aliases in (
        ("regions", mine.regions, vocabulary.regions),
        ("levels", mine.levels, vocabulary.levels),
    ):
        old = getattr(previous.entities, slot)
        if not new:
            continue
        written = [a for a, canonical in aliases.items() if canonical in old]
        replaced = False
        for alias in sorted(written, key=len, reverse=True):
            pattern = re.compile(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", re.I)
            if pattern.search(query):
                query, replaced = (
                    pattern.sub(" and ".join(_written(fragment, aliases, new)), query, count=1),
                    True,
                )
                break
        if not replaced:
            joined = " and ".join(_written(fragment, aliases, new))
            query = f"{query.rstrip('?. ')} in {joined}?" if slot == "regions" else f"{joined} {query}"
    if mine.roles and previous.entities.roles and previous.kind is not Kind.COMPARISON:
        query = re.sub(re.escape(previous.entities.roles[0]), mine.roles[0], query, count=1, flags=re.I)
        if mine.roles[0] not in query:
            query = f"{query.rstrip('?. ')} ({mine.roles[0]})?"
    elif mine.roles and not previous.entities.roles:
        query = f"{query.rstrip('?. ')} ({mine.roles[0]})?"
    return query


def _plural(role: str) -> str:
    return role if role.endswith("s") else role + "s"


def _cap(query: str) -> str:
    query = " ".join(query.split())
    if len(query) <= MAX_QUERY_CHARS:
        return query
    return query[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
