"""Builds the advisor from settings: the one place that wires model, index, store and LLM."""

from __future__ import annotations

from advisor.answer.engine import Advisor
from advisor.config import Settings
from advisor.conversation import ConversationStore
from advisor.llm import LLMClient, OpenAICompatibleClient
from advisor.retrieval import Retriever, open_retriever

__all__ = ["llm_client", "open_advisor"]


def llm_client(settings: Settings) -> LLMClient | None:
    """The configured OpenAI-compatible backend, or None for extractive answers only."""
    if settings.answer_mode == "extractive" or not (settings.llm_base_url and settings.llm_model):
        return None
    return OpenAICompatibleClient(
        settings.llm_base_url,
        settings.llm_model,
        settings.resolved_llm_api_key(),
        connect_timeout=settings.llm_connect_timeout,
        read_timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def open_advisor(settings: Settings, retriever: Retriever | None = None) -> Advisor:
    return Advisor(
        retriever or open_retriever(settings),
        ConversationStore(settings.conversation_store_location()),
        llm_client(settings),
        settings.answer_mode,
    )
