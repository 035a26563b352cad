"""Dependencies, so that routes read like prose: `services: ServicesDep`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from advisor.api.services import Services

__all__ = ["ServicesDep"]


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
