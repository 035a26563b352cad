"""Extractive answers through the real Advisor: real model, real index, real SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from advisor.conversation import ConversationNotFound, ConversationStore
from advisor.embedding import Embedder, Vectors
from advisor.engine import Advisor, BadQuestion
from advisor.retrieval import Retriever

CITATION_KEYS = {"n", "doc_id", "chunk_id", "title", "source", "section", "quote"}
ANSWER_KEYS = {"answer", "citations", "refused", "mode", "conversation_id"}


@pytest.fixture
def advisor(retriever: Retriever, tmp_path: Path) -> Advisor:
    return Advisor(retriever, ConversationStore(tmp_path / "conversations.db"), mode="extractive")


def test_answer_quotes_its_sources_verbatim(advisor: Advisor) -> None:
    answer = advisor.ask("Do I need a PhD to become an ML engineer?")
    payload = answer.to_json()
    assert payload.keys() >= ANSWER_KEYS and payload["mode"] == "extractive"
    assert not answer.refused and answer.citations
    chunks = {c.chunk_id: c.text for c in advisor.retriever.version.chunks.values()}
    for citation in answer.citations:
        assert citation.to_json().keys() >= CITATION_KEYS
        assert citation.quote in chunks[citation.chunk_id]
        assert f"[{citation.n}]" in answer.answer
    assert "without advanced degrees" in answer.answer


def test_salary_question_shows_each_article_with_its_own_figure(advisor: Advisor) -> None:
    answer = advisor.ask("What does an ML engineer earn in the US?")
    sources = {c.doc_id for c in answer.citations}
    assert len(sources) >= 2, answer.answer  # articles disagree: each shown, none averaged
    # four: classpedia's "$200,000–400,000 USD" for senior ML engineers is read since 0.3.0
    assert answer.kind == "salary" and "across 4 articles" in answer.answer.splitlines()[0]
    assert answer.chart and all(bar.low <= bar.high for bar in answer.chart)
    for citation in answer.citations:
        for figure in ("$110,000–$145,000", "$120,000 – $250,000+"):
            if figure in citation.quote:
                assert figure in answer.answer  # never rewritten


def test_pay_with_no_region_asked_leads_with_the_region_the_article_gives_first(advisor: Advisor) -> None:
    answer = advisor.ask("What does an AI engineer earn?")
    assert answer.kind == "salary"
    first = answer.answer.splitlines()[0]
    assert "in the US" in first and "remotely" not in first, answer.answer  # US is the table's first column


def test_uk_question_gets_uk_rows(advisor: Advisor) -> None:
    answer = advisor.ask("How much does a junior ML engineer earn in the UK?")
    assert "£45,000 – £65,000" in answer.answer
    assert "$" not in answer.answer.split("Also from")[0]


@pytest.mark.parametrize(
    "question",
    ["What is the capital of France?", "How much does a dentist earn in Australia?",
     "Should I accept the job offer from Google or the one from Meta?", "Tell me a joke."],
)  # fmt: skip
def test_out_of_scope_is_refused_plainly(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question)
    assert answer.refused and answer.citations == []
    assert "don't cover" in answer.answer and "The articles cover topics such as" in answer.answer
    _, offers, listed = answer.answer.partition("Questions I can answer from them include:")
    assert offers, answer.answer  # the refusal shows what it offers...
    offered = [line.removeprefix("- ") for line in listed.strip().splitlines()]
    assert len(offered) in (1, 2, 3), answer.answer
    assert offered == answer.suggestions, answer.answer  # ...and `suggestions` carries the same
    assert offered[0].endswith("?") and offered[-1].endswith("?"), offered  # questions, not topics


def test_follow_up_in_a_conversation(advisor: Advisor) -> None:
    first = advisor.ask("How much does a junior ML engineer earn in the US?")
    second = advisor.ask("And in the UK?", first.conversation_id)
    assert second.conversation_id == first.conversation_id
    assert second.query == "How much does a junior ML engineer earn in the UK?"
    assert "£45,000 – £65,000" in second.answer
    messages = advisor.store.messages(first.conversation_id)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[3].citations == [c.to_json() for c in second.citations]


def test_compare_that_after_a_salary_turn_compares_pay(advisor: Advisor) -> None:
    first = advisor.ask("How much do prompt engineers make?")
    second = advisor.ask("and how does that compare with AI product managers?", first.conversation_id)
    assert second.kind == "comparison" and second.table is not None
    assert [row[0] for row in second.table.rows] == ["Pay in the UK", "Pay in the US"], second.answer
    assert second.answer.startswith("AI Product Manager pays more than Prompt Engineer"), second.answer


def test_stream_events_come_in_order(advisor: Advisor) -> None:
    events = list(advisor.stream("Which certifications matter for ML engineers?"))
    kinds = [e.kind for e in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"token"}
    text = "".join(e.data["text"] for e in events if e.kind == "token")
    assert text == events[-1].data["answer"].answer


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n\t ", "empty"), ("\x00\x07\x1b", "empty"), ("x" * 100_000, "longer than 4000")],
)
def test_bad_questions_are_refused_and_store_nothing(advisor: Advisor, question: str, message: str) -> None:
    kept = advisor.ask("What is MLflow used for?")
    with pytest.raises(BadQuestion, match=message):
        advisor.ask(question, kept.conversation_id)
    assert len(advisor.store.messages(kept.conversation_id)) == 2


def test_control_characters_are_stripped(advisor: Advisor) -> None:
    answer = advisor.ask("What is\x07 MLflow\x1b used for?")
    assert not answer.refused
    assert advisor.store.messages(answer.conversation_id)[0].content == "What is MLflow used for?"


def test_unknown_conversation(advisor: Advisor) -> None:
    with pytest.raises(ConversationNotFound):
        advisor.ask("What is MLflow?", "0" * 32)


class _Recording(Embedder):
    """The real model, remembering every text it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.texts += texts
        return self.inner.embed_batch(texts)


def test_a_new_question_embeds_only_itself(retriever: Retriever, tmp_path: Path) -> None:
    """Quotes are ranked with the vectors the index stored, so answering stays fast from the first question."""
    recording = _Recording(retriever.embedder)
    own = Retriever(retriever.version, recording)
    advisor = Advisor(own, ConversationStore(tmp_path / "c.db"), mode="extractive")
    recording.texts.clear()  # the library's suggestions are embedded when it loads, not per question
    question = "Which skills should a career changer learn first for machine learning?"
    answer = advisor.ask(question)
    assert answer.citations and not answer.refused
    assert set(recording.texts) == {question}
