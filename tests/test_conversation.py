"""The SQLite conversation store and follow-up rewriting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from advisor.conversation import ConversationNotFound, ConversationStore, rewrite_follow_up


def test_turns_survive_a_restart_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "conversations.db"
    store = ConversationStore(path)
    cid = store.create()
    store.add_turn(cid, "What do data scientists earn?", "What do data scientists earn?", "About £50,000 [1]",
                   [{"n": 1, "quote": "UK: £50,000 – £100,000"}])  # fmt: skip
    reopened = ConversationStore(path)  # a new process would see the same
    messages = reopened.messages(cid)
    assert [(m.role, m.content) for m in messages] == [
        ("user", "What do data scientists earn?"),
        ("assistant", "About £50,000 [1]"),
    ]
    assert messages[1].citations == [{"n": 1, "quote": "UK: £50,000 – £100,000"}]
    assert reopened.queries(cid) == ["What do data scientists earn?"]
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_unknown_conversation_and_bad_feedback(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.db")
    with pytest.raises(ConversationNotFound):
        store.messages("nope")
    cid = store.create()
    store.add_turn(cid, "q", "q", "a", [])
    with pytest.raises(ValueError, match="not an answer"):
        store.add_feedback(cid, 0, 1, "")  # message 0 is the question
    store.add_feedback(cid, 1, -1, "too vague")
    with pytest.raises(ConversationNotFound):
        store.add_feedback("nope", 1, 1, "")


def test_a_failed_turn_stores_nothing(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.db")
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
