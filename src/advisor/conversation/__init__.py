"""Conversations: the store seam (SQLite or PostgreSQL, store.py), what it keeps and for how
long (limits.py), and its migrations."""

from advisor.conversation.limits import QuotaExceeded, StoreLimits
from advisor.conversation.store import (
    MAX_TURNS,
    ConversationNotFound,
    ConversationStore,
    Message,
    NotAnAnswer,
    StoredTurn,
    TooManyTurns,
    owner_of,
)

__all__ = [
    "MAX_TURNS",
    "ConversationNotFound",
    "ConversationStore",
    "Message",
    "NotAnAnswer",
    "QuotaExceeded",
    "StoreLimits",
    "StoredTurn",
    "TooManyTurns",
    "owner_of",
]
