"""Pure ASGI middleware: request ids and access logs, security headers, body size limit,
API keys and rate limiting. Every refusal is JSON, like the rest of the API."""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from limits import parse, storage, strategies

__all__ = ["MAX_BODY_BYTES", "SECURITY_HEADERS", "ProtectionMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 1_000_000
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]  # fmt: skip
# /docs loads Swagger UI from a CDN with an inline bootstrap script; it gets its own policy.
DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com"
)
PROTECTED_PREFIXES = ("/api/", "/v1/")
ADMIN_PATHS = ("/api/reindex",)
access_log = logging.getLogger("advisor.access")


class _BodyTooLarge(Exception):
    pass


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )  # fmt: skip
    await send({"type": "http.response.body", "body": payload})


class ProtectionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        api_keys: list[str],
        rate_limit: str,
        observe: Callable[[str, str, int, float], None] | None = None,
    ) -> None:
        self.app = app
        self.api_keys = [k.encode() for k in api_keys]
        self.limit = parse(rate_limit)
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"")[:64].decode("latin-1") or uuid.uuid4().hex
        path: str = scope.get("path", "")
        status_holder = {"status": 500}
        extra = [(b"x-request-id", request_id.encode())]
        extra += (
            [(b"content-security-policy", DOCS_CSP)] if path in ("/docs", "/redoc") else SECURITY_HEADERS[:1]
        )
        extra += SECURITY_HEADERS[1:]

        state = {"too_large": False, "replaced": False}

        async def send_with_headers(message: Message) -> None:
            if state["too_large"]:  # the app saw its body cut short: answer 413, drop its reply
                if not state["replaced"]:
                    state["replaced"] = True
                    await send_json(send_plain, 413, _too_large(), [])
                return
            await send_plain(message)

        async def send_plain(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in names)]
            await send(message)

        try:
            refusal = self._refusal(scope, headers, path)
            if refusal is not None:
                status, body, more = refusal
                await send_json(send_plain, status, body, more)
                return
            await self.app(scope, self._limited(receive, state), send_with_headers)
        except _BodyTooLarge:
            if not state["replaced"]:
                state["replaced"] = True
                await send_json(send_plain, 413, _too_large(), [])
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or ("unmatched" if path not in ("/",) else "/")
            if self.observe:
                self.observe(scope.get("method", ""), template, status_holder["status"], seconds)
            access_log.info(
                json.dumps(
                    {"request_id": request_id, "method": scope.get("method"), "path": path,
                     "status": status_holder["status"], "ms": round(seconds * 1000, 1),
                     "client": (scope.get("client") or ("-",))[0]}
                )
            )  # fmt: skip

    def _refusal(
        self, scope: Scope, headers: dict[bytes, bytes], path: str
    ) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]] | None:
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return 413, _too_large(), []
        if not path.startswith(PROTECTED_PREFIXES):
            return None
        key = _bearer(headers)
        if path in ADMIN_PATHS:
            return None  # the route checks the admin token, which rides in the same header
        if self.api_keys and not any(secrets.compare_digest(key, k) for k in self.api_keys):
            return (
                401,
                {"error": "missing or wrong API key", "detail": "send Authorization: Bearer KEY"},
                [(b"www-authenticate", b"Bearer")],
            )
        who = key.decode("latin-1") if key and self.api_keys else (scope.get("client") or ("-",))[0]
        if not self.limiter.hit(self.limit, who):
            reset = self.limiter.get_window_stats(self.limit, who).reset_time
            retry = max(1, int(reset - time.time()) + 1)
            return (
                429,
                {"error": "too many requests", "detail": {"retry_after_seconds": retry}},
                [(b"retry-after", str(retry).encode())],
            )
        return None

    @staticmethod
    def _limited(receive: Receive, state: dict[str, bool]) -> Receive:
        """Count body bytes as they arrive: a chunked upload past the limit stops early."""
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_BODY_BYTES:
                    state["too_large"] = True
                    raise _BodyTooLarge
            return message

        return wrapped


def _bearer(headers: dict[bytes, bytes]) -> bytes:
    value = headers.get(b"authorization", b"")
    return value[7:].strip() if value[:7].lower() == b"bearer " else b""


def _too_large() -> dict[str, Any]:
    return {"error": "request body too large", "detail": {"max_bytes": MAX_BODY_BYTES}}
