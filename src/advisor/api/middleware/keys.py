"""API keys and the admin token, checked before the body is read; failed attempts throttled.

When the server sets keys, `/api/*` and `/v1/*` need `Authorization: Bearer KEY`;
`/api/reindex` needs the admin token, and so does `/metrics` when ADVISOR_METRICS_REQUIRE_ADMIN
is set. An address that sent AUTH_FAILURES wrong keys or tokens gets 429 (with Retry-After)
before its next one is even compared.
"""

from __future__ import annotations

import secrets
import time

from limits import parse, storage, strategies

from advisor.api.middleware.asgi import ASGIApp, Receive, Scope, Send, bearer, send_error

__all__ = [
    "ADMIN_PATHS",
    "AUTH_FAILURES",
    "METRICS_PATH",
    "PROTECTED_PREFIXES",
    "ApiKeyMiddleware",
    "is_protected",
]

PROTECTED_PREFIXES = ("/api/", "/v1/")
ADMIN_PATHS = (
    "/api/reindex",
    "/api/admin/library",
    "/api/admin/gaps",
)  # the admin token rides in the same header as a key
METRICS_PATH = "/metrics"
AUTH_FAILURES = "10/minute"  # wrong keys or tokens from one address before it must wait


def is_protected(path: str) -> bool:
    """Paths that need an API key (when keys are set) and that count against the rate limit."""
    return path.startswith(PROTECTED_PREFIXES) and path not in ADMIN_PATHS


class ApiKeyMiddleware:
    """A caller without the right key or token costs a comparison, never a body read."""

    def __init__(
        self, app: ASGIApp, api_keys: list[str], admin_token: str | None = None, private_metrics: bool = False
    ) -> None:
        self.app = app
        self.admin_paths = (*ADMIN_PATHS, METRICS_PATH) if private_metrics else ADMIN_PATHS
        self.api_keys = [k.encode() for k in api_keys]
        self.admin_token = admin_token.encode() if admin_token else None
        self.failures = parse(AUTH_FAILURES)
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        expected = self._expected(scope.get("path", "")) if scope["type"] == "http" else []
        if expected:
            who = (scope.get("client") or ("-",))[0]  # the socket peer, or what a trusted proxy says
            if not self.limiter.test(self.failures, who):
                reset = self.limiter.get_window_stats(self.failures, who).reset_time
                retry = max(1, int(reset - time.time()) + 1)
                await send_error(
                    scope, send, 429, "too many failed authentication attempts",
                    {"retry_after_seconds": retry},
                    [(b"retry-after", str(retry).encode())],
                )  # fmt: skip
                return
            given = bearer(scope)
            if not any(secrets.compare_digest(given, secret) for secret in expected):
                self.limiter.hit(self.failures, who)
                admin = scope.get("path") in self.admin_paths
                await send_error(
                    scope, send, 401, f"missing or wrong {'admin token' if admin else 'API key'}",
                    "send Authorization: Bearer " + ("ADMIN_TOKEN" if admin else "KEY"),
                    [(b"www-authenticate", b"Bearer")],
                )  # fmt: skip
                return
        await self.app(scope, receive, send)

    def _expected(self, path: str) -> list[bytes]:
        """The secrets one of which this path needs; none when it is open."""
        if path == METRICS_PATH and METRICS_PATH in self.admin_paths:
            return [self.admin_token] if self.admin_token else []  # config.py insists on a token
        if path in ADMIN_PATHS:
            return [self.admin_token] if self.admin_token else []  # unset: the route answers 403
        return self.api_keys if is_protected(path) else []
