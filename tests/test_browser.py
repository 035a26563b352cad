"""The chat page in headless Chromium (Debian's), driven by Playwright, against a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from advisor.embedding import Embedder

from .conftest import LiveServer
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
    page.fill("#question", question)
    page.press("#question", "Enter")
    expect(page.locator(".message.assistant .actions").last).to_be_visible(timeout=30_000)


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
    expect(page.locator(".opblock")).to_have_count(10)
    page.locator(".opblock-summary-path", has_text="/v1/chat/completions").click()
    expect(page.locator(".responses-table").first).to_contain_text("model_not_found")
    assert elsewhere == [] and refused == []
    context.close()
