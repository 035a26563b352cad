"""Request and response models of the OpenAI-compatible API (/v1), with the examples /docs shows."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.api.schemas import INT64_MAX, CitationOut, HitOut, JsonInt, UnicodeText
from advisor.conversation import MAX_TURNS

__all__ = [
    "INLINE_MODEL_ID",
    "MODEL_ID",
    "ChatCompletion",
    "ChatCompletionChunk",
    "FinishReason",
    "Model",
    "ModelList",
    "OpenAIChatIn",
    "OpenAIErrorOut",
    "OpenAIMessage",
    "Usage",
]

MODEL_ID = "career-advisor"
INLINE_MODEL_ID = "career-advisor-inline-sources"  # the same answers, with the sources in the text
FinishReason = Literal["stop", "length"]
# A /v1 conversation in all: 50 turns of full-length questions with answers fit with room to spare.
MAX_MESSAGES_CHARS = 200_000


class ContentPart(BaseModel):
    """One part of a message's content: text, or a kind this server refuses (images, audio)."""

    # strict: as on /api, a string must be valid Unicode (a lone surrogate is a 422, not a 500)
    model_config = ConfigDict(extra="allow", strict=True)
    type: UnicodeText = "text"
    text: UnicodeText = ""


class OpenAIMessage(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: UnicodeText | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(part.text for part in self.content)
        return self.content or ""

    def non_text_part(self) -> str | None:
        """The type of the first content part that is not text (images, audio), if any."""
        if isinstance(self.content, list):
            for part in self.content:
                if part.type != "text":
                    return part.type
        return None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    include_usage: bool = False


class OpenAIChatIn(BaseModel):
    """OpenAI's request; parameters this server cannot honour are refused with 400, never ignored
    silently, except sampling settings (temperature, top_p, seed...) which do not apply."""

    model_config = ConfigDict(
        extra="allow",
        strict=True,  # "5" is not a number, "true" not a boolean (422)
        json_schema_extra={
            "examples": [
                {
                    "model": "career-advisor",
                    "messages": [
                        {"role": "user", "content": "Which certifications matter for ML engineers?"}
                    ],
                    "stream": False,
                },
                {
                    "model": "career-advisor-inline-sources",
                    "messages": [
                        {"role": "system", "content": "Answer in two sentences."},
                        {"role": "user", "content": "Do I need a PhD?"},
                    ],
                    "stream": True,
                    "stream_options": {"include_usage": True},
                },
            ]
        },
    )
    model: UnicodeText = MODEL_ID
    messages: list[OpenAIMessage] = Field(min_length=1, max_length=2 * MAX_TURNS + 10)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: JsonInt | None = Field(default=None, ge=1, le=4096, description="caps an LLM answer")
    max_completion_tokens: JsonInt | None = Field(default=None, ge=1, le=4096, description="as max_tokens")
    stop: UnicodeText | list[UnicodeText] | None = Field(
        default=None, description="up to 4 stop sequences (LLM mode)"
    )
    store: bool | None = Field(default=False, description="keep this conversation on the server")
    n: JsonInt | None = Field(default=None, ge=1, le=INT64_MAX, description="only 1 is supported")
    tools: list[dict[str, Any]] | None = Field(default=None, description="not supported: 400")
    functions: list[dict[str, Any]] | None = Field(default=None, description="not supported: 400")
    response_format: dict[str, Any] | None = Field(default=None, description='only {"type": "text"}')
    inline_sources: bool = Field(default=False, description="append the sources to the answer text")

    @model_validator(mode="after")
    def _bounded(self) -> OpenAIChatIn:
        total = sum(len(m.text()) for m in self.messages)
        if total > MAX_MESSAGES_CHARS:
            raise ValueError(f"the messages total {total:,} characters; the limit is {MAX_MESSAGES_CHARS:,}")
        return self


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: FinishReason
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    # What the advisor adds to OpenAI's shape:
    citations: list[CitationOut] = Field(description="the sources of the [n] markers in the text")
    refused: bool = Field(description="true when the library does not cover the question")
    conversation_id: str | None = Field(description='set only when the request said "store": true')

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "chatcmpl-5d1e…", "object": "chat.completion", "created": 1780000000,
                    "model": "career-advisor",
                    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None, "message": {
                        "role": "assistant",
                        "content": "Junior ML engineers in the UK earn £45,000 – £65,000 [1].",
                    }}],
                    "usage": {"prompt_tokens": 14, "completion_tokens": 21, "total_tokens": 35},
                    "citations": [{"n": 1, "doc_id": "salaries", "chunk_id": "salaries#3",
                                   "title": "ML Salaries 2026", "source": "salaries.md", "section": "UK",
                                   "quote": "Junior ML Engineer | £45,000 – £65,000"}],
                    "refused": False, "conversation_id": None,
                }
            ]
        }
    )  # fmt: skip


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: FinishReason | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One server-sent `data:` line of a streamed completion; the stream ends with `data: [DONE]`.

    The chunk with `finish_reason` also carries `citations`, `refused` and `conversation_id`;
    with `stream_options.include_usage`, one more chunk with no choices carries `usage`.
    A failure part-way is one `data: {"error": {...}}` line (OpenAIErrorOut) before `[DONE]`.
    """

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    citations: list[CitationOut] | None = None
    refused: bool | None = None
    conversation_id: str | None = None


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "career-advisor"

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "career-advisor"}]
        }
    )


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"object": "list", "data": [
                    {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "career-advisor"},
                    {"id": INLINE_MODEL_ID, "object": "model", "created": 0, "owned_by": "career-advisor"},
                ]}
            ]
        }
    )  # fmt: skip


class OpenAIError(BaseModel):
    model_config = ConfigDict(extra="allow")
    message: str
    type: str
    param: str | None
    code: str | None
    sources: list[HitOut] | None = Field(default=None, description="503: the passages found")


class OpenAIErrorOut(BaseModel):
    error: OpenAIError

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": {"message": "The model 'gpt-4o' does not exist; this server offers "
                           "career-advisor, career-advisor-inline-sources", "type": "invalid_request_error",
                           "param": "model", "code": "model_not_found"}}
            ]
        }
    )  # fmt: skip
