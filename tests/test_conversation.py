"""The SQLite conversation store and follow-up rewriting."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from advisor.conversation import ConversationNotFound, ConversationStore, rewrite_follow_up


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.database)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests against both stores: a SQLite file and a real PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "conversations.db")
    url: str = request.getfixturevalue("postgres_url")
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:  # a clean database for each test
        db.execute("DROP TABLE IF EXISTS feedback, messages, conversations")
    return url


def test_turns_survive_a_restart(location: str) -> None:
    store = ConversationStore(location)
    cid = store.create()
    store.add_turn(cid, "What do data scientists earn?", "What do data scientists earn?", "About £50,000 [1]",
                   [{"n": 1, "quote": "UK: £50,000 – £100,000"}])  # fmt: skip
    reopened = ConversationStore(location)  # a new process, or another machine, sees the same
    messages = reopened.messages(cid)
    assert [(m.role, m.content) for m in messages] == [
        ("user", "What do data scientists earn?"),
        ("assistant", "About £50,000 [1]"),
    ]
    assert messages[1].citations == [{"n": 1, "quote": "UK: £50,000 – £100,000"}]
    assert reopened.queries(cid) == ["What do data scientists earn?"]


def test_concurrent_turns_of_one_conversation_get_distinct_places(location: str) -> None:
    store = ConversationStore(location)
    cid = store.create()

    def write(n: int) -> None:
        for i in range(5):
            store.add_turn(cid, f"q{n}-{i}", f"q{n}-{i}", f"a{n}-{i}", [])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    messages = store.messages(cid)
    assert len(messages) == 40
    for question, answer in zip(messages[::2], messages[1::2], strict=True):
        assert question.role == "user" and answer.content == "a" + question.content[1:]


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "conversations.db"
    ConversationStore(path)
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_unknown_conversation_and_bad_feedback(location: str) -> None:
    store = ConversationStore(location)
    with pytest.raises(ConversationNotFound):
        store.messages("nope")
    cid = store.create()
    store.add_turn(cid, "q", "q", "a", [])
    with pytest.raises(ValueError, match="not an answer"):
        store.add_feedback(cid, 0, 1, "")  # message 0 is the question
    store.add_feedback(cid, 1, -1, "too vague")
    with pytest.raises(ConversationNotFound):
        store.add_feedback("nope", 1, 1, "")


def test_a_failed_turn_stores_nothing(location: str) -> None:
    store = ConversationStore(location)
    cid = store.create()
    with pytest.raises(TypeError):  # fails inside the transaction, which rolls back
        store.add_turn(cid, "q", "q", "a", [{"not": object()}])  # type: ignore[dict-item]
    assert store.messages(cid) == []


@pytest.mark.parametrize(
    ("previous", "follow_up", "expected"),
    [
        ("How much does a junior ML engineer earn in the US?", "And in the UK?",
         "How much does a junior ML engineer earn in the UK?"),
        ("What does a data scientist do day to day?", "What do they earn?", "What do data scientists earn?"),
        ("What does a data scientist earn in the UK?", "What about MLOps engineers?",
         "What does a MLOps engineer earn in the UK?"),
        ("Which certification is most respected for AWS?", "How long should I study for it?",
         "How long should I study for it? (Which certification is most respected for AWS)"),
        ("Which certification is most respected for AWS?", "What is RAG?", "What is RAG?"),
    ],
)  # fmt: skip
def test_follow_ups_become_standalone(previous: str, follow_up: str, expected: str) -> None:
    assert rewrite_follow_up(follow_up, [previous]) == expected
