"""Conversations: the store seam (SQLite or PostgreSQL, store.py) and its migrations."""

from advisor.conversation.store import (
    MAX_TURNS,
    ConversationNotFound,
    ConversationStore,
    Message,
    StoredTurn,
    TooManyTurns,
    owner_of,
)

__all__ = [
    "MAX_TURNS",
    "ConversationNotFound",
    "ConversationStore",
    "Message",
    "StoredTurn",
    "TooManyTurns",
    "owner_of",
]
