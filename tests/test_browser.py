"""The chat page in headless Chromium (Debian's), driven by Playwright, against a live server."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from advisor.embedding import Embedder

from .conftest import ROOT, LiveServer
from .fake_llm import FakeLLM

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_page(browser: Browser, live_server: LiveServer, width: int = 1280, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url)
    return page


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    page = open_page(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], errors
    page.context.close()


def ask(page: Page, question: str) -> None:
    """Ask, and wait for this question's own answer (a stopped one before it has no actions)."""
    answers = page.locator(".message.assistant").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    expect(page.locator(".message.assistant")).to_have_count(answers + 1)
    expect(page.locator(".message.assistant").last.locator(".actions")).to_be_visible(timeout=30_000)


def test_starters_then_a_streamed_answer_with_citations(page: Page) -> None:
    expect(page.locator(".starter")).to_have_count(4)
    page.evaluate(
        """() => { window.__renders = 0;
        new MutationObserver(() => window.__renders++).observe(
            document.getElementById('messages'), {childList: true, subtree: true}); }"""
    )
    ask(page, "Which certifications matter for ML engineers?")
    answer = page.locator(".message.assistant").last
    expect(answer.locator(".cite").first).to_be_visible()
    expect(answer.locator(".chip").first).to_contain_text("[1]")
    assert page.evaluate("window.__renders") > 3  # rendered as the tokens came, not at once
    expect(page.locator("#empty")).to_be_hidden()
    expect(page.locator("#messages")).to_have_attribute("aria-live", "polite")


def test_open_a_citation_and_give_feedback(page: Page) -> None:
    ask(page, "Do I need a PhD to become an ML engineer?")
    answer = page.locator(".message.assistant").last
    answer.locator(".chip").first.click()
    dialog = page.locator("#citation")
    expect(dialog).to_be_visible()
    expect(page.locator("#citation-source")).to_contain_text("File: corpus/")
    assert page.locator("#citation-quote").inner_text().strip()
    dialog.locator("button").click()
    expect(dialog).to_be_hidden()
    thumbs_up = answer.get_by_role("button", name="Helpful", exact=True)
    thumbs_up.click()
    expect(thumbs_up).to_have_attribute("aria-pressed", "true")  # set only once the server said ok


def test_conversation_survives_a_reload_and_new_chat_clears_it(page: Page) -> None:
    ask(page, "What does an MLOps engineer do?")
    page.reload()
    expect(page.locator(".message.user")).to_have_text(["What does an MLOps engineer do?"])
    expect(page.locator(".message.assistant .chip").first).to_be_visible()
    page.click("#new-chat")
    expect(page.locator(".message")).to_have_count(0)
    expect(page.locator(".starter").first).to_be_visible()
    assert page.evaluate("localStorage.getItem('career-advisor.conversation')") is None


def test_enter_sends_and_shift_enter_breaks_the_line(page: Page) -> None:
    page.fill("#question", "first line")
    page.press("#question", "Shift+Enter")
    page.keyboard.type("second line")
    assert page.input_value("#question") == "first line\nsecond line"
    expect(page.locator(".message")).to_have_count(0)


def test_hostile_article_runs_nothing(page: Page) -> None:
    ask(page, "What do zephyr data wranglers build and fix?")
    answer = page.locator(".message.assistant").last
    chips = answer.locator(".chip")
    expect(chips.first).to_be_visible()
    for i in range(chips.count()):
        chips.nth(i).click()
        page.locator("#citation button").click()
    shown = page.locator("#messages").inner_text() + page.locator("#citation").inner_text()
    assert "<script>" in shown or "onerror" in shown  # shown as text...
    assert page.evaluate("window.__pwned") is None  # ...and never run
    for selector in ("#messages script", "#messages img", "#messages svg", "a[href^='javascript:']"):
        assert page.locator(selector).count() == 0, selector


def test_no_sideways_scrolling_at_phone_width(browser: Browser, live_server: LiveServer) -> None:
    page = open_page(browser, live_server, width=360, height=740)
    ask(page, "How much does a junior ML engineer earn in the UK?")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    page.context.close()


HOSTILE_REPLY = (
    "Here you go <script>window.__pwned='reply-script'</script> and "
    "<img src=x onerror=\"window.__pwned='reply-img'\"> plus <svg onload=\"window.__pwned='reply-svg'\"> "
    "[click me](javascript:window.__pwned='reply-link') or **bold** [1]."
)


@pytest.fixture(scope="module")
def hostile_llm_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    fake = FakeLLM("ok", reply=HOSTILE_REPLY)
    env = {"ADVISOR_LLM_BASE_URL": fake.base_url, "ADVISOR_LLM_MODEL": "fake", "ADVISOR_ANSWER_MODE": "llm"}
    server = LiveServer(tmp_path_factory.mktemp("hostile-llm"), real_embedder, real_index, env)
    yield server
    server.stop()
    fake.close()


def test_hostile_llm_reply_runs_nothing_live_or_reloaded(
    browser: Browser, hostile_llm_server: LiveServer
) -> None:
    page = open_page(browser, hostile_llm_server)
    ask(page, "What does an MLOps engineer do?")
    for _ in range(2):  # as streamed, then as rendered from the stored conversation
        messages = page.locator("#messages")
        expect(messages).to_contain_text("<script>")
        expect(messages.locator(".body strong").last).to_have_text("bold")
        assert page.evaluate("window.__pwned") is None
        for selector in ("#messages script", "#messages img", "#messages svg", "a[href^='javascript:']"):
            assert page.locator(selector).count() == 0, selector
        page.reload()
        expect(page.locator(".message.assistant")).to_have_count(1)
    page.context.close()


def test_docs_render_with_no_request_leaving_the_server(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    elsewhere: list[str] = []
    refused: list[str] = []  # Content-Security-Policy violations and script errors

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    page.goto(f"{live_server.url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/v1/chat/completions")).to_be_visible(
        timeout=30_000
    )
    operations = sum(
        len(ops) for ops in page.request.get(f"{live_server.url}/openapi.json").json()["paths"].values()
    )
    expect(page.locator(".opblock")).to_have_count(operations)
    page.locator(".opblock-summary-path", has_text="/v1/chat/completions").click()
    expect(page.locator(".responses-table").first).to_contain_text("model_not_found")
    assert elsewhere == [] and refused == []
    context.close()


def test_sources_are_cards_by_article_and_a_row_quote_shows_its_header(page: Page) -> None:
    ask(page, "How much does a junior ML engineer earn in the UK?")
    answer = page.locator(".message.assistant").last
    cards = answer.locator(".source-card")
    expect(cards.first).to_be_visible()
    titles = cards.locator("h3").all_inner_texts()
    assert len(titles) == len(set(titles))  # one card per article, its quotes listed inside
    assert answer.locator(".source-card .chip").count() >= len(titles)
    expect(cards.first.locator(".meta")).to_contain_text("20")  # author · date
    expect(cards.first.locator("q").first).not_to_be_empty()
    chips = answer.locator(".source-card .chip")
    headers: list[str] = []
    for i in range(chips.count()):
        chips.nth(i).click()
        header = page.locator("#citation-quote thead th")
        if header.count() and header.first.inner_text().strip():
            headers = header.all_inner_texts()
            expect(page.locator("#citation-quote tbody tr")).to_have_count(1)
        page.locator("#citation button").click()
        if headers:
            break
    assert len(headers) >= 2, "no table-row quote was shown under its header row"
    assert page.request.get(f"{page.url.rstrip('/')}/favicon.ico").headers["content-type"] == "image/svg+xml"
    expect(page.locator("link[rel=icon]")).to_have_attribute("href", "/static/favicon.svg")


STRUCTURED = {
    "answer": "| Role | US |\n| --- | --- |\n| ML Engineer | $100,000 [1] |\n\n1. Month 1: learn Python [1]\n",
    "citations": [
        {
            "n": 1,
            "doc_id": "d",
            "chunk_id": "d#1",
            "title": "Roadmap <b>2026</b>",
            "source": "corpus/d.md",
            "section": None,
            "quote": "| ML Engineer | $100,000 |",
            "author": "Ann",
            "date": "2026-01-02",
            "url": "https://example.org/roadmap",
            "context": "| Role | US |",
        }
    ],
    "refused": False,
    "mode": "extractive",
    "conversation_id": "c0ffee",
    "query": "q",
    "unsupported": [],
    "kind": "comparison",
    "table": {"caption": "Pay by role", "columns": ["Role", "US"], "rows": [["ML Engineer", "$100,000 [1]"]]},
    "steps": [{"label": "Month 1", "text": "learn Python", "citation": 1}],
    "chart": [{"label": "ML Engineer, US", "low": 100000, "high": 145000, "currency": "$", "citation": 1}],
    "suggestions": ["What does a senior ML engineer earn?", "Which skills matter most?"],
}


def test_table_steps_chart_and_suggestions_render_as_dom(page: Page) -> None:
    # The page's side of the ANSWER shape (DESIGN.md), with every optional part present.
    body = f"event: done\ndata: {json.dumps(STRUCTURED)}\n\n"
    page.route(
        "**/api/chat", lambda route: route.fulfill(status=200, content_type="text/event-stream", body=body)
    )
    page.fill("#question", "Compare the roles")
    page.press("#question", "Enter")
    answer = page.locator(".message.assistant").last
    expect(answer.locator("table caption")).to_have_text("Pay by role")
    expect(answer.locator("table")).to_have_count(1)  # the field's table, not the markdown copy too
    expect(answer.locator("thead th")).to_have_text(["Role", "US"])
    expect(answer.locator("tbody .cite")).to_have_text("[1]")
    expect(answer.locator("ol li strong").first).to_have_text("Month 1")
    expect(answer.locator("figure.chart svg rect.chart-range")).to_have_count(1)
    expect(answer.locator("figure.chart svg")).to_have_attribute(
        "aria-label", re.compile(r"\$100k to \$145k")
    )
    expect(answer.locator(".source-card h3")).to_have_text("Roadmap <b>2026</b>")  # text, not markup
    expect(answer.locator(".source-card h3 a")).to_have_attribute("href", "https://example.org/roadmap")
    suggestions = answer.locator(".suggestion")
    expect(suggestions).to_have_text(STRUCTURED["suggestions"])
    answer.locator(".source-card .chip").click()
    expect(page.locator("#citation-quote thead th")).to_have_text(["Role", "US"])
    expect(page.locator("#citation-source a")).to_have_attribute("href", "https://example.org/roadmap")
    page.locator("#citation button").click()
    suggestions.first.click()  # asks it
    expect(page.locator(".message.user").last).to_have_text(STRUCTURED["suggestions"][0])


KEY = "browser-key-0123456789abcdef"


@pytest.fixture(scope="module")
def keyed_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path_factory.mktemp("keyed"), real_embedder, real_index, {"ADVISOR_API_KEYS": KEY}
    )
    yield server
    server.stop()


def test_with_keys_the_page_asks_for_one_and_says_when_it_is_wrong(
    browser: Browser, keyed_server: LiveServer
) -> None:
    page = open_page(browser, keyed_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    field = page.get_by_label("API key")
    expect(field).to_be_visible()
    expect(field).to_have_attribute("type", "password")
    page.fill("#question", "Do I need a PhD?")
    page.press("#question", "Enter")
    expect(page.locator(".message.assistant").last).to_contain_text("needs a valid API key")
    field.fill("not-the-key-at-all")
    page.get_by_role("button", name="Use key").click()
    page.fill("#question", "Do I need a PhD?")
    page.press("#question", "Enter")
    expect(page.locator("#key-status")).to_contain_text("not accepted")
    field.fill(KEY)
    page.get_by_role("button", name="Use key").click()
    ask(page, "Do I need a PhD to become an ML engineer?")
    expect(page.locator(".message.assistant .source-card").first).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('career-advisor.api-key')") == KEY
    assert page.evaluate("localStorage.getItem('career-advisor.api-key')") is None  # this tab only
    page.reload()  # same tab: the key and the conversation stay
    expect(page.locator(".message.assistant .source-card").first).to_be_visible()
    other_tab = page.context.browser.new_context().new_page() if page.context.browser else None
    assert other_tab is not None
    other_tab.goto(keyed_server.url)
    assert other_tab.evaluate("sessionStorage.getItem('career-advisor.api-key')") is None
    other_tab.context.close()
    assert errors == []
    page.context.close()


def test_without_keys_there_is_no_key_field(page: Page) -> None:
    expect(page.get_by_label("API key")).to_have_count(0)


# ----------------------------------------------------------------------------- the page as a newcomer met it (issue 25)

DESKTOP, PHONE = (1280, 900), (390, 844)
SIZES = pytest.mark.parametrize("sized", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
PLAN = "How do I move from software engineering into MLOps?"


@pytest.fixture
def sized(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    width, height = request.param
    page = open_page(browser, live_server, width, height)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], errors
    page.context.close()


def in_view(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    assert box is not None
    height = page.viewport_size["height"] if page.viewport_size else 0
    return box["y"] >= 0 and box["y"] + box["height"] <= height


@SIZES
def test_the_question_box_stays_in_view_after_a_long_answer(sized: Page) -> None:
    ask(sized, PLAN)
    ask(sized, "What is the difference between an ML engineer and a data scientist?")
    height = sized.evaluate("window.innerHeight")
    assert sized.evaluate("document.documentElement.scrollHeight") > 2 * height  # a long page
    for where in ("end", "top", "middle"):
        if where != "end":
            sized.evaluate(f"window.scrollTo(0, {0 if where == 'top' else height})")
        assert in_view(sized, "#question"), where
        assert in_view(sized, "#send"), where


@SIZES
def test_a_reload_restores_whole_answers_and_the_question_as_typed(sized: Page) -> None:
    typed = "How much does a junior ML enginer earn in the UK?"  # spelling corrected to "engineer"
    ask(sized, typed)
    ask(sized, "How do I bake sourdough bread?")  # not covered: a refusal, with its banner
    salary, refusal = sized.locator(".message.assistant").nth(0), sized.locator(".message.assistant").nth(1)
    bars = salary.locator("figure.chart rect.chart-range").count()
    suggested = salary.locator(".suggestion").all_inner_texts()
    label = salary.locator("figure.chart svg").get_attribute("aria-label")
    assert bars and suggested and label
    expect(refusal.locator(".status").first).to_have_text("The articles don't cover this.")
    sized.reload()
    expect(sized.locator(".message.user")).to_have_text([typed, "How do I bake sourdough bread?"])
    salary, refusal = sized.locator(".message.assistant").nth(0), sized.locator(".message.assistant").nth(1)
    expect(salary.locator("figure.chart rect.chart-range")).to_have_count(bars)
    expect(salary.locator("figure.chart svg")).to_have_attribute("aria-label", label)
    expect(salary.locator(".suggestion")).to_have_text(suggested)
    expect(refusal).to_have_class(re.compile(r"\brefused\b"))
    expect(refusal.locator(".status").first).to_have_text("The articles don't cover this.")


BROKEN_WORDS = """(cells) => {
    const broken = [];
    for (const cell of cells) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                if (lines.size > 1) broken.push(word[0]);
            }
        }
    }
    return broken;
}"""


@pytest.mark.parametrize("width", [1280, 390, 360])
@pytest.mark.parametrize(
    "question",
    [
        "What is the difference between an ML engineer, a data scientist and an MLOps engineer?",
        "What is the difference between an ML engineer and a data scientist?",
    ],
    ids=["three roles", "two roles"],
)
def test_a_comparison_table_breaks_no_word_and_scrolls_inside_itself(
    browser: Browser, live_server: LiveServer, width: int, question: str
) -> None:
    page = open_page(browser, live_server, width, 900)
    ask(page, question)
    table = page.locator(".message.assistant .table-wrap table").last
    columns = table.locator("thead th").count()
    assert columns >= (4 if "MLOps" in question else 3)
    assert table.locator("tbody th, tbody td").count() >= columns
    assert table.locator("th, td").evaluate_all(BROKEN_WORDS) == []  # "Wha t the articl es say" was
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths  # too wide a table scrolls in its own box, not the page
    page.context.close()


@SIZES
def test_a_plan_shows_its_steps_first_and_markers_unlike_step_numbers(sized: Page) -> None:
    ask(sized, PLAN)
    answer = sized.locator(".message.assistant").last
    steps = answer.locator("ol.steps")
    expect(steps.locator("li")).not_to_have_count(0)
    others = answer.locator(".body p", has_text="Other articles give plans too")
    expect(others).to_have_count(1)
    follows = steps.evaluate("(steps, other) => Boolean(steps.compareDocumentPosition(other) & 4)",
                             others.element_handle())  # fmt: skip
    assert follows, "the other articles' plans come before the steps"
    markers = answer.locator(".body .cite").all_inner_texts()
    assert markers and all(re.fullmatch(r"\[\d+\]", m) for m in markers), markers  # "[6]", not "6"
    assert (
        answer.locator(".body .cite").first.evaluate("b => getComputedStyle(b).verticalAlign") == "baseline"
    )


def test_feedback_after_two_stops_lands_on_the_answer_rated(page: Page, live_server: LiveServer) -> None:
    ask(page, "Do I need a PhD to become an ML engineer?")
    held: list[Any] = []  # two requests the server never sees: Stop aborts them in flight

    def hold_two(route: Any) -> None:
        if len(held) < 2:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/chat", hold_two)
    for question in ("Which certifications matter?", "What does an MLOps engineer do?"):
        page.fill("#question", question)
        page.press("#question", "Enter")
        page.click("#stop")
        expect(page.locator(".message.assistant").last).to_contain_text("This answer was not saved.")
    expect(page.locator(".message.assistant").last.get_by_role("button", name="Helpful")).to_have_count(0)
    rated, other = "What is MLflow used for?", "What does a junior ML engineer earn in the UK?"
    ask(page, rated)
    ask(page, other)
    not_helpful = page.locator(".message.assistant").nth(3).get_by_role("button", name="Not helpful")
    not_helpful.click()
    expect(not_helpful).to_have_attribute("aria-pressed", "true")
    cid = page.evaluate("localStorage.getItem('career-advisor.conversation')")
    db = sqlite3.connect(live_server.data / "conversations.db")
    votes = db.execute(
        "SELECT q.content, f.rating FROM feedback f JOIN messages q ON q.conversation_id = f.conversation_id"
        " AND q.idx = f.message_index - 1 WHERE f.conversation_id = ?", (cid,)
    ).fetchall()  # fmt: skip
    db.close()
    assert votes == [(rated, -1)]


@pytest.fixture(scope="module")
def footnoted_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    articles = ROOT / "tests" / "data" / "footnoted_articles"
    server = LiveServer(tmp_path_factory.mktemp("footnoted"), real_embedder, real_index, articles=articles)
    yield server
    server.stop()


def test_bracketed_numbers_an_article_writes_are_text_not_citations(
    browser: Browser, footnoted_server: LiveServer
) -> None:
    page = open_page(browser, footnoted_server)
    ask(page, "What do quantum data annotators do?")
    body = page.locator(".message.assistant .body").last
    expect(body).to_contain_text("learn from them [1].")
    texts = body.evaluate("""(body) => {
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        const found = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) found.push(node.data);
        return found.join("");
    }""")  # the text nodes alone: a citation button's "[1]" is not among them
    assert "learn from them [1]." in texts and "three months [2]." in texts
    cites = body.locator(".cite")
    expect(cites.first).to_be_visible()  # the answer's own markers are still buttons
    for i in range(cites.count()):
        before = cites.nth(i).evaluate("b => (b.previousSibling && b.previousSibling.textContent) || ''")
        assert not before.endswith(("them ", "months ")), before  # the article's own notes stay text
    page.context.close()
