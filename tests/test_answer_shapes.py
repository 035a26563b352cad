"""Answer shapes proved on an article the code has never seen, indexed with the real corpus.

tests/data/answer_articles/ holds a cloud-security careers article written for these tests:
role sections with "Core skills: ..." lines, a contrast between two roles, a day-to-day
list, a definition with its expansion, and mistakes written as labelled paragraphs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.embedding import Embedder
from advisor.engine import Advisor

from .conftest import advisor_with_articles

ARTICLES = Path(__file__).parent / "data" / "answer_articles"


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder) -> Advisor:
    return advisor_with_articles(
        tmp_path_factory.mktemp("answer-shapes"), ARTICLES, real_index, real_embedder
    )


def test_mistakes_written_as_labelled_paragraphs_come_back_as_a_named_list(advisor: Advisor) -> None:
    answer = advisor.ask("What mistakes do people make when starting in cloud security?")
    assert answer.kind == "list"
    first = answer.answer.splitlines()[0]
    for label in (
        "Collecting Certificates Instead of Labs",
        "Ignoring the Cloud Bill",
        "Treating Alerts as Noise",
        "Skipping Written Postmortems",
    ):
        assert label in first, answer.answer
    assert answer.answer.count("Ignoring the Cloud Bill") == 2, answer.answer  # named once, quoted once


def test_skills_for_a_named_role_open_with_that_roles_own_line(advisor: Advisor) -> None:
    answer = advisor.ask("What skills does a Detection Engineer need?")
    assert answer.answer.startswith("Core skills: Sigma rules, KQL, log pipelines, threat modelling."), (
        answer.answer
    )
    assert "Terraform" not in answer.answer  # another role's skills are not this one's
    assert "LLM" not in answer.answer, answer.answer


def test_a_contrast_line_brings_its_other_half(advisor: Advisor) -> None:
    answer = advisor.ask("What's the difference between a Detection Engineer and a Cloud Security Engineer?")
    lead = answer.answer.split("\n\n", 1)[0]
    assert "spotting attacks after they start" in lead, answer.answer
    assert "preventing misconfigurations before they ship" in lead, answer.answer


def test_what_is_opens_with_the_line_that_defines_the_term(advisor: Advisor) -> None:
    answer = advisor.ask("What is SecOps?")
    assert answer.kind == "definition"
    assert answer.answer.startswith("SecOps (Security Operations) is the practice"), answer.answer


def test_a_definition_brings_the_sentence_that_refers_back_to_it(advisor: Advisor) -> None:
    answer = advisor.ask("What is an incident responder?")
    first = answer.answer.splitlines()[0]
    assert "lead the investigation" in first and "emergency room" in first, answer.answer


def test_what_a_role_does_all_day_shows_its_whole_day_to_day_list(advisor: Advisor) -> None:
    answer = advisor.ask("What does a detection engineer do all day?")
    assert answer.answer.startswith("Detection Engineers write and tune the rules"), (
        answer.answer
    )  # prose first
    for task in ("overnight alerts", "attack simulations", "noisy rules"):
        assert task in answer.answer, answer.answer
    assert "ML Engineer" not in answer.answer, answer.answer  # nothing from another role's sections


def test_a_line_saying_it_or_this_shows_the_heading_it_refers_to(advisor: Advisor) -> None:
    answer = advisor.ask("When should I take the CCSP?")
    assert (
        "*Certified Cloud Security Professional (CCSP):* Take it once you have two years" in answer.answer
    ), answer.answer


def test_in_what_order_is_answered_by_the_list_that_gives_its_order(advisor: Advisor) -> None:
    answer = advisor.ask("In what order should I learn the command-line tools for cloud security?")
    assert answer.kind == "plan" and answer.steps, answer.answer
    names = [step.text.split(" — ")[0] for step in answer.steps]
    assert names == ["AWS CLI", "Steampipe", "Prowler", "Falco"], answer.answer


def test_a_background_no_article_names_gets_the_roles_whose_descriptions_fit(advisor: Advisor) -> None:
    answer = advisor.ask(
        "I'm a librarian who loves digging through logs to find patterns in security alerts. Which role fits me?"
    )
    assert answer.kind == "role_fit"
    first, _, rest = answer.answer.partition("\n\n")
    assert first == "None of the articles says which role suits a librarian.", answer.answer
    assert rest.startswith("The roles whose descriptions come closest: Detection Engineer,"), answer.answer
    assert "- **Detection Engineer**: Detection Engineers write and tune the rules" in answer.answer


def test_a_background_a_role_names_is_answered_by_that_line_not_a_lookalike_word(advisor: Advisor) -> None:
    answer = advisor.ask("I'm an accountant. Which cloud security role suits me?")
    # "Forensic accountants ..." under Incident Responder; "cloud accounts" is another word.
    assert answer.answer.startswith("*Incident Responder:* Who it suits: Forensic accountants"), answer.answer
    assert "cloud accounts" not in answer.answer, answer.answer


def test_pay_of_two_tracks_no_role_names_is_compared_from_their_own_rows(advisor: Advisor) -> None:
    answer = advisor.ask(
        "How different is the pay between cloud security work at startups and cloud security work at banks?"
    )
    assert answer.kind == "comparison" and answer.table is not None, answer.answer
    assert answer.answer.startswith(
        "Cloud security work at banks pays more than Cloud security work at startups "
        "($140,000–$190,000 against $120,000–$160,000)."
    ), answer.answer


def test_a_yes_no_question_opens_with_the_reason_an_faq_reply_gives(advisor: Advisor) -> None:
    answer = advisor.ask("Can I work in cloud security without a computer science degree?")
    assert answer.kind == "advice"
    # The FAQ's bare "No." answers "Do I need a degree?", the other way round: only its reason is quoted.
    assert answer.answer.startswith("Most cloud security engineers came from help-desk, network"), (
        answer.answer
    )
    assert "matter more to hiring managers than a diploma" in answer.answer.splitlines()[0]


def test_a_list_headed_by_the_topic_comes_back_whole(advisor: Advisor) -> None:
    answer = advisor.ask("Which portfolio projects should I build for cloud security?")
    assert answer.kind == "list"
    first = answer.answer.splitlines()[0]
    # Sections under a heading naming projects, the whole series of levels, in the article's order.
    assert "Starter Level, Stretch Level, Showcase Level" in first, answer.answer
    assert "Misconfiguration Scanner" in answer.answer and "Incident Retrospective" in answer.answer


def test_a_sentence_whose_paragraph_goes_on_to_a_list_brings_the_list(advisor: Advisor) -> None:
    answer = advisor.ask("Is the shared model worth learning before I touch a scanner?")
    assert answer.answer.startswith("Learn the shared responsibility model before you touch a scanner."), (
        answer.answer
    )
    for item in ("Identity: who may do what", "Network: which workload", "Data: what is encrypted"):
        assert item in answer.answer, answer.answer
