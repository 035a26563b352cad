"""Conversations: the store (SQLite or PostgreSQL) and follow-up resolution, apart."""

from advisor.conversation.followup import rewrite_follow_up
from advisor.conversation.store import ConversationNotFound, ConversationStore, Message

__all__ = ["ConversationNotFound", "ConversationStore", "Message", "rewrite_follow_up"]
