"""413 for a body over the limit: by Content-Length up front, or counted as a chunked upload arrives."""

from __future__ import annotations

from typing import Any

from advisor.api.middleware.asgi import ASGIApp, Message, Receive, Scope, Send, header, send_error
from advisor.errors import TooLarge

__all__ = ["MAX_BODY_BYTES", "BodyLimitMiddleware"]

MAX_BODY_BYTES = 1_000_000


class _BodyTooLarge(TooLarge):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _detail(self) -> dict[str, Any]:
        return {"max_bytes": self.max_bytes}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await send_error(scope, send, 413, "request body too large", self._detail())
            return
        seen = 0
        too_large = replied = False

        async def counted() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def reply_413() -> None:
            nonlocal replied
            if not replied:
                replied = True
                await send_error(scope, send, 413, "request body too large", self._detail())

        async def send_unless_cut(message: Message) -> None:
            if too_large:  # the app saw its body cut short (and may have answered 400): 413 instead
                await reply_413()
                return
            await send(message)

        try:
            await self.app(scope, counted, send_unless_cut)
        except _BodyTooLarge:
            await reply_413()
