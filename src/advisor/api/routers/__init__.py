"""One router per feature; each route validates, calls one service off the event loop, replies."""

from __future__ import annotations

from advisor.api.routers import admin, chat, conversations, docs, openai, page, search, service

__all__ = ["admin", "chat", "conversations", "docs", "openai", "page", "search", "service"]
