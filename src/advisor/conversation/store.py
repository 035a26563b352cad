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
import zlib
from collections.abc import Callable
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
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from advisor.conversation.limits import DAY, OwnerUsage, StoreLimits
from advisor.conversation.migrations import migrate
from advisor.errors import BadInput, NotFound

__all__ = [
    "MAX_TURNS",
    "ConversationNotFound",
    "ConversationStore",
    "Message",
    "NotAnAnswer",
    "StoredTurn",
    "TooManyTurns",
    "owner_of",
]

MAX_TURNS = 50  # question-and-answer pairs in one conversation
PURGE_EVERY = 3600.0  # seconds between two deletions of expired conversations by one process
PURGE_BATCH = 500  # conversations deleted in one transaction, so writers wait for one batch at most


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


class NotAnAnswer(BadInput):
    """Feedback addressed to a question, or to a turn the conversation does not have."""

    param = "turn_id"


@dataclass(frozen=True)
class Message:
    role: str  # "user" | "assistant"
    content: str  # a question as the advisor read it (spelling corrected); an answer's markdown
    citations: list[dict[str, Any]]
    turn_id: str | None = None  # shared by a question and its answer
    typed: str | None = None  # a question as its asker typed it (None before 0.3.0)
    shown: dict[str, Any] | None = None  # an answer's other ANSWER fields: kind, table, steps, chart...

    def to_json(self) -> dict[str, Any]:
        """As a client reads it back: a question as typed (and as corrected), an answer whole."""
        data: dict[str, Any] = {"role": self.role, "content": self.content, "citations": self.citations,
                                "turn_id": self.turn_id}  # fmt: skip
        if self.role == "user":
            data |= {"content": self.typed or self.content, "corrected": self.content}
        else:
            data |= {k: v for k, v in (self.shown or {}).items() if k not in _KEPT_APART}
        return data


# ANSWER fields the messages table keeps in columns of their own, or that name the turn itself.
_KEPT_APART = frozenset({"role", "content", "answer", "citations", "conversation_id", "turn_id"})


@dataclass(frozen=True)
class StoredTurn:
    """A stored question with what its answer was (for operators: what the library fails)."""

    question: str
    answer_opening: str  # the first OPENING_CHARS characters of the answer
    cited: bool  # the answer cited a source (refusals cite none)
    rating: int | None  # the last vote on the answer: 1, -1, or None
    created: float
    not_covered: tuple[str, ...] | None = None  # what the answer said no article covers; None: not kept (0.2)


OPENING_CHARS = 300


def _not_covered(shown: str | None) -> tuple[str, ...] | None:
    """The stored ANSWER's `not_covered`, or None for a turn that kept no ANSWER (before 0.3.0)."""
    if not shown:
        return None
    gaps = json.loads(shown).get("not_covered")
    return None if gaps is None else tuple(gaps)


def owner_of(kind: str, secret: str) -> str:
    """What the store keeps of a caller's API key or client token: a hash, never the secret."""
    return f"{kind}:{hashlib.sha256(secret.encode()).hexdigest()}"


_metadata = MetaData()
_conversations = Table(
    "conversations", _metadata,
    Column("id", Text, primary_key=True),
    Column("created", Double, nullable=False),
    Column("owner", Text),
    Column("updated", Double),  # last activity: a turn added
    Column("turns", Integer, nullable=False),  # answered turns
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
    Column("turn_id", Text),
    Column("typed", Text),
    Column("shown", Text),
)  # fmt: skip
_feedback = Table(
    "feedback", _metadata,
    Column("conversation_id", Text, primary_key=True),
    Column("message_index", Integer, primary_key=True),
    Column("voter", Text, primary_key=True),  # the voter's owner hash; '' for a caller without one
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
    database brings its schema up to date (see migrations.py) and deletes what the retention
    says has expired; so does a write, at most every PURGE_EVERY seconds.

    `owner` is what `owner_of` made of the caller's key or client token, or None for a
    caller without one (the command line). A conversation with an owner is visible to that
    owner only; one without (0.1.0's, the command line's) to whoever has its id. `limits`
    caps what one owner keeps (callers without an owner share one allowance); `clock` is
    the time, in seconds since the epoch.
    """

    def __init__(
        self, location: Path | str, limits: StoreLimits | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.url = str(location)
        self.limits = limits or StoreLimits()
        self._clock = clock
        self.engine = _engine(self.url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        # SQLite lets one writer in at a time and makes the others sleep and retry (backing off
        # up to 100 ms a try), so under load a turn can wait seconds for nothing. This
        # process's writers queue on a lock instead; other processes still meet SQLite's own.
        self._writing = contextlib.nullcontext() if self.is_postgres else threading.Lock()
        self.migrated_from = migrate(self.engine)
        self._purged = 0.0
        self.purge_expired()

    def close(self) -> None:
        """Close every pooled connection (at shutdown)."""
        self.engine.dispose()

    def create(self, owner: str | None = None, conversation_id: str | None = None) -> str:
        """A new, empty conversation; its id (`conversation_id`, one from new_id, if given)."""
        conversation_id = conversation_id or self.new_id()
        with self._writing, self.engine.begin() as db:
            db.execute(self._new_conversation(conversation_id, owner))
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
                select(_messages.c.role, _messages.c.content, _messages.c.citations, _messages.c.turn_id,
                       _messages.c.typed, _messages.c.shown)
                .where(_messages.c.conversation_id == conversation_id)
                .order_by(_messages.c.idx)
            ).all()  # fmt: skip
        return [
            Message(role, content, json.loads(cited), turn_id, typed, json.loads(shown) if shown else None)
            for role, content, cited, turn_id, typed, shown in rows
        ]

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

    def ensure_room(self, owner: str | None, new: bool) -> None:
        """Raise QuotaExceeded, before any work is done, when the owner cannot store one more turn.

        add_turn checks again, in the transaction that stores the turn."""
        if self.limits.conversations_per_owner is None and self.limits.turns_per_owner is None:
            return
        with self.engine.connect() as db:
            self.limits.check(self._usage(db, owner), new, self._clock())

    def add_turn(
        self,
        conversation_id: str,
        question: str,
        query: str,
        answer: str,
        citations: list[dict[str, Any]],
        *,
        typed: str | None = None,
        shown: dict[str, Any] | None = None,
        new: bool = False,
        owner: str | None = None,
    ) -> str:
        """Store a question and its complete answer together, or neither; the turn's id.

        question: as the advisor read it; typed: as its asker typed it. shown: the ANSWER's
        JSON, kept whole so a reload shows the answer as it was (kind, table, steps, chart,
        suggestions, refused...). new: the conversation starts with this turn (its id from
        new_id), owned by `owner`; it is created in the same transaction, so a first turn
        costs one commit, not two. Raises TooManyTurns when the conversation already has
        MAX_TURNS turns, QuotaExceeded when its owner keeps all the store allows.
        """
        turn_id = uuid.uuid4().hex
        cited = json.dumps(citations)
        kept = json.dumps({k: v for k, v in shown.items() if k not in _KEPT_APART}) if shown else None
        row = {"conversation_id": conversation_id, "created": self._clock(), "turn_id": turn_id}
        with self._writing, self.engine.connect() as db:
            db.execution_options(sqlite_immediate=True)
            with db.begin():
                if new:  # nobody else can write to it yet: it has no turns to count
                    self._enforce_limits(db, owner, new=True)
                    db.execute(self._new_conversation(conversation_id, owner))
                    count = 0
                else:
                    count, conversation_owner = self._count_for_update(db, conversation_id)
                    self._enforce_limits(db, conversation_owner, new=False)
                if count >= 2 * MAX_TURNS:
                    raise TooManyTurns(f"a conversation holds at most {MAX_TURNS} turns; start a new one")
                db.execute(_messages.insert(), [
                    row | {"idx": count, "role": "user", "content": question, "citations": "[]",
                           "query": query, "typed": typed, "shown": None},
                    row | {"idx": count + 1, "role": "assistant", "content": answer, "citations": cited,
                           "query": None, "typed": None, "shown": kept},
                ])  # fmt: skip
                db.execute(
                    _conversations.update()
                    .where(_conversations.c.id == conversation_id)
                    .values(updated=row["created"], turns=_conversations.c.turns + 1)
                )
        self._purge_now_and_then()
        return turn_id

    def _new_conversation(self, conversation_id: str, owner: str | None) -> Any:
        now = self._clock()
        return _conversations.insert().values(
            id=conversation_id, created=now, updated=now, turns=0, owner=owner
        )

    @staticmethod
    def _count_for_update(db: Connection, conversation_id: str) -> tuple[int, str | None]:
        """The conversation's messages, counted by the one writer allowed in: the row lock in
        PostgreSQL, BEGIN IMMEDIATE in SQLite (where FOR UPDATE renders as nothing); its owner."""
        found = db.execute(
            select(_conversations.c.owner).where(_conversations.c.id == conversation_id).with_for_update()
        ).first()
        if found is None:  # deleted (expired) since the turn began
            raise ConversationNotFound(conversation_id)
        count = db.execute(select(func.count()).where(_messages.c.conversation_id == conversation_id))
        return int(count.scalar_one()), found.owner

    def _enforce_limits(self, db: Connection, owner: str | None, new: bool) -> None:
        """The caps, checked by one writer per owner at a time (PostgreSQL: an advisory lock)."""
        if self.limits.conversations_per_owner is None and self.limits.turns_per_owner is None:
            return
        if self.is_postgres:
            key = zlib.crc32((owner or "").encode()) - 2**31  # the lock's key is a signed 32-bit int
            lock = "SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:key AS integer))"
            db.execute(text(lock), {"space": _OWNER_LOCKS, "key": key})
        self.limits.check(self._usage(db, owner), new, self._clock())

    @staticmethod
    def _usage(db: Connection, owner: str | None) -> OwnerUsage:
        whose = _conversations.c.owner.is_(None) if owner is None else _conversations.c.owner == owner
        count, turns, oldest = db.execute(
            select(func.count(), func.coalesce(func.sum(_conversations.c.turns), 0),
                   func.min(_conversations.c.updated)).where(whose)
        ).one()  # fmt: skip
        return OwnerUsage(int(count), int(turns), oldest)

    def add_feedback(
        self,
        conversation_id: str,
        message_index: int | None,
        rating: int,
        comment: str,
        owner: str | None = None,
        *,
        turn_id: str | None = None,
    ) -> None:
        """One vote per answer per caller: a second replaces the first.

        The answer is the turn `turn_id`'s, or the message at `message_index` (0.2.0's way,
        counting from 0, the first question). Raises NotAnAnswer when it is neither."""
        with self._writing, self.engine.begin() as db:
            self._check(db, conversation_id, owner)
            index = self._answer_index(db, conversation_id, message_index, turn_id)
            vote = {"conversation_id": conversation_id, "message_index": index, "voter": owner or "",
                    "rating": rating, "comment": comment, "created": self._clock()}  # fmt: skip
            insert = (postgresql.insert if self.is_postgres else sqlite.insert)(_feedback).values(vote)
            db.execute(
                insert.on_conflict_do_update(
                    index_elements=["conversation_id", "message_index", "voter"],
                    set_={"rating": rating, "comment": comment, "created": vote["created"]},
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
                select(
                    m.c.conversation_id,
                    m.c.idx,
                    m.c.role,
                    opening,
                    m.c.citations != "[]",
                    m.c.created,
                    m.c.shown,
                )
                .where(*window)
                .order_by(m.c.conversation_id, m.c.idx)
            ).all()
            votes = db.execute(
                select(_feedback.c.conversation_id, _feedback.c.message_index, _feedback.c.rating)
                .where(*([] if since is None else [_feedback.c.created >= since]))
                .order_by(_feedback.c.created)
            ).all()
        last_vote = {(c, i): rating for c, i, rating in votes}  # the last one wins
        answers = {
            (c, i): (text, bool(cited), _not_covered(shown))
            for c, i, role, text, cited, _, shown in rows
            if role == "assistant"
        }
        turns = []
        for conversation, idx, role, question, _, created, _ in rows:
            if role != "user" or (conversation, idx + 1) not in answers:
                continue
            text, cited, gaps = answers[(conversation, idx + 1)]
            rating = last_vote.get((conversation, idx + 1))
            turns.append(StoredTurn(question, text, cited, rating, created, gaps))
        return sorted(turns, key=lambda t: t.created)

    @staticmethod
    def _answer_index(
        db: Connection, conversation_id: str, message_index: int | None, turn_id: str | None
    ) -> int:
        """Where the answer the vote names sits in the conversation."""
        where = [_messages.c.conversation_id == conversation_id, _messages.c.role == "assistant"]
        if turn_id is not None:
            found = db.execute(select(_messages.c.idx).where(*where, _messages.c.turn_id == turn_id)).scalar()
            if found is None:
                raise NotAnAnswer(f"this conversation has no answered turn {turn_id!r}")
            return int(found)
        found = db.execute(select(_messages.c.idx).where(*where, _messages.c.idx == message_index)).scalar()
        if found is None:
            error = NotAnAnswer(f"message {message_index} is not an answer in this conversation")
            error.param = "message_index"
            raise error
        return int(found)

    def purge_expired(self) -> int:
        """Delete the conversations idle longer than the retention, with their messages and
        feedback, a batch per transaction; how many went."""
        self._purged = self._clock()
        if not self.limits.retention_days:
            return 0
        cutoff = self._purged - self.limits.retention_days * DAY
        deleted = 0
        while True:
            with self._writing, self.engine.connect() as db:
                db.execution_options(sqlite_immediate=True)
                with db.begin():
                    ids = list(db.execute(
                        select(_conversations.c.id).where(_conversations.c.updated < cutoff)
                        .limit(PURGE_BATCH).with_for_update(skip_locked=True)
                    ).scalars())  # fmt: skip
                    for table in (_feedback, _messages):
                        db.execute(table.delete().where(table.c.conversation_id.in_(ids)))
                    db.execute(_conversations.delete().where(_conversations.c.id.in_(ids)))
            deleted += len(ids)
            if len(ids) < PURGE_BATCH:
                return deleted

    def _purge_now_and_then(self) -> None:
        if self.limits.retention_days and self._clock() - self._purged >= PURGE_EVERY:
            self.purge_expired()

    @staticmethod
    def _visible(db: Connection, conversation_id: str, owner: str | None) -> bool:
        row = db.execute(select(_conversations.c.owner).where(_conversations.c.id == conversation_id)).first()
        return row is not None and row.owner in (None, owner)

    def _check(self, db: Connection, conversation_id: str, owner: str | None) -> None:
        if not self._visible(db, conversation_id, owner):
            raise ConversationNotFound(conversation_id)


_OWNER_LOCKS = zlib.crc32(b"advisor.conversation.owner") - 2**31  # the advisory locks' first key
