"""Refusals that help and follow-up suggestions, through the real Advisor and the real index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.config import load_settings
from advisor.conversation import ConversationStore
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.index.build import build_index
from advisor.retrieval import Retriever, open_retriever

from .conftest import CORPUS

NEW_ARTICLES = {"data-engineering-career-guide.md", "ux-to-ai-product-design.txt"}


@pytest.fixture
def advisor(retriever: Retriever, tmp_path: Path) -> Advisor:
    return Advisor(retriever, ConversationStore(tmp_path / "conversations.db"), mode="extractive")


def test_a_refusal_offers_questions_the_library_answers(advisor: Advisor) -> None:
    refused = advisor.ask("How do I become a registered nurse?")
    assert refused.refused and refused.kind == "out_of_scope"
    headings = set(advisor.retriever.version.vocabulary.headings)
    topics = refused.answer.split("topics such as: ", 1)[1].split(".\n", 1)[0].split("; ")
    assert topics and set(topics) <= headings  # the library's own headings, nothing invented
    for question in refused.suggestions:
        assert not advisor.ask(question).refused, question


def test_an_answer_suggests_follow_ups_about_its_role(advisor: Advisor) -> None:
    answer = advisor.ask("What does an MLOps engineer earn in the UK?")
    assert 2 <= len(answer.suggestions) <= 3
    assert any("MLOps" in s for s in answer.suggestions)
    assert "What does an MLOps engineer earn in the UK?" not in answer.suggestions


@pytest.fixture(scope="module")
def new_article_advisor(
    tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder
) -> Advisor:
    """The real corpus plus the articles written for the tests, which no threshold was fitted on."""
    root = tmp_path_factory.mktemp("refusal-new-articles")
    shutil.copytree(CORPUS, root / "corpus")
    shutil.copytree(real_index, root / "index")  # only the new articles are embedded
    for article in (Path(__file__).parent / "data" / "articles").iterdir():
        shutil.copy(article, root / "corpus" / article.name)
    build_index(root / "corpus", root / "index", lambda: real_embedder, model_name=real_embedder.name)
    retriever = open_retriever(load_settings(index_dir=root / "index"), real_embedder)
    return Advisor(retriever, ConversationStore(root / "conversations.db"), mode="extractive")


@pytest.mark.parametrize(
    "question",
    [
        # chatty questions in everyday words no article uses, two typos each: the rule that refused
        # any unknown word under a fixed similarity turned these away
        "Everyone keeps telling me to grab a certificat. Does one actualy get my resume noticed by hiring leads?",
        "What do folks who design chatbot conversatoins take hmoe in Canada?",
        "My buddy swears AI tools will soon make pipline jobs vanish for good. Is he right or just being gloomy?",
        "I keep hearing people bicker about Spark versus dbt. Which should a total newbie pick up frist?",
    ],
)
def test_misspelled_questions_about_a_new_article_are_answered(
    new_article_advisor: Advisor, question: str
) -> None:
    answer = new_article_advisor.ask(question)
    assert not answer.refused, answer.answer
    assert {c.doc_id for c in answer.citations} & NEW_ARTICLES


@pytest.mark.parametrize(
    "question",
    [
        "How long should I proof sourdough bread dough overnight?",
        "What does a plumber charge per hour in Germany?",
        "Which vaccines does my puppy need before its first walk?",
        "Can you recommend a cheap hotel near the train station in Lisbon?",
    ],
)
def test_off_topic_questions_in_real_english_words_are_refused(
    new_article_advisor: Advisor, question: str
) -> None:
    assert new_article_advisor.ask(question).refused
