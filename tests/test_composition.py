"""Answers shaped by the question's kind, through the real Advisor on the real corpus.

Every composed sentence is a template filled with names and figures copied from the
cited quotes; the proof test below checks that for one question of each kind.
"""

from __future__ import annotations

import re

import pytest

from advisor.answer.models import Answer
from advisor.answer.quotes import Quote, is_aside, split_units
from advisor.conversation import ConversationStore
from advisor.engine import Advisor
from advisor.retrieval import Hit, Retriever
from advisor.text.lexicon import normalize_term


@pytest.fixture(scope="module")
def advisor(retriever: Retriever, tmp_path_factory: pytest.TempPathFactory) -> Advisor:
    store = ConversationStore(tmp_path_factory.mktemp("store") / "conversations.db")
    return Advisor(retriever, store, mode="extractive")


_FIGURE = re.compile(r"\d[\d,.]*\d|\d")


def composed_text(answer: Answer) -> str:
    """The answer without its verbatim quotes: what the templates wrote."""
    text = re.sub(r"\[\d+\]", " ", answer.answer)
    text = re.sub(r"\bacross \d+ articles\b", " ", text)  # how many cited articles agree: a count, no figure
    for citation in sorted(answer.citations, key=lambda c: -len(c.quote)):
        text = text.replace(citation.quote, " ")
    return text


def assert_grounded(question: str, answer: Answer, retriever: Retriever) -> None:
    """Every figure and every role or tool named outside the quotes is in a cited quote,
    a cited passage's heading or title or its article's date (the year of a salary line, the
    date of stale figures), or the user's own question."""
    sources = " ".join(f"{c.quote} {c.section or ''} {c.title} {c.date or ''}" for c in answer.citations)
    figures_there = {f.replace(",", "") for f in _FIGURE.findall(f"{sources} {question}")}
    composed = composed_text(answer)
    for figure in _FIGURE.findall(composed):
        assert figure.replace(",", "").rstrip(".") in figures_there, (figure, answer.answer)
    vocabulary = retriever.version.vocabulary
    names_there = f" {normalize_term(sources + ' ' + question)} "
    for name in (*vocabulary.roles, *vocabulary.tools):
        key = normalize_term(name)
        if key and f" {key} " in f" {normalize_term(composed)} ":
            assert f" {key} " in names_there, (name, answer.answer)
    chunks = {c.chunk_id: c.text for c in retriever.version.chunks.values()}
    for citation in answer.citations:
        assert citation.quote in chunks[citation.chunk_id]  # verbatim, always
        assert f"[{citation.n}]" in answer.answer


QUESTIONS = {
    "salary": "What does an entry-level ML engineer earn in the US?",
    "comparison": "Who earns more in the US, data scientists or machine learning engineers?",
    "list": "Which certifications are worth it for ML engineers?",
    "role_fit": "I'm a software engineer. Which AI role suits me best?",
    "not covered": "What does a data engineer earn in the US?",
    "region gap": "What's a typical ML engineer salary in India?",
}


@pytest.mark.parametrize("label", list(QUESTIONS))
def test_composed_text_only_repeats_what_the_sources_say(
    label: str, advisor: Advisor, retriever: Retriever
) -> None:
    question = QUESTIONS[label]
    answer = advisor.ask(question)
    assert not answer.refused and answer.citations, answer.answer
    assert_grounded(question, answer, retriever)


def test_salary_opens_with_the_range_across_sources_then_the_rows(advisor: Advisor) -> None:
    answer = advisor.ask("What does an entry-level ML engineer earn in the US?")
    first = answer.answer.splitlines()[0]
    # Two articles price a junior ML engineer in the US: $100,000 – $130,000 and $110,000–$145,000.
    assert "$100,000 to $145,000 across 2 articles" in first, answer.answer
    assert "- Junior level, US: $100,000–$145,000 across 2 articles" in answer.answer
    assert "$110,000–$145,000" in answer.answer and "$100,000 – $130,000" in answer.answer
    assert answer.kind == "salary" and answer.chart
    bar = answer.chart[0]
    assert (bar.low, bar.high, bar.currency) == (100000, 145000, "$")


@pytest.mark.parametrize(
    ("question", "gap"),
    [
        ("What does a data engineer earn in the US?", "None of the articles gives a salary for"),
        ("What's a typical ML engineer salary in India?", "in India"),
    ],
)
def test_an_unpriced_role_or_region_is_said_first_and_nothing_else_passes_for_it(
    advisor: Advisor, question: str, gap: str
) -> None:
    answer = advisor.ask(question)
    first = answer.answer.splitlines()[0]
    assert first.startswith("None of the articles gives a salary for") and gap in first, answer.answer
    if "India" in question:  # the same role elsewhere, labelled as the nearest figures
        assert "nearest figures" in answer.answer and "India:" not in answer.answer
    else:  # another role's rows are never shown as the answer
        assert "$100,000 – $200,000" not in answer.answer
        assert "not an answer for this one" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What does a senior-level data scientist earn in the US?",
        "What does a staff ML engineer make in the UK?",
    ],
)
def test_a_level_no_article_prices_is_said_first_and_an_all_levels_range_is_only_the_nearest(
    advisor: Advisor, question: str
) -> None:
    answer = advisor.ask(question)
    first = answer.answer.splitlines()[0]
    assert first.startswith("None of the articles gives a salary for") and " level in the " in first, (
        answer.answer
    )
    assert "nearest figures" in answer.answer and "all levels together" in answer.answer.lower(), (
        answer.answer
    )


def test_a_salary_line_written_under_two_roles_is_cited_from_the_role_asked(advisor: Advisor) -> None:
    # "UK: £50,000 – £100,000" appears under Data Scientist and under Prompt Engineer.
    answer = advisor.ask("What do prompt engineers earn in the UK?")
    assert "£50,000 – £100,000" in answer.answer, answer.answer
    assert answer.citations and all("Prompt Engineer" in (c.section or "") for c in answer.citations)


def test_comparison_table_cites_every_cell_and_the_verdict_comes_from_the_figures(
    advisor: Advisor,
) -> None:
    answer = advisor.ask("Who earns more in the US, data scientists or machine learning engineers?")
    assert answer.kind == "comparison" and answer.table is not None
    for row in answer.table.rows:
        for cell in row[1:]:
            assert re.search(r"\[\d+\]", cell) or cell == "not given", row
    verdict = answer.answer.splitlines()[0]
    # One article prices both in the US: ML engineers $120,000 – $250,000+, data scientists
    # $100,000 – $200,000; the middle of the first is higher.
    assert re.match(r"Machine Learning Engineer pays more than Data Scientist in the US", verdict), verdict
    assert "$120,000–$250,000+" in verdict and "$100,000–$200,000" in verdict
    assert "| --- |" in answer.answer  # the table is in the markdown too


def test_a_difference_question_contrasts_the_roles_not_a_line_listing_titles(advisor: Advisor) -> None:
    answer = advisor.ask("What's the difference between an ML engineer and a data scientist?")
    assert answer.kind == "comparison" and answer.table is not None
    # "... get used interchangeably" names five titles and tells none apart.
    assert "interchangeably" not in answer.answer, answer.answer
    lead = answer.answer.split("\n\n", 1)[0]
    assert "analysis" in lead and "deploying" in lead, answer.answer  # the article's own contrast
    # Each cell describes its own side and names no other role.
    assert "deploy" in answer.table.rows[0][1] and "insights" in answer.table.rows[0][2], answer.table
    assert "Data Scientist" not in answer.table.rows[0][1] and "ML Engineer" not in answer.table.rows[0][2]


def test_each_side_is_looked_up_without_the_other_however_it_is_spelled(advisor: Advisor) -> None:
    # "ML engineer" is the other side's spelling of "Machine Learning Engineer".
    answer = advisor.ask("How does a research scientist differ from an ML engineer?")
    assert answer.table is not None, answer.answer
    assert (
        "Research Scientists" in answer.table.rows[0][1] or "Research scientists" in answer.table.rows[0][1]
    )


def test_a_difference_between_two_terms_sets_their_definitions_side_by_side(advisor: Advisor) -> None:
    answer = advisor.ask("What is the difference between AI and machine learning?")
    assert answer.table is not None, answer.answer
    cells = " ".join(answer.table.rows[0][1:])
    assert "is a subset of AI" in cells and "is the broad field" in cells, answer.table


def test_list_items_come_with_their_heading(advisor: Advisor) -> None:
    answer = advisor.ask("Which certifications are worth it for ML engineers?")
    assert answer.kind == "list"
    assert "**AWS Certified Machine Learning – Specialty (MLS-C01)**" in answer.answer
    assert "Google Professional Machine Learning Engineer" in answer.answer


def test_which_roles_exist_gives_the_fullest_list_an_article_found_has(advisor: Advisor) -> None:
    answer = advisor.ask("What career paths exist in AI?")
    assert answer.kind == "list"
    # Articles list five, seven and ten roles; the fullest list comes back whole, each role once.
    items = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    assert len(items) >= 7, answer.answer
    for role in ("Machine Learning Engineer", "Prompt Engineer", "AI Product Manager", "Data Scientist"):
        assert sum(role in item for item in items) == 1, answer.answer


def test_a_term_is_defined_by_the_line_that_spells_it_out(advisor: Advisor) -> None:
    answer = advisor.ask("What's MLOps?")
    first = answer.answer.splitlines()[0]
    # "MLOps (Machine Learning Operations) Engineers ..." and the sentence after, "Think of them as DevOps ..."
    assert "Machine Learning Operations" in first and "DevOps" in first, answer.answer


def test_a_plan_labelled_by_steps_or_periods_beats_an_articles_numbered_outline(advisor: Advisor) -> None:
    # The best-ranked article's only sequence is its numbered outline ("1. Understand ...").
    answer = advisor.ask("Can you lay out a plan to become an ML engineer?")
    assert answer.kind == "plan" and answer.steps, answer.answer
    assert all(not (step.label or "").rstrip(".)").isdigit() for step in answer.steps), answer.steps
    assert re.match(r"(Step|Months?|Phase|Week)\b", answer.steps[0].label or ""), answer.steps


def test_plan_comes_in_the_articles_order_with_its_labels(advisor: Advisor, retriever: Retriever) -> None:
    question = "Give me a month-by-month plan to become an ML engineer"
    answer = advisor.ask(question)
    assert answer.kind == "plan" and answer.steps, answer.answer
    labels = [step.label for step in answer.steps]
    assert labels in (
        ["Month 1–2", "Month 3–4", "Month 5–8", "Month 9–12"],
        ["Months 1-2", "Months 3-4", "Months 5-7", "Months 8-10", "Months 10-12"],
    ), labels
    numbered = [line for line in answer.answer.splitlines() if re.match(r"\d+\. \*\*", line)]
    assert [line.split("**")[1].split(":")[0] for line in numbered] == labels  # in order, as markdown
    assert "Other articles give plans too" in answer.answer  # the other month-by-month plan is named
    assert_grounded(question, answer, retriever)


def _hit(text: str, section: str | None = "Skills") -> Hit:
    return Hit(1, 1.0, "doc", "doc#1", "Title", None, None, "doc.md", section, text, 0.5)


def test_quotes_carry_their_lead_in_and_what_this_refers_to() -> None:
    text = (
        "Skills needed:\n- Python for data work\n"
        "Feature stores keep training and serving features equal. This prevents skew in production."
    )
    quotes = split_units(_hit(text))
    item = next(q for q in quotes if q.kind == "item")
    assert item.shown() == "*Skills needed:* Python for data work"
    assert any(q.text == "Feature stores keep training and serving features equal. This prevents skew in production."
               for q in quotes)  # fmt: skip


def test_anecdotes_taglines_and_market_figures_are_asides_unless_asked() -> None:
    story = Quote("I spent an hour with her building a twelve-month plan.", _hit(""))
    market = Quote("Job postings for AI roles grew 300% since 2023.", _hit(""))
    fact = Quote("MLflow tracks parameters, metrics and artifacts of every run.", _hit(""))
    assert is_aside(story, "How do I plan my learning?")
    assert is_aside(market, "Which tools track experiments?")
    assert not is_aside(market, "How fast is the AI job market growing?")
    assert not is_aside(fact, "Which tools track experiments?")
