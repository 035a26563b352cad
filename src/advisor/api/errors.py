"""Every error is JSON {"error", "detail"}: never a stack trace, a key or a server path."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from advisor.answer.engine import AnswerUnavailable, BadQuestion
from advisor.conversation import ConversationNotFound, TooManyTurns
from advisor.llm import LLMRequestTooLarge
from advisor.services import ReindexRunning

__all__ = ["install_error_handlers", "unavailable_body"]

log = logging.getLogger("advisor.api")


def error(
    status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status, headers=headers)


def unavailable_body(exc: AnswerUnavailable) -> dict[str, Any]:
    return {
        "error": f"{exc}; here are the sources I found",
        "detail": {
            "conversation_id": exc.conversation_id,
            "query": exc.query,
            "sources": [h.to_json() for h in exc.hits],
        },
    }


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]  # the offending input is not echoed back: it may be a megabyte
        if any(p["type"] == "json_invalid" for p in problems):
            return error(400, "malformed JSON", problems)
        return error(422, "invalid request", problems)

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> JSONResponse:
        return error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(BadQuestion)
    async def bad_question(request: Request, exc: BadQuestion) -> JSONResponse:
        return error(422, str(exc))

    @app.exception_handler(TooManyTurns)
    async def too_many_turns(request: Request, exc: TooManyTurns) -> JSONResponse:
        return error(422, str(exc))

    @app.exception_handler(ConversationNotFound)
    async def unknown_conversation(request: Request, exc: ConversationNotFound) -> JSONResponse:
        return error(404, "unknown conversation", {"conversation_id": str(exc)})

    @app.exception_handler(AnswerUnavailable)
    async def llm_down(request: Request, exc: AnswerUnavailable) -> JSONResponse:
        return JSONResponse(unavailable_body(exc), status_code=503)

    @app.exception_handler(LLMRequestTooLarge)
    async def too_large(request: Request, exc: LLMRequestTooLarge) -> JSONResponse:
        return error(413, str(exc))

    @app.exception_handler(ReindexRunning)
    async def running(request: Request, exc: ReindexRunning) -> JSONResponse:
        return error(409, str(exc))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return error(500, "internal error", {"request_id": getattr(request.state, "request_id", None)})
