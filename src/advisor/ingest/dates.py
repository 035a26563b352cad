"""Find a publication date in free text (bylines, front matter) and normalise it to YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["find_date"]

_MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Dutch, German, French, Spanish: articles are saved from sites in every language
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "juni": 6, "juli": 7, "augustus": 8,
    "oktober": 10, "januar": 1, "februar": 2, "märz": 3, "mai": 5, "dezember": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "août": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip

_ORDINAL = r"(?:st|nd|rd|th)?"  # "March 3rd, 2026", "3rd March 2026"
_PATTERNS = [
    # 2026-05-26, 2026-05-26T10:00:00Z, 2026/05/26
    (re.compile(r"(?<!\d)(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?!\d)"), ("y", "-", "m", "d")),
    # March 23, 2026 / Mar. 23 2026 / March 3rd, 2026
    (re.compile(rf"\b([A-Za-zäéû]+)\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})\b"), ("mon", "d", "y")),
    # 20-May-2026 / 11 maart 2026 / 23 March, 2026 / 3rd of March 2026
    (
        re.compile(rf"\b(\d{{1,2}}){_ORDINAL}(?:\s+of)?[-\s]([A-Za-zäéû]+)\.?[-\s,]+(\d{{4}})\b"),
        ("d", "mon", "y"),
    ),
    # 14/01/2026, 14.01.2026, 01/14/2026: day or month first, as the numbers or a "(DD/MM/YYYY)" say
    (re.compile(r"(?<![\d/.])(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?![\d/])"), ("a", "-", "b", "y")),
]
_MONTH_FIRST = re.compile(r"\bMM[/.-]DD\b", re.I)


def find_date(text: str) -> str | None:
    """The first real calendar date in text, as YYYY-MM-DD, or None."""
    found: list[tuple[int, str]] = []
    for pattern, order in _PATTERNS:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            if "a" in parts:
                parts |= _day_and_month(int(parts["a"]), int(parts["b"]), text)
            month = int(parts["m"]) if "m" in parts else _MONTHS.get(parts["mon"].lower())
            if month is None:
                continue
            try:
                day = dt.date(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
            found.append((match.start(), day.isoformat()))
    return min(found)[1] if found else None


def _day_and_month(first: int, second: int, text: str) -> dict[str, str]:
    """ "14/01/2026" is 14 January; "01/14/2026" 14 January too; "03/04/2026" is 3 April unless
    the text says "MM/DD" (most of the world writes the day first)."""
    month_first = second > 12 or (first <= 12 and bool(_MONTH_FIRST.search(text)))
    day, month = (second, first) if month_first else (first, second)
    return {"d": str(day), "m": str(month)}
