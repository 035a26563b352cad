"""The conversation schema: the 0.1.0 tables, then numbered migrations recorded in schema_version."""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from advisor.errors import AdvisorError

__all__ = ["LATEST_VERSION", "MIGRATIONS", "Migration", "SchemaTooNew", "migrate", "schema_version"]


class SchemaTooNew(AdvisorError):
    """The database was migrated by a newer advisor than this one."""

    code = "schema_too_new"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]  # SQL both SQLite and PostgreSQL accept


# The tables exactly as 0.1.0 wrote them: a database made by 0.1.0 is at version 0.
BASELINE = (
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
)

# One vote per answer per voter (the caller's owner hash, '' for a caller without one): the
# table is made again with that key, keeping each answer's latest vote from older databases.
_FEEDBACK_BY_VOTER = (
    """CREATE TABLE feedback_by_voter (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        message_index INTEGER NOT NULL,
        voter TEXT NOT NULL DEFAULT '',
        rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
        comment TEXT NOT NULL DEFAULT '',
        created DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (conversation_id, message_index, voter)
    )""",
    """INSERT INTO feedback_by_voter (conversation_id, message_index, voter, rating, comment, created)
    SELECT conversation_id, message_index, voter, rating, comment, created FROM (
        SELECT f.conversation_id, f.message_index, COALESCE(c.owner, '') AS voter, f.rating, f.comment,
               f.created, ROW_NUMBER() OVER (PARTITION BY f.conversation_id, f.message_index
                                             ORDER BY f.created DESC) AS latest
        FROM feedback f JOIN conversations c ON c.id = f.conversation_id
    ) votes WHERE latest = 1""",
    "DROP TABLE feedback",
    "ALTER TABLE feedback_by_voter RENAME TO feedback",
)
_WHOLE_TURNS = (
    # Both messages of a turn carry its id; older turns get "t<n>", n counting from 0.
    "ALTER TABLE messages ADD COLUMN turn_id TEXT",
    "UPDATE messages SET turn_id = 't' || CAST(idx / 2 AS TEXT)",
    "ALTER TABLE messages ADD COLUMN typed TEXT",  # the question as typed (content: as corrected)
    "ALTER TABLE messages ADD COLUMN shown TEXT",  # the rest of the ANSWER's JSON, as the page shows it
    # Last activity (for ADVISOR_RETENTION_DAYS) and answered turns (for the per-owner cap).
    "ALTER TABLE conversations ADD COLUMN updated DOUBLE PRECISION",
    "ALTER TABLE conversations ADD COLUMN turns INTEGER NOT NULL DEFAULT 0",
    """UPDATE conversations SET
        updated = COALESCE((SELECT MAX(m.created) FROM messages m WHERE m.conversation_id = conversations.id),
                           created),
        turns = (SELECT COUNT(*) FROM messages m
                 WHERE m.conversation_id = conversations.id AND m.role = 'assistant')""",
    "CREATE INDEX conversations_by_owner ON conversations (owner)",
    "CREATE INDEX conversations_by_updated ON conversations (updated)",
)

MIGRATIONS = (
    # NULL for conversations from 0.1.0 and from the command line: whoever has the id may read them.
    Migration(1, "conversations.owner: a hash of the API key or client token that created it",
              ("ALTER TABLE conversations ADD COLUMN owner TEXT",)),
    Migration(2, "turn ids, typed questions, whole answers, last activity, one vote per answer per voter",
              (*_WHOLE_TURNS, *_FEEDBACK_BY_VOTER)),
)  # fmt: skip
LATEST_VERSION = MIGRATIONS[-1].version

_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied DOUBLE PRECISION NOT NULL
)"""
_LOCK_KEY = zlib.crc32(b"advisor.conversation.migrations")  # one migrating process at a time


def schema_version(connection: Connection) -> int:
    """The highest migration applied; 0 for a 0.1.0 database."""
    return int(connection.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_version")).scalar_one())


def migrate(engine: Engine) -> int:
    """Bring the database to LATEST_VERSION in one transaction; returns the version it was at.

    Several workers may start at once: PostgreSQL serialises them with an advisory lock,
    SQLite with BEGIN IMMEDIATE (the store's engine begins every transaction that way when
    asked to). DDL is transactional on both, so a failed migration leaves the old schema.
    """
    with engine.connect() as connection:
        connection.execution_options(sqlite_immediate=True)
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            for statement in (*BASELINE, _VERSION_TABLE):
                connection.execute(text(statement))
            found = schema_version(connection)
            if found > LATEST_VERSION:
                raise SchemaTooNew(
                    f"the conversation database is at schema version {found}, newer than this "
                    f"advisor knows ({LATEST_VERSION}); upgrade the advisor"
                )
            for migration in MIGRATIONS:
                if migration.version <= found:
                    continue
                for statement in migration.statements:
                    connection.execute(text(statement))
                connection.execute(
                    text("INSERT INTO schema_version (version, description, applied) VALUES (:v, :d, :t)"),
                    {"v": migration.version, "d": migration.description, "t": time.time()},
                )
    return found
