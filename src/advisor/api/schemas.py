"""Request and response models of the HTTP API, with the examples /docs shows."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from advisor.engine import MAX_QUESTION_CHARS

__all__ = [
    "INT64_MAX",
    "AnswerOut",
    "ChartBarOut",
    "ChatIn",
    "CitationOut",
    "ConversationOut",
    "ErrorOut",
    "FeedbackIn",
    "FlaggedOut",
    "GapOut",
    "HealthOut",
    "HitOut",
    "JsonInt",
    "LibraryEntryOut",
    "MessageOut",
    "OkOut",
    "ReadyOut",
    "ReindexIn",
    "ReindexOut",
    "SearchIn",
    "SearchOut",
    "StepOut",
    "TableOut",
    "UnicodeText",
]


def _json_integer(value: Any) -> Any:
    """JSON's integers, 25.0 included (JSON Schema counts it as one); never "5", true or 5.5, and
    none that a 64-bit integer cannot hold (a database column could not store it)."""
    if isinstance(value, (bool, str)):
        raise ValueError("must be a JSON integer, not a string or a boolean")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise ValueError("must fit in a 64-bit integer")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
INT64_MAX = 2**63 - 1  # a field with no smaller bound says this one in the schema


def _valid_unicode(value: str) -> str:
    """A string that UTF-8 can hold: JSON's \\ud800 escapes decode to lone surrogates, which cannot."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode (it holds a lone surrogate)") from None
    return value


#: A string that is valid Unicode (constrained strings, such as ChatIn.message, are checked anyway).
UnicodeText = Annotated[str, AfterValidator(_valid_unicode)]


class _In(BaseModel):
    # strict: "5" and true are not integers, "true" is not a boolean (422, as the README says)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, strict=True)


class SearchIn(_In):
    query: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: JsonInt = Field(default=5, ge=1, le=50)

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
    url: str | None = None  # the original article, when its front matter names one
    flagged: bool = False  # flagged as instructions to a model, let through by ADVISOR_ALLOW_FLAGGED


HIT_EXAMPLE: dict[str, Any] = {
    "rank": 1,
    "score": 0.033,
    "similarity": 0.71,
    "doc_id": "ml-salaries-2026",
    "chunk_id": "ml-salaries-2026#4be1",
    "title": "ML Salaries in 2026",
    "author": "Ada Byron",
    "date": "2026-03-01",
    "source": "corpus/ml-salaries-2026.md",
    "url": None,
    "section": "UK",
    "text": "| Junior ML Engineer | £45,000 – £65,000 |",
}
CITATION_EXAMPLE: dict[str, Any] = {
    "n": 1,
    "doc_id": "ml-salaries-2026",
    "chunk_id": "ml-salaries-2026#4be1",
    "title": "ML Salaries in 2026",
    "source": "corpus/ml-salaries-2026.md",
    "url": None,
    "section": "UK",
    "quote": "Junior ML Engineer | £45,000 – £65,000",
    "author": "Ada Byron",
    "date": "2026-03-01",
}


class SearchOut(BaseModel):
    hits: list[HitOut]

    model_config = ConfigDict(json_schema_extra={"examples": [{"hits": [HIT_EXAMPLE]}]})


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
    url: str | None = None  # the original article, when its front matter names one
    stale: bool | None = None  # older than ADVISOR_STALE_AFTER_DAYS, or undated
    context: str | None = None  # what makes the quote readable alone: a table row's header row
    flagged: bool = False  # a flagged passage let through by ADVISOR_ALLOW_FLAGGED: not advice


class TableOut(BaseModel):
    caption: str | None
    columns: list[str]
    rows: list[list[str]]  # markdown cells; a cell stating a fact carries its [n]


class StepOut(BaseModel):
    label: str | None  # as the article writes it: "Month 1", "Step 2"
    text: str
    citation: int


class ChartBarOut(BaseModel):
    label: str
    low: float
    high: float
    currency: str
    citation: int


class ProfileOut(BaseModel):
    """What a person has said about themselves in a conversation; every field optional."""

    background: str | None = None
    experience_years: int | None = None
    skills: list[str] = []
    lacks: list[str] = []
    place: str | None = None
    country: str | None = None
    hours_per_week: int | None = None
    age: int | None = None
    target_role: str | None = None
    deadline: str | None = None
    preferences: list[str] = []
    interest: str | None = None


class AnswerOut(BaseModel):
    answer: str
    citations: list[CitationOut]
    refused: bool
    mode: Literal["extractive", "llm"]
    conversation_id: str
    query: str = ""
    unsupported: list[str] = []
    kind: str | None = None  # salary, comparison, plan, list, role_fit, advice, definition, general...
    table: TableOut | None = None
    steps: list[StepOut] | None = None
    chart: list[ChartBarOut] | None = None
    suggestions: list[str] = []
    not_covered: list[str] = []  # what was asked that no article covers, as asked
    profile: ProfileOut | None = None  # what the advisor has read about the asker in this conversation
    turn_id: str | None = None  # the stored turn, for feedback; null when nothing was stored

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "answer": "Junior ML engineers in the UK earn £45,000 – £65,000 [1].",
                    "citations": [CITATION_EXAMPLE], "refused": False, "mode": "extractive",
                    "conversation_id": "9f2c41d07a0e4c35", "query": "junior ML engineer salary UK",
                    "unsupported": [], "kind": "salary", "table": None, "steps": None,
                    "chart": [{"label": "Junior ML Engineer, UK", "low": 45000, "high": 65000,
                               "currency": "£", "citation": 1}],
                    "suggestions": ["What does a senior ML engineer earn in the UK?"],
                    "turn_id": "5d0c2b9e7f8a4c1d9e3b6a2f1c0d4e5b",
                }
            ]
        }
    )  # fmt: skip


class MessageOut(BaseModel):
    """A question as typed (`corrected`: as the advisor read it), or an answer with the rest of
    its ANSWER fields, as it was shown (null for answers stored before 0.3.0)."""

    role: str
    content: str
    citations: list[CitationOut]
    turn_id: str | None = None  # a question and its answer share it; feedback names it
    corrected: str | None = None
    refused: bool | None = None
    mode: Literal["extractive", "llm"] | None = None
    query: str | None = None
    unsupported: list[str] | None = None
    kind: str | None = None
    table: TableOut | None = None
    steps: list[StepOut] | None = None
    chart: list[ChartBarOut] | None = None
    suggestions: list[str] | None = None

    model_config = ConfigDict(extra="allow")  # ANSWER fields added later come back too


class ConversationOut(BaseModel):
    id: str
    messages: list[MessageOut]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "9f2c41d07a0e4c35", "messages": [
                    {"role": "user", "content": "What does a junor ML engineer earn in the UK?",
                     "corrected": "What does a junior ML engineer earn in the UK?", "citations": [],
                     "turn_id": "5d0c2b9e7f8a4c1d9e3b6a2f1c0d4e5b"},
                    {"role": "assistant", "citations": [CITATION_EXAMPLE],
                     "content": "Junior ML engineers in the UK earn £45,000 – £65,000 [1].",
                     "turn_id": "5d0c2b9e7f8a4c1d9e3b6a2f1c0d4e5b", "refused": False,
                     "mode": "extractive", "query": "What does a junior ML engineer earn in the UK?",
                     "unsupported": [], "kind": "salary", "table": None, "steps": None,
                     "chart": [{"label": "Junior ML Engineer, UK", "low": 45000, "high": 65000,
                                "currency": "£", "citation": 1}],
                     "suggestions": ["What does a senior ML engineer earn in the UK?"]},
                ]}
            ]
        }
    )  # fmt: skip


class FeedbackIn(_In):
    """One answer's vote, named by its `turn_id` (or, as 0.2.0 clients do, its `message_index`)."""

    conversation_id: str = Field(max_length=64)
    turn_id: str | None = Field(default=None, min_length=1, max_length=64)
    message_index: JsonInt | None = Field(default=None, ge=0, le=2**31 - 1)  # 0 is the first question
    rating: Annotated[Literal[1, -1], BeforeValidator(_json_integer)]
    comment: str = Field(default="", max_length=2000)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"conversation_id": "9f2c…", "turn_id": "5d0c2b9e…", "rating": 1, "comment": "clear"},
                {"conversation_id": "9f2c…", "message_index": 1, "rating": -1},
            ]
        },
    )

    @model_validator(mode="after")
    def _names_one_answer(self) -> FeedbackIn:
        if (self.turn_id is None) == (self.message_index is None):
            raise ValueError("give the answer's turn_id (or its message_index), not both")
        return self


class OkOut(BaseModel):
    ok: bool = True

    model_config = ConfigDict(json_schema_extra={"examples": [{"ok": True}]})


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
    units_embedded: int = 0
    version: str | None = None
    skipped: list[dict[str, str]] = []
    flagged: list[dict[str, str]] = []  # passages kept out of answers, as `advisor index --json` lists them

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"added": 1, "changed": 0, "removed": 0, "unchanged": 5, "documents": 6, "chunks": 118,
                 "seconds": 2.4, "embedded": 9, "version": "20260601T120000-3fa2c1", "skipped": []}
            ]
        }
    )  # fmt: skip


class FlaggedOut(BaseModel):
    section: str | None
    reason: str
    excerpt: str


class LibraryEntryOut(BaseModel):
    """One article of the index, as `advisor library --json` shows it."""

    doc_id: str
    title: str
    authors: list[str]
    date: str | None  # YYYY-MM-DD
    url: str | None
    source: str
    chunks: int
    salary_facts: int
    lists: int
    tables: int
    plans: int
    flagged: int  # passages kept out of answers (see flagged_passages)
    flagged_passages: list[FlaggedOut]
    warnings: list[str]  # what ingest could not read in the article
    stale: bool  # older than ADVISOR_STALE_AFTER_DAYS, or undated

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"doc_id": "salaries.md", "title": "AI Salaries in 2026", "authors": ["A. Writer"],
                 "date": "2026-03-01", "url": None, "source": "corpus/salaries.md", "chunks": 18,
                 "salary_facts": 15, "lists": 3, "tables": 1, "plans": 0, "flagged": 0,
                 "flagged_passages": [], "warnings": [], "stale": False}
            ]
        }
    )  # fmt: skip


class GapReasonsOut(BaseModel):
    refused: int
    not_covered: int
    not_helpful: int


class GapOut(BaseModel):
    """A group of failed questions that mean the same thing, as `advisor gaps --json` shows it."""

    count: int
    examples: list[str]  # up to three questions of the group, the most typical first
    reasons: GapReasonsOut
    last_asked: float  # Unix time of the group's newest question

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"count": 11, "examples": ["How do I negotiate a counteroffer?"],
                 "reasons": {"refused": 8, "not_covered": 0, "not_helpful": 3}, "last_asked": 1780000000.0}
            ]
        }
    )  # fmt: skip


class IndexInfo(BaseModel):
    version: str
    documents: int
    chunks: int


class HealthOut(BaseModel):
    status: Literal["ok"]
    index: IndexInfo

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": "ok", "index": {"version": "20260601T120000-3fa2c1", "documents": 6,
                                                    "chunks": 118}}]
        }
    )  # fmt: skip


class ReadyOut(BaseModel):
    status: Literal["ready", "unready"]
    reason: str | None = None  # why not ready: index/CURRENT missing, unreadable, or naming a bad version
    index: IndexInfo  # the version being served meanwhile

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "ready", "reason": None,
                 "index": {"version": "20260601T120000-3fa2c1", "documents": 6, "chunks": 118}},
                {"status": "unready", "reason": "index/CURRENT is missing",
                 "index": {"version": "20260601T120000-3fa2c1", "documents": 6, "chunks": 118}},
            ]
        }
    )  # fmt: skip


class ErrorOut(BaseModel):
    error: str
    detail: Any = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": "unknown conversation", "detail": {"conversation_id": "9f2c41d07a0e4c35"}},
                {"error": "too many requests", "detail": {"retry_after_seconds": 12}},
            ]
        }
    )
