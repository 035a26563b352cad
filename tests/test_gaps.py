"""Which names a question asks about that no article mentions (answer/gaps.py)."""

from __future__ import annotations

import pytest

from advisor.answer.gaps import Mentions, asked_measure, not_covered_line, unmentioned_names, unpriced_line

MENTIONS = Mentions(
    ["Learn ROS 2 and Gazebo; the AWS Certified Machine Learning – Specialty (MLS-C01).", "AI: GenAI/LLM"]
)


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Is the AI-102 cert worth doing?", ["AI-102"]),
        ("Do US companies sponsor H-1B visas?", ["H-1B"]),
        ("Should I learn Gazebo or Webots first?", ["Webots"]),
        ("Is MLS-C01 hard?", []),  # the articles name it
        ("What's the 12-month plan?", []),  # a span, not a name
        ("I love ChatGPT and write a lot. Which role fits?", []),  # told, not asked
        ("Is it worth putting on my CV?", []),  # the asker's own
        ("For vector DBs, what are the go-to tools?", []),  # a common noun shortened
        ("What does an AI engineer (the GenAI/LLM kind) do?", []),
        ("Is Associate level enough in India?", []),  # English words
    ],
)
def test_names_asked_about_that_no_article_uses(question: str, missing: list[str]) -> None:
    assert unmentioned_names(question, MENTIONS) == missing


def test_the_line_names_each_missing_name() -> None:
    assert not_covered_line(["AI-102"]) == "None of the articles mentions AI-102."
    assert not_covered_line(["Webots", "X-9"]) == "None of the articles mentions Webots or X-9."


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("How much do bootcamps usually cost?", "price"),
        ("What are the tuition fees?", "price"),
        ("What hourly rate can I charge as a freelancer?", "rate"),
        ("How much does an ML engineer make?", None),
        ("Why does the cost of a false negative matter?", None),  # a cost, not a price asked
    ],
)
def test_what_a_question_asks_to_be_measured(question: str, measure: str | None) -> None:
    assert asked_measure(question) == measure


def test_a_price_is_missing_only_when_no_line_gives_one() -> None:
    question = "How much does the course cost?"
    assert (
        unpriced_line(question, ["Salaries: $100,000 – $150,000"])
        == "None of the articles gives what it costs."
    )
    assert unpriced_line(question, ["The course fee is $49 a month."]) is None
    assert unpriced_line("What does a data scientist earn?", ["Salaries: $100,000"]) is None


def test_a_price_of_something_else_does_not_answer_the_price_asked() -> None:
    assert (
        unpriced_line("How much does a bootcamp cost?", ["Isaac Sim support costs $4,500 a year."])
        is not None
    )
    assert (
        unpriced_line("How much does Isaac Sim support cost?", ["Isaac Sim support costs $4,500 a year."])
        is None
    )
