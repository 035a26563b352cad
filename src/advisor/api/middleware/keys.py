"""API keys: when the server sets some, `/api/*` and `/v1/*` need `Authorization: Bearer KEY`."""

from __future__ import annotations

import secrets

from advisor.api.middleware.asgi import ASGIApp, Receive, Scope, Send, bearer, send_error

__all__ = ["ADMIN_PATHS", "PROTECTED_PREFIXES", "ApiKeyMiddleware", "is_protected"]

PROTECTED_PREFIXES = ("/api/", "/v1/")
ADMIN_PATHS = ("/api/reindex",)  # the route checks the admin token, which rides in the same header


def is_protected(path: str) -> bool:
    """Paths that need an API key (when keys are set) and that count against the rate limit."""
    return path.startswith(PROTECTED_PREFIXES) and path not in ADMIN_PATHS


class ApiKeyMiddleware:
    """Checked before the body is read, so a caller without a key costs nothing."""

    def __init__(self, app: ASGIApp, api_keys: list[str]) -> None:
        self.app = app
        self.api_keys = [k.encode() for k in api_keys]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.api_keys and is_protected(scope.get("path", "")):
            key = bearer(scope)
            if not any(secrets.compare_digest(key, k) for k in self.api_keys):
                await send_error(
                    scope, send, 401, "missing or wrong API key", "send Authorization: Bearer KEY",
                    [(b"www-authenticate", b"Bearer")],
                )  # fmt: skip
                return
        await self.app(scope, receive, send)
