"""Conversations: turns with their citations in SQLite (WAL), and follow-up rewriting."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ConversationNotFound",
    "ConversationStore",
    "Message",
    "rewrite_follow_up",
]


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


# ----------------------------------------------------------------------------- follow-ups

_ROLES = [
    "machine learning engineer", "ml engineer", "mlops engineer", "ai infrastructure engineer",
    "data scientist", "data engineer", "research scientist", "ai research scientist",
    "ai engineer", "llm engineer", "genai engineer", "applied ai engineer",
    "ai product manager", "product manager", "prompt engineer", "ai safety researcher",
    "ethics researcher", "computer vision engineer", "nlp engineer", "head of ai",
    "ml director", "software engineer",
]  # fmt: skip
_REGIONS = [
    "united kingdom", "united states", "the uk", "the us", "uk", "us", "usa", "britain",
    "america", "europe", "berlin", "toronto", "singapore", "remote",
]  # fmt: skip
_LEVELS = [
    "junior",
    "entry-level",
    "entry level",
    "mid-level",
    "senior",
    "staff",
    "principal",
    "lead",
]
_PEOPLE = re.compile(r"\b(they|them|their|that role|this role|those roles|that job|this job)\b", re.I)
_THING = re.compile(r"\b(it|that|this|those|these|ones)\b", re.I)
_FRAGMENT = re.compile(r"^(and|what about|how about|and what about|same for|also|or)\b", re.I)


# Words that ask about a topic without naming one: "What's the salary range?"
_GENERIC = set(
    "what whats what's how which who why when where is are was do does did can could should would "
    "the a an and or of in on for to at it its i me my you your they them their there this that "
    "salary salaries range pay paid earn earnings make cost long take time need needed skills "
    "requirements outlook job jobs role roles career much many typical average usually about s".split()
)


def _topic_words(question: str) -> set[str]:
    return set(re.findall(r"[a-z']+", question.lower())) - _GENERIC


def _find(options: list[str], text: str) -> str | None:
    """The first option named in text, as the text spells it."""
    for option in options:  # longer names come first in each list
        match = re.search(rf"\b{re.escape(option)}(?=s?\b)", text, re.IGNORECASE)
        if match:
            return match.group(0)
    return None


def _plural(role: str) -> str:
    return role if role.endswith("s") else role + "s"


def rewrite_follow_up(question: str, previous_queries: list[str]) -> str:
    """Make a follow-up standalone by carrying role, region and seniority from earlier turns.

    "And in the UK?" after "What does a junior ML engineer earn in the US?" becomes
    "What does a junior ML engineer earn in the UK?"; "What do they earn?" after a question
    about data scientists becomes "What do data scientists earn?"; "How long should I study
    for it?" keeps the earlier question beside it as context.
    """
    if not previous_queries:
        return question
    last = previous_queries[-1]
    slots = [(_find(_ROLES, question), _ROLES), (_find(_REGIONS, question), _REGIONS),
             (_find(_LEVELS, question), _LEVELS)]  # fmt: skip
    named = [(new, options) for new, options in slots if new]
    is_fragment = bool(_FRAGMENT.match(question.strip())) or not _topic_words(question)
    if named and is_fragment and not _PEOPLE.search(question):
        return _substitute(last, named)
    role = slots[0][0] or next((r for q in reversed(previous_queries) if (r := _find(_ROLES, q))), None)
    if role and not slots[0][0] and _PEOPLE.search(question):
        rewritten = _PEOPLE.sub(_plural(role), question, count=1)
    elif _THING.search(question) or is_fragment:
        return f"{question.rstrip()} ({last.rstrip('?. ')})"
    elif role and not slots[0][0]:
        rewritten = f"{question.rstrip('?. ')} for a {role}?"
    else:
        return question
    carried = [x for x, mine in ((_find(_LEVELS, last), slots[2][0]), (_find(_REGIONS, last), slots[1][0]))
               if x and not mine]  # fmt: skip
    return f"{rewritten.rstrip('?. ')} ({', '.join(carried)})?" if carried else rewritten


def _substitute(query: str, named: list[tuple[str, list[str]]]) -> str:
    """Swap the earlier query's role, region or level for the ones the follow-up names."""
    for new, options in named:
        old = _find(options, query)
        if old:
            query = re.sub(rf"\b{re.escape(old)}(s?)\b", new + r"\1", query, count=1, flags=re.I)
        elif options is _REGIONS:
            query = f"{query.rstrip('?. ')} in {new}?"
        else:
            query = f"{query.rstrip('?. ')} ({new})?"
    return query
