"""The conversation store on SQLite files and a real PostgreSQL server, and follow-up rewriting."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from advisor.conversation import (
    MAX_TURNS,
    ConversationNotFound,
    ConversationStore,
    TooManyTurns,
    owner_of,
)
from advisor.conversation.migrations import BASELINE, LATEST_VERSION, SchemaTooNew


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.database)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests against both stores: a SQLite file and a real PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "conversations.db")
    url: str = request.getfixturevalue("postgres_url")
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:  # a clean database for each test
        db.execute("DROP TABLE IF EXISTS feedback, messages, conversations, schema_version")
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


def _raw(location: str) -> Any:
    """A plain DB-API connection, as 0.1.0 opened one: no SQLAlchemy, autocommit."""
    if location.startswith("postgresql://"):
        import psycopg

        return psycopg.connect(location, autocommit=True)
    return sqlite3.connect(location, isolation_level=None)


def _write_0_1_0_database(location: str) -> str:
    """A database as 0.1.0 wrote it: its three tables, one answered and rated turn."""
    mark = "%s" if location.startswith("postgresql://") else "?"
    db = _raw(location)
    for statement in BASELINE:  # 0.1.0's DDL, verbatim
        db.execute(statement)
    cid = "0a" * 16
    db.execute(f"INSERT INTO conversations (id, created) VALUES ({mark}, {mark})", (cid, 1.0))
    for idx, role, content, query in ((0, "user", "Do I need a PhD?", "Do I need a PhD?"),
                                      (1, "assistant", "No [1]", None)):  # fmt: skip
        db.execute(
            "INSERT INTO messages (conversation_id, idx, role, content, citations, query, created)"
            f" VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark}, {mark})",
            (cid, idx, role, content, "[]", query, 1.0),
        )
    db.execute(f"INSERT INTO feedback (conversation_id, message_index, rating, comment, created)"
               f" VALUES ({mark}, {mark}, {mark}, {mark}, {mark})", (cid, 1, 1, "clear", 1.0))  # fmt: skip
    db.close()
    return cid


def test_a_0_1_0_database_is_migrated_and_keeps_its_conversations(location: str) -> None:
    cid = _write_0_1_0_database(location)
    store = ConversationStore(location)
    assert store.migrated_from == 0
    assert [m.content for m in store.messages(cid)] == ["Do I need a PhD?", "No [1]"]
    store.add_turn(cid, "And a master's?", "And a master's?", "Not required [1]", [])  # still writable
    store.add_feedback(cid, 3, -1, "")
    owned = store.create(owner_of("key", "k" * 16))  # the new column works
    with pytest.raises(ConversationNotFound):
        store.messages(owned, owner_of("key", "x" * 16))
    store.close()
    db = _raw(location)
    versions = [row[0] for row in db.execute("SELECT version FROM schema_version ORDER BY version")]
    db.close()
    assert versions == list(range(1, LATEST_VERSION + 1))
    assert ConversationStore(location).migrated_from == LATEST_VERSION  # a second start changes nothing


def test_workers_starting_together_migrate_once(location: str) -> None:
    _write_0_1_0_database(location)
    stores: list[ConversationStore] = []
    threads = [threading.Thread(target=lambda: stores.append(ConversationStore(location))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(s.migrated_from for s in stores) == [0] + [LATEST_VERSION] * 3


def test_a_database_from_a_newer_advisor_is_refused(location: str) -> None:
    ConversationStore(location).close()
    db = _raw(location)
    db.execute(f"INSERT INTO schema_version VALUES ({LATEST_VERSION + 1}, 'from the future', 0)")
    db.close()
    with pytest.raises(SchemaTooNew, match="upgrade the advisor"):
        ConversationStore(location)


def test_a_first_turn_creates_its_conversation_with_its_owner(location: str) -> None:
    store = ConversationStore(location)
    alice = owner_of("key", "alice-key-0123456789")
    cid = store.new_id()
    with pytest.raises(ConversationNotFound):  # nothing exists before the turn is stored
        store.messages(cid, alice)
    store.add_turn(cid, "q", "q", "a", [], new=True, owner=alice)
    assert [m.content for m in ConversationStore(location).messages(cid, alice)] == ["q", "a"]
    with pytest.raises(ConversationNotFound):
        store.messages(cid, None)
    store.add_turn(cid, "q2", "q2", "a2", [])  # and it goes on like any other
    assert len(store.messages(cid, alice)) == 4


def test_a_conversation_is_visible_to_its_owner_only(location: str) -> None:
    store = ConversationStore(location)
    alice, bob = owner_of("key", "alice-key-0123456789"), owner_of("key", "bob-key-0123456789ab")
    assert "alice-key" not in alice  # the store keeps a hash, never the key
    cid = store.create(alice)
    store.add_turn(cid, "q", "q", "a", [])
    assert [m.content for m in store.messages(cid, alice)] == ["q", "a"]
    for owner in (bob, None):
        with pytest.raises(ConversationNotFound):
            store.messages(cid, owner)
        with pytest.raises(ConversationNotFound):
            store.queries(cid, owner)
        with pytest.raises(ConversationNotFound):
            store.add_feedback(cid, 1, 1, "", owner)
    store.add_feedback(cid, 1, 1, "", alice)


def test_a_conversation_holds_at_most_max_turns(location: str) -> None:
    store = ConversationStore(location)
    cid = store.create()
    for i in range(MAX_TURNS):
        store.add_turn(cid, f"q{i}", f"q{i}", f"a{i}", [])
    with pytest.raises(TooManyTurns):
        store.add_turn(cid, "one more", "one more", "a", [])
    assert len(store.messages(cid)) == 2 * MAX_TURNS


def test_close_releases_every_pooled_connection(postgres_url: str) -> None:
    import psycopg

    def connections() -> int:
        with psycopg.connect(postgres_url, autocommit=True) as db:
            row = db.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                             " AND pid <> pg_backend_pid()").fetchone()  # fmt: skip
            return int(row[0]) if row else 0

    before = connections()
    store = ConversationStore(postgres_url)
    cids = [store.create() for _ in range(3)]
    threads = [threading.Thread(target=store.messages, args=(cid,)) for cid in cids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert connections() > before
    store.close()
    # A closed connection's server process exits a moment later: wait for it (bounded), then check.
    for _ in range(100):
        if connections() == before:
            break
        time.sleep(0.1)
    assert connections() == before
