"""The advisor: one turn flows one way.

understand (clean -> resolve the follow-up -> classify) -> retrieve -> compose, or refuse
(the reason decided in answer/refusal.py) -> store.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from advisor.answer.asks import Ask, read_asks
from advisor.answer.extractive import ExtractiveAnswerer
from advisor.answer.followup import LastTurn, last_turn, resolve_follow_up
from advisor.answer.freshness import Freshness, mark_freshness
from advisor.answer.generative import LLMAnswerer
from advisor.answer.grounding import ground
from advisor.answer.models import Answer
from advisor.answer.profile import Profile, read_profile
from advisor.answer.question import Kind, Question, read_question
from advisor.answer.referents import About, about_of, point_back
from advisor.answer.refusal import refusal, refusal_reason
from advisor.answer.suggestions import Suggester
from advisor.conversation import MAX_TURNS, ConversationStore, Message
from advisor.corpus.vocabulary import Vocabulary
from advisor.errors import AdvisorError, BadInput, Unavailable
from advisor.llm import GenerationOptions, LLMClient, LLMError, StreamReport
from advisor.retrieval import Hit, Retriever, Searches

__all__ = [
    "MAX_QUESTION_CHARS",
    "STARTER_QUESTIONS",
    "Advisor",
    "AnswerUnavailable",
    "BadQuestion",
    "Event",
    "TurnNotStored",
    "clean_question",
]

log = logging.getLogger("advisor.engine")
MAX_QUESTION_CHARS = 4000
RECENT_QUESTIONS = 10  # earlier questions a follow-up is resolved against
TOP_K = 5
STARTER_QUESTIONS = [
    "What does a junior ML engineer earn in the UK?",
    "Do I need a PhD to become an ML engineer?",
    "Which certifications matter for ML engineers?",
    "How do I move from software engineering into MLOps?",
]


class BadQuestion(BadInput):
    """The question cannot be answered as sent (empty, too long)."""

    param = "messages"


class AnswerUnavailable(Unavailable):
    """The LLM failed; the retrieved sources are still worth showing."""

    code = "llm_unavailable"

    def __init__(self, message: str, hits: list[Hit], conversation_id: str, query: str) -> None:
        super().__init__(message)
        self.hits = hits
        self.conversation_id = conversation_id
        self.query = query

    @property
    def message(self) -> str:
        return f"{self}; here are the sources I found"

    def detail(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id or None,
            "query": self.query,
            "sources": [h.to_json() for h in self.hits],
        }


class TurnNotStored(Unavailable):
    """The answer was composed but the conversation store would not keep it (a full disk, a
    database that refuses writes)."""

    code = "store_unavailable"

    def __init__(self, conversation_id: str) -> None:
        super().__init__("the answer could not be saved, so the conversation did not change: try again")
        self.conversation_id = conversation_id

    def detail(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id or None}


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
    question: str  # as read: cleaned, spelling corrected
    typed: str  # as typed (cleaned), what the page shows after a reload
    conversation_id: str
    history: list[Message]
    query: str
    hits: list[Hit]  # every ask's passages, the first ask's first
    understood: Question
    new: bool  # the conversation starts with this turn: it is created when the turn is stored
    asks: list[Ask]
    evidence: list[list[Hit]]  # each ask's passages, searched once
    profile: Profile
    search: Searches  # the turn's searches: the asks', then any a composer adds


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
        freshness: Freshness | None = None,
    ) -> None:
        """observe(stage, seconds) hears how long "retrieval" and "llm" took, for metrics;
        freshness says which articles are stale (ADVISOR_STALE_AFTER_DAYS)."""
        self.store = store
        self._freshness = freshness or Freshness()
        self.mode: Literal["llm", "extractive"] = (
            "llm" if llm is not None and mode in ("auto", "llm") else "extractive"
        )
        self._llm = LLMAnswerer(llm, retriever.embedder, max_tokens) if llm is not None else None
        self._observe = observe or (lambda stage, seconds: None)
        self.use(retriever)

    def use(self, retriever: Retriever) -> None:
        """Switch to another index version; answers in flight finish on the one they started with."""
        version = retriever.version
        # What answers compare questions with is embedded now, so no question pays for it:
        # the suggestions, and the headings (topics, and names of sections listed side by side).
        answerer = ExtractiveAnswerer(retriever)
        vectors = answerer.ranker.vectors
        suggester = Suggester(retriever.embedder, version.vocabulary, version.salaries, vectors)
        suggester.prepare()
        self._state = (retriever, answerer, suggester)

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
        retriever, extractive, suggester = self._state
        turn = self._prepare(question, conversation_id, history, retriever, owner, store)
        reason = refusal_reason(
            turn.understood, turn.hits, retriever.unknown_share, retriever.version.vocabulary
        )
        refused = refusal(reason, turn.understood, suggester, self.mode) if reason else None
        if refused is not None or self._llm is None:
            answer = refused or extractive.answer_asks(turn.asks, turn.evidence, turn.profile, turn.search)
            self._observe("retrieval", turn.search.seconds)  # the asks' searches and the composers'
            for line in answer.answer.splitlines(keepends=True):
                yield Event("token", {"text": line})
        else:
            parts: list[str] = []
            composed = extractive.answer_asks(
                turn.asks, turn.evidence, turn.profile, turn.search
            )  # the LLM's facts
            self._observe("retrieval", turn.search.seconds)
            grounding = ground(composed, turn.hits, extractive.library.hit)
            report = StreamReport()
            started = time.perf_counter()
            try:
                llm_tokens = self._llm.stream(
                    turn.question, grounding.sources, turn.history, grounding, options, report
                )
                for token in llm_tokens:
                    parts.append(token)
                    yield Event("token", {"text": token})
            except LLMError as exc:
                if store and turn.new:  # nothing is stored, but the conversation can be retried
                    with contextlib.suppress(Exception):  # a store that refuses writes: no conversation
                        self.store.create(owner, turn.conversation_id)
                error = AnswerUnavailable(str(exc), turn.hits, turn.conversation_id, turn.query)
                yield Event("error", {"error": str(exc), "exception": error})
                return
            self._observe("llm", time.perf_counter() - started)
            if "".join(parts).strip():
                answer = self._llm.finish("".join(parts), grounding.sources, grounding)
            else:  # the model wrote nothing (a small one, or a prompt that filled its context)
                answer = composed  # the composed answer stands, and says it is extractive
                for line in composed.answer.splitlines(keepends=True):
                    yield Event("token", {"text": line})
            answer.generation = report
        answer.conversation_id = turn.conversation_id
        answer.kind = Kind.OUT_OF_SCOPE.value if answer.refused else turn.understood.kind.value
        if not answer.refused:
            answer.suggestions = answer.suggestions or suggester.follow_ups(turn.understood)
        answer.query = turn.query
        answer.profile = turn.profile.to_json()
        asked = turn.asks[0].question if len(turn.asks) == 1 else turn.understood  # its entities, tailored
        answer.about = about_of(asked, answer, retriever.version.vocabulary).to_json()
        if dated := mark_freshness(answer, self._freshness):  # figures from stale articles say so
            yield Event("token", {"text": dated})
        yield Event("citations", {"citations": [c.to_json() for c in answer.citations]})
        if store:
            shown = answer.to_json()  # kept whole, so a reload shows the answer as it was
            try:
                answer.turn_id = self.store.add_turn(
                    turn.conversation_id, turn.question, turn.query, answer.answer, shown["citations"],
                    typed=turn.typed, shown=shown, new=turn.new, owner=owner,
                )  # fmt: skip
            except Exception as exc:
                # A stream has sent its tokens: it ends with an error event, never a cut. TooManyTurns
                # (a continue that lost the race for the last turn) is said as it is; a database
                # failure is logged, and said as TurnNotStored.
                failed = exc if isinstance(exc, AdvisorError) else TurnNotStored(turn.conversation_id)
                if not isinstance(exc, AdvisorError):
                    log.exception("storing a turn failed")
                yield Event("error", {"error": failed.message, "exception": failed})
                return
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
        typed = clean_question(question)
        question = retriever.correct(typed).text
        new = conversation_id is None or history is not None
        if history is not None:
            conversation_id = self.store.new_id() if store else ""
        elif conversation_id is None:
            conversation_id, history = self.store.new_id(), []
        else:
            history = self.store.messages(conversation_id, owner)  # ConversationNotFound if unknown
        if len(history) >= 2 * MAX_TURNS:  # refused before any work; the store refuses it too
            raise BadQuestion(f"a conversation holds at most {MAX_TURNS} turns; start a new one")
        if store:
            self.store.ensure_room(owner, new)  # the caller's cap on stored turns, before any work too
        understood, profile = self._understand(question, history, retriever)
        asks = read_asks(question, understood.query, retriever.version.vocabulary, profile)
        # Each ask's passages, searched once here (corrected once, above); composers read these,
        # and search more through the same object.
        search = Searches(retriever)
        evidence = [_merged([search(q, TOP_K) for q in a.searches]) for a in asks]
        hits = list({h.chunk_id: h for found in evidence for h in found}.values())
        return _Turn(question, typed, conversation_id, history, understood.query, hits, understood, new,
                     asks, evidence, profile, search)  # fmt: skip

    def _understand(
        self, question: str, history: list[Message], retriever: Retriever
    ) -> tuple[Question, Profile]:
        """Resolve the follow-up against the last answered turn, read the asker, classify."""
        vocabulary = retriever.version.vocabulary
        state = _stored_state(history)
        if state is not None:  # what the last answered turn kept: its query, what it named, the asker
            last: LastTurn | None = state.last(vocabulary)
            about: About | None = state.about
            earlier = state.profile
        else:  # turns stored before 0.3.0, or sent by a client (/v1): read from their text
            # Bounded work: a follow-up reads the last few turns, each capped like a question, and
            # the standalone query it makes is capped (the LLM answerer trims history to a budget).
            last = last_turn(_turns(history)[-RECENT_QUESTIONS:], vocabulary)
            about = _about_from_text(history, last, vocabulary)
            earlier = _profile(history, vocabulary)
        ladder = list(dict.fromkeys(vocabulary.levels.values()))
        earlier_abouts = [a for a in _stored_abouts(history, RECENT_QUESTIONS)[1:] if a is not None]
        pointed = (
            point_back(question, about, retriever.version.salaries, ladder, earlier_abouts) if about else None
        )
        query = resolve_follow_up(pointed[:MAX_QUESTION_CHARS] if pointed else question, last, vocabulary)
        if last is not None and self._llm is not None:
            with contextlib.suppress(LLMError):  # the rule-based resolution stands
                condensed = self._llm.condense(question, history)[:MAX_QUESTION_CHARS]
                query = retriever.correct(condensed).text  # the LLM's words, spelled like the articles
        profile = read_profile(question, vocabulary).over(earlier)
        return read_question(question, vocabulary, query), profile


@dataclass(frozen=True)
class _State:
    """What the last answered turn of a stored conversation kept with its answer."""

    query: str
    about: About | None
    profile: Profile

    def last(self, vocabulary: Vocabulary) -> LastTurn:
        """The turn as follow-up resolution reads it: its standalone query, and what it named."""
        about = self.about or About()
        return LastTurn(read_question(self.query, vocabulary), about.roles, about.items)


def _stored_state(history: list[Message]) -> _State | None:
    """The state the last answered (not refused) turn stored, if it stored one (0.3.0 on)."""
    for message in reversed(history):
        shown = message.shown if message.role == "assistant" else None
        if not shown or shown.get("refused"):
            continue
        if not shown.get("query"):
            return None
        about = About.from_json(shown.get("about"))
        return _State(str(shown["query"]), about, Profile.from_json(shown.get("profile")))
    return None


def _stored_abouts(history: list[Message], limit: int) -> list[About | None]:
    """What the last `limit` answered turns stored they were about, latest first."""
    shown = (
        m.shown for m in reversed(history) if m.role == "assistant" and m.shown and not m.shown.get("refused")
    )
    return [About.from_json(s.get("about")) for s in itertools.islice(shown, limit)]


def _about_from_text(history: list[Message], last: LastTurn | None, vocabulary: Vocabulary) -> About | None:
    """What the last answer was about, read from its text (turns that kept no state)."""
    reply = next((m for m in reversed(history) if m.role == "assistant"), None)
    if reply is None or last is None:
        return None
    return about_of(last.question, Answer(reply.content, [], False, "extractive"), vocabulary)


def _merged(found: list[list[Hit]]) -> list[Hit]:
    """One ask's passages from its searches: the first search's, then each other's not yet found."""
    seen: dict[str, Hit] = {}
    for hits in found:
        for hit in hits:
            seen.setdefault(hit.chunk_id, hit)
    return list(seen.values())


def _profile(history: list[Message], vocabulary: Vocabulary) -> Profile:
    """What the earlier turns said about the asker: each user message read, later ones winning."""
    profile = Profile()
    for message in history[-2 * RECENT_QUESTIONS :]:
        if message.role == "user":
            profile = read_profile(message.content[:MAX_QUESTION_CHARS], vocabulary).over(profile)
    return profile


def _turns(history: list[Message]) -> list[tuple[str, str, bool]]:
    """(question, answer, answered) for each earlier turn; stored refusals carry no citations."""
    cited = any(m.citations for m in history if m.role == "assistant")
    turns: list[tuple[str, str, bool]] = []
    for i, message in enumerate(history):
        if message.role != "user":
            continue
        reply = history[i + 1] if i + 1 < len(history) and history[i + 1].role == "assistant" else None
        answered = reply is None or not cited or bool(reply.citations)
        answer = reply.content[:MAX_QUESTION_CHARS] if reply else ""
        turns.append((message.content[:MAX_QUESTION_CHARS], answer, answered))
    return turns
