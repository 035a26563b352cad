"""What the middleware share: ASGI types, the bearer token of a request, a JSON refusal."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from advisor.api.problems import error_body

__all__ = ["ASGIApp", "Message", "Receive", "Scope", "Send", "bearer", "header", "send_error"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of a request header (names are lower-case in ASGI)."""
    for key, value in scope.get("headers") or []:
        if key == name:
            return bytes(value)
    return None


def bearer(scope: Scope) -> bytes:
    """The token of `Authorization: Bearer TOKEN`, or b"" when there is none."""
    value = header(scope, b"authorization") or b""
    return value[7:].strip() if value[:7].lower() == b"bearer " else b""


async def send_error(
    scope: Scope,
    send: Send,
    status: int,
    message: str,
    detail: Any = None,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """A complete JSON error response, shaped for the path (OpenAI's envelope on /v1)."""
    payload = json.dumps(error_body(scope.get("path", ""), status, message, detail)).encode()
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
    )
    await send({"type": "http.response.body", "body": payload})
