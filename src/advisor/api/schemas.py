"""Request and response models of the HTTP API, with the examples /docs shows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.answer.engine import MAX_QUESTION_CHARS
from advisor.conversation import MAX_TURNS  # one cap; the store enforces it too

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
    "OpenAIChatIn",
    "OpenAIMessage",
    "ReadyOut",
    "ReindexIn",
    "ReindexOut",
    "SearchIn",
    "SearchOut",
]

# A /v1 conversation in all: 50 turns of full-length questions with answers fit with room to spare.
MAX_MESSAGES_CHARS = 200_000


class _In(BaseModel):
    # strict: "5" and true are not integers, "true" is not a boolean (422, as the README says)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, strict=True)


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


class ReadyOut(BaseModel):
    status: Literal["ready", "unready"]
    reason: str | None = None  # why not ready: index/CURRENT missing, unreadable, or naming a bad version
    index: IndexInfo  # the version being served meanwhile


class ErrorOut(BaseModel):
    error: str
    detail: Any = None


class OpenAIMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(part.get("text", "")) for part in self.content)
        return self.content or ""


class OpenAIChatIn(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "model": "career-advisor",
                    "messages": [
                        {"role": "user", "content": "Which certifications matter for ML engineers?"}
                    ],
                    "stream": False,
                }
            ]
        },
    )
    model: str = "career-advisor"
    messages: list[OpenAIMessage] = Field(min_length=1, max_length=2 * MAX_TURNS + 1)
    stream: bool = False

    @model_validator(mode="after")
    def _bounded(self) -> OpenAIChatIn:
        total = sum(len(m.text()) for m in self.messages)
        if total > MAX_MESSAGES_CHARS:
            raise ValueError(f"the messages total {total:,} characters; the limit is {MAX_MESSAGES_CHARS:,}")
        return self
