"""The API docs, offline: Swagger UI on /docs, served from the assets the fastapi-offline package
bundles (no CDN) and started by a script file (no inline script). No ReDoc: its page loads its
logo from a CDN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from advisor.api.web import templates

__all__ = ["ASSETS_URL", "assets", "router"]

ASSETS_URL = "/docs-assets"
router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """swagger-ui-bundle.js and swagger-ui.css, from the installed package."""
    return StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static")


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> Any:
    return templates.TemplateResponse(request, "docs.html", {"openapi_url": request.app.openapi_url})
