"""The conversation store: one class over SQLAlchemy Core, with SQLite or PostgreSQL behind it.

The queries are written once as SQLAlchemy expressions; the dialect renders each backend's
placeholders and locking. The engine's pool holds the connections; `close()` releases them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Double,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import make_url

from advisor.conversation.migrations import migrate
from advisor.errors import BadInput, NotFound

__all__ = [
    "MAX_TURNS",
    "ConversationNotFound",
    "ConversationStore",
    "Message",
    "StoredTurn",
    "TooManyTurns",
    "owner_of",
]

MAX_TURNS = 50  # question-and-answer pairs in one conversation


class ConversationNotFound(NotFound):
    """No such conversation, or it belongs to someone else (the caller cannot tell which).

    Raised with the conversation's id, which the response gives back in `detail`."""

    code = "conversation_not_found"

    @property
    def message(self) -> str:
        return "unknown conversation"

    def detail(self) -> dict[str, str]:
        return {"conversation_id": str(self)}


class TooManyTurns(BadInput):
    """The conversation already holds MAX_TURNS turns."""

    param = "messages"


@dataclass(frozen=True)
class Message:
    role: str  # "user" | "assistant"
    content: str
    citations: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "content": self.content, "citations": self.citations}


@dataclass(frozen=True)
class StoredTurn:
    """A stored question with what its answer was (for operators: what the library fails)."""

    question: str
    answer_opening: str  # the first OPENING_CHARS characters of the answer
    cited: bool  # the answer cited a source (refusals cite none)
    rating: int | None  # the last vote on the answer: 1, -1, or None
    created: float


OPENING_CHARS = 300


def owner_of(kind: str, secret: str) -> str:
    """What the store keeps of a caller's API key or client token: a hash, never the secret."""
    return f"{kind}:{hashlib.sha256(secret.encode()).hexdigest()}"


_metadata = MetaData()
_conversations = Table(
    "conversations", _metadata,
    Column("id", Text, primary_key=True),
    Column("created", Double, nullable=False),
    Column("owner", Text),
)  # fmt: skip
_messages = Table(
    "messages", _metadata,
    Column("conversation_id", Text, primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("role", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("query", Text),
    Column("created", Double, nullable=False),
)  # fmt: skip
_feedback = Table(
    "feedback", _metadata,
    Column("conversation_id", Text, nullable=False),
    Column("message_index", Integer, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False),
    Column("created", Double, nullable=False),
)  # fmt: skip


def _engine(location: str) -> Engine:
    """A pooled engine for a postgresql:// URL, a sqlite:/// URL or a plain file path."""
    if location.startswith(("postgresql://", "postgres://")):
        url = make_url(location).set(drivername="postgresql+psycopg")
        return create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=True)
    path = Path(location.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", pool_size=8, max_overflow=16,
                           connect_args={"timeout": 10, "check_same_thread": False})  # fmt: skip

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the store says BEGIN itself, below
        _use_wal(dbapi_connection)
        # In WAL mode NORMAL keeps every committed turn through a crash of the server (the kill -9
        # test) and never corrupts; only an OS crash or power cut may lose the last few commits.
        # FULL waits for the disk at every commit, and chat turns queue behind it under load.
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A writer that reads first (a turn counts the earlier ones) takes the write lock up
        # front, so two writers wait for each other instead of failing on a stale snapshot.
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _use_wal(dbapi_connection: Any, attempts: int = 200) -> None:
    """Switch the file to WAL mode (once per file; it stays so), waiting for other openers.

    SQLite answers "database is locked" at once, without waiting out the busy timeout, when
    another connection holds a lock during the switch: workers that start together on a
    0.1.0 database (rollback journal) would fail to start one time in a few.
    """
    for attempt in range(attempts):
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


class ConversationStore:
    """Conversations in SQLite (a file, WAL mode) or PostgreSQL (a `postgresql://` URL).

    Safe to share between threads (a pool of connections) and between processes: several
    workers, or several machines with PostgreSQL, serve the same conversations. Opening a
    database brings its schema up to date (see migrations.py).

    `owner` is what `owner_of` made of the caller's key or client token, or None for a
    caller without one (the command line). A conversation with an owner is visible to that
    owner only; one without (0.1.0's, the command line's) to whoever has its id.
    """

    def __init__(self, location: Path | str) -> None:
        self.url = str(location)
        self.engine = _engine(self.url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        # SQLite lets one writer in at a time and makes the others sleep and retry (backing off
        # up to 100 ms a try), so under load a turn can wait seconds for nothing. This
        # process's writers queue on a lock instead; other processes still meet SQLite's own.
        self._writing = contextlib.nullcontext() if self.is_postgres else threading.Lock()
        self.migrated_from = migrate(self.engine)

    def close(self) -> None:
        """Close every pooled connection (at shutdown)."""
        self.engine.dispose()

    def create(self, owner: str | None = None, conversation_id: str | None = None) -> str:
        """A new, empty conversation; its id (`conversation_id`, one from new_id, if given)."""
        conversation_id = conversation_id or self.new_id()
        with self._writing, self.engine.begin() as db:
            db.execute(_conversations.insert().values(id=conversation_id, created=time.time(), owner=owner))
        return conversation_id

    @staticmethod
    def new_id() -> str:
        """An id for a conversation that add_turn(..., new=True) or create will make."""
        return uuid.uuid4().hex

    def exists(self, conversation_id: str, owner: str | None = None) -> bool:
        with self.engine.connect() as db:
            return self._visible(db, conversation_id, owner)

    def messages(self, conversation_id: str, owner: str | None = None) -> list[Message]:
        with self.engine.connect() as db:
            self._check(db, conversation_id, owner)
            rows = db.execute(
                select(_messages.c.role, _messages.c.content, _messages.c.citations)
                .where(_messages.c.conversation_id == conversation_id)
                .order_by(_messages.c.idx)
            ).all()
        return [Message(role, content, json.loads(citations)) for role, content, citations in rows]

    def queries(self, conversation_id: str, owner: str | None = None) -> list[str]:
        """The standalone queries of earlier user turns, oldest first."""
        with self.engine.connect() as db:
            self._check(db, conversation_id, owner)
            rows = db.execute(
                select(_messages.c.query)
                .where(_messages.c.conversation_id == conversation_id, _messages.c.role == "user")
                .order_by(_messages.c.idx)
            ).scalars()
            return [query for query in rows if query]

    def add_turn(
        self,
        conversation_id: str,
        question: str,
        query: str,
        answer: str,
        citations: list[dict[str, Any]],
        *,
        new: bool = False,
        owner: str | None = None,
    ) -> None:
        """Store a question and its complete answer together, or neither.

        new: the conversation starts with this turn (its id from new_id), owned by `owner`;
        it is created in the same transaction, so a first turn costs one commit, not two.
        Raises TooManyTurns when the conversation already has MAX_TURNS turns.
        """
        now = time.time()
        cited = json.dumps(citations)
        with self._writing, self.engine.connect() as db:
            db.execution_options(sqlite_immediate=True)
            with db.begin():
                if new:  # nobody else can write to it yet: it has no turns to count
                    db.execute(_conversations.insert().values(id=conversation_id, created=now, owner=owner))
                    count = 0
                else:
                    count = self._count_for_update(db, conversation_id)
                if count >= 2 * MAX_TURNS:
                    raise TooManyTurns(f"a conversation holds at most {MAX_TURNS} turns; start a new one")
                db.execute(_messages.insert(), [
                    {"conversation_id": conversation_id, "idx": count, "role": "user", "content": question,
                     "citations": "[]", "query": query, "created": now},
                    {"conversation_id": conversation_id, "idx": count + 1, "role": "assistant",
                     "content": answer, "citations": cited, "query": None, "created": now},
                ])  # fmt: skip

    @staticmethod
    def _count_for_update(db: Connection, conversation_id: str) -> int:
        """The conversation's messages, counted by the one writer allowed in: the row lock in
        PostgreSQL, BEGIN IMMEDIATE in SQLite (where FOR UPDATE renders as nothing)."""
        db.execute(
            select(_conversations.c.id).where(_conversations.c.id == conversation_id).with_for_update()
        )
        return int(
            db.execute(
                select(func.count()).where(_messages.c.conversation_id == conversation_id)
            ).scalar_one()
        )

    def add_feedback(
        self, conversation_id: str, message_index: int, rating: int, comment: str, owner: str | None = None
    ) -> None:
        with self._writing, self.engine.begin() as db:
            self._check(db, conversation_id, owner)
            role = db.execute(
                select(_messages.c.role).where(
                    _messages.c.conversation_id == conversation_id, _messages.c.idx == message_index
                )
            ).scalar_one_or_none()
            if role != "assistant":
                raise ValueError(f"message {message_index} is not an answer in this conversation")
            db.execute(
                _feedback.insert().values(
                    conversation_id=conversation_id,
                    message_index=message_index,
                    rating=rating,
                    comment=comment,
                    created=time.time(),
                )
            )

    def turns(self, since: float | None = None) -> list[StoredTurn]:
        """Every stored turn (of any owner) asked at or after `since` (a Unix time), oldest first.

        Reads only what the store already keeps: the question, the answer's opening, whether
        it cited anything, and the last vote on it. Nothing about who asked."""
        m = _messages
        window = [] if since is None else [m.c.created >= since]
        opening = func.substr(m.c.content, 1, OPENING_CHARS)
        with self.engine.connect() as db:
            rows = db.execute(
                select(m.c.conversation_id, m.c.idx, m.c.role, opening, m.c.citations != "[]", m.c.created)
                .where(*window)
                .order_by(m.c.conversation_id, m.c.idx)
            ).all()
            votes = db.execute(
                select(_feedback.c.conversation_id, _feedback.c.message_index, _feedback.c.rating)
                .where(*([] if since is None else [_feedback.c.created >= since]))
                .order_by(_feedback.c.created)
            ).all()
        last_vote = {(c, i): rating for c, i, rating in votes}  # the last one wins
        answers = {(c, i): (text, bool(cited)) for c, i, role, text, cited, _ in rows if role == "assistant"}
        turns = []
        for conversation, idx, role, question, _, created in rows:
            if role != "user" or (conversation, idx + 1) not in answers:
                continue
            text, cited = answers[(conversation, idx + 1)]
            rating = last_vote.get((conversation, idx + 1))
            turns.append(StoredTurn(question, text, cited, rating, created))
        return sorted(turns, key=lambda t: t.created)

    @staticmethod
    def _visible(db: Connection, conversation_id: str, owner: str | None) -> bool:
        row = db.execute(select(_conversations.c.owner).where(_conversations.c.id == conversation_id)).first()
        return row is not None and row.owner in (None, owner)

    def _check(self, db: Connection, conversation_id: str, owner: str | None) -> None:
        if not self._visible(db, conversation_id, owner):
            raise ConversationNotFound(conversation_id)
