"""Names a question asks about that no article mentions: "AI-102", "H-1B", "Weaviate Cloud".

A name is told apart by its form, never by a list of names: a token mixing letters and digits
("AI-102", not a span like "12-month"), or a capitalised word or acronym inside the sentence
that is no English word ("ChatGPT"; "Associate" and "India" are words). Only the clause that
asks (the one ending in "?", else the whole text) is read, and not what follows "my": a name
the asker tells about themselves ("pretty good with ChatGPT") is not what they ask about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from advisor.answer.quotes import content_words
from advisor.text.money import has_money
from advisor.text.spelling import english_words

__all__ = [
    "Mentions",
    "asked_measure",
    "is_pay_figure",
    "not_covered_line",
    "unmentioned_names",
    "unpriced_line",
]

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+#-]*[A-Za-z0-9+#]|[A-Za-z0-9]")
_CLAUSE_END = re.compile(r"(?<=[.!?;])\s+")
_SPAN = re.compile(
    r"^\d+(?:[.,]\d+)?(?:[-–]\d+)?-?(?:st|nd|rd|th|day|week|month|year|hour|minute|k|m|s|x)s?$", re.I
)
_PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,}s$")  # "DBs", "APIs": a common noun shortened
_OWN = re.compile(r"\b(?:my|our|your|his|her|their)\s*$", re.I)


class Mentions:
    """Every token the articles use, lower-cased, and the parts of tokens joined by "/"."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.tokens: set[str] = set()
        for text in texts:
            for token in _TOKEN.findall(text.replace("/", " ")):
                self.tokens.add(token.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self.tokens


def _asking_clause(text: str) -> str:
    clauses = [c for c in _CLAUSE_END.split(text.strip()) if c]
    asking = [c for c in clauses if c.rstrip().endswith("?")]
    return asking[-1] if asking else text


def _is_name(token: str, first: bool) -> bool:
    has_digit, has_alpha = any(c.isdigit() for c in token), any(c.isalpha() for c in token)
    if has_digit:
        return has_alpha and not _SPAN.match(token)
    if first or len(token) < 2 or not token[0].isupper() or _PLURAL_ACRONYM.match(token):
        return False
    return token.lower() not in english_words()


def unmentioned_names(question: str, mentions: Mentions) -> list[str]:
    """Names in the asking clause that no article uses, in the order asked."""
    clause = _asking_clause(question)
    found: list[str] = []
    for i, match in enumerate(_TOKEN.finditer(clause.replace("/", " "))):
        token = match.group(0)
        if _OWN.search(clause[: match.start()]):
            continue
        if _is_name(token, i == 0) and token not in mentions and token not in found:
            found.append(token)
    return found


def not_covered_line(names: list[str]) -> str:
    """The sentence that says so, naming what was asked as typed."""
    shown = ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]
    return f"None of the articles mentions {shown}."


# What a question asks to be measured other than yearly pay: a price, or pay by the hour or day.
_ASKS_PRICE = re.compile(
    r"\b(?:(?:how much|what) (?:does|do|would|will|did) [\w' -]{1,40}? (?:usually |typically )?"
    r"(?:cost|charge)|prices?|pricing|fees?|tuition)\b|"
    # "how much is the yearly membership renewal?": an amount for a thing, not pay
    r"\bhow much (?:is|are|was|would be) (?:the |a |an |my |your )"
    r"(?![\w' -]*\b(?:salary|salaries|pay|paid|earn\w*|wages?|income|make|makes)\b)",
    re.I,
)
_ASKS_RATE = re.compile(r"\b(?:hourly|per hour|an hour|day rates?|daily rates?|per day)\b", re.I)
_MEASURE_WORDS = content_words(
    "cost costs price prices fee fees tuition charge charges hourly hour day daily rate rates per "
    "usually typically much pay paid roughly about around"
)
_PRICE_WORDS = re.compile(r"\b(?:costs?|prices?|priced|pricing|fees?|tuition|charges?)\b", re.I)


def asked_measure(question: str) -> str | None:
    """ "price" for what something costs, "rate" for pay by the hour or day, else None."""
    if _ASKS_RATE.search(question):
        return "rate"
    if _ASKS_PRICE.search(question):
        return "price"
    return None


def unpriced_line(question: str, texts: Iterable[str]) -> str | None:
    """When a question asks a price or an hourly rate and no line of the articles gives a figure
    with such words, the sentence that says so; None when one does, or when it asks neither."""
    measure = asked_measure(question)
    if measure is None:
        return None
    words = _ASKS_RATE if measure == "rate" else _PRICE_WORDS
    # A line gives the price asked when it also names most of what the question prices ("Isaac
    # Sim"): a course fee that names the same body is no price for its membership.
    subject = content_words(question) - _MEASURE_WORDS
    if any(
        has_money(t) and words.search(t) and 2 * len(subject & content_words(t)) >= len(subject)
        for t in texts
    ):
        return None
    if measure == "rate":
        return (
            "None of the articles gives hourly or day rates; the pay figures they give are yearly salaries."
        )
    return "None of the articles gives what it costs."


def is_pay_figure(text: str) -> bool:
    """A line giving money figures (a salary row): no answer to a price or an hourly rate."""
    return has_money(text) and not _PRICE_WORDS.search(text)
