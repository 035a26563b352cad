"""The chat page and its static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from advisor.answer.engine import STARTER_QUESTIONS

__all__ = ["WEB_DIR", "router", "static_files"]

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=WEB_DIR / "templates")


def static_files() -> StaticFiles:
    return StaticFiles(directory=WEB_DIR / "static")


@router.get("/", response_class=HTMLResponse)
def page(request: Request) -> Any:
    return templates.TemplateResponse(request, "index.html", {"starters": STARTER_QUESTIONS})
