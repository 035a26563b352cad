"""A request id on every request and response, one JSON access-log line, request metrics."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable

from advisor.api.middleware.asgi import ASGIApp, Message, Receive, Scope, Send, header

__all__ = ["RequestLogMiddleware"]

access_log = logging.getLogger("advisor.access")


class RequestLogMiddleware:
    """Outermost: it sees every response, the other middleware's refusals included.

    observe(method, route template, status, seconds) feeds the request metrics; the
    server's request id is in `request.state.request_id` (a client's `X-Request-ID` is logged
    beside it, never used in its place).
    """

    def __init__(self, app: ASGIApp, observe: Callable[[str, str, int, float], None] | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # The server's own id, always: error bodies and logs must not carry what a client chose.
        given = (header(scope, b"x-request-id") or b"")[:64].decode("latin-1")
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            path: str = scope.get("path", "")
            template = getattr(scope.get("route"), "path", None)
            route = template or ("/" if path == "/" else "unmatched")
            if self.observe:
                self.observe(scope.get("method", ""), route, status, seconds)
            line = {"request_id": request_id, "method": scope.get("method"),
                    # the route's template, so no conversation id (a capability) reaches the logs
                    "path": template or path[:200], "status": status, "ms": round(seconds * 1000, 1),
                    "client": (scope.get("client") or ("-",))[0]}  # fmt: skip
            if given:
                line["client_request_id"] = given
            access_log.info(json.dumps(line))
