"""Spelling tolerance: typos become the articles' words; real off-topic words stay and are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.conversation import ConversationStore
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.retrieval import Retriever
from advisor.text.spelling import Speller

from .conftest import retriever_with_articles

ARTICLE = (Path(__file__).parent / "articles" / "ux-research-career-guide.md").read_text()


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller([ARTICLE])


def test_typos_are_corrected_to_the_articles_words(speller: Speller) -> None:
    correction = speller.correct("How do I recruit particpants for a usabilty test?")
    assert correction.text == "How do I recruit participants for a usability test?"
    assert correction.changes == (("particpants", "participants"), ("usabilty", "usability"))
    assert speller.correct("Reserachers in Germnay").text == "Researchers in Germany"


def test_a_tie_goes_to_the_word_the_articles_write_beside_its_neighbour(speller: Speller) -> None:
    # "writen" is one edit from "write" and from "written"; alone the more frequent wins, but
    # the article writes "a written report"
    assert speller.correct_word("writen") == "write"
    assert (
        speller.correct("Should it end with a writen report?").text == "Should it end with a written report?"
    )
    assert speller.correct("Do researchers use producs?").text == "Do researchers use products?"
    assert speller.correct_word("producs") == "product"


def test_a_name_typed_with_capitals_is_corrected_to_the_articles_own_spelling() -> None:
    speller = Speller(["Notes on PyTorch and MLOps.", "pytorch in lower case once"])
    assert speller.correct("Is PyTroch or MIOps harder?").text == "Is PyTorch or MLOps harder?"
    assert speller.correct("is pytroch hard").text == "is pytorch hard"  # as typed: lower case


def test_a_typo_before_an_apostrophe_is_corrected_and_the_ending_kept(speller: Speller) -> None:
    assert speller.correct("Waht's a usabilty test? Who's doing it? Don't guess.").text == (
        "What's a usability test? Who's doing it? Don't guess."
    )


def test_real_words_the_articles_never_use_are_kept(speller: Speller) -> None:
    for question in ("Can an astronaut become a painter?", "How do I bake sourdough bread?"):
        correction = speller.correct(question)
        assert correction.text == question and not correction.changed


def test_a_typo_of_an_off_topic_word_becomes_that_word_not_a_corpus_word(speller: Speller) -> None:
    assert speller.correct("astronuat training").text == "astronaut training"


def test_short_words_and_unknown_names_are_left_alone(speller: Speller) -> None:
    assert speller.correct("ML vs AI at Xqzvt").text == "ML vs AI at Xqzvt"


def test_codes_and_names_in_capitals_are_left_alone(speller: Speller) -> None:
    # before, "RIC" became "RICH" and "PMI" became "PM": names and codes are not typos
    correction = speller.correct("Is the RIC-201 exam or CS231n worth it for usabilty work? Ask PMI")
    assert correction.text == "Is the RIC-201 exam or CS231n worth it for usability work? Ask PMI"
    assert correction.changes == (("usabilty", "usability"),)


def test_search_corrects_the_query_and_says_so(retriever: Retriever) -> None:
    clean = retriever.search("What does a junior machine learning engineer earn in the UK?", k=3)
    typo = retriever.search("What does a junoir machine lerning engineer earn in the UK?", k=3)
    assert [h.chunk_id for h in typo] == [h.chunk_id for h in clean]
    assert typo[0].query == "What does a junior machine learning engineer earn in the UK?"


def test_unknown_words_are_judged_on_the_corrected_words(retriever: Retriever) -> None:
    corrected = retriever.correct("Which certificatons matter for MLOps enginers?").text
    assert corrected == "Which certifications matter for MLOps engineers?"
    assert retriever.unknown_share(corrected) == 0.0
    assert retriever.unknown_share(retriever.correct("best sourdough recipe").text) > 0.5


COURSE_ARTICLE = """# Robotics Courses That Employers Recognise

Author: Test Writer
Date: 2026-03-01

## Kinematics first

MEC330 is the kinematics course most robotics teams expect: forward and inverse kinematics, Jacobians and trajectory planning, with a lab on a real six-axis arm. Take it before any course on robot learning.
"""


def test_a_course_code_the_articles_name_is_a_known_word(
    tmp_path: Path, real_index: Path, real_embedder: Embedder
) -> None:
    """A code joined to digits is one word to the keyword side, and to the unknown-word rule: the
    rule once split "MEC330" into an unknown "mec" and refused questions naming a course the
    articles teach."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "robotics-courses.md").write_text(COURSE_ARTICLE)
    retriever = retriever_with_articles(tmp_path / "root", articles, real_index, real_embedder)
    assert retriever.unknown_share("MEC330 kinematics") == 0.0
    assert retriever.unknown_share("MEC999 kinematics") > 0.5  # a code no article names
    assert retriever.unknown_share("kinematics in 200 hours") == 0.0  # a number alone says no topic
    advisor = Advisor(retriever, ConversationStore(tmp_path / "c.db"), None, "extractive")
    answer = advisor.ask("Is MEC330 worth taking?")
    assert not answer.refused, answer.answer
    assert "robotics-courses.md" in {c.doc_id for c in answer.citations}


def test_ask_answers_a_misspelled_question_and_refuses_an_off_topic_one(
    retriever: Retriever, tmp_path: Path
) -> None:
    advisor = Advisor(retriever, ConversationStore(tmp_path / "c.db"), None, "extractive")
    answer = advisor.ask("Do I need a PhD to becme an ML enginer?")
    assert not answer.refused
    assert answer.query == "Do I need a PhD to become an ML engineer?"
    assert advisor.ask("How long should I proof sourdough bread?").refused
