"""Answers of the weaker kinds (lists narrowed by the question, plans, comparisons, gaps),
proved on a robotics careers article the code has never seen, indexed with the real corpus.

tests/data/robotics_articles/ holds it: role sections, a tool stack whose sub-sections each
introduce a list, a series of project levels written as labelled paragraphs, a salary table,
a six-month plan and an FAQ.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from advisor.answer.extractive import ExtractiveAnswerer
from advisor.answer.models import Answer
from advisor.answer.question import read_question
from advisor.conversation import ConversationStore
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.retrieval import Retriever

from .conftest import retriever_with_articles

ARTICLES = Path(__file__).parent / "data" / "robotics_articles"


@pytest.fixture(scope="module")
def robotics(
    tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder
) -> Retriever:
    return retriever_with_articles(
        tmp_path_factory.mktemp("answer-kinds"), ARTICLES, real_index, real_embedder
    )


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory, robotics: Retriever) -> Advisor:
    store = ConversationStore(tmp_path_factory.mktemp("answer-kinds-store") / "conversations.db")
    return Advisor(robotics, store, mode="extractive")


def test_words_that_narrow_a_list_pick_the_list_headed_by_them(advisor: Advisor) -> None:
    answer = advisor.ask("Which simulation tools are worth knowing for robotics?")
    assert answer.kind == "list"
    for tool in ("Gazebo", "Isaac Sim", "Webots"):
        assert tool in answer.answer, answer.answer
    assert "OMPL" not in answer.answer and "Zenoh" not in answer.answer, answer.answer  # other sub-sections


@pytest.mark.parametrize(
    "question",
    ["What are the field-level robotics projects?", "Which robotics projects are field level?"],
)
def test_one_member_of_a_series_asked_for_comes_back_whole(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question)
    assert answer.kind == "list"
    first = answer.answer.splitlines()[0]
    assert "Warehouse Mapping Robot" in first and "Pick-and-Place Cell" in first, answer.answer
    assert "Line-Following Rover" not in answer.answer, answer.answer  # another level's projects
    assert "Multi-Robot Coordinator" not in answer.answer, answer.answer


def test_a_series_asked_for_whole_stays_whole(advisor: Advisor) -> None:
    answer = advisor.ask("Which robotics projects get you hired?")
    assert "Bench Level, Field Level, Fleet Level" in answer.answer.splitlines()[0], answer.answer


def test_a_comparison_asking_about_something_answers_it_for_each_side(advisor: Advisor) -> None:
    answer = advisor.ask(
        "Perception engineer or controls engineer: which one suits someone who enjoys mathematics?"
    )
    assert answer.kind == "comparison" and answer.table is not None, answer.answer
    asked = [row for row in answer.table.rows if row[0] == "On your question"]
    assert asked, answer.answer
    perception, controls = asked[0][1], asked[0][2]
    assert "Computer vision graduates" in perception, answer.answer
    assert "mathematics of motion" in controls, answer.answer


def test_a_plain_difference_question_has_no_row_for_a_question_it_did_not_ask(advisor: Advisor) -> None:
    answer = advisor.ask("What's the difference between a perception engineer and a controls engineer?")
    assert answer.table is not None and [row[0] for row in answer.table.rows] == ["What the articles say"]


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        (
            "What should I work on in months three to four of the robotics plan?",
            "Month 3–4: ROS 2 and simulation.",
        ),
        ("robotics plan: what do I do in the first two months?", "Month 1–2: C++ and Linux."),
    ],
)
def test_a_plan_question_naming_a_period_opens_with_that_periods_step(
    advisor: Advisor, question: str, opening: str
) -> None:
    answer = advisor.ask(question)
    assert answer.kind == "plan", answer.answer
    assert answer.answer.startswith(opening), answer.answer
    assert [step.label for step in answer.steps] == ["Month 1–2", "Month 3–4", "Month 5–6"], answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "How long should I practise C++ before I start with ROS 2 for robotics?",
        "How long does it take a Python developer to get ready for robotics software engineering?",
        "how many weeks for c++ as a robotics software engineer?",
    ],
)
def test_how_long_is_answered_by_the_line_that_gives_a_duration(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question)
    assert "six to eight weeks" in answer.answer.split("\n\n", 1)[0], answer.answer


def test_a_progression_of_levels_comes_back_in_order_with_each_levels_own_lines(advisor: Advisor) -> None:
    answer = advisor.ask("How should my robotics projects progress from easy to hard, level by level?")
    assert answer.kind == "plan", answer.answer
    assert [step.label for step in answer.steps] == ["Bench Level", "Field Level", "Fleet Level"], (
        answer.answer
    )
    text = answer.answer
    order = [
        "Line-Following Rover",
        "Servo Arm Controller",
        "Warehouse Mapping Robot",
        "Multi-Robot Coordinator",
    ]
    assert all(name in text for name in order), text
    assert [text.index(name) for name in order] == sorted(text.index(name) for name in order), text


def test_a_name_no_article_mentions_is_said_to_be_missing_first(advisor: Advisor) -> None:
    answer = advisor.ask("Is the RX-7731 robotics certificate worth getting?")
    assert answer.answer.startswith("None of the articles mentions RX-7731."), answer.answer
    assert "[1]" in answer.answer  # what the articles do say follows, cited


@pytest.mark.parametrize(
    "question",
    [
        "I built a rover with an Arduino Uno R3 at home. Which robotics role suits me?",  # told, not asked
        "Is Gazebo the simulator to learn first for robotics?",  # the articles name it
        "Do I need a 4-year degree for robotics software engineering?",  # a span, not a name
    ],
)
def test_names_the_articles_use_or_the_asker_tells_of_are_not_called_missing(
    advisor: Advisor, question: str
) -> None:
    assert "None of the articles mentions" not in advisor.ask(question).answer


def test_a_background_given_as_alternatives_is_matched_by_either(advisor: Advisor) -> None:
    answer = advisor.ask("I'm a frontend/backend developer. Which robotics role fits me?")
    assert answer.kind == "role_fit"
    assert (
        "Backend developers who want their code to move something physical" in answer.answer.splitlines()[0]
    )


def test_the_tools_of_a_named_role_come_from_its_own_skills_line(advisor: Advisor) -> None:
    answer = advisor.ask("Which tools does a Perception Engineer use?")
    assert answer.kind == "list"
    assert answer.answer.startswith("Core skills: point-cloud processing, camera calibration"), answer.answer
    assert "MATLAB" not in answer.answer, answer.answer  # another role's


def test_a_question_that_is_its_topic_and_what_it_is_for_is_a_list(advisor: Advisor) -> None:
    answer = advisor.ask("tools for motion planning on robot arms?")
    assert answer.kind == "list", answer.answer
    assert "MoveIt 2" in answer.answer and "OMPL" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which robotics tools keep a mobile robot from getting lost?", "Nav2"),
        ("Which robotics libraries stop an arm from hitting things on its way?", "OMPL"),
        ("Which tools carry the messages between the parts of a robot?", "Zenoh"),
    ],
)
def test_of_lists_headed_alike_the_one_closest_to_the_question_answers(
    advisor: Advisor, question: str, expected: str
) -> None:
    answer = advisor.ask(question)
    assert answer.kind == "list", answer.answer
    assert expected in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("How much does a robotics bootcamp usually cost?", "None of the articles gives what it costs."),
        (
            "What day rate can a freelance controls engineer charge?",
            "None of the articles gives hourly or day rates",
        ),
    ],
)
def test_a_price_or_an_hourly_rate_no_article_gives_is_said_to_be_missing(
    advisor: Advisor, question: str, opening: str
) -> None:
    answer = advisor.ask(question)
    assert answer.answer.startswith(opening), answer.answer
    assert "€" not in answer.answer and "$115,000" not in answer.answer, (
        answer.answer
    )  # no salary rows as an answer


def test_a_price_an_article_gives_is_not_called_missing(advisor: Advisor) -> None:
    answer = advisor.ask("How much does Isaac Sim enterprise support cost?")
    assert "None of the articles" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        (
            "What comes after ROS 2 and simulation in the robotics plan?",
            "Month 5–6: Perception and planning.",
        ),
        ("In the robotics plan, what do I learn before ROS 2 and simulation?", "Month 1–2: C++ and Linux."),
    ],
)
def test_what_comes_after_a_step_opens_with_the_next_step(
    advisor: Advisor, question: str, opening: str
) -> None:
    answer = advisor.ask(question)
    assert answer.kind == "plan", answer.answer
    assert answer.answer.startswith(opening), answer.answer


def test_the_x_ones_after_a_list_are_that_lists_x_members(advisor: Advisor) -> None:
    first = advisor.ask("Which robotics projects get you hired?")
    answer = advisor.ask("give me a couple of examples of the fleet ones", first.conversation_id)
    assert answer.query == "give me a couple of examples of the fleet projects", answer.query
    assert "Multi-Robot Coordinator" in answer.answer and "Remote Monitoring Dashboard" in answer.answer
    assert "Line-Following Rover" not in answer.answer, answer.answer


def test_what_a_role_does_brings_the_they_sentence_that_follows_it(advisor: Advisor) -> None:
    answer = advisor.ask("What does a controls engineer actually do?")
    first = answer.answer.splitlines()[0]
    assert first.startswith("Controls Engineers tune the feedback loops"), answer.answer
    assert "They are the reason a welding arm can hold a bead" in first, answer.answer
    assert first.count("Controls Engineers tune") == 1, answer.answer  # the first sentence once


def test_the_sides_of_a_comparison_are_the_words_next_to_or_after_a_comma(advisor: Advisor) -> None:
    answer = advisor.ask("Which simulator is lighter to run, Gazebo or Webots?")
    _assert_compares(answer, ("Gazebo", "ships alongside ROS 2"), ("Webots", "runs well on a laptop"))


def test_a_long_list_question_finds_the_list_by_its_topic_and_qualifiers(advisor: Advisor) -> None:
    answer = advisor.ask(
        "What are the really big, fleet-level robotics projects that would impress a warehouse company's "
        "hiring team enough to call me back?"
    )
    assert answer.kind == "list", answer.answer
    assert "Multi-Robot Coordinator" in answer.answer and "Remote Monitoring Dashboard" in answer.answer
    assert "Line-Following Rover" not in answer.answer, answer.answer


def test_a_line_ending_in_a_colon_before_a_formula_is_prose_that_can_open_a_definition(
    advisor: Advisor,
) -> None:
    answer = advisor.ask("What is PID control for a robot, in simple terms?")
    assert answer.answer.startswith("PID control corrects a robot's motion"), answer.answer


def test_a_side_named_as_a_field_is_the_role_that_works_in_it(advisor: Advisor) -> None:
    answer = advisor.ask("Which is better for a maths lover, perception engineering or controls engineering?")
    _assert_compares(
        answer, ("Perception Engineer", "camera and lidar data"), ("Controls Engineer", "feedback loops")
    )


def _assert_compares(answer: Answer, left: tuple[str, str], right: tuple[str, str]) -> None:
    """A comparison table whose columns are the two sides, each first row cell holding its side's line."""
    assert answer.kind == "comparison" and answer.table is not None, answer.answer
    assert answer.table.columns[1:] == (left[0], right[0]), answer.table.columns
    assert left[1] in answer.table.rows[0][1], answer.answer
    assert right[1] in answer.table.rows[0][2], answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Which middleware should I learn for robotics?",
        "Is ROS 2 worth learning?",
        "Do I need a degree for robotics?",
        "How long does it take to become a robotics engineer?",
    ],
)
def test_an_answer_does_not_depend_on_the_order_its_passages_were_found_in(
    robotics: Retriever, question: str
) -> None:
    # Rank fusion and score fusion order the same passages differently: what is said must not change.
    retriever = robotics
    answerer = ExtractiveAnswerer(retriever)
    understood = read_question(question, retriever.version.vocabulary)
    hits = retriever.search(understood.query, k=5)
    backwards = [replace(h, rank=i) for i, h in enumerate(reversed(hits), start=1)]
    assert answerer.answer(understood, backwards).answer == answerer.answer(understood, hits).answer


def test_a_plan_asked_for_is_found_even_where_the_first_passages_describe_the_role(advisor: Advisor) -> None:
    answer = advisor.ask("Show me a roadmap for getting into robotics as a software developer")
    assert answer.kind == "plan" and answer.steps, answer.answer
    assert "Month 5–6" in answer.answer, answer.answer


def test_the_final_stage_of_the_plan_shown_opens_the_follow_up(advisor: Advisor) -> None:
    first = advisor.ask("What is the six-month plan for robotics?")
    assert first.steps, first.answer
    last = advisor.ask("and what's in the final stage?", first.conversation_id)
    assert last.answer.startswith("Month 5–6"), last.answer
    step = advisor.ask("what is the first step?", first.conversation_id)  # a plan's step, not a listed item
    assert step.answer.startswith("Month 1–2"), step.answer
