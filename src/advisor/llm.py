"""The OpenAI-compatible client seam: OpenAI, Ollama, vLLM and llama.cpp servers all fit.

Every failure of the backend becomes one of two typed errors: LLMUnavailable (down, slow,
refusing, failing: the caller can still show the sources) or LLMRequestTooLarge (the
prompt does not fit the model's context: retrying cannot help).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from advisor.errors import Unavailable

if TYPE_CHECKING:  # openai and its transport are imported by the first client (0.5 s otherwise)
    import httpx2 as httpx

__all__ = [
    "ChatMessage",
    "GenerationOptions",
    "LLMClient",
    "LLMError",
    "LLMRequestTooLarge",
    "LLMUnavailable",
    "OpenAICompatibleClient",
    "StreamReport",
]


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str

    def to_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class GenerationOptions:
    """What an API caller may ask of the LLM (unused by extractive answers)."""

    instructions: str | None = None  # the caller's system/developer messages, below the advisor's rules
    max_tokens: int | None = None  # None: the advisor's own budget
    stop: tuple[str, ...] = ()


@dataclass
class StreamReport:
    """Filled in by `LLMClient.stream` as its stream ends: why it stopped, and the backend's
    token counts when it reports them (None when it does not)."""

    finish_reason: str | None = None  # "stop", "length" (max_tokens cut it), ...
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class LLMError(Unavailable):
    """Base of the LLM backend's errors; messages never carry keys or URLs with credentials."""

    code = "llm_unavailable"


class LLMUnavailable(LLMError):
    """The backend is down, too slow, rate-limited or failing."""


class LLMRequestTooLarge(LLMError):
    """The prompt does not fit the model's context window."""

    status = 413
    code = "context_length_exceeded"


class LLMClient(Protocol):
    model: str

    def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str: ...

    def stream(
        self,
        messages: list[ChatMessage],
        max_tokens: int = 512,
        *,
        stop: Sequence[str] = (),
        report: StreamReport | None = None,
    ) -> Iterator[str]: ...


_CONTEXT_WORDS = ("context length", "context window", "maximum context", "too long", "exceed")


class OpenAICompatibleClient:
    """Chat completions over the `openai` client, with explicit timeouts and retry limits."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 60.0,
        max_retries: int = 1,
        http_client: httpx.Client | None = None,
    ) -> None:
        import httpx2 as httpx  # the transport the openai client (3.x) is built on
        import openai

        self.model = model
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",  # local servers take any key
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            max_retries=max_retries,  # the client retries connection errors, 429 and 5xx only
            http_client=http_client,
        )

    def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str:
        with _translated_errors():
            response = self._client.chat.completions.create(
                model=self.model,
                messages=[m.to_json() for m in messages],  # type: ignore[misc]
                max_tokens=max_tokens,
                temperature=0.1,
            )
        return response.choices[0].message.content or ""

    def stream(
        self,
        messages: list[ChatMessage],
        max_tokens: int = 512,
        *,
        stop: Sequence[str] = (),
        report: StreamReport | None = None,
    ) -> Iterator[str]:
        import openai  # already loaded by __init__

        report = report if report is not None else StreamReport()
        with _translated_errors():
            chunks: Any = self._client.chat.completions.create(  # type: ignore[call-overload]
                model=self.model,
                messages=[m.to_json() for m in messages],
                max_tokens=max_tokens,
                temperature=0.1,
                stream=True,
                stream_options={"include_usage": True},  # backends that do not know it ignore it
                stop=list(stop) if stop else openai.omit,
            )
        progress = _Progress(reached=True)  # create() returned: the backend sent its headers
        with _translated_errors(progress):
            for chunk in chunks:
                if getattr(chunk, "usage", None):
                    report.prompt_tokens = chunk.usage.prompt_tokens
                    report.completion_tokens = chunk.usage.completion_tokens
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                if choice.finish_reason:
                    report.finish_reason = choice.finish_reason
                if choice.delta.content:
                    progress.answering = True
                    yield choice.delta.content


@dataclass
class _Progress:
    """How far a call got, so that a failure is told accurately."""

    reached: bool = False  # the backend answered the request (status and headers)
    answering: bool = False  # and had sent part of its answer


@contextmanager
def _translated_errors(progress: _Progress | None = None) -> Iterator[None]:
    """Map the openai/httpx exception zoo onto LLMUnavailable and LLMRequestTooLarge, saying
    how far the call got: a backend that answered part-way is not one that "cannot be reached"."""
    import httpx2 as httpx
    import openai

    progress = progress or _Progress()
    try:
        yield
    except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
        message = str(getattr(exc, "message", "") or exc).lower()
        if exc.code == "context_length_exceeded" or any(word in message for word in _CONTEXT_WORDS):
            raise LLMRequestTooLarge(
                "the question and its sources do not fit the model's context window"
            ) from None
        raise LLMUnavailable(f"the LLM backend rejected the request ({exc.status_code})") from None
    except (openai.APITimeoutError, httpx.TimeoutException):
        if progress.answering:
            raise LLMUnavailable("the LLM backend stopped sending its answer part-way (timed out)") from None
        raise LLMUnavailable("the LLM backend did not answer in time") from None
    except (openai.APIConnectionError, httpx.TransportError):
        if progress.answering:
            raise LLMUnavailable("the LLM backend broke off its answer part-way (connection lost)") from None
        if progress.reached:
            raise LLMUnavailable("the LLM backend closed the connection before answering") from None
        raise LLMUnavailable("the LLM backend cannot be reached") from None
    except openai.RateLimitError:
        raise LLMUnavailable("the LLM backend is rate-limiting requests") from None
    except openai.APIStatusError as exc:
        raise LLMUnavailable(f"the LLM backend failed ({exc.status_code})") from None
    except openai.OpenAIError:  # an error event inside the stream, for one
        if progress.reached:
            raise LLMUnavailable("the LLM backend reported an error part-way through its answer") from None
        raise LLMUnavailable("the LLM backend failed") from None
