"""Error bodies: `{"error": "...", "detail": ...}` on /api, OpenAI's envelope on /v1.

On /v1 every error is `{"error": {"message", "type", "param", "code"}}`, so OpenAI SDKs
(and the clients built on them) show the message; a dict `detail` (the sources of a 503,
Retry-After seconds of a 429) rides along as extra keys of the error object.
"""

from __future__ import annotations

from typing import Any

__all__ = ["OPENAI_PREFIX", "error_body", "openai_error"]

OPENAI_PREFIX = "/v1/"
_CODES = {
    401: "invalid_api_key",
    404: "not_found",
    413: "request_too_large",
    429: "rate_limit_exceeded",
    503: "llm_unavailable",
}


def openai_error(
    status: int, message: str, *, code: str | None = None, param: str | None = None, **extra: Any
) -> dict[str, Any]:
    """OpenAI's error envelope, with the type OpenAI uses for this status."""
    kind = "server_error" if status >= 500 else "requests" if status == 429 else "invalid_request_error"
    error = {"message": message, "type": kind, "param": param, "code": code or _CODES.get(status)}
    return {"error": {**error, **extra}}


def error_body(
    path: str,
    status: int,
    message: str,
    detail: Any = None,
    *,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """The error body this path's clients expect."""
    if not path.startswith(OPENAI_PREFIX):
        return {"error": message, "detail": detail}
    extra = detail if isinstance(detail, dict) else {}
    return openai_error(status, message, code=code, param=param, **extra)
