"""The chat page, the operators' page and the favicon."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from advisor.api.web import WEB_DIR, templates
from advisor.engine import STARTER_QUESTIONS

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def page(request: Request) -> Any:
    needs_key = bool(request.app.state.services.settings.api_key_list)  # then the page asks for one
    context = {"starters": STARTER_QUESTIONS, "needs_key": needs_key}
    return templates.TemplateResponse(request, "index.html", context)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request) -> Any:
    """The operators' page; everything on it comes from /api/admin/* with the token typed in."""
    enabled = bool(request.app.state.services.settings.admin_token)
    return templates.TemplateResponse(request, "admin.html", {"admin_enabled": enabled})


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page links: the same SVG icon."""
    return FileResponse(WEB_DIR / "static" / "favicon.svg", media_type="image/svg+xml")
