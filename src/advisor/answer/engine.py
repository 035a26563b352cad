"""The advisor: question -> standalone query -> passages -> grounded answer -> stored turn."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from advisor.answer.extractive import ExtractiveAnswerer
from advisor.answer.generative import LLMAnswerer
from advisor.answer.models import Answer
from advisor.answer.question import Kind, Question, read_question
from advisor.conversation import MAX_TURNS, ConversationStore, Message, rewrite_follow_up
from advisor.llm import GenerationOptions, LLMClient, LLMError, StreamReport
from advisor.retrieval import Hit, Retriever

__all__ = [
    "MAX_QUESTION_CHARS",
    "STARTER_QUESTIONS",
    "Advisor",
    "AnswerUnavailable",
    "BadQuestion",
    "Event",
    "clean_question",
]

MAX_QUESTION_CHARS = 4000
RECENT_QUESTIONS = 10  # earlier questions a follow-up is resolved against
TOP_K = 5
# Calibrated on eval/golden.jsonl, eval/followups.jsonl and eval/out_of_scope.jsonl
# (see README): the weakest in-scope question's best passage scores 0.227.
MIN_SIMILARITY = 0.20
UNKNOWN_TERM_SIMILARITY = 0.45  # below this, a topic word no article uses means "not covered"
_PERSONAL_DECISION = re.compile(
    r"\b(should|shall) i\s+(accept|take|join|sign|decline|turn down|quit|leave)\b"
    r".*\b(offer|job|company|position)",
    re.IGNORECASE,
)
STARTER_QUESTIONS = [
    "What does a junior ML engineer earn in the UK?",
    "Do I need a PhD to become an ML engineer?",
    "Which certifications matter for ML engineers?",
    "How do I move from software engineering into MLOps?",
]


class BadQuestion(ValueError):
    """The question cannot be answered as sent (empty, too long)."""


class AnswerUnavailable(RuntimeError):
    """The LLM failed; the retrieved sources are still worth showing."""

    def __init__(self, message: str, hits: list[Hit], conversation_id: str, query: str) -> None:
        super().__init__(message)
        self.hits = hits
        self.conversation_id = conversation_id
        self.query = query


@dataclass(frozen=True)
class Event:
    """One server-sent event of a streamed answer: token, citations, done or error."""

    kind: Literal["token", "citations", "done", "error"]
    data: dict[str, Any] = field(default_factory=dict)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 controls, less tab and newline


def clean_question(question: str) -> str:
    """Drop control characters and surrounding space; refuse empty and oversized questions."""
    cleaned = _CONTROL.sub("", question).strip()
    if not cleaned:
        raise BadQuestion("the question is empty")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise BadQuestion(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    return cleaned


@dataclass
class _Turn:
    question: str
    conversation_id: str
    history: list[Message]
    query: str
    hits: list[Hit]
    understood: Question


class Advisor:
    """Answers questions in conversations; extractive by default, LLM when one is configured."""

    def __init__(
        self,
        retriever: Retriever,
        store: ConversationStore,
        llm: LLMClient | None = None,
        mode: Literal["auto", "llm", "extractive"] = "auto",
        max_tokens: int = 400,
        observe: Callable[[str, float], None] | None = None,
    ) -> None:
        """observe(stage, seconds) hears how long "retrieval" and "llm" took, for metrics."""
        self.store = store
        self.mode: Literal["llm", "extractive"] = (
            "llm" if llm is not None and mode in ("auto", "llm") else "extractive"
        )
        self._llm = LLMAnswerer(llm, retriever.embedder, max_tokens) if llm is not None else None
        self._observe = observe or (lambda stage, seconds: None)
        self.use(retriever)

    def use(self, retriever: Retriever) -> None:
        """Switch to another index version; answers in flight finish on the one they started with."""
        self._state = (retriever, ExtractiveAnswerer(retriever))

    @property
    def retriever(self) -> Retriever:
        return self._state[0]

    # ---------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        history: list[Message] | None = None,
        owner: str | None = None,
        *,
        store: bool = True,
        options: GenerationOptions | None = None,
    ) -> Answer:
        """A complete answer, stored with its question; raises AnswerUnavailable if the LLM fails."""
        answer: Answer | None = None
        for event in self.stream(question, conversation_id, history, owner, store=store, options=options):
            if event.kind == "done":
                answer = event.data["answer"]
            elif event.kind == "error":
                raise event.data["exception"]
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        conversation_id: str | None = None,
        history: list[Message] | None = None,
        owner: str | None = None,
        *,
        store: bool = True,
        options: GenerationOptions | None = None,
    ) -> Iterator[Event]:
        """Tokens as they are produced, then citations, then the stored answer (`done`).

        `history` gives the earlier messages directly (OpenAI-style clients send the whole
        conversation); otherwise they come from the stored conversation. A failure of the
        LLM yields an `error` event carrying the sources; nothing is stored. Bad questions
        and unknown conversations raise before the first event. `owner` (see
        conversation.owner_of) owns a new conversation and must own a continued one.
        `store=False` (with `history`) keeps nothing: the answer's conversation_id is "".
        `options` carry an API caller's instructions, token cap and stop sequences to the LLM.
        """
        retriever, extractive = self._state
        turn = self._prepare(question, conversation_id, history, retriever, owner, store)
        refusal = self._refusal(turn, retriever)
        if refusal is not None or self._llm is None:
            answer = refusal or extractive.answer(turn.understood, turn.hits)
            for line in answer.answer.splitlines(keepends=True):
                yield Event("token", {"text": line})
        else:
            parts: list[str] = []
            report = StreamReport()
            started = time.perf_counter()
            try:
                for token in self._llm.stream(turn.question, turn.hits, turn.history, options, report):
                    parts.append(token)
                    yield Event("token", {"text": token})
            except LLMError as exc:
                error = AnswerUnavailable(str(exc), turn.hits, turn.conversation_id, turn.query)
                yield Event("error", {"error": str(exc), "exception": error})
                return
            self._observe("llm", time.perf_counter() - started)
            answer = self._llm.finish("".join(parts), turn.hits)
            answer.generation = report
        answer.conversation_id = turn.conversation_id
        answer.kind = Kind.OUT_OF_SCOPE.value if answer.refused else turn.understood.kind.value
        answer.query = turn.query
        yield Event("citations", {"citations": [c.to_json() for c in answer.citations]})
        if store:
            citations = [c.to_json() for c in answer.citations]
            self.store.add_turn(turn.conversation_id, turn.question, turn.query, answer.answer, citations)
        yield Event("done", {"answer": answer})

    def _prepare(
        self,
        question: str,
        conversation_id: str | None,
        history: list[Message] | None,
        retriever: Retriever,
        owner: str | None,
        store: bool = True,
    ) -> _Turn:
        question = retriever.correct(clean_question(question)).text
        if history is not None:
            conversation_id = self.store.create(owner) if store else ""
            previous = [m.content[:MAX_QUESTION_CHARS] for m in history if m.role == "user"]
        elif conversation_id is None:
            conversation_id, history, previous = self.store.create(owner), [], []
        else:
            history = self.store.messages(conversation_id, owner)  # ConversationNotFound if unknown
            previous = self.store.queries(conversation_id, owner)
        if len(history) >= 2 * MAX_TURNS:  # refused before any work; the store refuses it too
            raise BadQuestion(f"a conversation holds at most {MAX_TURNS} turns; start a new one")
        # Bounded work: a follow-up reads the last few questions, and the standalone query it
        # makes is capped like a question (the LLM answerer trims history to a token budget).
        query = self._standalone(question, history, previous[-RECENT_QUESTIONS:])[:MAX_QUESTION_CHARS]
        started = time.perf_counter()
        understood = read_question(question, retriever.version.vocabulary, query)
        hits = retriever.search(query, k=TOP_K)
        self._observe("retrieval", time.perf_counter() - started)
        return _Turn(question, conversation_id, history, query, hits, understood)

    def _standalone(self, question: str, history: list[Message], previous: list[str]) -> str:
        if not history:
            return question
        if self._llm is not None:
            try:
                return self._llm.condense(question, history)
            except LLMError:
                pass  # the rule-based rewrite still works without the LLM
        return rewrite_follow_up(question, previous)

    def _refusal(self, turn: _Turn, retriever: Retriever) -> Answer | None:
        best = max((h.similarity for h in turn.hits), default=0.0)
        not_covered = (
            best < MIN_SIMILARITY
            or (best < UNKNOWN_TERM_SIMILARITY and retriever.unknown_terms(turn.query))
            or _PERSONAL_DECISION.search(turn.query)
        )
        if not not_covered:
            return None
        suggestions = "\n".join(f"- {q}" for q in STARTER_QUESTIONS[:3])
        text = (
            "My career articles don't cover that, so I won't guess. "
            f"Questions I can answer from them include:\n\n{suggestions}"
        )
        return Answer(text, [], True, self.mode)
