"""Security headers on every response: a strict CSP (no inline script) and friends; and
redirects that name no host (a Location built from the request's Host header would send a
client wherever that header, which the client chose, says)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from advisor.api.middleware.asgi import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "DOCS_CSP", "SecurityHeadersMiddleware"]

CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI (served from this server, started by a script file) styles elements inline;
# still no script, style or image from anywhere else.
DOCS_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    b"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs",)
NO_STORE_PREFIXES = ("/api/", "/v1/")
OTHER_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeadersMiddleware:
    """Adds each header the response does not set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = DOCS_CSP if path in DOCS_PATHS else CSP
        extra = [(b"content-security-policy", csp), *OTHER_HEADERS]
        if path.startswith(NO_STORE_PREFIXES):  # conversations and answers: no proxy may keep them
            extra.append((b"cache-control", b"no-store"))  # a stream's own no-cache stays

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [_relative(h) for h in message.get("headers", [])]
                names = {bytes(name).lower() for name, _ in headers}
                message["headers"] = headers + [h for h in extra if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _relative(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    """A Location header as a path (and query) on this server, whatever host it named."""
    name, value = header
    if bytes(name).lower() != b"location":
        return header
    parts = urlsplit(bytes(value).decode("latin-1"))
    path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return name, ("/" + path.lstrip("/")).encode("latin-1")  # "//evil.example" is a host too
