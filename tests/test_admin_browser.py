"""The operators' page in headless Chromium (Debian's), against a live `advisor serve`."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from advisor.embedding import Embedder

from .conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TOKEN = "operator-token-0123456789abcdef"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def admin_server(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index: Path
) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path_factory.mktemp("admin"), real_embedder, real_index, {"ADVISOR_ADMIN_TOKEN": TOKEN}
    )
    # Two stored questions the library cannot answer, for the gaps list.
    for question in ("How do I keep a sourdough starter alive?", "What flour suits a sourdough starter?"):
        request = urllib.request.Request(
            f"{server.url}/api/chat", data=f'{{"message": "{question}"}}'.encode(),
            headers={"content-type": "application/json"},
        )  # fmt: skip
        urllib.request.urlopen(request, timeout=60).read()
    yield server
    server.stop()


@pytest.fixture
def page(browser: Browser, admin_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []  # script errors and Content-Security-Policy violations
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" and "401" not in m.text else None
    )
    page.goto(f"{admin_server.url}/admin")
    yield page
    assert problems == [], problems
    context.close()


def use_token(page: Page, token: str) -> None:
    page.get_by_label("Admin token").fill(token)
    page.get_by_role("button", name="Use token").click()


def test_a_wrong_token_is_refused_and_shows_nothing(page: Page) -> None:
    field = page.get_by_label("Admin token")
    expect(field).to_have_attribute("type", "password")
    expect(page.locator("#panels")).to_be_hidden()
    use_token(page, "not-the-token-0123456789")
    expect(page.locator("#token-status")).to_contain_text("not accepted")
    expect(page.locator("#panels")).to_be_hidden()
    expect(page.locator("#library tbody tr")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('career-advisor.admin-token')") is None


def test_the_right_token_shows_library_gaps_and_reindexes(page: Page, admin_server: LiveServer) -> None:
    use_token(page, TOKEN)
    rows = page.locator("#library tbody tr")
    expect(rows).to_have_count(6)  # the five shipped articles and the server's hostile one
    expect(page.locator("#library")).to_contain_text("AI ML Engineer Roadmap 2026")
    expect(page.locator("#library tbody tr.stale")).to_have_count(1)  # the undated article
    expect(page.locator("#library tbody tr.stale")).to_contain_text("undated")
    # The hostile article's title and author are shown as text and run nothing.
    expect(page.locator("#library")).to_contain_text("<img src=x")
    assert page.evaluate("window.__pwned") is None and page.locator("#library img").count() == 0
    gaps = page.locator("#gaps > li")
    expect(gaps).to_have_count(1)
    expect(gaps.first).to_contain_text("2 questions: 2 refused")
    expect(gaps.first).to_contain_text("sourdough")
    assert page.evaluate("sessionStorage.getItem('career-advisor.admin-token')") == TOKEN
    assert page.evaluate("localStorage.getItem('career-advisor.admin-token')") is None

    page.get_by_role("button", name="Re-index").click()
    status = page.locator("#reindex-status")
    expect(status).to_contain_text("Done in", timeout=120_000)
    expect(status).to_contain_text("6 articles")
    expect(page.locator("#reindex-progress")).to_be_hidden()

    page.reload()  # the same tab keeps the token
    expect(page.locator("#library tbody tr")).to_have_count(6)
    other = page.context.browser.new_context().new_page() if page.context.browser else None
    assert other is not None
    other.goto(f"{admin_server.url}/admin")
    expect(other.locator("#panels")).to_be_hidden()  # another tab must enter it again
    other.context.close()
