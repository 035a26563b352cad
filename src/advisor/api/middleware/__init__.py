"""Pure ASGI middleware, one job each; every refusal is JSON, like the rest of the API.

`install_middleware` stacks them, outermost first: request id and access log, security
headers, CORS (so a preflight is answered, and a refusal readable, before any key check),
body limit, API keys, rate limit.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from advisor.api.middleware.body_limit import MAX_BODY_BYTES, BodyLimitMiddleware
from advisor.api.middleware.keys import ApiKeyMiddleware
from advisor.api.middleware.rate_limit import RateLimitMiddleware
from advisor.api.middleware.request_log import RequestLogMiddleware, RouteNames
from advisor.api.middleware.security import SecurityHeadersMiddleware
from advisor.config import Settings
from advisor.metrics import Metrics

__all__ = ["MAX_BODY_BYTES", "RouteNames", "install_middleware"]


def install_middleware(app: FastAPI, settings: Settings, metrics: Metrics, routes: RouteNames) -> None:
    # Starlette runs the last one added first: add them innermost first.
    keys = settings.api_key_list
    app.add_middleware(
        RateLimitMiddleware, rate_limit=settings.rate_limit, per_key=bool(keys),
        storage=settings.rate_limit_storage,
    )  # fmt: skip
    app.add_middleware(
        ApiKeyMiddleware, api_keys=keys, admin_token=settings.admin_token,
        private_metrics=settings.metrics_require_admin,
    )  # fmt: skip
    app.add_middleware(BodyLimitMiddleware)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id"],
            expose_headers=["x-request-id", "retry-after"],
            allow_credentials=False,  # bearer keys, never cookies
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestLogMiddleware, observe=metrics.observe_request, route_of=routes)
