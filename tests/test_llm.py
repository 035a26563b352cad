"""The LLM seam against a real OpenAI-compatible server (llama.cpp with SmolLM2-135M).

The model is tiny: these tests check protocol, shape, errors and grounding mechanics,
not the quality of its prose.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from advisor.answer.citations import check_citations
from advisor.conversation import ConversationStore
from advisor.embedding import Embedder
from advisor.engine import Advisor, AnswerUnavailable
from advisor.llm import ChatMessage, LLMRequestTooLarge, LLMUnavailable, OpenAICompatibleClient
from advisor.retrieval import Retriever

from .conftest import LlamaServer, free_port

pytestmark = pytest.mark.llm

HELLO = [ChatMessage("user", "Name one programming language used for machine learning.")]


def client_for(server: LlamaServer, **kw: object) -> OpenAICompatibleClient:
    return OpenAICompatibleClient(server.base_url, "smollm2", **kw)  # type: ignore[arg-type]


def test_full_answer(llama_server: LlamaServer) -> None:
    text = client_for(llama_server).complete(HELLO, max_tokens=20)
    assert isinstance(text, str) and text.strip()


def test_streamed_answer_arrives_in_pieces(llama_server: LlamaServer) -> None:
    pieces = list(client_for(llama_server).stream(HELLO, max_tokens=30))
    assert len(pieces) > 3 and "".join(pieces).strip()


def test_server_not_running_is_one_typed_error() -> None:
    client = OpenAICompatibleClient(f"http://127.0.0.1:{free_port()}/v1", "m", max_retries=0)
    with pytest.raises(LLMUnavailable, match="cannot be reached"):
        client.complete(HELLO)
    with pytest.raises(LLMUnavailable, match="cannot be reached"):
        list(client.stream(HELLO))


def test_read_timeout(llama_server: LlamaServer) -> None:
    client = client_for(llama_server, read_timeout=0.05, max_retries=0)
    with pytest.raises(LLMUnavailable, match="in time"):
        client.complete(HELLO, max_tokens=400)


def test_context_length_error_is_a_client_error_never_retried(llama_server: LlamaServer) -> None:
    requests: list[str] = []
    http = httpx2.Client(event_hooks={"request": [lambda r: requests.append(str(r.url))]})
    client = client_for(llama_server, max_retries=3, http_client=http)
    with pytest.raises(LLMRequestTooLarge, match="context window"):
        client.complete([ChatMessage("user", "word " * 5000)], max_tokens=10)
    assert len(requests) == 1


def test_server_killed_mid_stream(own_llama_server: LlamaServer) -> None:
    client = client_for(own_llama_server, max_retries=0)
    stream = client.stream([ChatMessage("user", "Write a long essay about careers in AI.")], max_tokens=400)
    assert next(stream)
    own_llama_server.kill()
    with pytest.raises(LLMUnavailable, match="part-way"):  # it was reached: not "cannot be reached"
        for _ in stream:
            pass


@pytest.fixture
def recording_advisor(
    llama_server: LlamaServer, retriever: Retriever, tmp_path: Path
) -> tuple[Advisor, list[dict[str, object]]]:
    sent: list[dict[str, object]] = []

    def record(request: httpx2.Request) -> None:
        if request.url.path.endswith("/chat/completions"):
            sent.append(json.loads(request.read()))

    http = httpx2.Client(event_hooks={"request": [record]})
    client = client_for(llama_server, http_client=http)
    store = ConversationStore(tmp_path / "c.db")
    return Advisor(retriever, store, client, mode="llm"), sent


def test_llm_answer_through_the_advisor(recording_advisor: tuple[Advisor, list[dict[str, object]]]) -> None:
    advisor, sent = recording_advisor
    answer = advisor.ask("Do I need a PhD to become an ML engineer?")
    assert answer.mode == "llm" and answer.answer and isinstance(answer.unsupported, list)
    assert [m.role for m in advisor.store.messages(answer.conversation_id)] == ["user", "assistant"]
    messages = sent[-1]["messages"]
    assert isinstance(messages, list)
    system, user = messages[0]["content"], messages[-1]["content"]
    assert "untrusted" in system and "[1]" in system
    # every retrieved passage sits inside its own numbered delimiters
    for n, hit in enumerate(advisor.retriever.search(answer.query, k=5), start=1):
        opening = f'<source id="{n}" title="{hit.title}"'
        start = user.index(opening)
        end = user.index("</source>", start)
        assert hit.text.splitlines()[0] in user[start:end]


def test_llm_follow_up_is_condensed_by_the_llm(
    recording_advisor: tuple[Advisor, list[dict[str, object]]],
) -> None:
    advisor, sent = recording_advisor
    first = advisor.ask("What does an MLOps engineer do?")
    second = advisor.ask("And what do they earn?", first.conversation_id)
    condense = [s for s in sent if "standalone question" in str(s["messages"])]
    assert condense, "the follow-up was not sent to the LLM to be condensed"
    assert second.query and second.conversation_id == first.conversation_id


def test_llm_down_returns_the_sources_and_stores_nothing(
    own_llama_server: LlamaServer, retriever: Retriever, tmp_path: Path
) -> None:
    store = ConversationStore(tmp_path / "c.db")
    advisor = Advisor(retriever, store, client_for(own_llama_server, max_retries=0), mode="llm")
    cid = advisor.ask("What is MLflow used for?").conversation_id
    own_llama_server.kill()
    events = list(advisor.stream("And what does an MLOps engineer do?", cid))
    assert [e.kind for e in events] == ["error"]
    error = events[0].data["exception"]
    assert isinstance(error, AnswerUnavailable) and error.hits
    assert "cannot be reached" in events[0].data["error"]
    assert len(store.messages(cid)) == 2  # nothing of the failed turn was stored


class BreaksMidStream:
    """A unit-test double of the LLM seam: two tokens, then the connection drops."""

    model = "stub"

    def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str:
        return "What does an MLOps engineer do?"

    def stream(self, messages: list[ChatMessage], max_tokens: int = 512, **_: object) -> Iterator[str]:
        yield "MLOps engineers "
        yield "build "
        raise LLMUnavailable("the LLM backend cannot be reached")


def test_partial_answer_is_never_stored(retriever: Retriever, tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.db")
    advisor = Advisor(retriever, store, BreaksMidStream(), mode="llm")
    events = list(advisor.stream("What does an MLOps engineer do?"))
    assert [e.kind for e in events] == ["token", "token", "error"]
    assert events[-1].data["exception"].hits
    assert store.messages(events[-1].data["exception"].conversation_id) == []


def test_citation_check_flags_unbacked_sentences_and_figures(
    retriever: Retriever, real_embedder: Embedder
) -> None:
    hits = retriever.search("How much does a junior ML engineer earn in the UK?", k=3)
    row = next(line for line in hits[0].text.splitlines() if "Junior ML Engineer" in line)
    answer = (
        f"A junior ML engineer earns {row.split('£')[0]}[1]. "
        "Junior ML engineers in the UK earn £45,000 – £65,000 [1]. "
        "They all earn £999,000 a year [1]. "
        "Astronauts enjoy zero gravity on the moon [1]. "
        "See also source nine [9]."
    )
    citations, unsupported = check_citations(answer, hits, real_embedder)
    assert [c.n for c in citations] == [1]
    assert citations[0].quote in hits[0].text
    flagged = " ".join(unsupported)
    assert "999000" in flagged and "Astronauts" in flagged and "does not exist" in flagged
    assert not any("£45,000 – £65,000" in u for u in unsupported)


def test_llm_gets_the_question_kind_and_the_composed_steps(
    recording_advisor: tuple[Advisor, list[dict[str, object]]],
) -> None:
    advisor, sent = recording_advisor
    answer = advisor.ask("Give me a month-by-month plan to become an ML engineer")
    user = sent[-1]["messages"][-1]["content"]  # type: ignore[index]
    assert "Question type: plan" in user
    facts = user[user.index("<facts>") : user.index("</facts>")]
    sources = user.count("<source id=")
    # The ordered steps arrive numbered by source, each step's [n] a source of this prompt.
    assert answer.steps and answer.mode == "llm" and answer.kind == "plan"
    labels = [s.label for s in answer.steps]
    assert all(label in facts for label in labels)
    assert [facts.index(f"**{label}") for label in labels] == sorted(
        facts.index(f"**{label}") for label in labels
    )
    unsourced = [
        s.citation for s in answer.steps if not 1 <= s.citation <= sources or f"[{s.citation}]" not in facts
    ]
    assert unsourced == [], unsourced  # answer.steps is not empty: asserted above
    chunks = {c.chunk_id: c.text for c in advisor.retriever.version.chunks.values()}
    assert all(c.quote in chunks[c.chunk_id] for c in answer.citations)  # citation checking stays
