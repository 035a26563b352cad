"""A request id on every request and response, one JSON access-log line, request metrics.

The line and the metrics name a request by its route's template, never by its path: a
conversation id is a capability, and a request refused before routing (401, 413, 429) or
redirected (the 307 of a trailing slash) is named by the template its path matches, else
"unmatched". Methods outside HTTP's usual few count as "OTHER", so odd requests cannot grow
the metrics without bound.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable

from starlette.routing import compile_path

from advisor.api.middleware.asgi import ASGIApp, Message, Receive, Scope, Send, header

__all__ = ["KNOWN_METHODS", "RequestLogMiddleware", "RouteNames"]

access_log = logging.getLogger("advisor.access")
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RouteNames:
    """Names a request by the route template its path matches: "/api/conversations/{conversation_id}"."""

    def __init__(self, templates: Iterable[str] = (), mounts: Iterable[str] = ()) -> None:
        self._routes = [(compile_path(t)[0], t) for t in templates]
        self._mounts = tuple(mounts)

    def __call__(self, scope: Scope) -> str:
        template = getattr(scope.get("route"), "path", None)
        if template:
            return str(template)
        path: str = scope.get("path", "")
        if path == "/":
            return "/"
        bare = path.rstrip("/") or "/"  # the 307 of a trailing slash is named by the route it sends to
        for pattern, name in self._routes:
            if pattern.match(bare):
                return name
        return next((m for m in self._mounts if bare == m or bare.startswith(m + "/")), "unmatched")


class RequestLogMiddleware:
    """Outermost: it sees every response, the other middleware's refusals included.

    observe(method, route template, status, seconds) feeds the request metrics; the
    server's request id is in `request.state.request_id` (a client's `X-Request-ID` is logged
    beside it, never used in its place).
    """

    def __init__(
        self,
        app: ASGIApp,
        observe: Callable[[str, str, int, float], None] | None = None,
        route_of: Callable[[Scope], str] | None = None,
    ) -> None:
        self.app = app
        self.observe = observe
        self.route_of = route_of or RouteNames()

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
            route = self.route_of(scope)
            given_method = str(scope.get("method", ""))
            method = given_method if given_method in KNOWN_METHODS else "OTHER"
            if self.observe:
                self.observe(method, route, status, seconds)
            line = {"request_id": request_id, "method": method,
                    # the route's template, so no conversation id (a capability) reaches the logs
                    "path": route, "status": status, "ms": round(seconds * 1000, 1),
                    "client": (scope.get("client") or ("-",))[0]}  # fmt: skip
            if given:
                line["client_request_id"] = given
            access_log.info(json.dumps(line))
