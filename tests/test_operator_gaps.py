"""`advisor gaps`: questions refused, answered "not covered" or voted not helpful, grouped by
meaning, largest group first. Asked through the real engine into a real SQLite store.

tests/data/gaps/questions.json was written for this test: 20 questions on three topics no
article covers (sourdough baking, work visas, negotiating an offer), and 5 more the library
does answer, which the asker then votes not helpful.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.conversation import ConversationStore, StoredTurn
from advisor.conversation.gaps import failure_reasons, find_gaps, gap_report
from advisor.embedding import Embedder
from advisor.engine import Advisor
from advisor.retrieval import Retriever

QUESTIONS = json.loads((Path(__file__).parent / "data" / "gaps" / "questions.json").read_text())
SIZES = {
    topic: len(t["refused_or_not_covered"]) + len(t["voted_not_helpful"]) for topic, t in QUESTIONS.items()
}


@pytest.fixture(scope="module")
def asked(tmp_path_factory: pytest.TempPathFactory, retriever: Retriever) -> Path:
    """Every question asked once through the real advisor; the answered ones voted not helpful."""
    database = tmp_path_factory.mktemp("gaps") / "data" / "conversations.db"
    store = ConversationStore(database)
    advisor = Advisor(retriever, store, mode="extractive")
    advisor.ask("Do I need a PhD to become an ML engineer?")  # answered, never voted: not a gap
    for topic in QUESTIONS.values():
        for question in topic["refused_or_not_covered"]:
            advisor.ask(question)
        for question in topic["voted_not_helpful"]:
            answer = advisor.ask(question)
            # voted down whatever it said (an answer not covered and voted down is one gap, not two)
            store.add_feedback(answer.conversation_id, 1, -1, "")
    store.close()
    return database


def _expected_groups() -> list[set[str]]:
    groups = [set(t["refused_or_not_covered"]) | set(t["voted_not_helpful"]) for t in QUESTIONS.values()]
    return sorted(groups, key=len, reverse=True)


def _check(groups: list[dict[str, object]]) -> None:
    assert [g["count"] for g in groups] == sorted(SIZES.values(), reverse=True)  # three groups, largest first
    for group, expected in zip(groups, _expected_groups(), strict=True):
        examples = group["examples"]
        assert isinstance(examples, list) and 1 <= len(examples) <= 3
        assert set(examples) <= expected, (examples, expected)  # as they were asked, from one topic
    reasons = [g["reasons"] for g in groups]
    unanswered = sum(r["refused"] + r["not_covered"] for r in reasons)  # type: ignore[index]
    assert 20 <= unanswered <= 25  # the 20, and any voted answer that also says what is not covered
    assert sum(r["not_helpful"] for r in reasons) == 5  # type: ignore[index]
    assert sum(r["not_covered"] for r in reasons) >= 1  # type: ignore[index]  # "None of the articles gives what it costs."


def test_gaps_come_back_in_three_groups_largest_first(asked: Path, real_embedder: Embedder) -> None:
    store = ConversationStore(asked)
    turns = store.turns()
    assert len(turns) == 26
    unanswered = {q for t in QUESTIONS.values() for q in t["refused_or_not_covered"]}
    for turn in turns:
        if turn.question in unanswered:
            assert {"refused", "not_covered"} & set(failure_reasons(turn)), turn
    gaps = gap_report(store, lambda: real_embedder)
    _check([g.to_json() for g in gaps])
    visas = next(g for g in gaps if any("visa" in e.lower() for e in g.examples))
    assert visas.reasons.get("not_helpful") == 2


def test_since_leaves_older_questions_out(asked: Path, real_embedder: Embedder) -> None:
    store = ConversationStore(asked)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert gap_report(store, lambda: real_embedder, tomorrow) == []
    assert len(gap_report(store, lambda: real_embedder, dt.date.today())) == 3


def test_the_command_prints_the_same_groups(asked: Path, cli_env: dict[str, str]) -> None:
    cli_env["ADVISOR_DATA_DIR"] = str(asked.parent)
    command = [sys.executable, "-m", "advisor.cli", "gaps", "--json", "--since", dt.date.today().isoformat()]
    done = subprocess.run(command, env=cli_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    _check(json.loads(done.stdout))
    shown = subprocess.run(command[:-3], env=cli_env, capture_output=True, text=True, timeout=300)
    assert shown.stdout.startswith("25 failed questions, in 3 groups, largest first:"), shown.stdout
    bad = subprocess.run([*command[:-1], "last week"], env=cli_env, capture_output=True, text=True)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def _turn(question: str, opening: str, cited: bool, rating: int | None = None) -> StoredTurn:
    return StoredTurn(question, opening, cited, rating, time.time())


def test_what_counts_as_a_failure() -> None:
    assert failure_reasons(_turn("q", "My career articles don't cover that.", cited=False)) == ["refused"]
    assert failure_reasons(_turn("q", "None of the articles gives a salary for X.", cited=True)) == [
        "not_covered"
    ]
    assert failure_reasons(_turn("q", "Pay runs from ...", cited=True, rating=-1)) == ["not_helpful"]
    assert failure_reasons(_turn("q", "Pay runs from ...", cited=True, rating=1)) == []
    assert failure_reasons(_turn("q", "Refused.", cited=False, rating=-1)) == ["refused", "not_helpful"]


def test_the_answers_own_field_says_what_is_not_covered() -> None:
    said = StoredTurn("q", "Pay runs from ...", True, None, time.time(), ("a salary for a barista",))
    assert failure_reasons(said) == ["not_covered"]
    # a turn that kept its ANSWER is judged by the field, not by how its text opens
    plain = StoredTurn("q", "None of the articles is wrong here, but ...", True, None, time.time(), ())
    assert failure_reasons(plain) == []


def test_one_question_asked_twice_counts_twice_and_shows_once(real_embedder: Embedder) -> None:
    turns = [_turn("Sourdough hydration?", "", False), _turn("sourdough  HYDRATION?", "", False)]
    (gap,) = find_gaps(turns, real_embedder)
    assert gap.count == 2 and gap.examples == ("Sourdough hydration?",)
