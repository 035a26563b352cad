"""Money as people write it: the one reader of amounts and ranges, for salaries, pay and gaps.

An amount is a number with a currency before or after it: a sign ("$", "€", "CA$", "₹"), an
ISO 4217 code ("EUR 48,000", "48,000 EUR"; the codes from pycountry) or a currency's name
("31,000 crowns", "45,000 euros"); it may be scaled ("$120k", "₹14 lakh", "₹1 crore",
"A$1.2 million"). A range is two amounts joined by a dash, "to", or "between ... and ...";
one side may leave out what the other says ("EUR 48,000 – 58,000", "₹3.5 – 6 LPA").

price-parser reads each amount's number ("85.000", "35 000", "1,020,000", "3.5": thousands
and decimal separators as written). It finds one price in a string and knows no ranges or
scales, so finding them is this module's. Signs, currency words and scales are data
(words.toml).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib.resources import files

import pycountry
from price_parser.parser import parse_number

__all__ = ["Figure", "Money", "find_money", "has_money", "parse_range"]

_WORDS = tomllib.loads(files("advisor.text").joinpath("words.toml").read_text(encoding="utf-8"))
_SIGNS: dict[str, str] = _WORDS["currency_signs"]  # as written -> ISO code ("" when it names no one)
_NAMES: dict[str, str] = _WORDS["currency_words"]
_SCALES: dict[str, float] = _WORDS["money_scales"]
_CODES = frozenset(c.alpha_3 for c in pycountry.currencies) - set(_WORDS["currency_codes_not_money"]["codes"])


@dataclass(frozen=True)
class Money:
    """One amount: as written, its value in units of its currency, and that currency."""

    text: str  # as written: "$100,000", "₹3.5", "31,000 crowns", "6 LPA"
    value: float  # 350000.0 for "₹3.5" in "₹3.5 – 6 LPA"
    currency: str  # the sign, code or word as written, or taken from the other end of a range
    code: str | None = None  # ISO 4217, when the currency names one: "INR", "EUR"

    @property
    def key(self) -> str:
        """What tells currencies apart: "EUR 48,000" and "€85,000" are both EUR."""
        return self.code or self.currency


@dataclass(frozen=True)
class Figure:
    """An amount or a range, where it stands in the text."""

    text: str  # as written: "₹3.5 – 6 LPA", "€85,000 and €120,000" (of "between ... and ...")
    low: Money
    high: Money
    start: int
    end: int

    @property
    def is_range(self) -> bool:
        return self.low is not self.high


def _alternatives(words: object) -> str:
    return "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


_NUMBER = r"\d{1,3}(?:[,.\u00a0\u202f '’]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"
_LETTER_SIGNS = _alternatives(w for w in _SIGNS if w[0].isalpha())  # "CA$", "kr", "Rs"
_SYMBOL_SIGNS = _alternatives(w for w in _SIGNS if not w[0].isalpha())  # "$", "€", "₹"
# A sign may follow what stands before it directly: a table row whose cells lost their
# separators ("Senior ML Engineer$180,000 – $260,000£90,000"); a sign written in letters, or a
# bare number, may not start inside a word. A currency after the amount ("85.000 €", "48,000
# EUR", "31,000 crowns") counts only where none stands before it.
_AMOUNT = re.compile(
    rf"""(?:(?P<sign>(?<![A-Za-z])(?:{_LETTER_SIGNS})|{_SYMBOL_SIGNS})\s?|(?<!\w)(?P<code>[A-Z]{{3}})\s?|(?<![\w.,$€£₹¥]))
    (?P<number>{_NUMBER})
    (?:\s?(?P<scale>{_alternatives(_SCALES)})(?![A-Za-z\d]))?
    (?P<plus>\+)?
    (?(sign)|(?(code)|(?:\s?(?:(?P<after_sign>€|kr\.?|zł|Kč|円)|(?P<after_code>[A-Z]{{3}})|(?P<word>{_alternatives(_NAMES)}))(?![A-Za-z]))?))
    """,
    re.VERBOSE,
)
# A sign that is a bare capital letter ("R", the rand) marks money only before a number in
# thousands ("R 58 000", "R1,800") or with a scale ("R1.2 million").
_LETTER_ONLY_SIGNS = frozenset(w for w in _SIGNS if len(w) == 1 and w.isalpha())
_GROUPED = re.compile(r"\d[,. '’]\d{3}|\d{4}")
_JOIN = re.compile(r"^\s*(?:–|—|-|to)\s*$")
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    number: float
    currency: str | None
    code: str | None
    scale: float | None


def _token(m: re.Match[str]) -> _Token | None:
    if m.group("code") and m.group("code") not in _CODES:
        return None  # "SOC 2" is no amount
    end = m.end()
    code = m.group("code") or m.group("after_code")
    if m.group("after_code") and code not in _CODES:  # "40 GPU": the number alone
        code, end = None, m.start("after_code")
    written = m.group("sign") or code or m.group("after_sign") or m.group("word")
    iso = code or _SIGNS.get(written or "") or _NAMES.get((written or "").lower()) or None
    digits = m.group("number").replace("\u00a0", " ").replace("\u202f", " ")
    if written in _LETTER_ONLY_SIGNS and not _GROUPED.search(digits) and not m.group("scale"):
        return None  # "R 4.2" is the language's version; "R 58 000" is rand
    number = parse_number(re.sub(r"['’]", "", digits))  # "CHF 58'000": the Swiss thousands mark
    if number is None:
        return None
    scale = _SCALES.get(m.group("scale") or "")
    return _Token(m.start(), end, float(number), written, iso, scale)


def _tokens(text: str) -> list[_Token]:
    return [t for m in _AMOUNT.finditer(text) if (t := _token(m)) is not None]


def _money(text: str, token: _Token, other: _Token | None) -> Money:
    """An amount, taking what it leaves out (currency, scale) from the other end of its range."""
    currency = token.currency or (other.currency if other else None) or ""
    code = token.code if token.currency else (other.code if other else None)
    scale = token.scale or (other.scale if other and other.scale and other.start > token.start else None)
    value = token.number * (scale or 1)
    return Money(text[token.start : token.end].strip(), value, currency, code)


def find_money(text: str) -> list[Figure]:
    """Every amount and range of money the text states, in order."""
    tokens = _tokens(text)
    figures: list[Figure] = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        second = tokens[i + 1] if i + 1 < len(tokens) else None
        if second is not None and _joined(text, first, second) and (first.currency or second.currency):
            low, high = _money(text, first, second), _money(text, second, first)
            if low.value <= high.value:
                figures.append(Figure(text[first.start : second.end], low, high, first.start, second.end))
                i += 2
                continue
        if first.currency:
            amount = _money(text, first, None)
            figures.append(Figure(amount.text, amount, amount, first.start, first.end))
        i += 1
    return figures


def _joined(text: str, first: _Token, second: _Token) -> bool:
    """Two amounts that make one range: "X – Y", "X to Y", "between X and Y"."""
    gap = text[first.end : second.start]
    if _JOIN.match(gap):
        return True
    return bool(re.match(r"^\s*and\s*$", gap)) and bool(_BETWEEN.search(text[: first.start]))


def has_money(text: str) -> bool:
    """Whether the text states any amount of money."""
    return bool(find_money(text))


@functools.lru_cache(maxsize=4096)
def parse_range(written: str) -> tuple[Money, Money] | None:
    """ "$100,000 – $130,000" -> its low and high; the first and last amount of a longer text."""
    found = find_money(written)
    if not found:
        return None
    return found[0].low, found[-1].high
