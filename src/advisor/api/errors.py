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
from advisor.errors import AdvisorError

__all__ = ["OpenAIProblem", "install_error_handlers", "unavailable_body"]

log = logging.getLogger("advisor.api")
# What FastAPI's body parsing raises, besides json.JSONDecodeError, for a body that is not JSON
_UNPARSED = (UnicodeError, RecursionError)


class OpenAIProblem(AdvisorError):
    """A /v1 request OpenAI's API would refuse the same way: status, message, param, code."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status  # type: ignore[misc]  # one instance's status, where classes set theirs
        self.param = param
        self.code = code  # type: ignore[assignment,misc]


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


def unavailable_body(exc: AdvisorError) -> dict[str, Any]:
    """The error event of a stream: what failed (the LLM, the store) and, for the LLM, the sources found."""
    return {"error": exc.message, "detail": exc.detail()}


def _problem_text(problems: list[dict[str, Any]]) -> str:
    """`messages.0.role: Input should be 'user'...` for the first few problems, for /v1 clients."""
    parts = [".".join(str(part) for part in p["loc"] if part != "body") + f": {p['msg']}" for p in problems]
    return "; ".join(parts[:3])


def _field_path(loc: Any) -> list[Any]:
    """The fields of an error's location, without pydantic's tags for the member of a union that
    failed ("function-after[_valid_unicode(), str]"): no field name holds a bracket."""
    return [part for part in loc if not (isinstance(part, str) and "[" in part)]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": _field_path(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
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

    @app.exception_handler(AdvisorError)
    async def advisor_error(request: Request, exc: AdvisorError) -> JSONResponse:
        """Every error the advisor raises on purpose: its class says the status and the code."""
        if exc.status >= 500:
            log.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        return error(request, exc.status, exc.message, exc.detail(), exc.headers() or None,
                     param=exc.param, code=exc.code)  # fmt: skip

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> JSONResponse:
        """Starlette's own (unknown path or method) and the key and token checks in deps.py."""
        if exc.status_code == 400 and isinstance(exc.__cause__, _UNPARSED):
            # FastAPI's "error parsing the body": not UTF-8, or nested past the parser's depth
            unicode = isinstance(exc.__cause__, UnicodeError)
            reason = "the body is not UTF-8" if unicode else "nested too deeply"
            openai = request.url.path.startswith("/v1/")
            message = f"malformed JSON: {reason}" if openai else "malformed JSON"
            return error(request, 400, message, [{"loc": ["body"], "msg": reason, "type": "json_invalid"}],
                         code="invalid_json")  # fmt: skip
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path}"
        return error(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        request_id = getattr(request.state, "request_id", None)
        return error(request, 500, "internal error", {"request_id": request_id})
