"""ingest/html.py: saved web pages, through trafilatura, into Documents.

The pages in tests/data/html/ and their expected.json were written for these tests by a
writer who never saw the code, and were never used to tune the cleaning rules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from advisor.corpus.chunking import chunk_document
from advisor.ingest import parse_document

PAGES = Path(__file__).parent / "data" / "html"
EXPECTED: dict[str, dict[str, Any]] = json.loads((PAGES / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_page_gives_its_metadata_and_article_text_only(name: str) -> None:
    expected = EXPECTED[name]
    doc = parse_document((PAGES / name).read_text(), f"corpus/{name}")
    assert (doc.title, doc.author, doc.date) == (expected["title"], expected["author"], expected["date"])
    chunks = "\n".join(f"{c.section}\n{c.text}" for c in chunk_document(doc))
    for passage in expected["must_contain"]:
        assert passage in doc.text and passage in chunks, passage
    for chrome in expected["must_not_contain"]:
        assert chrome not in doc.title and chrome not in chunks, chrome


def test_code_blocks_keep_their_lines_and_tables_their_header() -> None:
    docs = parse_document((PAGES / "docs-page.html").read_text(), "corpus/docs-page.html")
    assert sum(b.kind == "code" for b in docs.blocks) == 3
    salary = parse_document((PAGES / "salary-table.html").read_text(), "corpus/salary-table.html")
    rows = [b for b in salary.blocks if b.kind == "row"]
    assert len(rows) == 6 and all(r.table_header and r.table_header.startswith("| Role |") for r in rows)


PAGE = """<html><head><title>Data Engineer Careers | Example Blog</title>
<meta name="author" content="Ada Lovelace">
<meta property="article:published_time" content="2026-04-02T09:00:00Z"></head>
<body><nav><a href="/">Home</a><a href="/blog">Blog</a></nav>
<main><article><header><h1>Data Engineer Careers<svg><title>Share on X</title></svg></h1>
<p class="byline">By Ada Lovelace, April 2, 2026</p></header>
<p>Data engineers build the pipelines that feed models, and they own the quality of that data.</p>
<h2>Skills</h2><ul><li>SQL and Spark</li><li>Airflow</li></ul>
<aside><p>Tip: rebuild one pipeline from scratch each quarter to keep the basics sharp.</p></aside>
<pre><code>SELECT team, count(*)
FROM hires
GROUP BY team;</code></pre>
<table><tr><th>Level</th><th>Salary</th></tr><tr><td>Junior</td><td>$90,000</td></tr></table>
</article></main><aside><p>Popular posts this week</p></aside>
<footer>© 2026 Example Inc. Privacy policy</footer><script>track()</script></body></html>"""


def test_the_bugs_of_the_old_html_reader_are_gone() -> None:
    doc = parse_document(PAGE, "corpus/data-engineer.html")
    assert (doc.author, doc.date) == ("Ada Lovelace", "2026-04-02")
    assert "Share on X" not in doc.title  # an SVG <title> in the headline is not part of it
    text = doc.text
    assert "rebuild one pipeline from scratch" in text  # an aside inside the article is kept
    assert "SELECT team, count(*)\nFROM hires\nGROUP BY team;" in text  # <pre> keeps its lines
    assert "| Junior | $90,000 |" in text and "- Airflow" in text
    for chrome in ("Home", "Popular posts", "Privacy policy", "track()"):
        assert chrome not in text


def test_a_page_without_an_article_is_empty_not_an_error() -> None:
    for html in ("<html><body><nav>Home</nav></body></html>", "<<<>>>", "\x00"):
        assert parse_document(html, "corpus/empty.html").blocks == ()


def test_a_saved_page_links_to_its_original_through_its_canonical_address() -> None:
    doc = parse_document((PAGES / "wordpress-blog.html").read_text(), "corpus/wordpress-blog.html")
    assert doc.url == "https://secondactcareers.blog/2026/02/17/from-classroom-to-soc/"
