"""Articles as operators write them: bylines, FAQs, plain lists and tables, hidden text.

Every article here was written for these tests, in shapes the shipped articles do not use.
"""

from __future__ import annotations

import pytest

from advisor.corpus.chunking import chunk_document
from advisor.ingest import Document, parse_document

SECTIONS = "\n\n".join(
    f"## Part {n}\n\nA sentence about part {n} of the harbour crane guide." for n in range(1, 4)
)


def _kinds(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc.blocks]


# bylines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "name", "authors", "date"),
    [
        ("# Harbour Crane Operators: A Field Guide\n\n*By Ines Duarte and Kofi Mensah, 9 February 2026*",
         "a.md", ("Ines Duarte", "Kofi Mensah"), "2026-02-09"),
        ("# Harbour Crane Operators: A Field Guide\n\nBy Ines Duarte, Kofi Mensah and Lena van der Berg · Feb 9, 2026",
         "b.md", ("Ines Duarte", "Kofi Mensah", "Lena van der Berg"), "2026-02-09"),
        ("# Harbour Crane Operators: A Field Guide\n\nAuthors: Ines Duarte & Kofi Mensah\n"
         "Published: 09/02/2026 (DD/MM/YYYY)\nUpdated: 2026-03-01\nReading time: 6 minutes",
         "c.md", ("Ines Duarte", "Kofi Mensah"), "2026-02-09"),
        ("Harbour Crane Operators: A Field Guide\nWritten by Ines Duarte and Kofi Mensah\nPublished on February 9th, 2026",
         "d.txt", ("Ines Duarte", "Kofi Mensah"), "2026-02-09"),
    ],
)  # fmt: skip
def test_bylines_with_several_authors(head: str, name: str, authors: tuple[str, ...], date: str) -> None:
    body = SECTIONS if name.endswith(".md") else SECTIONS.replace("## ", "").replace("\n\n", "\n")
    doc = parse_document(f"{head}\n\n{body}\n", name)
    assert (doc.title, doc.authors, doc.date) == ("Harbour Crane Operators: A Field Guide", authors, date)
    assert doc.author == (
        " and ".join(authors) if len(authors) == 2 else "Ines Duarte, Kofi Mensah and Lena van der Berg"
    )
    assert not any(a.split()[0] in b.text for b in doc.blocks for a in authors)  # the byline is not text
    assert doc.warnings == ()


def test_a_title_in_capitals_over_a_byline_is_the_title_not_the_byline() -> None:
    """ "Written by A and B" under a title in capitals became the title, and the title was lost."""
    text = (
        "HARBOUR CRANE OPERATORS IN NORWAY: WHAT THE JOB IS LIKE\n\nWritten by Ines Duarte and Kofi Mensah\n"
        "Published on March 3rd, 2026\n\nCrane operators in Norway move containers for every port on the coast, "
        "and the job pays well.\n\nWHAT THE JOB INVOLVES\n\nAn STS crane operator lifts containers off ships all day.\n"
    )
    doc = parse_document(text, "crane-operators-norway.txt")
    assert doc.title == "Harbour Crane Operators in Norway: What the Job Is Like"
    assert (doc.authors, doc.date) == (("Ines Duarte", "Kofi Mensah"), "2026-03-03")
    assert "An STS crane operator lifts containers off ships all day." in doc.text  # "STS" kept in capitals


def test_a_page_lists_each_of_its_authors_and_keeps_a_date_after_the_clock() -> None:
    page = (
        '<html><head><title>Crane Careers | Port Jobs</title><meta name="author" content="Ines Duarte; Kofi Mensah">'
        '<meta property="article:published_time" content="2099-06-01T08:00:00Z"></head><body><article>'
        "<h1>Crane Careers</h1><p>Crane operators move containers for every port on the coast, all year.</p>"
        "<pre>$ crane-sim --level 1\n\n# then the exam\n$ crane-sim --exam</pre>"
        "<p>The simulator is where every operator starts before the real crane.</p></article></body></html>"
    )
    doc = parse_document(page, "crane-careers.html")
    assert doc.authors == ("Ines Duarte", "Kofi Mensah") and doc.date == "2099-06-01"
    [code] = [b for b in doc.blocks if b.kind == "code"]  # a bare <pre> is one listing, its "#" lines in it
    assert code.text == "$ crane-sim --level 1\n# then the exam\n$ crane-sim --exam"


# FAQs ----------------------------------------------------------------------------------


FAQ_MD = """# Harbour Crane Operators: A Field Guide

By Ines Duarte, 1 May 2026

## Questions

Q: Do I need a university degree?
A: No. Ports train operators on simulators; what matters is a steady hand and a clean safety record.

Q: Is night work normal?
A: Yes, most ports run around the clock.
"""

FAQ_TXT = """Harbour Crane Operators: A Field Guide
By Ines Duarte, 1 May 2026

QUESTIONS PEOPLE ASK

Do I need a university degree?
No. Ports train operators on simulators; what matters is a steady hand and a clean safety record.
Is night work normal?
Yes, most ports run around the clock.
"""

FAQ_HTML = """<html><head><title>Harbour Crane Operators: A Field Guide</title></head><body><article>
<h1>Harbour Crane Operators: A Field Guide</h1><p>By Ines Duarte, 1 May 2026</p><h2>Questions</h2>
<p><strong>Do I need a university degree?</strong><br>No. Ports train operators on simulators; what matters is a
steady hand and a clean safety record.</p>
<p><strong>Is night work normal?</strong><br>Yes, most ports run around the clock.</p></article></body></html>"""


@pytest.mark.parametrize(("text", "name"), [(FAQ_MD, "faq.md"), (FAQ_TXT, "faq.txt"), (FAQ_HTML, "faq.html")])
def test_an_faq_question_heads_its_reply_without_q_and_a(text: str, name: str) -> None:
    doc = parse_document(text, name)
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings[-2:] == ["Do I need a university degree?", "Is night work normal?"]
    replies = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert replies[-2][:3] == "No." and replies[-1] == "Yes, most ports run around the clock."
    sections = {c.section.rsplit(" > ", 1)[-1]: c.text for c in chunk_document(doc) if c.section}
    assert sections["Do I need a university degree?"].startswith("No. Ports train operators")
    assert "Q:" not in doc.text and "A:" not in doc.text


# plain lists and tables -------------------------------------------------------------------


TOOLS = ["Kalmar", "Liebherr", "Konecranes", "ZPMC", "Navis N4", "Tideworks", "CyberLock", "Trelleborg",
         "Hyster", "Terberg", "Orbcomm", "Camco", "Bromma"]  # fmt: skip


def test_one_item_per_line_under_a_lead_in_is_a_list_of_every_line() -> None:
    week = (
        "Monday: simulator hours with the trainer\nTuesday and Wednesday: shadowing a night shift on the quay"
    )
    text = (
        "Harbour Crane Guide For Beginners\nBy Ines Duarte, 1 May 2026\n\nTHE KIT\n\nMakers and systems you will meet:\n"
        + "\n".join(TOOLS)
        + "\n\nYou will not touch all of them.\n\nA TRAINING WEEK\n\nA typical week looks like this:\n"
        + week
        + "\n\nThe rest of the time is paperwork.\n"
    )
    doc = parse_document(text, "kit.txt")
    items = [b.text for b in doc.blocks if b.kind == "item"]
    assert items == [f"- {t}" for t in TOOLS] + [f"- {line}" for line in week.splitlines()]  # all 13, not 10
    assert ("paragraph", "You will not touch all of them.") in _kinds(doc)


def test_a_table_laid_out_in_columns_of_spaces_is_cut_at_its_header() -> None:
    text = (
        "Harbour Crane Guide For Beginners\nBy Ines Duarte, 1 May 2026\n\nWHAT IT PAYS\n\n"
        "Level               Monthly (gross)       Annual (approx.)\n"
        "------------------  --------------------  ---------------------\n"
        "Trainee operator    NOK 38,000 - 42,000   NOK 456,000 - 504,000\n"
        "Senior / lead       NOK 55,000 - 62,000   NOK 660,000 - 744,000\n\nOvertime is paid on top.\n"
    )
    doc = parse_document(text, "pay.txt")
    header = "| Level | Monthly (gross) | Annual (approx.) |"
    assert [(b.kind, b.text, b.table_header) for b in doc.blocks if b.kind in ("row", "header_row")] == [
        ("header_row", header, None),
        ("row", "| Trainee operator | NOK 38,000 - 42,000 | NOK 456,000 - 504,000 |", header),
        ("row", "| Senior / lead | NOK 55,000 - 62,000 | NOK 660,000 - 744,000 |", header),
    ]


def test_numbered_lines_in_a_row_are_a_list_not_headings() -> None:
    text = "# Harbour Crane Guide\n\n## Skills\n\n1. Reading a stowage plan\n2. Radio Discipline On The Quay\n3. Wind Limits\n"
    doc = parse_document(text, "skills.md")
    assert [b.kind for b in doc.blocks if b.text[:1].isdigit()] == ["item", "item", "item"]


# hidden text ------------------------------------------------------------------------------


def test_comments_and_hidden_elements_are_not_text() -> None:
    text = """# Harbour Crane Guide

Cranes lift containers. <!-- The CraneHack Gold Pass is required by all employers. --> Operators train first.

<!--
Senior operators earn $9,999,999 per year, guaranteed.
-->

<div hidden>Hidden div text.</div>
<span style="display: none">Hidden span text.</span>
<p aria-hidden="true">Hidden aria text.</p>

```html
<!-- a comment inside a listing is code -->
```

Shifts run around the clock.

<!-- a comment never closed hides the rest
Everything after it is hidden too.
"""
    doc = parse_document(text, "hidden.md")
    assert "Cranes lift containers. Operators train first." in doc.text
    for hidden in ("CraneHack", "9,999,999", "Hidden div", "Hidden span", "Hidden aria", "Everything after"):
        assert hidden not in doc.text, hidden
    assert (
        "<!-- a comment inside a listing is code -->" in doc.text
        and "Shifts run around the clock." in doc.text
    )


def test_a_page_drops_what_it_does_not_show() -> None:
    page = """<html><head><title>Crane Careers</title></head><body><article><h1>Crane Careers</h1>
<p>Crane operators move containers for every port on the coast, all year round.</p>
<!-- The CraneHack Gold Pass is required by all employers. -->
<p hidden>Hidden paragraph.</p><div style="DISPLAY: None">Styled away.</div>
<p aria-hidden="true">Aria hidden.</p><p style="visibility:hidden">Invisible.</p>
<p>Most operators start on the simulator before they touch a real crane.</p></article></body></html>"""
    doc = parse_document(page, "crane.html")
    for hidden in ("CraneHack", "Hidden paragraph", "Styled away", "Aria hidden", "Invisible"):
        assert hidden not in doc.text, hidden
    assert "Most operators start on the simulator" in doc.text


# warnings ---------------------------------------------------------------------------------


def test_what_could_not_be_read_is_said_once_each() -> None:
    text = (
        "harbour crane notes\n\nCranes lift containers all day long at every port on the coast.\n\n"
        "| Level | Pay |\n|---|---|\n| Trainee | 38,000 – 42,000 |\n| Senior | 55,000 |\n| Lead | 60,000 | extra |\n"
    )
    doc = parse_document(text, "crane-notes.md")
    assert doc.warnings == (
        "no title found: it is named after its file",
        "no date found (front matter `date:`, or a dated byline under the title)",
        "no author found (front matter `author:`, or a byline such as “By Jane Doe”)",
        "a table gives figures with no currency: no salary is read from them",
        "a table has rows whose cells do not match its header: their figures are not read",
    )
