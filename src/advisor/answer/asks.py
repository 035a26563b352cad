"""A message's asks: the questions it holds, in the order asked, each with what it needs to know.

"I'm a data analyst in Manchester. What should I focus on, and what would it pay?" holds two
asks, "What should I focus on" and "what would it pay"; the sentence before them tells who is
asking (answer/profile.py). Each ask is read as a question of its own (its kind and entities),
and gets a standalone query to search with: its words plus what it leaves to the rest of the
message or to the person ("it" is the role they want, "here" is where they live).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from advisor.answer.profile import Profile
from advisor.answer.question import Entities, Kind, Question, read_question
from advisor.answer.roles import loose_roles
from advisor.corpus.vocabulary import Vocabulary
from advisor.text.places import canonical_region

__all__ = ["MAX_ASKS", "Ask", "heading_of", "read_asks", "split_asks"]

MAX_ASKS = 3  # a message asking more is answered on its first three
_F = re.IGNORECASE
_WH = r"(?:what|what's|whats|which|how|where|when|why|who|tell me|give me|list|explain|recommend|suggest)\b"
_OPENER = rf"(?:{_WH}|(?:is|are|am|was|do|does|did|can|could|should|would|will|shall|have|has)\b)"
_LEAD = r"^\W*(?:(?:so|and|but|ok|okay|also|then|hi|hey|please|honestly|realistically),?\s+)*"
_ASKING = re.compile(rf"{_LEAD}{_WH}", _F)  # asks without a question mark only with a wh-word
_ASKING_WITH_MARK = re.compile(rf"{_LEAD}{_OPENER}", _F)
MIN_ASK_WORDS = 3  # a shorter part ("how much?", "right away?") goes with the ask before it
# Where one ask ends and the next begins inside a sentence: "..., and what would it pay?".
_JOIN = re.compile(
    rf"(?:,\s*|\s+)(?:and|also|plus|&|then)\s+(?={_OPENER})|[;—–]\s*(?={_OPENER})|,\s+(?=(?:and\s+)?(?:is|are|what|how|where|which|when)\s+(?:that|this|it|a|the|my|i)\b)",
    _F,
)
_SENTENCE_END = re.compile(r"(?<=[?!.])\s+(?=\S)")
_POINTS_BACK = re.compile(r"\b(it|that|this|there|here|that kind of role|such a role|the role)\b", _F)
# An ask about what the ask before it named is part of it: "..., and what is each one used for?"
_ELABORATES = re.compile(
    r"\b(each(?: one| of them)?|them|those|these|they|their|all of (?:it|them)|the rest|"
    r"(?:the|a) (?:full|whole|complete|entire) (?:list|thing|set))\b",
    _F,
)
_REALISTIC = re.compile(
    r"\b(?:a|one|two|\d+|six|twelve)\s+(?:years?|months?|weeks?)\b.*\b(?:realistic|enough|possible|doable|feasible)\b|"
    r"\b(?:timeline|timeframe|deadline)\b.*\b(?:realistic|enough|possible|doable|feasible)\b",
    _F,
)
_BARE_IT = re.compile(r"\bit\b(?!\s+(?:take|cost|pay|earn|mean|possible|realistic|worth|hard|easy))", _F)
_WHICH_ONE = re.compile(r"\bwhich (?:one|of them)\b", _F)
_NOUN = re.compile(
    r"\b((?:\w+\s+)?(?:job|role|career|path|track|position|certification|cert|course|tool|option)s?)\b", _F
)


@dataclass(frozen=True)
class Ask:
    """One question of a message: as written, read, and with the query it is searched by."""

    text: str
    question: Question
    position: int = 0  # its place among the message's asks
    also: tuple[str, ...] = ()  # more searches for it: the lines written for people like the asker

    @property
    def searches(self) -> tuple[str, ...]:
        """What the engine searches for this ask, once each, before composing."""
        return (self.question.query, *self.also)

    @property
    def kind(self) -> Kind:
        return self.question.kind


def split_asks(text: str) -> list[str]:
    """The asking parts of a message in order; the message itself when none stands out."""
    parts: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()):
        marked = sentence.endswith("?")
        for piece in (p.strip(" ,") for p in _JOIN.split(sentence) if p.strip(" ,?")):
            asks = bool(_ASKING.match(piece) or (marked and _ASKING_WITH_MARK.match(piece)))
            short = len(re.findall(r"\w+", piece)) < MIN_ASK_WORDS
            if parts and (asks or marked) and (short or _ELABORATES.search(piece)):
                parts[-1] = f"{parts[-1].rstrip(' ?')}? {piece}"  # "how much?" goes with its ask
            elif asks:
                parts.append(piece)
    return parts[:MAX_ASKS] or [text.strip()]


def read_asks(text: str, query: str, vocabulary: Vocabulary, profile: Profile) -> list[Ask]:
    """The message's asks, each read with the rest of the message and the person behind it.

    `query` is the message's standalone form (follow-ups resolved); a message of one ask keeps
    it as that ask's query, so a single question is read exactly as before.
    """
    parts = split_asks(text)
    whole = read_question(text, vocabulary, query)
    if len(parts) <= 1 or whole.kind is Kind.COMPARISON:  # a comparison's asks are about its two sides
        return [Ask(text, _tailored(whole, profile, vocabulary, whole), 0, _people_like(text, profile))]
    told = profile.interest or ""
    if not (profile.target_role or _known_or_all(whole, profile)):
        parts = _merged_back(parts)  # "What's RAG and why does everyone talk about it?": one ask
    if len(parts) <= 1:
        return [Ask(text, _tailored(whole, profile, vocabulary, whole))]
    asks = []
    for i, part in enumerate(parts):
        read = read_question(part, vocabulary, _standalone(part, whole, profile, told, parts[:i]))
        asks.append(Ask(part, _tailored(read, profile, vocabulary, whole), i, _people_like(part, profile)))
    return asks


def _standalone(part: str, whole: Question, profile: Profile, told: str, before: list[str]) -> str:
    """An ask made searchable alone: what it points back to, named."""
    named: list[str] = []
    role = profile.target_role or next(iter(_known_or_all(whole, profile)), None)
    points_back = _POINTS_BACK.search(part)
    if role and points_back and role.lower() not in part.lower():
        named.append(role)
    elif points_back and told:
        named.append(told)
    if _REALISTIC.search(part):  # "is a year realistic?" is answered by how long it takes
        named.append("how long does it take")
    which = _WHICH_ONE.search(part)
    noun = _NOUN.search(before[-1]) if which and before else None
    if which and noun:  # "..., and which one would make sense?" after "... an AI job"
        part = part.replace(which.group(0), f"which {noun.group(1)}")
    if _about_me(part, profile):
        wanted = profile.interest or profile.target_role
        if wanted and wanted.lower() not in part.lower():
            named.append(f"for {wanted}")
    return f"{part.rstrip(' ?')} ({' '.join(named)})?" if named else part


def _about_me(part: str, profile: Profile) -> bool:
    return bool(profile.background) and bool(re.search(r"\b(i|me|my|someone like me)\b", part, _F))


def _people_like(part: str, profile: Profile) -> tuple[str, ...]:
    """Searches for the lines written for people like the asker: "coming from <their background>"."""
    if not _about_me(part, profile):
        return ()
    searches = [f"{part.rstrip(' ?')} coming from {profile.background}"]
    if any(lang.lower() != "python" for lang in profile.languages):
        searches.append(f"{part.rstrip(' ?')} coming from another programming language")
    return tuple(searches)


def _merged_back(parts: list[str]) -> list[str]:
    """Asks whose "it" can only mean what the ask before named, joined to that ask."""
    merged: list[str] = []
    for part in parts:
        if merged and _BARE_IT.search(part):
            merged[-1] = f"{merged[-1].rstrip(' ?')}? {part}"
        else:
            merged.append(part)
    return merged


def _known_or_all(whole: Question, profile: Profile) -> tuple[str, ...]:
    """The message's roles, less the one the person is now (their background)."""
    background = (profile.background or "").lower()
    return tuple(r for r in whole.entities.roles if r.lower() not in background)


def _tailored(question: Question, profile: Profile, vocabulary: Vocabulary, whole: Question) -> Question:
    """The ask's entities completed from the message and the person: pay in their country, for the
    role they want, when the ask names neither."""
    if profile.empty and question is whole:
        return question
    entities = question.entities
    roles = _known(entities.roles, vocabulary) or loose_roles(question.text, vocabulary.roles)[:1]
    roles = roles or _known(whole.entities.roles, vocabulary)
    if not roles and profile.target_role:
        roles = (profile.target_role,)
    if not roles and profile.interest:
        roles = loose_roles(profile.interest, vocabulary.roles)[:1]
    roles = roles or entities.roles
    if profile.background and question.kind is Kind.LIST and question.list_topic == "roles":
        question = replace(question, kind=Kind.ROLE_FIT, background=profile.background, list_topic=None)
    # the place they are in, as precisely as it is written: a city's own figures, then its country's
    here = canonical_region(profile.place) if profile.place else profile.country
    regions = entities.regions or whole.entities.regions or ((here,) if here else ())
    levels = entities.levels or whole.entities.levels
    if (roles, regions, levels) == (entities.roles, entities.regions, entities.levels):
        return question
    return replace(question, entities=Entities(roles, levels, regions, entities.tools, entities.span))


def _known(roles: tuple[str, ...], vocabulary: Vocabulary) -> tuple[str, ...]:
    known = {r.lower() for r in vocabulary.roles}
    return tuple(r for r in roles if r.lower() in known)


def heading_of(ask: str) -> str:
    """An ask as its part's heading: "and is that timeline realistic" -> "Is that timeline realistic?"."""
    text = re.sub(rf"{_LEAD}", "", ask.strip(), flags=_F).strip(" ,?")
    return f"{text[:1].upper()}{text[1:]}?"
