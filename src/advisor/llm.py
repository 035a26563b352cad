"""The OpenAI-compatible client seam: OpenAI, Ollama, vLLM and llama.cpp servers all fit.

Every failure of the backend becomes one of two typed errors: LLMUnavailable (down, slow,
refusing, failing: the caller can still show the sources) or LLMRequestTooLarge (the
prompt does not fit the model's context: retrying cannot help).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import httpx2 as httpx  # the transport the openai client (3.x) is built on
import openai

__all__ = [
    "ChatMessage",
    "LLMClient",
    "LLMError",
    "LLMRequestTooLarge",
    "LLMUnavailable",
    "OpenAICompatibleClient",
]


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str

    def to_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


class LLMError(RuntimeError):
    """Base of the LLM backend's errors; messages never carry keys or URLs with credentials."""


class LLMUnavailable(LLMError):
    """The backend is down, too slow, rate-limited or failing."""


class LLMRequestTooLarge(LLMError):
    """The prompt does not fit the model's context window."""


class LLMClient(Protocol):
    model: str

    def complete(self, messages: list[ChatMessage], max_tokens: int = 512) -> str: ...

    def stream(self, messages: list[ChatMessage], max_tokens: int = 512) -> Iterator[str]: ...


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

    def stream(self, messages: list[ChatMessage], max_tokens: int = 512) -> Iterator[str]:
        with _translated_errors():
            chunks: Any = self._client.chat.completions.create(
                model=self.model,
                messages=[m.to_json() for m in messages],  # type: ignore[misc]
                max_tokens=max_tokens,
                temperature=0.1,
                stream=True,
            )
            for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Map the openai/httpx exception zoo onto LLMUnavailable and LLMRequestTooLarge."""
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
        raise LLMUnavailable("the LLM backend did not answer in time") from None
    except (openai.APIConnectionError, httpx.TransportError):
        raise LLMUnavailable("the LLM backend cannot be reached") from None
    except openai.RateLimitError:
        raise LLMUnavailable("the LLM backend is rate-limiting requests") from None
    except openai.APIStatusError as exc:
        raise LLMUnavailable(f"the LLM backend failed ({exc.status_code})") from None
    except openai.OpenAIError:
        raise LLMUnavailable("the LLM backend failed") from None
