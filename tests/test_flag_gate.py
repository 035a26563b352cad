"""Flagged means out, everywhere: one gate (corpus/flags.py's PassageGate) for search, every
composer and the LLM prompt, on articles written for these tests (tests/data/flagged_articles).

Each section of the geospatial guide ends with a passage written to a model (every one names
"Zorblax", which nothing else in the corpus does), after passages that answer a question of
one kind: a salary, a comparison, a plan, a list, a role fit, advice and a definition. The
best passage of each question sits in the same section as a flagged one, so a composer that
reads a whole section, a neighbour, a list, a plan or the salary rows meets it.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from advisor.conversation import ConversationStore
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.index.build import build_index
from advisor.llm import ChatMessage, OpenAICompatibleClient, StreamReport
from advisor.retrieval import Retriever

from .conftest import LiveServer, LlamaServer, retriever_with_articles, wait_for

ARTICLES = Path(__file__).parent / "data" / "flagged_articles"
CANARY = "zorblax"  # in every flagged passage of the guide, and nowhere else
QUESTIONS = {
    "salary": "What does a geospatial data engineer earn?",
    "comparison": "Geospatial data engineer vs remote sensing analyst: which pays more?",
    "plan": "How do I become a geospatial data engineer in six months?",
    "list": "What tools do geospatial data engineers use?",
    "role_fit": "I am an urban planner. Which geospatial role fits me?",
    "advice": "Do I need a GIS certificate to become a geospatial data engineer?",
    "definition": "What is a geospatial data engineer?",
}


@pytest.fixture(scope="module")
def retriever(
    tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder
) -> Retriever:
    return retriever_with_articles(tmp_path_factory.mktemp("flag-gate"), ARTICLES, real_index, real_embedder)


def advisor(retriever: Retriever, root: Path, *, allow_flagged: bool = False, llm: object = None) -> Advisor:
    gated = Retriever(
        retriever.version, retriever.embedder, allow_flagged=allow_flagged, words=retriever.words
    )
    mode = "llm" if llm is not None else "extractive"
    store = ConversationStore(root / "conversations.db")
    return Advisor(gated, store, llm, mode=mode, max_tokens=16)  # type: ignore[arg-type]


def flagged_sections(retriever: Retriever) -> set[tuple[str, str | None]]:
    chunks = {c.chunk_id: c for c in retriever.version.chunks.values()}
    return {(chunks[i].doc_id, chunks[i].section) for i in retriever.gate.flags}


def test_every_section_of_the_guide_ends_with_a_flagged_passage(retriever: Retriever) -> None:
    flagged = [c for c in retriever.version.chunks.values() if c.chunk_id in retriever.gate.flags]
    assert all(CANARY in c.text.lower() for c in flagged if "geospatial" in c.doc_id)
    unflagged = [c for c in retriever.version.chunks.values() if c.chunk_id not in retriever.gate.flags]
    assert not any(CANARY in c.text.lower() for c in unflagged)  # the canary marks flagged text only
    assert len({c.section for c in flagged if "geospatial" in c.doc_id}) >= 7


@pytest.mark.parametrize("kind", list(QUESTIONS))
def test_no_answer_of_any_kind_uses_a_flagged_passage(
    kind: str, retriever: Retriever, tmp_path: Path
) -> None:
    answer = advisor(retriever, tmp_path).ask(QUESTIONS[kind])
    assert answer.kind == kind and not answer.refused
    # the answer draws on a section that holds a flagged passage: the gate had something to keep out
    assert {(c.doc_id, c.section) for c in answer.citations} & flagged_sections(retriever)
    shown = json.dumps(answer.to_json()).lower()
    assert CANARY not in shown and "$850,000" not in shown
    assert not any(c.chunk_id in retriever.gate.flags for c in answer.citations)


def test_a_flagged_passage_let_through_is_marked(retriever: Retriever, tmp_path: Path) -> None:
    allowing = advisor(retriever, tmp_path, allow_flagged=True)
    marked = 0
    for question in QUESTIONS.values():
        answer = allowing.ask(question)
        for citation in answer.citations:
            assert citation.flagged == (citation.chunk_id in retriever.gate.flags)
            marked += citation.flagged
            assert citation.to_json()["flagged"] == citation.flagged
    assert marked  # ADVISOR_ALLOW_FLAGGED=1 lets them through, so the marking was tested
    hits = Retriever(retriever.version, retriever.embedder, allow_flagged=True).search(
        QUESTIONS["list"], k=10
    )
    assert any(h.flagged for h in hits) and all(
        h.flagged == (h.chunk_id in retriever.gate.flags) for h in hits
    )


def test_a_homoglyph_instruction_is_flagged_and_kept_out(retriever: Retriever, tmp_path: Path) -> None:
    reasons = {f.reason for f in retriever.gate.flags.values() if f.doc_id.startswith("certificates")}
    assert reasons == {"tells the model to ignore its instructions"}
    answer = advisor(retriever, tmp_path).ask("Which certificate do employers require, CareerHack Diamond?")
    assert "ignоre" not in answer.answer.lower() and "every employer requires" not in json.dumps(
        answer.to_json()
    )


@dataclass
class RecordingClient:
    """The real OpenAI-compatible client to the real llama.cpp server, keeping each prompt it sends."""

    client: OpenAICompatibleClient
    prompts: list[list[ChatMessage]] = field(default_factory=list)

    def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str:
        self.prompts.append(messages)
        return self.client.complete(messages, max_tokens)

    def stream(
        self,
        messages: list[ChatMessage],
        max_tokens: int = 512,
        stop: tuple[str, ...] = (),
        report: StreamReport | None = None,
    ) -> Iterator[str]:
        self.prompts.append(messages)
        return self.client.stream(messages, max_tokens, stop=stop, report=report)


def test_the_llm_prompt_holds_no_flagged_passage(
    retriever: Retriever, tmp_path: Path, llama_server: LlamaServer
) -> None:
    recording = RecordingClient(OpenAICompatibleClient(llama_server.base_url, "smollm2", max_retries=0))
    llm_advisor = advisor(retriever, tmp_path, llm=recording)
    llm_advisor.ask(QUESTIONS["plan"])  # its later steps reach the prompt through the Library
    prompts = "\n".join(m.content for prompt in recording.prompts for m in prompt)
    assert "<source" in prompts and "PostGIS" in prompts  # the section's other passages did reach it
    assert CANARY not in prompts.lower() and not re.search(r"<source [^>]*flagged=", prompts)
    allowing = RecordingClient(recording.client)
    advisor(retriever, tmp_path / "allowing", allow_flagged=True, llm=allowing).ask(QUESTIONS["list"])
    let_through = "\n".join(m.content for prompt in allowing.prompts for m in prompt)
    sources = re.findall(r"(<source [^>]*>)(.*?)</source>", let_through, re.DOTALL)
    carrying = [tag for tag, text in sources if CANARY in text.lower()]
    assert carrying and all('flagged="not advice"' in tag for tag in carrying)


@pytest.fixture(scope="module")
def allowing_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("allowing")
    live = LiveServer(root, real_embedder, real_index, {"ADVISOR_ALLOW_FLAGGED": "1"})
    for article in ARTICLES.iterdir():
        shutil.copy(article, root / "corpus" / article.name)
    build_index(root / "corpus", root / "index", lambda: real_embedder, model_name=real_embedder.name)
    wait_for(lambda: httpx.get(f"{live.url}/health").json()["index"]["documents"] > 7, "the server following")
    yield live
    live.stop()


@pytest.mark.browser
@pytest.mark.server
def test_the_page_shows_a_passage_let_through_as_not_advice(allowing_server: LiveServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page()
        page.goto(allowing_server.url)
        page.fill("#question", QUESTIONS["advice"])
        page.press("#question", "Enter")
        answer = page.locator(".message.assistant").last
        expect(answer.locator(".actions")).to_be_visible(timeout=60_000)
        marked = answer.locator(".source-card li", has=page.locator(".not-advice"))
        expect(marked.first).to_be_visible()
        assert all(CANARY in text.lower() for text in marked.all_inner_texts())  # the flagged ones only
        unmarked = answer.locator(".source-card li").count() - marked.count()
        assert unmarked > 0
        marked.first.locator(".chip").click()
        expect(page.locator("#citation-meta .not-advice")).to_have_text("not advice")
        browser.close()
