"""What /docs shows: for each route only the errors it can return, and the models that only
a stream refers to."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from advisor.api.schemas import ErrorOut

__all__ = ["EVENT_STREAM", "errors", "finish_schema"]

ERROR_TEXT = {
    400: "Malformed JSON",
    401: "Missing or wrong API key (the admin token, on /api/reindex and /api/admin/*)",
    403: "Re-indexing and the admin API are disabled over HTTP",
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


def finish_schema(app: FastAPI, *models: type[BaseModel]) -> None:
    """/openapi.json as this API behaves: models no route returns as JSON (the /v1 stream's
    chunk) are listed, and FastAPI's default 422 (a shape this API never sends) is dropped:
    each route lists the 422 it can return itself."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        _, defs = models_json_schema(
            [(model, "serialization") for model in models], ref_template="#/components/schemas/{model}"
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(defs.get("$defs", {}))
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                default = operation.get("responses", {}).get("422", {})
                if "HTTPValidationError" in str(default.get("content")):
                    del operation["responses"]["422"]
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
