"""Follow-ups resolved without an LLM, against a vocabulary of made-up roles."""

from __future__ import annotations

from advisor.answer.followup import MAX_QUERY_CHARS, last_turn, resolve_follow_up
from advisor.corpus.vocabulary import Vocabulary

VOCAB = Vocabulary(
    roles=("Robotics Engineer", "Fleet Analyst", "Data Steward"),
    tools=("ROS 2 Certificate", "Gazebo Fundamentals", "Fleet Ops Course"),
)


def resolve(*turns: str, answers: tuple[str, ...] = ()) -> str:
    """The standalone query of the last turn, after the earlier ones (all answered)."""
    earlier = [(q, answers[i] if i < len(answers) else "", True) for i, q in enumerate(turns[:-1])]
    return resolve_follow_up(turns[-1], last_turn(earlier, VOCAB), VOCAB)


def test_a_question_of_its_own_is_left_alone() -> None:
    assert resolve("What does a fleet analyst earn?", "What is ROS 2?") == "What is ROS 2?"


def test_ellipsis_swaps_the_region_then_the_level() -> None:
    first = "What does a junior robotics engineer earn in Germany?"
    assert resolve(first, "and in Canada?") == "What does a junior robotics engineer earn in Canada?"
    assert resolve(first, "and in Canada?", "and the senior level?") == (
        "What does a senior robotics engineer earn in Canada?"
    )


def test_a_region_named_again_replaces_the_one_carried_over() -> None:
    query = resolve("What does a fleet analyst earn in Germany?", "and that same senior level in Canada?")
    assert "Canada" in query and "Germany" not in query, query


def test_they_becomes_the_role() -> None:
    assert (
        resolve("What does a data steward do all day?", "What do they earn?") == "What do Data Stewards earn?"
    )


def test_both_sides_of_a_comparison_carry_over() -> None:
    query = resolve(
        "Robotics engineer or fleet analyst: which pays more?", "Which of the two is easier to start?"
    )
    assert "Robotics Engineer" in query and "Fleet Analyst" in query


def test_which_of_those_keeps_the_topic_and_never_nests() -> None:
    turns = ["Which certifications help a robotics engineer?", "which of those first?", "and how long for it?",
             "what about it?", "and that?"]  # fmt: skip
    query = resolve(*turns)
    assert query.count("(") <= 1 and "Robotics Engineer" in query
    assert "certifications" in resolve(*turns[:2])


def test_the_first_one_is_the_answers_first_item() -> None:
    answer = "Start with the Gazebo Fundamentals [1], then the ROS 2 Certificate [2]."
    query = resolve(
        "Which certifications help a robotics engineer?", "How long for the first one?", answers=(answer,)
    )
    assert "Gazebo Fundamentals" in query


def test_a_refused_side_question_is_skipped() -> None:
    earlier = [
        ("Which certifications help a fleet analyst?", "...", True),
        ("How do I bake bread?", "", False),
    ]
    query = resolve_follow_up("which of those is cheapest?", last_turn(earlier, VOCAB), VOCAB)
    assert "Fleet Analyst" in query and "bread" not in query


def test_the_query_is_capped() -> None:
    assert len(resolve("What does a fleet analyst do? " * 40, "and it?")) <= MAX_QUERY_CHARS


def test_which_one_after_what_about_compares_the_two_roles() -> None:
    query = resolve("What does a fleet analyst do?", "what about robotics engineers?", "which one pays more?")
    assert "Fleet Analyst vs Robotics Engineer" in query, query


def test_the_whole_thing_refers_to_the_last_turn() -> None:
    query = resolve("Give me a plan to become a robotics engineer", "how long does the whole thing take?")
    assert "Robotics Engineer" in query and query.count("(") == 1, query


def test_the_second_one_of_a_list_of_roles_is_a_role() -> None:
    answer = "The articles name these roles: Data Steward, Fleet Analyst, Robotics Engineer."
    query = resolve("Which roles exist in robotics?", "tell me more about the second one", answers=(answer,))
    assert query.endswith("(Fleet Analyst)"), query


def test_the_topic_carried_holds_no_scraps_of_the_askers_words() -> None:
    query = resolve(
        "I'm in Oslo and I'd like a role that suits me: what does a fleet analyst do?", "what would it pay?"
    )
    topic = query[query.index("(") :]
    assert "Fleet Analyst" in topic, query
    assert not {"m", "suits", "like"} & set(topic.strip("()").split()), query
