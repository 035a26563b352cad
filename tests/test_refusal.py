"""Refusals that help and follow-up suggestions, through the real Advisor and the real index."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.answer.engine import Advisor
from advisor.conversation import ConversationStore
from advisor.retrieval import Retriever


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
