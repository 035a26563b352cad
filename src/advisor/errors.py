"""One error tree: every error the advisor raises on purpose is an AdvisorError.

Each class says how it reaches a user: `status` and `code` over HTTP (api/errors.py renders
them for /api and /v1 alike), `exit_code` on the command line (0 is success, 2 bad usage or
input, 1 anything else). The message is written for the person who must act on it; an error
is never recognised by its message, only by its class.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["AdvisorError", "BadInput", "Conflict", "NotFound", "TooLarge", "Unavailable"]


class AdvisorError(Exception):
    """An error the advisor raised on purpose, with a message a user can act on."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    exit_code: ClassVar[int] = 1
    param: str | None = None  # the request field at fault, for OpenAI clients

    @property
    def message(self) -> str:
        """What an HTTP response says (the command line prints the exception itself)."""
        return str(self)

    def detail(self) -> Any:
        """What rides along in the response's `detail` (on /v1, as extra keys of `error`)."""
        return None

    def headers(self) -> dict[str, str]:
        """Response headers that ride along (`Retry-After` on a 429)."""
        return {}


class BadInput(AdvisorError):
    """The request or command cannot be done as sent."""

    status = 422
    code = "invalid_value"
    exit_code = 2


class NotFound(AdvisorError):
    status = 404
    code = "not_found"
    exit_code = 2


class Conflict(AdvisorError):
    """The request is fine, but the state of things does not allow it now."""

    status = 409
    code = "conflict"


class TooLarge(AdvisorError):
    status = 413
    code = "request_too_large"
    exit_code = 2


class Unavailable(AdvisorError):
    """Something the advisor depends on (the LLM, the index, the encoder) cannot serve."""

    status = 503
    code = "unavailable"
