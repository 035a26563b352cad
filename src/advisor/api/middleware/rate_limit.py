"""429 with Retry-After past the rate limit: per API key when keys are set, else per client address.

The counts live in ADVISOR_RATE_LIMIT_STORAGE, a `limits` storage URI: `memory://` (this
process only) or `redis://host:6379` and its kin, shared by every worker and machine.
The storage is asynchronous, so a round trip to Redis never blocks the event loop.

The window slides by weighting the previous minute's count by how much of it still falls
inside the last minute (limits' sliding window counter): two counters per caller, so a hit
costs the same whatever the limit. The exact moving window kept one entry per request in
the window, and under load its upkeep took a thread hand-off per caller per sweep.
"""

from __future__ import annotations

import logging
import time

from limits import parse
from limits.aio import strategies
from limits.aio.storage import Storage
from limits.storage import storage_from_string

from advisor.api.middleware.asgi import ASGIApp, Receive, Scope, Send, bearer, send_error
from advisor.api.middleware.keys import is_protected

__all__ = ["RateLimitMiddleware", "async_storage"]

log = logging.getLogger("advisor.api")


def async_storage(uri: str) -> Storage:
    """The asyncio flavour of a `limits` storage URI (redis-py's client for the Redis family)."""
    scheme = uri.split("://", 1)[0]
    options = {"implementation": "redispy"} if scheme.startswith(("redis", "rediss")) else {}
    storage = storage_from_string(f"async+{uri}", **options)
    assert isinstance(storage, Storage)
    return storage


class RateLimitMiddleware:
    """Only `/api/*` and `/v1/*` count; the page, static files and /health do not."""

    def __init__(self, app: ASGIApp, rate_limit: str, per_key: bool, storage: str = "memory://") -> None:
        self.app = app
        self.limit = parse(rate_limit)
        self.limiter = strategies.SlidingWindowCounterRateLimiter(async_storage(storage))
        self.per_key = per_key  # keys were checked already: each key is one caller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_protected(scope.get("path", "")):
            key = bearer(scope)
            who = key.decode("latin-1") if key and self.per_key else (scope.get("client") or ("-",))[0]
            retry = await self._retry_after(who)
            if retry is not None:
                await send_error(
                    scope, send, 429, "too many requests", {"retry_after_seconds": retry},
                    [(b"retry-after", str(retry).encode())],
                )  # fmt: skip
                return
        await self.app(scope, receive, send)

    async def _retry_after(self, who: str) -> int | None:
        """Seconds to wait when `who` is over the limit; None to let the request through."""
        try:
            if await self.limiter.hit(self.limit, who):
                return None
            reset = (await self.limiter.get_window_stats(self.limit, who)).reset_time
        except Exception as exc:  # the limit store is down: serve rather than refuse everyone
            log.warning("rate limit storage unavailable, request let through: %s", exc)
            return None
        return max(1, int(reset - time.time()) + 1)
