"""The conversation store on SQLite files and a real PostgreSQL server, and follow-up rewriting."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import load_settings
from advisor.conversation import (
    MAX_TURNS,
    ConversationNotFound,
    ConversationStore,
    NotAnAnswer,
    QuotaExceeded,
    StoreLimits,
    TooManyTurns,
    owner_of,
)
from advisor.conversation.migrations import BASELINE, LATEST_VERSION, MIGRATIONS, SchemaTooNew
from advisor.embedding import Embedder

from .conftest import CORPUS


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
    with pytest.raises(NotAnAnswer, match="not an answer"):
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


# ----------------------------------------------------------------------------- whole turns (issues 25, 26)

SHOWN = {
    "answer": "Junior ML engineers earn £45,000 – £65,000 [1].",
    "citations": [{"n": 1, "quote": "Junior | £45,000 – £65,000"}],
    "refused": False, "mode": "extractive", "conversation_id": "ignored", "query": "junior ML engineer salary",
    "unsupported": [], "kind": "salary", "table": None, "steps": None,
    "chart": [{"label": "Junior, UK", "low": 45000, "high": 65000, "currency": "£", "citation": 1}],
    "suggestions": ["What does a senior ML engineer earn?"], "turn_id": None,
}  # fmt: skip


def test_a_turn_keeps_its_id_the_question_as_typed_and_the_whole_answer(location: str) -> None:
    store = ConversationStore(location)
    cid = store.new_id()
    turn = store.add_turn(cid, "What does a junior ML engineer earn?", "q", SHOWN["answer"], SHOWN["citations"],
                          typed="What does a junor ML enginer earn?", shown=SHOWN, new=True)  # fmt: skip
    question, answer = ConversationStore(location).messages(cid)
    assert question.turn_id == answer.turn_id == turn
    assert question.content == "What does a junior ML engineer earn?"  # what follow-ups are read against
    shown = [question.to_json(), answer.to_json()]
    assert shown[0]["content"] == "What does a junor ML enginer earn?"
    assert shown[0]["corrected"] == "What does a junior ML engineer earn?"
    assert shown[1]["turn_id"] == turn and shown[1]["content"] == SHOWN["answer"]
    for key in ("kind", "chart", "suggestions", "refused", "query", "mode", "table", "steps"):
        assert shown[1][key] == SHOWN[key], key
    assert "conversation_id" not in shown[1] and "answer" not in shown[1]
    second = store.add_turn(cid, "q2", "q2", "a2", [])
    assert second != turn and store.messages(cid)[3].turn_id == second


def _votes(location: str) -> list[tuple[Any, ...]]:
    db = _raw(location)
    rows = db.execute(
        "SELECT message_index, voter, rating, comment FROM feedback ORDER BY message_index, voter"
    )
    found = [tuple(row) for row in rows]
    db.close()
    return found


def test_feedback_names_the_answer_by_its_turn_id(location: str) -> None:
    store = ConversationStore(location)
    cid = store.create()
    store.add_turn(cid, "q1", "q1", "a1", [])
    second = store.add_turn(cid, "q2", "q2", "a2", [])
    store.add_feedback(cid, None, -1, "vague", turn_id=second)
    assert _votes(location) == [(3, "", -1, "vague")]  # the second answer, message 3
    with pytest.raises(NotAnAnswer, match="no answered turn"):
        store.add_feedback(cid, None, 1, "", turn_id="never-stored")
    store.add_feedback(cid, 1, 1, "")  # 0.2.0 clients still count messages
    assert _votes(location) == [(1, "", 1, ""), (3, "", -1, "vague")]


def test_one_vote_per_answer_per_owner_and_the_last_one_wins(location: str) -> None:
    store = ConversationStore(location)
    alice, bob = owner_of("client", "alice-token-0123456"), owner_of("client", "bob-token-01234567")
    owned = store.new_id()
    turn = store.add_turn(owned, "q", "q", "a", [], new=True, owner=alice)
    store.add_feedback(owned, None, 1, "clear", alice, turn_id=turn)
    store.add_feedback(owned, None, -1, "on second thought, vague", alice, turn_id=turn)
    store.add_feedback(owned, 1, -1, "and once more", alice)  # the same answer, named the old way
    assert _votes(location) == [(1, alice, -1, "and once more")]
    shared = store.create()  # no owner: whoever has the id may vote, once each
    store.add_turn(shared, "q", "q", "a", [])
    for voter, rating in ((alice, 1), (bob, -1), (None, 1), (bob, 1)):
        store.add_feedback(shared, 1, rating, "", voter)
    db = _raw(location)
    mark = "%s" if location.startswith("postgresql://") else "?"
    votes = sorted(
        db.execute(f"SELECT voter, rating FROM feedback WHERE conversation_id = {mark}", (shared,))
    )
    db.close()
    assert votes == sorted([("", 1), (alice, 1), (bob, 1)])


def test_the_per_owner_caps_refuse_one_more_with_a_429(location: str) -> None:
    now = [1_000_000.0]
    limits = StoreLimits(conversations_per_owner=2, turns_per_owner=3, retention_days=30)
    store = ConversationStore(location, limits, clock=lambda: now[0])
    alice, bob = owner_of("key", "alice-key-0123456789"), owner_of("key", "bob-key-0123456789ab")
    first, second = store.new_id(), store.new_id()
    store.add_turn(first, "q", "q", "a", [], new=True, owner=alice)
    now[0] += 3600
    store.add_turn(second, "q", "q", "a", [], new=True, owner=alice)
    with pytest.raises(QuotaExceeded, match="2 stored conversations") as refused:
        store.ensure_room(alice, new=True)  # before any work is done...
    with pytest.raises(QuotaExceeded):
        store.add_turn(store.new_id(), "q", "q", "a", [], new=True, owner=alice)  # ...and when storing
    assert (
        refused.value.status == 429
        and refused.value.detail()["setting"] == "ADVISOR_MAX_CONVERSATIONS_PER_OWNER"
    )
    # The room comes back when the least recently used conversation expires: 30 days after its turn.
    assert refused.value.headers() == {"retry-after": str(30 * 86400 - 3600)}
    store.add_turn(first, "q2", "q2", "a2", [], owner=alice)  # a third turn, in a kept conversation
    with pytest.raises(QuotaExceeded, match="3 stored turns"):
        store.add_turn(second, "q2", "q2", "a2", [], owner=alice)
    assert len(store.messages(second, alice)) == 2  # nothing of the refused turn was kept
    store.add_turn(store.new_id(), "q", "q", "a", [], new=True, owner=bob)  # another owner has room
    ConversationStore(location).add_turn(first, "q3", "q3", "a3", [], owner=alice)  # no limits: no cap


def test_the_cap_holds_when_new_conversations_race(location: str) -> None:
    store = ConversationStore(location, StoreLimits(conversations_per_owner=3))
    alice = owner_of("key", "alice-key-0123456789")
    outcomes: list[str] = []

    def start() -> None:
        try:
            store.add_turn(store.new_id(), "q", "q", "a", [], new=True, owner=alice)
            outcomes.append("stored")
        except QuotaExceeded:
            outcomes.append("refused")

    threads = [threading.Thread(target=start) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["stored"] * 3


def test_retention_deletes_idle_conversations_and_their_feedback(location: str) -> None:
    day, now = 86400.0, [1_000_000.0]
    store = ConversationStore(location, StoreLimits(retention_days=30), clock=lambda: now[0])
    idle, busy = store.new_id(), store.new_id()
    store.add_turn(idle, "q", "q", "a", [], new=True)
    store.add_turn(busy, "q", "q", "a", [], new=True)
    store.add_feedback(idle, 1, -1, "")
    store.add_feedback(busy, 1, 1, "")
    now[0] += 20 * day
    store.add_turn(busy, "q2", "q2", "a2", [])  # used again: its 30 days start over
    now[0] += 11 * day  # idle: 31 days since its last turn; busy: 11
    reopened = ConversationStore(location, StoreLimits(retention_days=30), clock=lambda: now[0])
    with pytest.raises(ConversationNotFound):
        reopened.messages(idle)
    assert len(reopened.messages(busy)) == 4
    assert _votes(location) == [(1, "", 1, "")]  # the idle conversation's vote went with it
    now[0] += 25 * day  # busy is idle 36 days; a running server deletes it with a later write
    store.add_turn(store.new_id(), "q", "q", "a", [], new=True)
    with pytest.raises(ConversationNotFound):
        store.messages(busy)
    assert _votes(location) == []
    assert ConversationStore(location).purge_expired() == 0  # without a retention, nothing goes


def _write_0_2_0_database(location: str) -> str:
    """0.2.0's database (schema version 1): a turn voted on twice, once each way."""
    cid = _write_0_1_0_database(location)
    mark = "%s" if location.startswith("postgresql://") else "?"
    db = _raw(location)
    db.execute(MIGRATIONS[0].statements[0])
    db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
               " applied DOUBLE PRECISION NOT NULL)")  # fmt: skip
    db.execute(f"INSERT INTO schema_version VALUES (1, {mark}, 2.0)", (MIGRATIONS[0].description,))
    db.execute(f"INSERT INTO feedback (conversation_id, message_index, rating, comment, created)"
               f" VALUES ({mark}, 1, -1, 'changed my mind', 3.0)", (cid,))  # fmt: skip
    db.close()
    return cid


def test_a_0_2_0_database_gets_turn_ids_and_keeps_the_latest_vote(location: str) -> None:
    cid = _write_0_2_0_database(location)
    store = ConversationStore(location)
    assert store.migrated_from == 1
    question, answer = store.messages(cid)
    assert question.turn_id == answer.turn_id == "t0"
    assert question.to_json()["content"] == "Do I need a PhD?" and answer.to_json()["content"] == "No [1]"
    assert _votes(location) == [(1, "", -1, "changed my mind")]
    store.add_feedback(cid, None, 1, "", turn_id="t0")
    assert _votes(location) == [(1, "", 1, "")]
    assert store.add_turn(cid, "q", "q", "a", []) != "t0"


# ----------------------------------------------------------------------------- over HTTP

TOKEN_A, TOKEN_B = {"x-client-token": "a" * 32}, {"x-client-token": "b" * 32}


@pytest.fixture
def app_folders(tmp_path: Path, real_index: Path) -> dict[str, Path]:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    shutil.copytree(real_index, tmp_path / "index")
    return {"corpus_dir": tmp_path / "corpus", "index_dir": tmp_path / "index", "data_dir": tmp_path / "data"}


def _client(folders: dict[str, Path], embedder: Embedder, **settings: Any) -> TestClient:
    options = {"rate_limit": "1000/minute", "answer_mode": "extractive", **folders, **settings}
    return TestClient(create_app(load_settings(**options), embedder=embedder))


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    blocks = [
        dict(line.split(": ", 1) for line in block.splitlines()) for block in text.strip().split("\n\n")
    ]
    return [(block["event"], json.loads(block["data"])) for block in blocks]


def test_a_reload_gets_the_question_as_typed_and_the_whole_answer(
    app_folders: dict[str, Path], real_embedder: Embedder
) -> None:
    with _client(app_folders, real_embedder) as client:
        typed = "What does a junior machine lerning engineer earn in the UK?"
        answer = client.post("/api/chat", json={"message": typed}, headers=TOKEN_A).json()
        assert answer["turn_id"] and answer["chart"] and answer["suggestions"]
        cid = answer["conversation_id"]
        streamed = client.post("/api/chat", json={"message": "And in the US?", "conversation_id": cid,
                                                  "stream": True}, headers=TOKEN_A)  # fmt: skip
        done = _events(streamed.text)[-1][1]
        assert done["turn_id"] and done["turn_id"] != answer["turn_id"]
        messages = client.get(f"/api/conversations/{cid}", headers=TOKEN_A).json()["messages"]
    assert messages[0]["content"] == typed and "learning" in messages[0]["corrected"]
    for stored, given in ((messages[1], answer), (messages[3], done)):
        assert stored["turn_id"] == given["turn_id"]
        assert stored["content"] == given["answer"] and stored["citations"] == given["citations"]
        for key in ("kind", "chart", "suggestions", "refused", "table", "steps", "query"):
            assert stored[key] == given[key], key


def test_feedback_by_turn_id_over_http(app_folders: dict[str, Path], real_embedder: Embedder) -> None:
    with _client(app_folders, real_embedder) as client:
        answer = client.post("/api/chat", json={"message": "Do I need a PhD?"}, headers=TOKEN_A).json()
        vote = {"conversation_id": answer["conversation_id"], "turn_id": answer["turn_id"], "rating": -1}
        assert client.post("/api/feedback", json=vote, headers=TOKEN_A).json() == {"ok": True}
        cases = [
            (vote | {"turn_id": "not-a-turn"}, 422),
            (vote | {"message_index": 1}, 422),  # one or the other
            ({k: v for k, v in vote.items() if k != "turn_id"}, 422),
            ({k: v for k, v in vote.items() if k != "turn_id"} | {"message_index": 2**63}, 422),  # was 500
            ({k: v for k, v in vote.items() if k != "turn_id"} | {"message_index": 0}, 422),  # a question
        ]
        for body, status in cases:
            response = client.post("/api/feedback", json=body, headers=TOKEN_A)
            assert response.status_code == status, (body, response.text)
            assert response.json()["error"]
        assert client.post("/api/feedback", json=vote, headers=TOKEN_B).status_code == 404


def test_the_per_owner_cap_is_a_clear_429_before_any_work(
    app_folders: dict[str, Path], real_embedder: Embedder
) -> None:
    limits = {"max_conversations_per_owner": 2, "max_turns_per_owner": 3, "retention_days": 7}
    with _client(app_folders, real_embedder, **limits) as client:
        cids = [
            client.post("/api/chat", json={"message": "Do I need a PhD?"}, headers=TOKEN_A).json()[
                "conversation_id"
            ]
            for _ in range(2)
        ]
        for stream in (False, True):
            refused = client.post("/api/chat", json={"message": "Do I need a PhD?", "stream": stream},
                                  headers=TOKEN_A)  # fmt: skip
            assert refused.status_code == 429, refused.text
            assert refused.headers["content-type"].startswith("application/json")  # not a stream
            assert "2 stored conversations" in refused.json()["error"]
            assert 0 < int(refused.headers["retry-after"]) <= 7 * 86400
        follow_up = {"message": "And a master's?", "conversation_id": cids[0]}
        assert client.post("/api/chat", json=follow_up, headers=TOKEN_A).status_code == 200  # turn 3
        refused = client.post("/api/chat", json=follow_up, headers=TOKEN_A)
        assert refused.status_code == 429 and "3 stored turns" in refused.json()["error"]
        completion = {
            "model": "career-advisor",
            "store": True,
            "messages": [{"role": "user", "content": "PhD?"}],
        }
        over = client.post("/v1/chat/completions", json=completion, headers=TOKEN_A)
        assert over.status_code == 429 and over.json()["error"]["code"] == "storage_quota_exceeded"
        assert (
            client.post("/api/chat", json={"message": "Do I need a PhD?"}, headers=TOKEN_B).status_code == 200
        )
        assert len(client.get(f"/api/conversations/{cids[0]}", headers=TOKEN_A).json()["messages"]) == 4
