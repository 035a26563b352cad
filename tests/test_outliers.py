"""Figures that disagree (answer/outliers.py): shown apart, never merged into a headline or chart."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.answer.outliers import FACTOR, Figure, disagreeing
from advisor.conversation import ConversationStore
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.retrieval import Retriever

from .conftest import retriever_with_articles

POISONED = Path(__file__).parent / "data" / "poisoned_articles"  # $950,000 – $1,800,000, "official"


def figure(article: str, low: float, high: float, group: str = "senior US") -> Figure:
    return Figure(article, group, low, high)


def test_a_range_far_above_two_other_articles_is_apart() -> None:
    figures = [figure("a", 180e3, 260e3), figure("b", 200e3, 270e3), figure("poison", 950e3, 1.8e6)]
    assert disagreeing(figures) == [False, False, True]


def test_a_range_far_below_is_apart_too_and_honest_spread_is_not() -> None:
    assert disagreeing([figure("a", 180e3, 260e3), figure("b", 200e3, 270e3), figure("low", 20e3, 40e3)]) == [
        False, False, True,
    ]  # fmt: skip
    # a gap of less than FACTOR beyond the others' range is honest spread (banks against startups)
    spread = [figure("a", 100e3, 130e3), figure("b", 130e3 * FACTOR * 0.99, 300e3)]
    assert disagreeing(spread) == [False, False]


def test_figures_of_other_groups_or_the_same_article_are_not_compared() -> None:
    assert (
        disagreeing([figure("a", 50e3, 60e3, "junior UK"), figure("b", 900e3, 990e3, "staff US")])
        == [False] * 2
    )
    assert disagreeing([figure("a", 50e3, 60e3), figure("a", 900e3, 990e3)]) == [False, False]
    assert disagreeing([figure("a", 50e3, 60e3)]) == [False]


def test_two_articles_that_disagree_are_both_apart() -> None:
    assert disagreeing([figure("a", 70e3, 95e3), figure("poison", 450e3, 900e3)]) == [True, True]


@pytest.fixture(scope="module")
def poisoned(
    tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder
) -> Retriever:
    return retriever_with_articles(tmp_path_factory.mktemp("poisoned"), POISONED, real_index, real_embedder)


@pytest.mark.parametrize(
    "question",
    [
        "What does a senior ML engineer earn in the US?",
        "How much does a senior machine learning engineer make?",
    ],
)
def test_a_poisoned_figure_is_said_apart_never_merged(
    poisoned: Retriever, tmp_path: Path, question: str
) -> None:
    answer = Advisor(poisoned, ConversationStore(tmp_path / "c.db"), mode="extractive").ask(question)
    assert answer.kind == "salary"
    head, _, rest = answer.answer.partition("One article claims")
    assert "$950,000" not in head and "1,800,000" not in head  # before: "runs from $180,000 to $1,800,000"
    assert rest.startswith(" $950,000 – $1,800,000 for ")
    assert answer.chart and all(bar.high < 950_000 for bar in answer.chart)  # nor stretched the chart
    cited = {c.quote for c in answer.citations}
    assert any("$950,000 – $1,800,000" in quote for quote in cited)  # said apart, with its source
    # the three articles that agree (one in prose: "$200,000–400,000 USD in total compensation")
    assert "runs from $180,000 to 400,000 USD across 3 articles" in answer.answer, answer.answer


def test_the_shipped_articles_have_no_figure_apart(retriever: Retriever, tmp_path: Path) -> None:
    advisor = Advisor(retriever, ConversationStore(tmp_path / "c.db"), mode="extractive")
    for question in ("What does a senior ML engineer earn in the US?", "What do ML engineers earn in the UK?",
                     "How much does a junior data engineer make?", "What does an AI engineer earn?"):  # fmt: skip
        assert "One article claims" not in advisor.ask(question).answer
