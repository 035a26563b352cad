"""Request and response models of the HTTP API, with the examples /docs shows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.answer.engine import MAX_QUESTION_CHARS

__all__ = [
    "AnswerOut",
    "ChatIn",
    "CitationOut",
    "ConversationOut",
    "ErrorOut",
    "FeedbackIn",
    "HealthOut",
    "HitOut",
    "OkOut",
    "ReindexIn",
    "ReindexOut",
    "SearchIn",
    "SearchOut",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class SearchIn(_In):
    query: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int = Field(default=5, ge=1, le=50)

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"query": "Do I need a PhD?", "k": 3}]}
    )


class HitOut(BaseModel):
    rank: int
    score: float
    doc_id: str
    chunk_id: str
    title: str
    author: str | None
    date: str | None
    source: str
    section: str | None
    text: str
    similarity: float


class SearchOut(BaseModel):
    hits: list[HitOut]


# At least one printable character that is not a space: control characters are stripped.
QUESTION_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f]"


class ChatIn(_In):
    message: str = Field(max_length=MAX_QUESTION_CHARS, pattern=QUESTION_PATTERN)
    conversation_id: str | None = Field(default=None, max_length=64)
    stream: bool = False

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"message": "What does a junior ML engineer earn in the UK?", "stream": False},
                {"message": "And in the US?", "conversation_id": "9f2c…", "stream": True},
            ]
        },
    )


class CitationOut(BaseModel):
    n: int
    doc_id: str
    chunk_id: str
    title: str
    source: str
    section: str | None
    quote: str
    author: str | None = None
    date: str | None = None


class AnswerOut(BaseModel):
    answer: str
    citations: list[CitationOut]
    refused: bool
    mode: Literal["extractive", "llm"]
    conversation_id: str
    query: str = ""
    unsupported: list[str] = []


class MessageOut(BaseModel):
    role: str
    content: str
    citations: list[dict[str, Any]]


class ConversationOut(BaseModel):
    id: str
    messages: list[MessageOut]


class FeedbackIn(_In):
    conversation_id: str = Field(max_length=64)
    message_index: int = Field(ge=0)
    rating: Literal[1, -1]
    comment: str = Field(default="", max_length=2000)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"conversation_id": "9f2c…", "message_index": 1, "rating": 1, "comment": "clear"}]
        },
    )


class OkOut(BaseModel):
    ok: bool = True


class ReindexIn(_In):
    full: bool = False


class ReindexOut(BaseModel):
    added: int
    changed: int
    removed: int
    unchanged: int
    documents: int
    chunks: int
    seconds: float
    embedded: int = 0
    version: str | None = None
    skipped: list[dict[str, str]] = []


class IndexInfo(BaseModel):
    version: str
    documents: int
    chunks: int


class HealthOut(BaseModel):
    status: Literal["ok"]
    index: IndexInfo


class ErrorOut(BaseModel):
    error: str
    detail: Any = None
