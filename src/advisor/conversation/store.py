"""The conversation store: turns with their citations in SQLite (WAL) or PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ConversationNotFound", "ConversationStore", "Message"]


class ConversationNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Message:
    role: str  # "user" | "assistant"
    content: str
    citations: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "content": self.content, "citations": self.citations}


_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        created DOUBLE PRECISION NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS messages (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        idx INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        citations TEXT NOT NULL DEFAULT '[]',
        query TEXT,
        created DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (conversation_id, idx)
    )""",
    """CREATE TABLE IF NOT EXISTS feedback (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        message_index INTEGER NOT NULL,
        rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
        comment TEXT NOT NULL DEFAULT '',
        created DOUBLE PRECISION NOT NULL
    )""",
]


class ConversationStore:
    """Conversations in SQLite (a file, WAL mode) or PostgreSQL (a `postgresql://` URL).

    Safe to share between threads (a connection per thread) and between processes: several
    workers, or several machines with PostgreSQL, can serve the same conversations.
    """

    def __init__(self, location: Path | str) -> None:
        self.url = str(location)
        self.is_postgres = self.url.startswith(("postgresql://", "postgres://"))
        if not self.is_postgres:
            self.path = Path(self.url.removeprefix("sqlite:///"))
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        for statement in _SCHEMA:
            self._execute(statement)

    def _connect(self) -> Any:
        db = getattr(self._local, "db", None)
        if db is None:
            if self.is_postgres:
                import psycopg

                db = psycopg.connect(self.url, autocommit=True)
            else:
                db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")  # a turn that was answered survives a crash
                db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """Run one statement; SQL is written with ? placeholders for both backends."""
        return self._connect().execute(sql.replace("?", "%s") if self.is_postgres else sql, params)

    def create(self) -> str:
        conversation_id = uuid.uuid4().hex
        self._execute("INSERT INTO conversations (id, created) VALUES (?, ?)", (conversation_id, time.time()))
        return conversation_id

    def exists(self, conversation_id: str) -> bool:
        row = self._execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return row is not None

    def messages(self, conversation_id: str) -> list[Message]:
        if not self.exists(conversation_id):
            raise ConversationNotFound(conversation_id)
        rows = self._execute(
            "SELECT role, content, citations FROM messages WHERE conversation_id = ? ORDER BY idx",
            (conversation_id,),
        ).fetchall()
        return [Message(role, content, json.loads(citations)) for role, content, citations in rows]

    def queries(self, conversation_id: str) -> list[str]:
        """The standalone queries of earlier user turns, oldest first."""
        rows = self._execute(
            "SELECT query FROM messages WHERE conversation_id = ? AND role = 'user' ORDER BY idx",
            (conversation_id,),
        ).fetchall()
        return [query for (query,) in rows if query]

    def add_turn(
        self,
        conversation_id: str,
        question: str,
        query: str,
        answer: str,
        citations: list[dict[str, Any]],
    ) -> None:
        """Store a question and its complete answer together, or neither."""
        now = time.time()
        rows = [
            (conversation_id, "user", question, "[]", query, now),
            (conversation_id, "assistant", answer, json.dumps(citations), None, now),
        ]
        self._execute("BEGIN" if self.is_postgres else "BEGIN IMMEDIATE")
        try:
            if self.is_postgres:  # turns of one conversation are numbered one writer at a time
                self._execute("SELECT id FROM conversations WHERE id = ? FOR UPDATE", (conversation_id,))
            (count,) = self._execute(
                "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            for offset, (cid, role, content, cites, q, created) in enumerate(rows):
                self._execute(
                    "INSERT INTO messages (conversation_id, idx, role, content, citations, query, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (cid, count + offset, role, content, cites, q, created),
                )
            self._execute("COMMIT")
        except BaseException:
            self._execute("ROLLBACK")
            raise

    def add_feedback(self, conversation_id: str, message_index: int, rating: int, comment: str) -> None:
        messages = self.messages(conversation_id)
        if not 0 <= message_index < len(messages) or messages[message_index].role != "assistant":
            raise ValueError(f"message {message_index} is not an answer in this conversation")
        self._execute(
            "INSERT INTO feedback (conversation_id, message_index, rating, comment, created)"
            " VALUES (?, ?, ?, ?, ?)",
            (conversation_id, message_index, rating, comment, time.time()),
        )
