"""Every error is JSON, never a stack trace, a key or a server path: `{"error", "detail"}`
on /api, OpenAI's envelope on /v1 (see problems.py)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from advisor.api.problems import error_body
from advisor.conversation import ConversationNotFound, TooManyTurns
from advisor.engine import AnswerUnavailable, BadQuestion
from advisor.ingest import RulesError
from advisor.llm import LLMRequestTooLarge
from advisor.services import ReindexRunning

__all__ = ["OpenAIProblem", "install_error_handlers", "unavailable_body"]

log = logging.getLogger("advisor.api")


class OpenAIProblem(HTTPException):
    """A /v1 request OpenAI's API would refuse the same way: status, message, param, code."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None):
        super().__init__(status, message)
        self.param = param
        self.code = code


def error(
    request: Request,
    status: int,
    message: str,
    detail: Any = None,
    headers: dict[str, str] | None = None,
    **openai: str | None,
) -> JSONResponse:
    body = error_body(request.url.path, status, message, detail, **openai)
    return JSONResponse(body, status_code=status, headers=headers)


def unavailable_body(exc: AnswerUnavailable) -> dict[str, Any]:
    return {
        "error": f"{exc}; here are the sources I found",
        "detail": {
            "conversation_id": exc.conversation_id or None,
            "query": exc.query,
            "sources": [h.to_json() for h in exc.hits],
        },
    }


def _problem_text(problems: list[dict[str, Any]]) -> str:
    """`messages.0.role: Input should be 'user'...` for the first few problems, for /v1 clients."""
    parts = [".".join(str(part) for part in p["loc"] if part != "body") + f": {p['msg']}" for p in problems]
    return "; ".join(parts[:3])


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]  # the offending input is not echoed back: it may be a megabyte
        openai = request.url.path.startswith("/v1/")
        if any(p["type"] == "json_invalid" for p in problems):
            message = f"malformed JSON: {_problem_text(problems)}" if openai else "malformed JSON"
            return error(request, 400, message, problems, code="invalid_json")
        first = problems[0]["loc"] if problems else []
        param = ".".join(str(part) for part in first if part != "body") or None
        message = f"invalid request: {_problem_text(problems)}" if openai else "invalid request"
        return error(request, 422, message, problems, param=param, code="invalid_value")

    @app.exception_handler(OpenAIProblem)
    async def openai_problem(request: Request, exc: OpenAIProblem) -> JSONResponse:
        return error(request, exc.status_code, str(exc.detail), param=exc.param, code=exc.code)

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> JSONResponse:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path}"
        return error(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(BadQuestion)
    async def bad_question(request: Request, exc: BadQuestion) -> JSONResponse:
        return error(request, 422, str(exc), param="messages", code="invalid_value")

    @app.exception_handler(TooManyTurns)
    async def too_many_turns(request: Request, exc: TooManyTurns) -> JSONResponse:
        return error(request, 422, str(exc), param="messages", code="invalid_value")

    @app.exception_handler(ConversationNotFound)
    async def unknown_conversation(request: Request, exc: ConversationNotFound) -> JSONResponse:
        return error(request, 404, "unknown conversation", {"conversation_id": str(exc)})

    @app.exception_handler(AnswerUnavailable)
    async def llm_down(request: Request, exc: AnswerUnavailable) -> JSONResponse:
        body = unavailable_body(exc)
        return error(request, 503, body["error"], body["detail"])

    @app.exception_handler(LLMRequestTooLarge)
    async def too_large(request: Request, exc: LLMRequestTooLarge) -> JSONResponse:
        return error(request, 413, str(exc), code="context_length_exceeded")

    @app.exception_handler(ReindexRunning)
    async def running(request: Request, exc: ReindexRunning) -> JSONResponse:
        return error(request, 409, str(exc))

    @app.exception_handler(RulesError)
    async def unusable_rules(request: Request, exc: RulesError) -> JSONResponse:
        # the operator's cleaning-rules file in the corpus folder: the index in service stays
        return error(request, 409, f"cannot re-index: {exc}; the current index stays in service")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        request_id = getattr(request.state, "request_id", None)
        return error(request, 500, "internal error", {"request_id": request_id})
