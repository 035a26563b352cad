"""Which names a question asks about that no article mentions (answer/gaps.py)."""

from __future__ import annotations

import pytest

from advisor.answer.gaps import Mentions, not_covered_line, unmentioned_names

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
