"""Question understanding: kinds and entities of realistic questions, on a vocabulary from made-up roles."""

from __future__ import annotations

import pytest

from advisor.answer.question import Kind, read_question
from advisor.corpus.vocabulary import Vocabulary

# Roles of an imaginary corpus, not of the shipped articles: nothing here may depend on them.
VOCAB = Vocabulary(
    roles=("Robotics Engineer", "Data Steward", "Fleet Analyst", "Warehouse Automation Specialist"),
    tools=("ROS 2", "Gazebo", "Certified Robotics Professional"),
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("What does a junior robotics engineer earn in Germany?", Kind.SALARY),
        ("How much can a fleet analyst make in the UK?", Kind.SALARY),
        ("Robotics engineer or fleet analyst, which pays more?", Kind.COMPARISON),
        ("What's the difference between a data steward and a fleet analyst?", Kind.COMPARISON),
        ("Give me a six-month roadmap to become a robotics engineer", Kind.PLAN),
        ("How long does it take to become a data steward?", Kind.GENERAL),  # a duration, not steps
        ("Which certifications help a robotics engineer?", Kind.LIST),
        ("What tools should I learn?", Kind.LIST),
        ("I'm a nurse. Which roles would suit me?", Kind.ROLE_FIT),
        ("Do I need a degree to become a fleet analyst?", Kind.ADVICE),
        ("Is it worth learning ROS 2?", Kind.ADVICE),
        ("What does a data steward do all day?", Kind.DEFINITION),
        ("What is a warehouse automation specialist?", Kind.DEFINITION),
        ("Should I accept the job offer from my neighbour's company?", Kind.OUT_OF_SCOPE),
    ],
)
def test_kind(text: str, kind: Kind) -> None:
    assert read_question(text, VOCAB).kind is kind


def test_entities_are_spelled_as_the_corpus_spells_them() -> None:
    q = read_question("what does a senior robotics engineer earn in britain in 2 years?", VOCAB)
    assert q.entities.roles == ("Robotics Engineer",)
    assert q.entities.levels == ("senior",)
    assert q.entities.regions == ("UK",)
    assert q.entities.span == "2 years"


def test_a_role_the_corpus_does_not_know_is_still_named() -> None:
    q = read_question("What is the salary of a computer vision engineer in India?", VOCAB)
    assert q.entities.roles == ("computer vision engineer",)
    assert q.entities.regions == ("India",)


def test_comparison_keeps_both_sides() -> None:
    q = read_question("Should I become a data steward or a robotics engineer?", VOCAB)
    assert q.kind is Kind.COMPARISON
    assert set(q.sides) == {"Data Steward", "Robotics Engineer"}
    regions = read_question("Does a fleet analyst earn more in the US or in Canada?", VOCAB)
    assert regions.sides == ("US", "Canada")


@pytest.mark.parametrize(
    "text",
    [
        "What's the difference between telemetry, geofencing and route planning?",
        "telemetry vs geofencing vs route planning whats the difference",
    ],
)
def test_three_things_compared_are_three_sides(text: str) -> None:
    q = read_question(text, VOCAB)
    assert q.kind is Kind.COMPARISON
    assert [s.lower() for s in q.sides] == ["telemetry", "geofencing", "route planning"]


def test_stated_background_and_list_topic() -> None:
    q = read_question("I'm a warehouse manager with ten years of experience; which roles fit me?", VOCAB)
    assert q.kind is Kind.ROLE_FIT and q.background == "warehouse manager"
    assert read_question("Which certifications are worth it?", VOCAB).list_topic == "certifications"
    assert read_question("Which tools do robotics engineers use?", VOCAB).entities.roles == (
        "Robotics Engineer",
    )


def test_us_the_pronoun_is_not_a_region() -> None:
    assert read_question("Can you tell us what a fleet analyst does?", VOCAB).entities.regions == ()


def test_a_follow_up_with_its_own_ask_is_not_the_earlier_pay_question() -> None:
    query = "how long would it take me to get there? (Fleet Analyst salary)"
    assert read_question("how long would it take me to get there?", VOCAB, query).kind is not Kind.SALARY
    ellipsis = read_question("and in Canada?", VOCAB, "What does a fleet analyst earn in Canada?")
    assert ellipsis.kind is Kind.SALARY  # an ellipsis still asks what its query asks


def test_the_askers_own_job_beside_the_one_they_want_is_no_comparison() -> None:
    moving = read_question(
        "I'm a fleet analyst in Oslo. I want to become a robotics engineer, where do I start and what would it pay?",
        VOCAB,
    )
    assert moving.kind is not Kind.COMPARISON and moving.sides == ()
    weighing = read_question(
        "I'm a fleet analyst: does a robotics engineer earn more than a fleet analyst?", VOCAB
    )
    assert weighing.kind is Kind.COMPARISON  # a word that compares keeps both sides
