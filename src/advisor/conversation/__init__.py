"""Conversations: the store (SQLite or PostgreSQL) and follow-up resolution, apart."""

from advisor.conversation.followup import rewrite_follow_up
from advisor.conversation.store import (
    MAX_TURNS,
    ConversationNotFound,
    ConversationStore,
    Message,
    TooManyTurns,
    owner_of,
)

__all__ = [
    "MAX_TURNS",
    "ConversationNotFound",
    "ConversationStore",
    "Message",
    "TooManyTurns",
    "owner_of",
    "rewrite_follow_up",
]
