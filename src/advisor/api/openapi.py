"""What /docs shows for each route: only the errors that route can return."""

from __future__ import annotations

from typing import Any

from advisor.api.schemas import ErrorOut

__all__ = ["EVENT_STREAM", "errors"]

ERROR_TEXT = {
    400: "Malformed JSON",
    401: "Missing or wrong API key",
    403: "Re-indexing over HTTP is disabled",
    404: "Unknown conversation",
    409: "A re-index is already running",
    413: "Body over 1 MB, or the question and its sources do not fit the LLM's context",
    422: "Invalid request (empty or over-long message, wrong types)",
    429: "Too many requests (see Retry-After)",
    503: "LLM backend down: the sources come back in detail",
}
# Every /api and /v1 route: a body may be too large, a key missing, the rate exceeded.
PROTECTED = (401, 413, 429)


def errors(*codes: int, protected: bool = True) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these status codes (plus 401/413/429 on protected routes)."""
    chosen = sorted({*codes, *(PROTECTED if protected else ())})
    return {code: {"model": ErrorOut, "description": ERROR_TEXT[code]} for code in chosen}


EVENT_STREAM: dict[str, Any] = {
    "text/event-stream": {
        "schema": {  # one server-sent event; `data` is JSON text
            "type": "object",
            "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
            "required": ["data"],
        }
    }
}
