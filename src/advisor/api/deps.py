"""Dependencies, so that routes read like prose: `advisor: AdvisorDep`, `_: AdminDep`."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from advisor.config import Settings
from advisor.conversation import owner_of
from advisor.engine import Advisor
from advisor.services import Services

__all__ = ["API_KEY", "AdminDep", "AdvisorDep", "ApiKeyDep", "OwnerDep", "ServicesDep", "SettingsDep"]

MIN_CLIENT_TOKEN = 16
CLIENT_TOKEN_HELP = (
    "without API keys: a random token the client keeps (the page makes one); conversations made "
    "with it are visible only with it"
)

# Declares the bearer scheme in the OpenAPI schema (the Authorize button of /docs); the
# API-key middleware has already refused a wrong key before any route runs.
_bearer = HTTPBearer(auto_error=False, description="an API key from ADVISOR_API_KEYS, when it is set")
_admin_bearer = HTTPBearer(
    auto_error=False, scheme_name="AdminToken", description="ADVISOR_ADMIN_TOKEN: re-index, library, gaps"
)


async def get_services(request: Request) -> Services:  # async: sync dependencies wait for a worker thread
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


async def get_advisor(services: ServicesDep) -> Advisor:
    return services.advisor


def get_api_key(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    """The caller's API key (already checked by the middleware when keys are set), or None."""
    return credentials.credentials if credentials else None


async def get_owner(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    x_client_token: Annotated[
        str,  # not `str | None`: a header is absent or a string, and the schema must not offer null
        # The length lives in the pattern, not in min_length: a generator that follows Python's
        # `$` may add a trailing newline, which HTTP strips, and the token must still be long enough.
        Header(description=CLIENT_TOKEN_HELP, pattern=rf"^[!-~]{{{MIN_CLIENT_TOKEN},128}}$"),
    ] = "",
) -> str | None:
    """Who owns the conversations this caller makes: its API key when keys are set, else the
    page's client token; None for a caller with neither (its conversations are open to the id).

    The key is read here without declaring a security scheme: /docs shows one (API_KEY) only
    where the server requires keys."""
    credentials = await _bearer(request) if settings.api_key_list else None
    if credentials:
        return owner_of("key", credentials.credentials)
    return owner_of("client", x_client_token) if x_client_token else None


def require_admin(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)],
) -> None:
    """403 when HTTP re-indexing is disabled, 401 for a missing or wrong admin token."""
    token = settings.admin_token
    if not token:
        raise HTTPException(
            403, "re-indexing and the admin API are disabled over HTTP (set ADVISOR_ADMIN_TOKEN and restart)"
        )
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "missing or wrong admin token", headers={"www-authenticate": "Bearer"})


SettingsDep = Annotated[Settings, Depends(get_settings)]
OwnerDep = Annotated[str | None, Depends(get_owner)]
AdvisorDep = Annotated[Advisor, Depends(get_advisor)]
ApiKeyDep = Annotated[str | None, Depends(get_api_key)]
AdminDep = Annotated[None, Depends(require_admin)]
# For a router's `dependencies=[API_KEY]`: shows the bearer scheme on each of its routes in /docs.
API_KEY = Depends(get_api_key)
