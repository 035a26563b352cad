"""The vocabulary learned from an article the code has never seen, and the one sentence splitter."""

from __future__ import annotations

from advisor.corpus.chunking import chunk_document
from advisor.corpus.salaries import salary_rows
from advisor.corpus.vocabulary import Vocabulary, build_vocabulary
from advisor.ingest import parse_document
from advisor.text.lexicon import split_sentences

ARTICLE = """# Careers in Warehouse Robotics, 2027

By Ana Lopez, March 3, 2027

Robots now move most parcels in large warehouses. This guide covers the jobs around them.

## Robotics Engineer

Robotics engineers design the arms and the grippers. Most start in mechanical engineering.

## Fleet Analyst

Fleet analysts watch hundreds of robots at once and tune their routes.

## Salaries

| Role | Level | Germany | Canada |
|---|---|---|---|
| Robotics Engineer | Junior | €48,000 – €60,000 | $70,000 – $85,000 |
| Fleet Analyst | Senior | €65,000 – €80,000 | $95,000 – $110,000 |

## Tools to learn

- ROS 2, Gazebo, MoveIt
- **Certified Robotics Professional**: the certificate employers ask for.

## Other roles

- Warehouse Automation Specialist: keeps conveyors and robots in step.
"""


def vocabulary() -> Vocabulary:
    document = parse_document(ARTICLE, "corpus/robotics.md")
    return build_vocabulary(chunk_document(document), salary_rows(document), [document.title])


def test_roles_come_from_headings_tables_and_lists() -> None:
    roles = {r.lower() for r in vocabulary().roles}
    assert {"robotics engineer", "fleet analyst", "warehouse automation specialist"} <= roles


def test_tools_and_certifications_come_from_lists() -> None:
    tools = set(vocabulary().tools)
    assert {"ROS 2", "Gazebo", "MoveIt", "Certified Robotics Professional"} <= tools


def test_headings_are_the_topics() -> None:
    assert {"Robotics Engineer", "Tools to learn", "Other roles"} <= set(vocabulary().headings)


def test_round_trips_through_json() -> None:
    v = vocabulary()
    assert Vocabulary.from_json(v.to_json()) == v


def test_regions_and_levels_are_canonical() -> None:
    v = Vocabulary()
    assert v.find_regions("jobs in Britain or the United States") == ("UK", "US")
    assert v.find_levels("an entry-level or senior role") == ("junior", "senior")
    assert v.find_levels("a staff-level or principal-level engineer") == ("staff", "principal")
    assert v.find_levels("a staff-run team, senior-most people") == ()


def test_split_sentences_keeps_each_sentence_verbatim() -> None:
    line = "Start with Python. Then learn SQL! Is it hard? 3 months is typical."
    assert split_sentences(line) == [
        "Start with Python.",
        "Then learn SQL!",
        "Is it hard?",
        "3 months is typical.",
    ]
