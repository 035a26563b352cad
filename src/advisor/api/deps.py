"""Dependencies, so that routes read like prose: `advisor: AdvisorDep`, `_: AdminDep`."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from advisor.answer.engine import Advisor
from advisor.config import Settings
from advisor.services import Services

__all__ = ["API_KEY", "AdminDep", "AdvisorDep", "ApiKeyDep", "ServicesDep", "SettingsDep"]

# Declares the bearer scheme in the OpenAPI schema (the Authorize button of /docs); the
# API-key middleware has already refused a wrong key before any route runs.
_bearer = HTTPBearer(auto_error=False, description="an API key from ADVISOR_API_KEYS, when it is set")
_admin_bearer = HTTPBearer(
    auto_error=False, scheme_name="AdminToken", description="ADVISOR_ADMIN_TOKEN, for re-indexing"
)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_advisor(services: ServicesDep) -> Advisor:
    return services.advisor


def get_api_key(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    """The caller's API key (already checked by the middleware when keys are set), or None."""
    return credentials.credentials if credentials else None


def require_admin(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)],
) -> None:
    """403 when HTTP re-indexing is disabled, 401 for a missing or wrong admin token."""
    token = settings.admin_token
    if not token:
        raise HTTPException(403, "re-indexing over HTTP is disabled (set ADVISOR_ADMIN_TOKEN)")
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "missing or wrong admin token", headers={"www-authenticate": "Bearer"})


SettingsDep = Annotated[Settings, Depends(get_settings)]
AdvisorDep = Annotated[Advisor, Depends(get_advisor)]
ApiKeyDep = Annotated[str | None, Depends(get_api_key)]
AdminDep = Annotated[None, Depends(require_admin)]
# For a router's `dependencies=[API_KEY]`: shows the bearer scheme on each of its routes in /docs.
API_KEY = Depends(get_api_key)
