"""429 with Retry-After past the rate limit: per API key when keys are set, else per client address."""

from __future__ import annotations

import time

from limits import parse, storage, strategies

from advisor.api.middleware.asgi import ASGIApp, Receive, Scope, Send, bearer, send_error
from advisor.api.middleware.keys import is_protected

__all__ = ["RateLimitMiddleware"]


class RateLimitMiddleware:
    """Only `/api/*` and `/v1/*` count; the page, static files and /health do not."""

    def __init__(self, app: ASGIApp, rate_limit: str, per_key: bool) -> None:
        self.app = app
        self.limit = parse(rate_limit)
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.per_key = per_key  # keys were checked already: each key is one caller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_protected(scope.get("path", "")):
            key = bearer(scope)
            who = key.decode("latin-1") if key and self.per_key else (scope.get("client") or ("-",))[0]
            if not self.limiter.hit(self.limit, who):
                reset = self.limiter.get_window_stats(self.limit, who).reset_time
                retry = max(1, int(reset - time.time()) + 1)
                await send_error(
                    scope, send, 429, "too many requests", {"retry_after_seconds": retry},
                    [(b"retry-after", str(retry).encode())],
                )  # fmt: skip
                return
        await self.app(scope, receive, send)
