"""The thesaurus learned from the model: words no article uses are searched with the nearest article word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisor.retrieval import RetrievalOptions, Retriever
from advisor.retrieval.expansion import Expander, WordVectors
from advisor.text.spelling import words_of

ARTICLE = Path(__file__).parent / "data" / "articles" / "data-engineering-career-guide.md"
PAY_WORDS = {"pay", "pays", "paid", "salary", "salaries", "earn", "earns", "compensation"}


@pytest.fixture(scope="module")
def words(retriever: Retriever) -> WordVectors:
    assert retriever.words is not None  # open_retriever loads them
    return retriever.words


def test_a_word_no_article_uses_is_searched_with_its_nearest_article_word(words: WordVectors) -> None:
    # an article written for the tests, which nothing was tuned on
    vocabulary = set(words_of(ARTICLE.read_text()))
    assert "wages" not in vocabulary
    expander = Expander(words, vocabulary, lambda word: word in vocabulary)
    assert set(expander.nearest("wages")) & PAY_WORDS
    assert set(expander.expand("What wages do data engineers get?")) & PAY_WORDS
    assert expander.expand("Should I learn Spark or dbt first?") == []  # the article's own words


def test_keyword_search_finds_the_salaries_for_a_word_the_articles_never_use(retriever: Retriever) -> None:
    query = "wages of machine learning engineers"
    with_it = Retriever(
        retriever.version, retriever.embedder, RetrievalOptions(thesaurus=False), words=retriever.words
    )
    without = Retriever(retriever.version, retriever.embedder, RetrievalOptions.only(), words=retriever.words)
    figure = re.compile(r"[$£€]\s?\d")
    assert figure.search(with_it.search(query, k=1, mode="bm25")[0].text)
    assert not figure.search(without.search(query, k=1, mode="bm25")[0].text)
