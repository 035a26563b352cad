"""text/money.py: every amount and range of money as people write it, read by one module."""

from __future__ import annotations

import pytest

from advisor.answer.gaps import is_pay_figure
from advisor.text.money import find_money, has_money, parse_range


@pytest.mark.parametrize(
    ("text", "written", "low", "high", "code"),
    [
        ("$120,000 – $250,000+", "$120,000 – $250,000+", 120_000, 250_000, None),
        ("CHF 58'000–64'000 a year", "CHF 58'000–64'000", 58_000, 64_000, "CHF"),  # the Swiss thousands mark
        ("R 380 000 - R 450 000", "R 380 000 - R 450 000", 380_000, 450_000, "ZAR"),  # rand, spaced thousands
        ("年収 480万–550万円", "480万–550万円", 4_800_000, 5_500_000, "JPY"),  # man (10,000) yen
        ("£45,000 – £65,000", "£45,000 – £65,000", 45_000, 65_000, "GBP"),
        ("CA$95,000 to CA$140,000", "CA$95,000 to CA$140,000", 95_000, 140_000, "CAD"),
        ("A$90k – A$110k", "A$90k – A$110k", 90_000, 110_000, "AUD"),
        ("| ₹3.5 – 6 LPA |", "₹3.5 – 6 LPA", 350_000, 600_000, "INR"),  # the scale after the second end
        ("between ₹14 lakh and ₹26 lakh a year", "₹14 lakh and ₹26 lakh", 1_400_000, 2_600_000, "INR"),
        ("more than ₹1 crore including bonus", "₹1 crore", 10_000_000, 10_000_000, "INR"),
        ("offers of EUR 48,000 – 58,000.", "EUR 48,000 – 58,000", 48_000, 58_000, "EUR"),  # an ISO code
        ("48,000 EUR a year", "48,000 EUR", 48_000, 48_000, "EUR"),
        ("SEK 860,000 - 1,020,000", "SEK 860,000 - 1,020,000", 860_000, 1_020_000, "SEK"),
        ("about 31,000 crowns a month", "31,000 crowns", 31_000, 31_000, None),  # a word; several crowns
        ("around 45,000 euros in the first year", "45,000 euros", 45_000, 45_000, "EUR"),
        ("Gehalt: €85.000", "€85.000", 85_000, 85_000, "EUR"),  # a point between thousands
        ("35 000 kr i månaden", "35 000 kr", 35_000, 35_000, None),
        ("US$1.2 million", "US$1.2 million", 1_200_000, 1_200_000, "USD"),
        ("CHF 140,000 or more", "CHF 140,000", 140_000, 140_000, "CHF"),
        ("₦450,000 – ₦900,000 monthly", "₦450,000 – ₦900,000", 450_000, 900_000, "NGN"),
    ],
)
def test_amounts_and_ranges_as_written(
    text: str, written: str, low: float, high: float, code: str | None
) -> None:
    [figure] = find_money(text)
    assert (figure.text, figure.low.value, figure.high.value, figure.low.code) == (written, low, high, code)
    assert figure.text in text  # never rewritten


def test_a_range_missing_its_currency_at_one_end_takes_the_other_ends() -> None:
    [figure] = find_money("SEK 35,000 - 40,000")
    assert (figure.low.text, figure.high.text) == ("SEK 35,000", "40,000")
    assert figure.high.currency == "SEK" and figure.high.key == figure.low.key == "SEK"
    [sign], [code] = find_money("€85,000"), find_money("EUR 48,000")
    assert sign.low.key == code.low.key == "EUR"  # one currency, however it is written


def test_cells_that_ran_together_are_figures_apart() -> None:
    """A table row saved without its cell separators, as a shipped .txt article has one."""
    row = "Junior ML Engineer (0-2 years)$100,000 – $130,000£45,000 – £65,000$80,000 – $115,000"
    assert [f.text for f in find_money(row)] == [
        "$100,000 – $130,000",
        "£45,000 – £65,000",
        "$80,000 – $115,000",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "SOC 2 audits, L1 analysts and 24x7 shifts in 2026",
        "TOP 10 TOOLS FOR ALL 3 LEVELS",  # ISO codes that are English words in capitals
        "a 12% rise over 5 years; 40 GPU hours",
        "R 4.2 and Python 3.12",
    ],
)
def test_numbers_that_are_no_money(text: str) -> None:
    assert find_money(text) == [] and not has_money(text)


def test_an_and_between_two_figures_is_a_range_only_after_between() -> None:
    assert [f.text for f in find_money("base of $100k and a bonus of $20k")] == ["$100k", "$20k"]
    assert parse_range("$100,000 – $130,000") is not None
    low, high = parse_range("$100,000 – $130,000")  # type: ignore[misc]
    assert (low.value, high.value, low.currency) == (100_000, 130_000, "$")


def test_pay_figures_in_any_currency_are_no_price() -> None:
    """answer/gaps.py reads money here too: a salary row in rupees or crowns is a pay figure."""
    assert is_pay_figure("| SOC Analyst L1 | 0–2 years | ₹3.5 – 6 LPA |")
    assert is_pay_figure("Junior researcher       SEK 35,000 - 40,000")
    assert not is_pay_figure("The exam voucher costs roughly ₹32,000.")
