"""Where the page's files are: web/ at the top of a checkout, or advisor/web in an installed
wheel (setup.py copies it in)."""

from __future__ import annotations

from pathlib import Path

from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import advisor

__all__ = ["WEB_DIR", "static_files", "templates"]


def _web_dir() -> Path:
    package = Path(advisor.__file__).resolve().parent
    installed, checkout = package / "web", package.parents[1] / "web"
    return installed if installed.is_dir() else checkout


WEB_DIR = _web_dir()
templates = Jinja2Templates(directory=WEB_DIR / "templates")


def static_files() -> StaticFiles:
    return StaticFiles(directory=WEB_DIR / "static")
