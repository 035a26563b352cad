"""What a question asks: its kind, its entities, the sides it compares, the background it states.

Generic patterns over English question forms plus the corpus's vocabulary; nothing here
knows any one article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from advisor.answer.roles import loose_roles
from advisor.corpus.vocabulary import Vocabulary
from advisor.text.lexicon import normalize_term

__all__ = [
    "LIST_TOPICS",
    "OWN_ASK",
    "PERIOD_NUMBER",
    "PERIOD_WORDS",
    "Entities",
    "Kind",
    "Period",
    "Question",
    "asked_period",
    "entities_of",
    "names_topic",
    "read_question",
    "topic_modifier",
]


class Kind(StrEnum):
    SALARY = "salary"
    COMPARISON = "comparison"
    PLAN = "plan"
    LIST = "list"
    ROLE_FIT = "role_fit"
    ADVICE = "advice"
    DEFINITION = "definition"
    GENERAL = "general"
    OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Entities:
    roles: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    span: str | None = None  # a time span as asked: "6 months", "how long"


@dataclass(frozen=True)
class Question:
    text: str  # cleaned, spelling-corrected user text of this turn
    query: str  # standalone query to search (follow-up resolved, capped); shown as ANSWER.query
    kind: Kind
    entities: Entities = field(default_factory=Entities)
    sides: tuple[str, ...] = ()  # the two (or more) things compared, for COMPARISON
    background: str | None = None  # stated background for ROLE_FIT ("accountant")
    list_topic: str | None = None  # "certifications", "tools", "courses", "projects", "resources", "roles"


_F = re.IGNORECASE
_SALARY = re.compile(
    r"\b(earn|earns|earning|earnings|salar(?:y|ies)|pay|pays|paid|paying|compensation|income|wages?|"
    r"how much (?:do|does|can|could|will|would|might)\b.*\b(?:make|get|take home)|"
    r"(?:what|how much) (?:do|does|can|could|would|will|might) [\w /-]+ make\b|"
    r"(?:make|makes) (?:more|less|in a year|in the|in [A-Z]|per year|a year|annually)|six figures?|"
    # "how much brutto per month?": an amount a period, where nothing priced is named
    r"how much\b(?!.*\b(?:costs?|fees?|prices?|tuition|charges?|spend|budget)\b)"
    r".*\b(?:per|a|an) (?:month|year|hour|annum))\b|"
    r"[$£€]",
    _F,
)
# Phrases that make a question a comparison even when the sides are not known names.
_COMPARE = re.compile(
    r"\b(vs\.?|versus|comparison|compare|difference between|differ(?:s|ence)? from|how different|"
    r"better (?:than|option|choice|path|fit)|stacks? up|(?:pays?|earns?|makes?) more|higher (?:salary|pay)|"
    r"which (?:one|is better|pays|of the two|should i (?:choose|pick)))\b|"
    r"\bor\b[^?]*\b(which|better|choose|pick)\b|\b(which|better|choose|pick)\b[^?]*\bor\b",
    _F,
)
# ... and phrases that do when both sides are names the vocabulary knows (roles, regions, levels).
_COMPARE_NAMED = re.compile(r"\b(or|and|against|compared? (?:to|with)|rather than|instead of|than)\b", _F)
_PLAN = re.compile(
    r"\b(roadmap|road map|plan|timeline|schedule|step[- ]by[- ]step|steps|stages|phases|"
    r"learning path|study plan|curriculum|month[- ]by[- ]month|week[- ]by[- ]week|"
    r"how many (?:months|weeks|years) (?:of|is|does)|how (?:do|can|should|would) (?:i|you|someone|one) "
    r"(?:become|get into|break into|transition|move|switch|start|learn|go from|prepare)|"
    r"where (?:do|should) i (?:start|begin)|what (?:should|do) i (?:learn|study|do) first|"
    r"in what order|first (?:step|thing)s?|(?:first|last|final) (?:stage|phase|month)s?|(?:last|final) step|"
    r"get started|path to|journey|(?:the|a|what) sequence|sequence of|"
    r"progression|ladder|progress from|all the way (?:to|through)|starting (?:from|with) the)\b",
    _F,
)
LIST_TOPICS = _LIST_TOPICS = {
    "certifications": r"certifications?|certificates?|certs?|credentials?",
    "tools": r"tools?|frameworks?|librar(?:y|ies)|platforms?|stack|tech stack|technolog(?:y|ies)|"
    r"languages?|software",
    "courses": r"courses?|bootcamps?|classes|programs?|programmes?|moocs?|degrees?",
    "resources": r"resources?|books?|websites?|sites|communities|newsletters?|podcasts?|materials?",
    "projects": r"projects?|portfolio(?: pieces| ideas)?",
    "roles": r"roles?|jobs?|job titles?|positions?|career paths?|careers?|specializations?|"
    r"specialisations?|titles?",
    "skills": r"skills?|competenc(?:y|ies)|topics?|concepts?|subjects?",
    "options": r"options|alternatives|examples|ideas|mistakes|pitfalls|tips|ways",
}
_LIST_ASK = re.compile(
    r"\b(which|what|list|name|recommend|suggest|give me|top|best|key|main|essential|important|"
    r"popular|good|useful|some|any|options|alternatives|examples|ideas)\b",
    _F,
)
_FIT = re.compile(
    r"\b(i(?:'m| am) (?:a|an|currently a|currently an|working as an?)|i work as|i(?:'ve| have) "
    r"(?:been|worked|a background|experience)|my background|background in|coming from|as an? "
    r"[\w -]+,|with (?:a|an|my) [\w -]+ background|career changer|switch(?:ing)? from|"
    r"transition(?:ing)? from|move from|moving from)\b",
    _F,
)
_FIT_ASK = re.compile(
    r"\b(which|what)(?: (?:are|is))?(?: (?:the|some|any|good|best|right))? (?:ai |ml |)"
    r"(?:roles?|jobs?|careers?|career paths?|path|positions?|fits?|suits?)|"
    r"\b(suit|suits|fit|fits|good fit|right for me|best for me|well suited|a good match|"
    r"can i become|could i become|should i (?:aim|target)|where do i fit)\b|"
    r"\b(?:what|which)(?:'s| is)? (?:that |the |this )?(?:role|job|job title|title) (?:called|named|for me)",
    _F,
)
_ADVICE = re.compile(
    r"^(?:so |and |but |ok,? |also,? )?(do|does|did|is|are|was|can|could|should|shall|will|would|must|"
    r"am|have|has|need)\b",
    _F,
)
_DEFINITION = re.compile(
    r"^(?:so |and |ok,? )?(what makes |why (?:is|are|do|does) |"
    r"what(?:'s| is| are) (?:a |an |the )?(?!the (?:best|difference|salary|pay))"
    r"|who (?:is|are) |define |explain |meaning of |what does (?:an? |the )?[\w /-]+ (?:do|mean|involve)"
    r"|what do (?:an? )?[\w /-]+ do|how (?:does|do|is|are) [\w /-]+ (?:relate|differ|fit|connect))"
    r"|\b(day[- ]to[- ]day|all day|daily (?:work|tasks|life)|responsibilit(?:y|ies)|duties|"
    r"job description|relationship between|what it means)\b",
    _F,
)
_PERSONAL_DECISION = re.compile(
    r"\b(should|shall) i\s+(accept|take|join|sign|decline|turn down|quit|leave)\b"
    r".*\b(offer|job|company|position)",
    _F,
)
_NUMBER = r"\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few|several"
_SPAN = re.compile(
    rf"\b((?:{_NUMBER})(?:\s*(?:-|–|to)\s*(?:{_NUMBER}))?[- ](?:days?|weeks?|months?|years?)|"
    r"how long|a (?:day|week|month|year)|(?:this|next|per|a) (?:week|month|year))\b",
    _F,
)


PERIOD_WORDS = "month|week|day|year|quarter|phase|step|stage|part|level|module|lesson|milestone|sprint"
_NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve".split()
PERIOD_NUMBER = rf"(?:\d{{1,3}}|{'|'.join(_NUMBER_WORDS)})"
_N = PERIOD_NUMBER
# "months five to seven", "month 3", "weeks 2-4", "step 3"; "the first two months", "first 6 weeks".
_ASKED_PERIOD = re.compile(
    rf"\b(?P<word>{PERIOD_WORDS})s?\s+(?P<a>{_N})(?:\s*(?:[-–—]|to|through|and|&)\s*(?P<b>{_N}))?\b|"
    rf"\bfirst\s+(?P<n>{_N})\s+(?P<word2>{PERIOD_WORDS})s?\b",
    re.I,
)


@dataclass(frozen=True)
class Period:
    """A span of a plan's periods: ("month", 5, 7) for "months five to seven" or "Months 5-7"."""

    word: str
    first: int
    last: int

    @classmethod
    def of(cls, word: str, a: str, b: str | None) -> Period:
        first = _number(a)
        last = _number(b) if b else first
        return cls(word.lower().rstrip("s"), min(first, last), max(first, last))

    def overlap(self, other: Period) -> float:
        """How much two spans share, over what they cover together (0: nothing; 1: the same)."""
        if self.word != other.word:
            return 0.0
        shared = min(self.last, other.last) - max(self.first, other.first) + 1
        return max(shared, 0) / (max(self.last, other.last) - min(self.first, other.first) + 1)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS.index(text.lower()) + 1


def asked_period(question: str) -> Period | None:
    """The period a question asks about ("months five to seven"), if it names one."""
    match = _ASKED_PERIOD.search(question)
    if not match:
        return None
    if match.group("n"):
        return Period.of(match.group("word2"), "1", match.group("n"))
    return Period.of(match.group("word"), match.group("a"), match.group("b"))


def entities_of(text: str, vocabulary: Vocabulary) -> Entities:
    """Roles, levels, regions, tools and the time span a text names."""
    span = _SPAN.search(text)
    return Entities(
        roles=vocabulary.find_roles(text),
        levels=vocabulary.find_levels(text),
        regions=vocabulary.find_regions(text),
        tools=vocabulary.find_tools(text),
        span=span.group(1).lower() if span else None,
    )


def read_question(text: str, vocabulary: Vocabulary, query: str | None = None) -> Question:
    """Classify a question and pull out what it names; `query` is its standalone form."""
    query = query or text
    entities = entities_of(query, vocabulary)
    sides = tuple(as_role(side, vocabulary) for side in _sides(text, query, entities))
    background = _background(text)
    # A follow-up rewritten in place ("the advanced ones" -> "the advanced projects") asks what its
    # rewriting asks; one with its topic appended in brackets is read by its own words.
    rewritten = query != text and "(" not in query
    list_topic = _list_topic(query if rewritten else text)
    # ... and so does its kind: "the better paid one" names a role, it does not ask for pay
    asked = query if rewritten else text
    kind = _kind(asked, entities, sides, background, list_topic)
    if kind is Kind.COMPARISON and not _COMPARE.search(asked) and (stated := _BACKGROUND.search(text)):
        # "I'm a backend developer ... I want to become an ML engineer ... and what would it pay?":
        # the asker's own job named beside another role, with no word that compares, is no side
        roles = tuple(r for r in entities.roles if normalize_term(r) not in normalize_term(stated.group(1)))
        if len(roles) < len(entities.roles):
            entities_left = replace(entities, roles=roles)
            sides = tuple(as_role(side, vocabulary) for side in _sides(text, query, entities_left))
            kind = _kind(asked, entities_left, sides, background, list_topic)
    if kind is Kind.GENERAL and query != text and not OWN_ASK.match(text):
        # an ellipsis ("and in the UK?") asks what its query asks; "how long would it take me?"
        # asks its own question about the earlier topic
        return replace(read_question(query, vocabulary), text=text)
    if kind is not Kind.COMPARISON:
        sides = ()
    return Question(text, query, kind, entities, sides, background, list_topic if kind is Kind.LIST else None)


OWN_ASK = re.compile(r"^\W*(?:(?:so|and|ok|okay|but)\W+)?(?:how long|how hard|why|when|where)\b", _F)


def _kind(
    text: str, entities: Entities, sides: tuple[str, ...], background: str | None, list_topic: str | None
) -> Kind:
    yes_no = any(_ADVICE.match(clause) for clause in _clauses(text))
    if _PERSONAL_DECISION.search(text):
        return Kind.OUT_OF_SCOPE
    if _named_sides(entities) and (_COMPARE.search(text) or _COMPARE_NAMED.search(text)):
        return Kind.COMPARISON
    if len(sides) >= 2 and _COMPARE.search(text) and not yes_no:
        return Kind.COMPARISON
    if _FIT_ASK.search(text) and (background or re.search(r"\b(i|i'm|my)\b", text, _F)):
        return Kind.ROLE_FIT
    if _SALARY.search(text) and not _PLAN.search(text):
        return Kind.SALARY
    if _PLAN_WORD.search(text) or (asked_period(text) and not _SALARY.search(text)):
        return Kind.PLAN
    if _PLAN.search(text) and not (list_topic and re.match(r"^\s*(which|what|list|name)\b", text, _F)):
        return Kind.PLAN
    if list_topic and (_LIST_ASK.search(text) or _opens_with_topic(text)) and not yes_no:
        return Kind.LIST
    if _DEFINITION.search(text):
        return Kind.DEFINITION
    if yes_no:
        return Kind.ADVICE
    if _SALARY.search(text):
        return Kind.SALARY
    if _PLAN.search(text):
        return Kind.PLAN
    return Kind.GENERAL


_PLAN_WORD = re.compile(
    r"\b(roadmap|road map|plan|timeline|schedule|step[- ]by[- ]step|month[- ]by[- ]month|week[- ]by[- ]week|"
    r"learning path|study plan|in what order|what order)\b",
    _F,
)


def _clauses(text: str) -> list[str]:
    return [
        c.strip()
        for c in re.split(r"[.;:!?—–]+|,\s+(?=(?:so|but|and|should|do|is|can)\b)", text)
        if c.strip()
    ]


def _named_sides(entities: Entities) -> tuple[str, ...]:
    for named in (entities.roles, entities.regions, entities.levels):
        if len(named) >= 2:
            return named
    return ()


def names_topic(text: str, topic: str) -> bool:
    """Whether a text (a heading, a line's label) names a list topic: "Core skills" names "skills"."""
    pattern = _LIST_TOPICS.get(topic)
    return bool(pattern and re.search(rf"\b(?:{pattern})\b", text, _F))


def topic_words(text: str, topic: str) -> list[str]:
    """The words a text names a list topic with, as written: "mistakes" for "options"."""
    pattern = _LIST_TOPICS.get(topic)
    return re.findall(rf"\b(?:{pattern})\b", text, _F) if pattern else []


_ASKED = r"\b(?:which|what|list|name|recommend|suggest|top|best|key|main|essential|good|some|any)\b"
# "what are the ...", "which are some ...": a copula and determiners before the words that qualify the topic.
_COPULA = r"(?:\s+(?:are|is|were|was))?(?:\s+(?:the|some|a|an|any|my|your|their|its|his|her))?"
# Words that ask for a list or rate it, not what it is about: "good", "common", "worth".
_NOT_QUALIFIERS = frozenset(
    "which what list name recommend suggest top best key main essential important popular good useful "
    "some any the a an are is were was my your their its his her most common other more few several "
    "worth great right new main typical".split()
)


def _opens_with_topic(text: str, pattern: str | None = None) -> bool:
    """A question that is its topic noun and what it is for: "tools for catching model drift?"."""
    nouns = pattern or "|".join(_LIST_TOPICS.values())
    return bool(re.search(rf"^\W*(?:[\w'/-]+\s+){{0,2}}(?:{nouns})\s+(?:for|to)\b[^?]*\??\W*$", text, _F))


def _list_topic(text: str) -> str | None:
    """What a list question asks for: its topic noun soon after "which", "what", "list"... ."""
    for topic, pattern in _LIST_TOPICS.items():
        if re.search(rf"{_ASKED}{_COPULA}(?:,?\s+[\w'/-]+){{0,2}}?\s+(?:{pattern})\b", text, _F):
            return topic
        # Adjectives listed with a comma may run longer: "the really ambitious, expert-tier projects".
        if re.search(
            rf"{_ASKED}{_COPULA}(?:\s+[\w'/-]+){{1,2}},(?:\s+[\w'/-]+){{1,2}}\s+(?:{pattern})\b", text, _F
        ):
            return topic
        if re.search(rf"^\W*(?:[\w'/-]+\s+){{0,3}}(?:{pattern})\W*$", text, _F):  # "feature store options?"
            return topic
        if _opens_with_topic(text, pattern):
            return topic
        if re.search(
            rf"\b(?:examples|a couple|a few|some|list) of (?:the |your )?"
            rf"(?:[\w'/-]+\s+){{0,2}}(?:{pattern})\b",
            text,
            _F,
        ):
            return topic  # "a couple of examples of the advanced projects"
    return None


def topic_modifier(text: str, topic: str | None) -> tuple[str, ...]:
    """The words that narrow a list's topic, as asked: "monitoring" in "which monitoring tools",
    "beginner" in "what are the beginner projects"; empty when the topic stands alone."""
    pattern = _LIST_TOPICS.get(topic or "")
    if not pattern:
        return ()
    match = re.search(rf"{_ASKED}{_COPULA}((?:,?\s+[\w'/-]+){{0,4}}?)\s+(?:{pattern})\b", text, _F)
    if not match:
        return ()
    words = re.findall(r"[\w'/-]+", match.group(1).lower())
    return tuple(w for w in words if w not in _NOT_QUALIFIERS and not re.fullmatch(r"\d+", w))


_SIDE_SPLIT = re.compile(
    r"\s+(?:vs\.?|versus|or|compared? (?:to|with)|rather than|instead of|against|and)\s+", _F
)
# Words after which a side's name has ended: "Gazebo or Webots for a laptop", "... which pays more".
_SIDE_ENDS = (
    r"\s+(?:which|who|what|whats|what.s|in terms|for|as an?|"
    r"pays?|earns?|makes?|needs?|requires?|is|are|has|have|offers?)\b"  # a verb ends a noun phrase
)
_SIDE_NOISE = re.compile(
    r"^(?:.*\b(?:between|is|are|does|do|should i (?:become|choose|pick|go for)|pick|choose|compare|"
    rf"being|become|as)\s+)?(?:an?\s+|the\s+)?|(?:[?,!:;]|\.(?=\s|$)).*$|{_SIDE_ENDS}.*$",
    _F,
)
# A side is what stands next to "or": after the last comma or colon before it ("Which is more in
# demand, MLOps or data science?"), before the first one after it.
_BEFORE_SIDE = re.compile(r"[,:;—–]\s*|\s-\s")
_AFTER_SIDE = re.compile(rf"{_SIDE_ENDS}|[?,!:;—–]|\.(?=\s|$)", _F)


# A field and the person who works in it: "data science" is what a Data Scientist does.
_FIELD_TO_PERSON = (
    ("science", "scientist"),
    ("engineering", "engineer"),
    ("management", "manager"),
    ("research", "researcher"),
    ("design", "designer"),
    ("analytics", "analyst"),
)


def as_role(side: str, vocabulary: Vocabulary) -> str:
    """A side named as a field ("data science") as the role the articles name for it, if any."""
    for field_word, person in _FIELD_TO_PERSON:
        if re.search(rf"\b{field_word}$", side, _F):
            roles = vocabulary.find_roles(re.sub(rf"{field_word}$", person, side, flags=_F))
            known = [r for r in roles if r in vocabulary.roles]
            if len(known) == 1:
                return known[0]
    if not vocabulary.find_roles(side) and len(loose := loose_roles(side, vocabulary.roles)) >= 1:
        return loose[0]  # "MLOps" is the MLOps role
    return side


def _sides(text: str, query: str, entities: Entities) -> tuple[str, ...]:
    """What is compared: two roles, regions or levels if named, else the words either side of "or"."""
    if named := _named_sides(entities):
        return named
    between = re.search(r"\bbetween (.+?) and (.+?)(?:[?.!]|,\s|$)", text, _F)
    if between:  # "between AI, machine learning and deep learning": three sides
        first = [" ".join(side.split()[-5:]) for side in between.group(1).split(",") if side.strip()]
        return (*first, " ".join(between.group(2).split()[:5]))
    parts = _SIDE_SPLIT.split(text.strip(), maxsplit=1)
    if len(parts) != 2:
        return ()
    left = _SIDE_NOISE.sub("", _BEFORE_SIDE.split(parts[0])[-1]).strip()
    right = _SIDE_NOISE.sub("", _AFTER_SIDE.split(parts[1])[0]).strip()
    left = " ".join(left.split()[-4:])
    more = [
        " ".join(_AFTER_SIDE.split(side)[0].split()[:4]) for side in _CHAIN.split(right)
    ]  # "ai vs ml vs dl"
    sides = (left, *more)
    return sides if all(sides) else ()


_CHAIN = re.compile(r"\s+(?:vs\.?|versus)\s+", _F)


_BACKGROUND = re.compile(
    r"\b(?:i(?:'m| am) (?:currently )?(?:an?|working as an?) |i work as an? |i work in |"
    r"i(?:'ve| have) been an? |"
    r"background (?:is )?in |coming from |as an? |with an? |switch(?:ing)? from |"
    r"transition(?:ing)? from |mov(?:e|ing) from |my background is (?:in )?|"
    r"(?:suits?|fits?|for) (?:an? (?=[a-z]+\b(?:\?|$))|someone who (?:is an? )?|people who (?:are )?))"
    r"([\w][\w /&+-]{1,40}?)(?=\s*(?:[,.;?!]|\bwith\b|\bwho\b|\band\b|\bbackground\b|\binto\b|\bto\b|"
    r"\bwhich\b|\bwhat\b|\bhow\b|\bcan\b|\bcould\b|\bfor\b|$))",
    _F,
)


def _background(text: str) -> str | None:
    """The background a question states: "accountant", or the clause that tells of it."""
    match = _BACKGROUND.search(text)
    if match:
        return match.group(1).strip()
    told = [c for c in _clauses(text) if re.search(r"\b(i|i'm|i've|my)\b", c, _F) and not _FIT_ASK.search(c)]
    return told[0] if told else None
